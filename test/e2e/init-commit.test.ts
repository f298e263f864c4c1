import { expect } from 'chai';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_BIN, expectExit, git, makeTempDir, removeTempDirs, runCli } from '../helpers/cli.js';
import { NEUTRAL_ENV } from '../helpers/git-remotes.js';

/** init's git work and its own validation, through the built bin: which git commands run, what an interrupt leaves. */
describe('init: the first commit and the validation of what it generated (built bin)', () => {
  after(removeTempDirs);

  it('without a remote, runs git init, var, fast-import, reset and config (core.hooksPath), and no other git command', async () => {
    const parent = makeTempDir('cp-gitops-init-commit-');
    const trace = join(parent, 'trace.txt');
    const result = await runCli(['init', 'p'], { cwd: parent, env: { ...NEUTRAL_ENV, GIT_TRACE: trace } });
    expectExit(result, 0);
    const commands = readFileSync(trace, 'utf8')
      .split('\n')
      .map((line) => /trace: (?:built-in|exec|run_command): git (\S+)/.exec(line)?.[1])
      .filter((command): command is string => command !== undefined);
    expect(commands).to.deep.equal(['init', 'var', 'fast-import', 'reset', 'config']);
    const dir = join(parent, 'p');
    expect(git(['status', '--porcelain', '--untracked-files=all'], dir)).to.equal('');
    expect(git(['config', 'core.hooksPath'], dir)).to.equal('.githooks');
    expect(git(['log', '--format=%s'], dir)).to.equal('cp-gitops init: Confluent Platform GitOps repository');
  });

  it('reports the findings cp-gitops validate then finds in the written repository', async () => {
    const parent = makeTempDir('cp-gitops-init-commit-');
    const init = await runCli(['init', 'p'], { cwd: parent, env: NEUTRAL_ENV });
    expectExit(init, 0);
    const validate = await runCli(['validate', 'p', '--json'], { cwd: parent, env: NEUTRAL_ENV });
    expectExit(validate, 0);
    const summary = (JSON.parse(validate.stdout) as { summary: string }).summary;
    expect(summary).to.match(/^0 errors, \d+ warnings? /);
    expect(init.stdout).to.include(`cp-gitops validate: ${summary}.`);
  });

  it('SIGTERM while git fast-import writes the commit leaves nothing: no folder, no staging folder; exit 143', async () => {
    const parent = makeTempDir('cp-gitops-init-commit-signal-');
    // A git in front of the real one that, for fast-import, says so and waits (until the signal ends it).
    const shims = makeTempDir('cp-gitops-init-commit-shims-');
    const marker = join(shims, 'importing');
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    writeFileSync(join(shims, 'git'), `#!/bin/sh\nif [ "$1" = fast-import ]; then touch '${marker}'; sleep 60; fi\nexec '${realGit}' "$@"\n`);
    chmodSync(join(shims, 'git'), 0o755);
    // Its own process group, signalled whole, as a terminal's Ctrl-C or a CI stop does.
    const child = spawn(process.execPath, [CLI_BIN, 'init', 'p', '--components', 'kafka'], {
      cwd: parent,
      env: { ...process.env, ...NEUTRAL_ENV, PATH: `${shims}:${process.env.PATH ?? ''}` },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdout.resume();
    const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    for (const started = Date.now(); !existsSync(marker); await new Promise((resolve) => setTimeout(resolve, 50))) {
      if (Date.now() - started > 60_000) throw new Error('timed out waiting for git fast-import');
    }
    process.kill(-child.pid!, 'SIGTERM');
    expect(await done, stderr).to.equal(143);
    expect(stderr).to.match(/interrupted \(SIGTERM\); nothing was written \(the staging folder \S+ is removed\)/);
    expect(readdirSync(parent)).to.deep.equal([]);
  });
});
