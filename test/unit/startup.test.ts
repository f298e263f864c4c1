import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { COMPILED_TEMPLATES_FILE, compileTemplates, loadTemplates } from '../../src/adapters/templates.js';
import { codeCacheDir, loadCli } from '../../src/boot/load-cli.js';
import { makeTempDir, removeTempDirs, runCli } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/paths.js';

/** Node ≥ 22.1 keeps compiled code itself (module.enableCompileCache); Node 20 goes through our vm.Script cache. */
const nodeCompileCache = typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function';

/** loadCli in a fresh Node process, as bin runs it (then saveCache, as bin does after the command). */
function loadInChild(argv: readonly string[], env: NodeJS.ProcessEnv): { how: string; cacheHit: boolean } {
  const loader = pathToFileURL(join(REPO_ROOT, 'dist', 'src', 'boot', 'load-cli.js')).href;
  const script = `const { loadCli } = await import(${JSON.stringify(loader)}); const cli = await loadCli(${JSON.stringify(argv)}); cli.saveCache(); process.stdout.write(JSON.stringify({ how: cli.how, cacheHit: cli.cacheHit }));`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, ...env }, encoding: 'utf8' });
  expect(result.status, result.stderr).to.equal(0);
  return JSON.parse(result.stdout) as { how: string; cacheHit: boolean };
}

/** Startup (#14): the bundle bin loads, V8's code kept between runs, templates compiled at build time. */
describe('startup', function () {
  this.timeout(120_000);
  after(removeTempDirs);

  describe('the code cache (Node 20: vm.Script cachedData)', function () {
    before(function () {
      if (nodeCompileCache) this.skip();
    });

    it('is made after the first run of a command, used by the next, and ignored when V8 rejects it', () => {
      // Each load in a process of its own: within one process V8 finds the script in its own
      // compilation cache and never looks at the data (nor rejects it).
      const env = { CP_GITOPS_CACHE_DIR: makeTempDir('cp-gitops-code-cache-') };
      expect(loadInChild(['init', './p'], env)).to.deep.equal({ how: 'bundle+code-cache', cacheHit: false });
      const [file, ...others] = readdirSync(codeCacheDir(env));
      expect(others).to.deep.equal([]);
      expect(file).to.match(/-init\.v8$/);
      expect(loadInChild(['init', './q'], env)).to.deep.equal({ how: 'bundle+code-cache', cacheHit: true });

      // Data V8 cannot use (another build wrote it, a disk error): a slower start, then a new cache.
      writeFileSync(join(codeCacheDir(env), file!), Buffer.alloc(4096, 7));
      expect(loadInChild(['init'], env)).to.deep.equal({ how: 'bundle+code-cache', cacheHit: false });
      expect(loadInChild(['init'], env)).to.deep.equal({ how: 'bundle+code-cache', cacheHit: true });
    });

    it('keeps one file per command (its help apart), replaces earlier builds of this installation only, and can be turned off', async () => {
      const env = { CP_GITOPS_CACHE_DIR: makeTempDir('cp-gitops-code-cache-') };
      const dir = codeCacheDir(env);
      (await loadCli(['validate'], env)).saveCache();
      const [validateFile] = readdirSync(dir);
      const installation = validateFile!.split('-').slice(0, 3).join('-');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${installation}-0.0.1-1-2-nodev1-x64-validate.v8`), 'an earlier build');
      writeFileSync(join(dir, 'cp-gitops-0123456789ab-0.1.0-1-2-nodev1-x64-validate.v8'), 'another installation');
      (await loadCli(['--help'], env)).saveCache();
      (await loadCli(['validate', '--help'], env)).saveCache();
      expect(readdirSync(dir).sort()).to.deep.equal([validateFile!.replace(/validate\.v8$/, 'other-help.v8'), validateFile!.replace(/validate\.v8$/, 'validate-help.v8'), 'cp-gitops-0123456789ab-0.1.0-1-2-nodev1-x64-validate.v8', validateFile!].sort());

      const off = await loadCli(['validate'], { ...env, NODE_DISABLE_COMPILE_CACHE: '1' });
      expect(off.how).to.equal('bundle');
      expect((await loadCli(['validate'], { ...env, CP_GITOPS_NO_CACHE: '1' })).how, 'CP_GITOPS_NO_CACHE=1 too').to.equal('bundle');
    });

    it('a run through bin with an unusable cache file prints what a run without one prints', async () => {
      const env = { CP_GITOPS_CACHE_DIR: makeTempDir('cp-gitops-code-cache-') };
      const clean = await runCli(['init', '--help'], { env: { NODE_DISABLE_COMPILE_CACHE: '1' } });
      expect(clean.code).to.equal(0);
      const made = await runCli(['init', '--help'], { env });
      const [file] = readdirSync(codeCacheDir(env));
      writeFileSync(join(codeCacheDir(env), file!), Buffer.alloc(4096, 7));
      const corrupted = await runCli(['init', '--help'], { env });
      for (const result of [made, corrupted]) expect({ code: result.code, stdout: result.stdout, stderr: result.stderr }).to.deep.equal({ code: 0, stdout: clean.stdout, stderr: '' });
      expect(clean.stdout).to.include('cp-gitops init [dir]');
    });
  });

  it('validate through bin takes the build-time validators from the bundle, not from dist/generated', async () => {
    const dir = makeTempDir('cp-gitops-startup-');
    const init = await runCli(['init', join(dir, 'p'), '--repo-url', 'https://git.example.org/acme/p.git']);
    expect(init.code, init.stderr).to.equal(0);
    // Every module Node's CommonJS loader is asked for (require of ES modules included), on stderr.
    const preload = join(dir, 'trace-require.cjs');
    writeFileSync(preload, "const Module = require('node:module');\nconst load = Module._load;\nModule._load = function (request, ...rest) { process.stderr.write(`require ${request}\\n`); return load.call(this, request, ...rest); };\n");
    const result = spawnSync(process.execPath, ['--require', preload, join(REPO_ROOT, 'bin', 'cp-gitops.js'), 'validate', join(dir, 'p')], { encoding: 'utf8', env: { ...process.env, CP_GITOPS_CACHE_DIR: join(dir, 'cache') } });
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/^no errors or warnings \(/m);
    const required = result.stderr.split('\n').filter((line) => line.startsWith('require '));
    // The trace sees the bundle's own requires (its first line asks for node:url)…
    expect(required).to.include('require node:url');
    // …and none of the 25 build-time modules: the registry and the model validator got them bundled.
    expect(required.filter((line) => line.includes('generated'))).to.deep.equal([]);
  });

  describe('templates compiled at build time', () => {
    it('dist/generated/templates.json holds exactly the values the YAML templates parse to', () => {
      const built = JSON.parse(readFileSync(join(REPO_ROOT, COMPILED_TEMPLATES_FILE), 'utf8')) as unknown;
      expect(built).to.deep.equal(JSON.parse(JSON.stringify(compileTemplates())));
    });

    it('a template edited after the build is read from its YAML, not from the stale copy', () => {
      const root = makeTempDir('cp-gitops-templates-');
      for (const folder of ['base-templates', 'overlays-templates', join('dist', 'generated')]) mkdirSync(join(root, folder), { recursive: true });
      for (const folder of ['base-templates', 'overlays-templates']) {
        for (const file of readdirSync(join(REPO_ROOT, folder))) writeFileSync(join(root, folder, file), readFileSync(join(REPO_ROOT, folder, file)));
      }
      for (const file of [COMPILED_TEMPLATES_FILE, join('dist', 'generated', 'toolchain.json')]) writeFileSync(join(root, file), readFileSync(join(REPO_ROOT, file)));
      expect(loadTemplates(root).units).to.deep.equal(loadTemplates().units);

      const kafka = join(root, 'base-templates', 'kafka.yaml');
      writeFileSync(kafka, readFileSync(kafka, 'utf8').replace(/^unit: .*$/m, 'unit: kafka-edited'));
      expect(loadTemplates(root).units.map((unit) => unit.unit)).to.include('kafka-edited');
    });
  });
});
