import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { loadTemplates } from '../../src/adapters/templates.js';
import { INSTALL_KUSTOMIZE } from '../../src/generator/gitlab-ci.js';
import { git, makeTempDir, removeTempDirs, runCli } from '../helpers/cli.js';
import { publishFromCache, startLocalRegistry, type LocalRegistry } from '../helpers/local-registry.js';
import { REPO_ROOT } from '../helpers/paths.js';

// The package as users get it: `npm pack` → a tarball that installs and runs in an empty folder; a
// registry on 127.0.0.1 serving it; a clone of a generated repository that runs `npm ci && npx
// cp-gitops validate` and a push through its hook with the pinned copy. One tarball for all tests.

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Run {
  const result = spawnSync(command, [...args], { cwd, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 300_000 });
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

function expectOk(result: Run, what: string): void {
  expect(result.status, `${what} failed:\n${result.stdout}\n${result.stderr}`).to.equal(0);
}

const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('distribution (npm pack, a local registry, a generated repository)', function () {
  this.timeout(600_000);
  let work: string;
  let tarball: string;
  let packed: string[];
  /** npm pack with a dead registry: nothing it might look up goes out. */
  let offlineNpmrc: string;

  before(function () {
    work = makeTempDir('cp-gitops-e2e-dist-');
    offlineNpmrc = join(work, 'offline-npmrc');
    writeFileSync(offlineNpmrc, 'registry=http://127.0.0.1:9/\naudit=false\nfund=false\nupdate-notifier=false\n');
    // --ignore-scripts: the suite runs on a build already (prepare would build again).
    const pack = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], REPO_ROOT, { npm_config_userconfig: offlineNpmrc });
    expectOk(pack, 'npm pack');
    const [report] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    tarball = join(work, report!.filename);
    packed = report!.files.map((file) => file.path);
  });
  after(removeTempDirs);

  it('packs LICENSE, bin, the compiled cp-gitops with its schemas, templates and docs; no tests, benchmarks, sources or source maps', function () {
    for (const path of ['LICENSE', 'package.json', 'README.md', 'bin/cp-gitops.js', 'dist/bundle/cp-gitops.cjs', 'dist/src/boot/load-cli.js', 'dist/src/cli/main.js', 'dist/generated/toolchain.json', 'dist/generated/templates.json', 'base-templates/kafka.yaml', 'overlays-templates/sizes.yaml', 'docs/commands.md']) {
      expect(packed, path).to.include(path);
    }
    expect(packed.some((path) => path.startsWith('dist/generated/schemas/'))).to.equal(true);
    expect(packed.filter((path) => /^dist\/(test|bench)\/|\.map$|\.ts$|^src\/|^test\//.test(path) && !path.endsWith('.d.ts'))).to.deep.equal([]);
    expect(readFileSync(join(REPO_ROOT, 'LICENSE'), 'utf8')).to.match(/Apache License\s+Version 2\.0/);
  });

  describe('through a registry on 127.0.0.1 (verdaccio, no uplinks)', function () {
    let registry: LocalRegistry;
    before(async function () {
      registry = await startLocalRegistry(join(work, 'registry'));
      // cp-gitops's runtime dependencies, from npm's cache (this project's npm ci put them there).
      await publishFromCache(registry, loadTemplates().toolchain.lockPackages);
      expectOk(run('npm', ['publish', tarball, '--ignore-scripts'], work, { npm_config_userconfig: registry.npmrc }), 'npm publish to the local registry');
    });
    after(async function () {
      await registry?.stop();
    });

    it('the tarball installs into an empty folder and runs: --version, init, validate', function () {
      const empty = join(work, 'empty');
      mkdirSync(empty);
      const env = { npm_config_userconfig: registry.npmrc, npm_config_cache: join(work, 'npm-cache') };
      expectOk(run('npm', ['install', tarball], empty, env), 'npm install of the tarball');
      const bin = join(empty, 'node_modules', '.bin', 'cp-gitops');
      const version = run(bin, ['--version'], empty);
      expectOk(version, 'cp-gitops --version');
      expect(version.stdout.trim()).to.equal(VERSION);
      // A cache folder of its own: the first run of each command leaves V8's code for the next
      // (src/boot/load-cli.ts), which proves the installed bin runs the bundle.
      const cacheEnv = { CP_GITOPS_CACHE_DIR: join(work, 'cp-gitops-cache') };
      expectOk(run(bin, ['init', './platform', '--repo-url', 'https://git.example.org/acme/p.git'], empty, cacheEnv), 'init from the installed tarball');
      expectOk(run(bin, ['validate', './platform'], empty, cacheEnv), 'validate from the installed tarball');
      expectOk(run(bin, ['validate', './platform'], empty, cacheEnv), 'validate from the installed tarball, with a code cache');
      if (typeof (module as { enableCompileCache?: unknown }).enableCompileCache !== 'function') {
        expect(readdirSync(join(work, 'cp-gitops-cache', 'code')).filter((name) => name.endsWith('.v8')).map((name) => name.replace(/^.*-/, ''))).to.have.members(['init.v8', 'validate.v8']);
      }
    });

    it('a clone of a generated repository: npm ci && npx cp-gitops validate, and its pre-push hook runs the pinned copy', async function () {
      const remote = join(work, 'remote.git');
      git(['init', '--bare', '--quiet', remote], work);
      const init = await runCli(['init', join(work, 'platform'), '--repo-url', 'https://git.example.org/acme/p.git', '--remote', remote], { cwd: work });
      expect(init.code, init.stderr).to.equal(0);
      const clone = join(work, 'clone');
      git(['clone', '--quiet', '--branch', 'main', remote, clone], work);
      // An npm cache of its own (filled from the local registry above), never this machine's.
      const env = { npm_config_userconfig: registry.npmrc, npm_config_cache: join(work, 'npm-cache') };
      expectOk(run('npm', ['ci'], clone, env), 'npm ci in the clone');
      const installed = JSON.parse(readFileSync(join(clone, 'node_modules', 'cp-gitops', 'package.json'), 'utf8')) as { version: string };
      expect(installed.version).to.equal(VERSION);
      const validate = run('npx', ['--no-install', 'cp-gitops', 'validate'], clone, env);
      expectOk(validate, 'npx cp-gitops validate');
      expect(validate.stdout).to.match(/^no errors or warnings \(/m);
      expect(git(['status', '--porcelain'], clone)).to.equal('', 'npm ci changes no tracked file, and node_modules/ is ignored');

      git(['config', 'core.hooksPath', '.githooks'], clone);
      writeFileSync(join(clone, 'NOTES.md'), 'a teammate was here\n');
      git(['add', 'NOTES.md'], clone);
      git(['-c', 'user.name=t', '-c', 'user.email=t@cp-gitops.invalid', 'commit', '--quiet', '-m', 'notes'], clone);
      const hookEnv = { ...env, CP_GITOPS_BIN: '' };
      const push = run('git', ['push', '--quiet', 'origin', 'HEAD:main'], clone, hookEnv);
      expectOk(push, 'git push through the pre-push hook');
      expect(push.stderr).to.include('cp-gitops pre-push: validating HEAD').and.match(/no errors or warnings/);
    });

    it('a GitLab repository: the jobs of its .gitlab-ci.yml run as written in a clone (before_script, validate, drift, docs), and the Code Quality report parses', async function () {
      const made = join(work, 'gitlab-platform');
      const init = await runCli(['init', made, '--repo-url', 'https://gitlab.example.org/acme/p.git'], { cwd: work });
      expect(init.code, init.stderr).to.equal(0);
      const model = join(made, 'cp-gitops.yaml');
      writeFileSync(model, readFileSync(model, 'utf8').replace(/^(repoURL: .*\n)/m, '$1gitProvider:\n  type: gitlab\n  repository: acme/p\n'));
      expect((await runCli(['generate', made])).code).to.equal(0);
      git(['add', '--all'], made);
      git(['-c', 'user.name=t', '-c', 'user.email=t@cp-gitops.invalid', 'commit', '--quiet', '-m', 'on GitLab'], made);
      const ci = parse(readFileSync(join(made, '.gitlab-ci.yml'), 'utf8')) as { default: { before_script: string[] } } & Record<string, { script?: string[] }>;
      // Each job as the runner runs it: a fresh checkout, before_script then script, stopping at the first failing line.
      const env = { npm_config_userconfig: registry.npmrc };
      const runJob = (name: string, checkout: string): Run => {
        const script = ci[name]!.script!.filter((line) => {
          // Downloads Kustomize from GitHub, which this machine cannot reach; --render uses the kubectl on PATH instead.
          if (line === INSTALL_KUSTOMIZE) process.stdout.write(`      skipped in ${name}: the pinned Kustomize download (offline; kubectl kustomize renders)\n`);
          return line !== INSTALL_KUSTOMIZE;
        });
        return run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', [...ci.default.before_script, ...script].join('\n')], checkout, env);
      };
      const checkout = (name: string): string => {
        const target = join(work, `gitlab-${name}`);
        git(['clone', '--quiet', made, target], work);
        return target;
      };
      for (const name of ['drift', 'docs']) expectOk(runJob(name, checkout(name)), `the ${name} job`);
      const clean = checkout('validate');
      const validate = runJob('validate', clean);
      expectOk(validate, 'the validate job');
      expect(validate.stdout).to.match(/^no errors or warnings \(/m);
      expect(JSON.parse(readFileSync(join(clean, 'gl-code-quality-report.json'), 'utf8'))).to.deep.equal([]);
      expect(git(['status', '--porcelain'], clean), 'npm cache and report are ignored').to.equal('');

      // The same checkout with a merge request's plaintext Secret.
      const leaky = clean;
      writeFileSync(join(leaky, 'overlays', 'dev', 'leak.yaml'), 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: leak\nstringData:\n  password: correct-horse-battery\n');
      const failing = runJob('validate', leaky);
      expect(failing.status, 'the job fails on errors').to.equal(1);
      const issues = JSON.parse(readFileSync(join(leaky, 'gl-code-quality-report.json'), 'utf8')) as { check_name: string; location: { path: string } }[];
      expect(issues.map((issue) => `${issue.check_name} ${issue.location.path}`)).to.include('policy/plaintext-secret overlays/dev/leak.yaml');
    });
  });
});
