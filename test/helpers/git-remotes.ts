import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real git around the change-flow tests: bare remotes, a merge "on the server", ref snapshots, and a
 * `git daemon` on 127.0.0.1. Every git run here has an identity and no hooks, so a test's own commits
 * and pushes never depend on the machine's git config or run the repository's pre-push hook.
 */

const TEST_GIT_CONFIG = ['-c', 'user.name=cp-gitops e2e', '-c', 'user.email=e2e@cp-gitops.invalid', '-c', 'core.hooksPath=/dev/null', '-c', 'advice.detachedHead=false'];

/**
 * Environment entries that simple-git refuses to pass on to git (EDITOR, PAGER, GIT_SSH_COMMAND, …) or
 * that would point the CLI at a real GitHub or GitLab: unset for every CLI run, so a developer's shell does not
 * change what the tests see. (That simple-git refuses them at all is a bug of its own, see
 * change-flow.test.ts; the test there sets EDITOR on purpose.)
 */
export const NEUTRAL_ENV: NodeJS.ProcessEnv = Object.fromEntries(
  [
    'EDITOR',
    'PAGER',
    'GIT_EDITOR',
    'GIT_PAGER',
    'GIT_SEQUENCE_EDITOR',
    'GIT_SSH',
    'GIT_SSH_COMMAND',
    'GIT_ASKPASS',
    'SSH_ASKPASS',
    'GIT_PROXY_COMMAND',
    'GIT_EXTERNAL_DIFF',
    'GIT_TEMPLATE_DIR',
    'GIT_EXEC_PATH',
    'GIT_CONFIG',
    'GIT_CONFIG_GLOBAL',
    'GIT_CONFIG_SYSTEM',
    'GIT_CONFIG_COUNT',
    'PREFIX',
    'CP_GITOPS_BIN',
    'GITHUB_TOKEN',
    'GH_TOKEN',
    'GITHUB_API_URL',
    'GITLAB_TOKEN',
    'GL_TOKEN',
    'GITLAB_URL',
  ].map((name) => [name, undefined]),
);

/** Runs git (test identity, no hooks) synchronously; throws with git's stderr when it fails. */
export function gitRun(args: readonly string[], cwd: string, env?: NodeJS.ProcessEnv): string {
  try {
    return execFileSync('git', [...TEST_GIT_CONFIG, ...args], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', ...env },
    }).trim();
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`git ${args.join(' ')} failed in ${cwd}: ${stderr.trim() || String(error)}`);
  }
}

/** A bare repository whose default branch is main (whatever init.defaultBranch says). */
export function createBareRepository(dir: string): string {
  gitRun(['init', '--quiet', '--bare', '--initial-branch=main', dir], tmpdir());
  return dir;
}

/** `refname sha` lines of a repository (bare or not), sorted: equal strings mean no ref moved. */
export function refsOf(gitDir: string, pattern = 'refs/heads'): string {
  return gitRun(['--git-dir', gitDir, 'for-each-ref', '--format=%(refname) %(objectname)', pattern], tmpdir());
}

/** The sha of a branch, or undefined when it does not exist. */
export function branchSha(gitDir: string, branch: string): string | undefined {
  try {
    return gitRun(['--git-dir', gitDir, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], tmpdir());
  } catch {
    return undefined;
  }
}

/**
 * Plays the reviewer pressing "merge": a scratch clone of the remote merges `branch` into main with a
 * merge commit and pushes main (hooks off: the pre-push hook is the user's, not the server's).
 */
export function mergeOnRemote(remoteUrl: string, branch: string): string {
  const scratch = mkdtempSync(join(tmpdir(), 'cp-gitops-merge-'));
  try {
    gitRun(['clone', '--quiet', '--branch', 'main', remoteUrl, scratch], tmpdir());
    gitRun(['merge', '--quiet', '--no-ff', '-m', `Merge ${branch}`, `origin/${branch}`], scratch);
    gitRun(['push', '--quiet', 'origin', 'main'], scratch);
    return gitRun(['rev-parse', 'HEAD'], scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface GitDaemon {
  readonly port: number;
  /** git://127.0.0.1:<port>/<path> */
  url(path: string): string;
  stop(): Promise<void>;
}

/**
 * `git daemon --enable=receive-pack` serving `baseDir` on 127.0.0.1 only: a network protocol for
 * pushes, without leaving the machine. Resolves once the port accepts connections.
 */
export async function startGitDaemon(baseDir: string): Promise<GitDaemon> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'git',
    ['daemon', '--enable=receive-pack', '--export-all', `--base-path=${baseDir}`, '--listen=127.0.0.1', `--port=${port}`, '--reuseaddr', baseDir],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`git daemon exited (${child.exitCode}): ${stderr}`);
    if (await accepts(port)) break;
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`git daemon did not listen on 127.0.0.1:${port}: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    port,
    url: (path) => `git://127.0.0.1:${port}/${path.replace(/^\/+/, '')}`,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
