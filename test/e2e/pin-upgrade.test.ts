import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { expectExit, git, makeTempDir, removeTempDirs, runCli } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/paths.js';

// Decision 39: a generated repository pins the cp-gitops that made it; `generate` run by a newer
// cp-gitops moves the pin (package.json and package-lock.json) to that release, like any other
// generated file. The newer release is a copy of this package with a higher version.

interface Manifest {
  version: string;
  devDependencies: Record<string, string>;
}
interface Lock {
  packages: Record<string, { version?: string; devDependencies?: Record<string, string> }>;
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

/** This package, copied (not linked: the CLI finds its templates from its real path) with another version. */
function packageWithVersion(version: string): string {
  const root = makeTempDir('cp-gitops-newer-');
  for (const path of ['bin', 'base-templates', 'overlays-templates', 'package.json', join('dist', 'src'), join('dist', 'generated')]) {
    cpSync(join(REPO_ROOT, path), join(root, path), { recursive: true });
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'));
  for (const file of ['package.json', join('dist', 'generated', 'toolchain.json')]) {
    const json = readJson<Record<string, unknown>>(join(root, file));
    writeFileSync(join(root, file), `${JSON.stringify({ ...json, version }, null, 2)}\n`);
  }
  return root;
}

describe('generate moves the pinned cp-gitops to the release that runs it (decision 39)', function () {
  this.timeout(120_000);
  after(removeTempDirs);

  it('rewrites package.json and package-lock.json with the newer version, and only those files', async () => {
    const ours = readJson<Manifest>(join(REPO_ROOT, 'package.json')).version;
    const work = makeTempDir('cp-gitops-pin-');
    const repo = join(work, 'platform');
    expectExit(await runCli(['init', repo, '--components', 'kafka', '--envs', 'dev']), 0);
    expect(readJson<Manifest>(join(repo, 'package.json')).devDependencies['cp-gitops']).to.equal(ours);

    const newer = packageWithVersion('99.0.0');
    const run = spawnSync(process.execPath, [join(newer, 'bin', 'cp-gitops.js'), 'generate'], { cwd: repo, encoding: 'utf8' });
    expect(run.status, `${run.stdout}\n${run.stderr}`).to.equal(0);

    expect(readJson<Manifest>(join(repo, 'package.json')).devDependencies['cp-gitops']).to.equal('99.0.0');
    const lock = readJson<Lock>(join(repo, 'package-lock.json'));
    expect(lock.packages['']!.devDependencies!['cp-gitops']).to.equal('99.0.0');
    expect(lock.packages['node_modules/cp-gitops']!.version).to.equal('99.0.0');
    git(['add', '--all'], repo);
    const changed = git(['diff', '--cached', '--name-only'], repo)
      .split('\n')
      .filter((path) => !path.startsWith('.cp-gitops/generated/'));
    expect(changed.sort()).to.deep.equal(['package-lock.json', 'package.json']);
    // The newer release finds no drift left.
    const validate = spawnSync(process.execPath, [join(newer, 'bin', 'cp-gitops.js'), 'generate', '--check'], { cwd: repo, encoding: 'utf8' });
    expect(validate.status, `${validate.stdout}\n${validate.stderr}`).to.equal(0);
  });
});
