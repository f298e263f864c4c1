import { expect } from 'chai';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_BIN, expectExit, git, makeTempDir, removeTempDirs, runCli, snapshotFiles } from '../helpers/cli.js';
import { NEUTRAL_ENV } from '../helpers/git-remotes.js';

/** init's git work and its own validation, through the built bin: which git commands run, what an interrupt leaves. */
describe('init: the first commit and the validation of what it generated (built bin)', () => {
  after(removeTempDirs);

  it('without a remote, runs git init, then var and config (core.hooksPath), fast-import and reset, and no other git command', async () => {
    const parent = makeTempDir('cp-gitops-init-commit-');
    const trace = join(parent, 'trace.txt');
    const result = await runCli(['init', 'p'], { cwd: parent, env: { ...NEUTRAL_ENV, GIT_TRACE: trace } });
    expectExit(result, 0);
    const commands = readFileSync(trace, 'utf8')
      .split('\n')
      .map((line) => /trace: (?:built-in|exec|run_command): git (\S+)/.exec(line)?.[1])
      .filter((command): command is string => command !== undefined);
    // git config (core.hooksPath) runs beside git var -l, in either order.
    expect(commands[0]).to.equal('init');
    expect(commands.slice(1, 3).sort()).to.deep.equal(['config', 'var']);
    expect(commands.slice(3)).to.deep.equal(['fast-import', 'reset']);
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

  /**
   * A git in front of the real one: for `command` (the first argument that is not an option), it runs
   * `action` (shell; $SHIMS is the shim's own folder, for markers) first. Returns the folder to put first on PATH.
   */
  function gitShim(command: string, action: string): string {
    const shims = makeTempDir('cp-gitops-init-commit-shims-');
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    const script = `#!/bin/sh\nSHIMS='${shims}'\nfor arg in "$@"; do case "$arg" in -c) ;; -*|*=*) ;; *) [ "$arg" = ${command} ] && { ${action}; }; break ;; esac; done\nexec '${realGit}' "$@"\n`;
    writeFileSync(join(shims, 'git'), script);
    chmodSync(join(shims, 'git'), 0o755);
    return shims;
  }

  /** Starts init in its own process group; resolves with its exit code and stderr once it ends. */
  function startInit(parent: string, shims: string): { pid: number; done: Promise<{ code: number | null; stderr: string }> } {
    const child = spawn(process.execPath, [CLI_BIN, 'init', 'p', '--components', 'kafka'], {
      cwd: parent,
      env: { ...process.env, ...NEUTRAL_ENV, PATH: `${shims}:${process.env.PATH ?? ''}` },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdout.resume();
    return { pid: child.pid!, done: new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr }))) };
  }

  /** Whether `pid` still runs: gone, or a zombie nobody reaped yet (a container's pid 1 may not), is not running. */
  function isRunning(pid: number): boolean {
    try {
      process.kill(pid, 0);
    } catch {
      return false;
    }
    const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
    return !/^\d+ \(.*\) Z /.test(stat);
  }

  async function waitFor(marker: string, what: string): Promise<void> {
    for (const started = Date.now(); !existsSync(marker); await new Promise((resolve) => setTimeout(resolve, 50))) {
      if (Date.now() - started > 60_000) throw new Error(`timed out waiting for ${what}`);
    }
  }

  it('SIGTERM while git fast-import writes the commit leaves nothing: no folder, no staging folder; exit 143', async () => {
    const parent = makeTempDir('cp-gitops-init-commit-signal-');
    // For fast-import, the shim says so and waits (until the signal ends it).
    const shims = gitShim('fast-import', 'touch "$SHIMS/importing"; sleep 60');
    const init = startInit(parent, shims);
    await waitFor(join(shims, 'importing'), 'git fast-import');
    // The whole group, as a terminal's Ctrl-C or a CI stop does.
    process.kill(-init.pid, 'SIGTERM');
    const { code, stderr } = await init.done;
    expect(code, stderr).to.equal(143);
    expect(stderr).to.match(/interrupted \(SIGTERM\); nothing was written \(the staging folder \S+ is removed\)/);
    expect(readdirSync(parent)).to.deep.equal([]);
  });

  it('SIGTERM to cp-gitops alone while git init runs (beside the generation) kills it and leaves nothing; exit 143', async () => {
    const parent = makeTempDir('cp-gitops-init-commit-signal-');
    // exec: the waiting process keeps the shim's pid, which cp-gitops must kill (the signal reached only cp-gitops).
    const shims = gitShim('init', 'echo $$ > "$SHIMS/pid"; touch "$SHIMS/initialising"; exec sleep 60');
    const init = startInit(parent, shims);
    await waitFor(join(shims, 'initialising'), 'git init');
    process.kill(init.pid, 'SIGTERM');
    const { code, stderr } = await init.done;
    expect(code, stderr).to.equal(143);
    expect(stderr).to.match(/nothing was written \(the staging folder \S+ is removed\)/);
    expect(readdirSync(parent)).to.deep.equal([]);
    const gitPid = Number(readFileSync(join(shims, 'pid'), 'utf8'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(isRunning(gitPid), 'the git process was killed').to.equal(false);
  });

  it('a git step that fails midway (the checkout) leaves no folder and no staging folder, and says what git said', async () => {
    const parent = makeTempDir('cp-gitops-init-commit-fail-');
    const init = startInit(parent, gitShim('reset', "echo 'fatal: planted failure' >&2; exit 128"));
    const { code, stderr } = await init.done;
    expect(code, stderr).to.equal(1);
    expect(stderr).to.match(/git could not .* planted failure/);
    expect(readdirSync(parent)).to.deep.equal([]);
  });

  it('the user\'s core.autocrlf=true, core.eol=crlf and global attributes change neither the files nor the commit, and git status is clean', async () => {
    const parent = makeTempDir('cp-gitops-init-commit-config-');
    const plain = await runCli(['init', 'plain', '--name', 'p', '--repo-url', 'https://git.example.org/p.git'], { cwd: parent, env: NEUTRAL_ENV });
    expectExit(plain, 0);
    // A Windows-style config and a global attributes file with a smudge filter that marks every line.
    const home = join(parent, 'home');
    mkdirSync(join(home, '.config', 'git'), { recursive: true });
    writeFileSync(join(home, '.gitconfig'), '[core]\n\tautocrlf = true\n\teol = crlf\n[filter "mark"]\n\tsmudge = sed s/^/smudged:/\n');
    writeFileSync(join(home, '.config', 'git', 'attributes'), '* filter=mark text eol=crlf\n');
    const userEnv = { ...NEUTRAL_ENV, HOME: home, XDG_CONFIG_HOME: join(home, '.config') };
    const configured = await runCli(['init', 'configured', '--name', 'p', '--repo-url', 'https://git.example.org/p.git'], { cwd: parent, env: userEnv });
    expectExit(configured, 0);
    const dir = join(parent, 'configured');
    expect(snapshotFiles(dir)).to.deep.equal(snapshotFiles(join(parent, 'plain')));
    expect(git(['rev-parse', 'HEAD^{tree}'], dir)).to.equal(git(['rev-parse', 'HEAD^{tree}'], join(parent, 'plain')));
    expect(statSync(join(dir, '.githooks', 'pre-push')).mode & 0o111).to.equal(0o111);
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: dir, env: { ...process.env, ...userEnv }, encoding: 'utf8' });
    expect(status).to.equal('');
  });
});
