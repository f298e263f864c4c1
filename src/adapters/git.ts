import { execFileSync } from 'node:child_process';
import { simpleGit, type SimpleGit } from 'simple-git';
import { GitError } from '../errors.js';
import { FALLBACK_IDENTITY } from './git-first-commit.js';

/**
 * simple-git refuses, by default, environment variables that make git run commands or read config:
 * with an environment we pass (the user's own, plus credentials we add), they are allowed.
 */
const USER_ENVIRONMENT = { allowUnsafeConfigEnvCount: true, allowUnsafeEditor: true, allowUnsafePager: true, allowUnsafeSshCommand: true, allowUnsafeAskPass: true } as const;


export interface PushOptions {
  /** Replace the remote branch (cp-gitops' own change branches are rebuilt from main on every run). */
  readonly force?: boolean;
  /**
   * Replace the remote branch only if it still is what cp-gitops saw (`--force-with-lease=<branch>:<sha>`;
   * undefined: only if it does not exist), so a commit pushed meanwhile is never lost.
   */
  readonly lease?: { readonly expected: string | undefined };
  /** Extra environment for git, e.g. the credentials of gitAuthEnvironment. */
  readonly env?: Record<string, string>;
}

export interface CommitResult {
  readonly commit: string;
  readonly branch: string;
}

/** The git port: the few operations cp-gitops needs, on a real repository through simple-git. */
export class GitRepository {
  private readonly git: SimpleGit;
  private remotes: Promise<string[]> | undefined;

  constructor(readonly dir: string) {
    this.git = simpleGit({ baseDir: dir, trimmed: true });
  }

  /**
   * The absolute git directory when `dir` is inside a work tree, else undefined, in one git process
   * (rev-parse prints one line per option, in order, and fails as a whole outside a work tree, where
   * --show-toplevel has nothing to show).
   */
  async workTreeGitDir(): Promise<string | undefined> {
    try {
      const [inside, top, gitDir] = (await this.git.raw(['rev-parse', '--is-inside-work-tree', '--show-toplevel', '--absolute-git-dir'])).split('\n').map((line) => line.trim());
      return inside === 'true' && top !== '' && gitDir ? gitDir : undefined;
    } catch {
      return undefined;
    }
  }

  /** Commits what is staged (stagedTree ran `git add --all`), with the fallback identity where the config has none. */
  async commitStaged(message: string): Promise<CommitResult> {
    const identity = await this.identityConfig();
    const result = await this.run('commit', () => simpleGit({ baseDir: this.dir, config: identity }).commit(message));
    return { commit: result.commit, branch: result.branch };
  }

  async setRemote(name: string, url: string): Promise<void> {
    const remotes = await this.git.getRemotes(true);
    this.remotes = undefined;
    if (remotes.some((remote) => remote.name === name)) await this.git.remote(['set-url', name, url]);
    else await this.git.addRemote(name, url);
  }

  async remoteUrl(name: string): Promise<string | undefined> {
    const remotes = await this.git.getRemotes(true);
    return remotes.find((remote) => remote.name === name)?.refs.push;
  }

  async push(remote: string, branch: string, options: PushOptions = {}): Promise<void> {
    try {
      const lease = options.lease ? [`--force-with-lease=refs/heads/${branch}:${options.lease.expected ?? ''}`] : [];
      const args = ['--set-upstream', ...(options.force ? ['--force'] : []), ...lease, remote, `${branch}:${branch}`];
      // Credentials come through the environment (see gitAuthEnvironment), never the URL or argv.
      await (options.env ? this.withEnvironment(options.env) : this.git).push(args);
    } catch (error) {
      if (options.lease && /stale info|\(fetch first\)|\[rejected\]/.test(String(error instanceof Error ? error.message : error))) {
        throw new GitError(
          `${branch} changed on ${remote} while cp-gitops ran (someone pushed to it), so nothing was pushed`,
          `the commit is safe on the local branch ${branch}; run the same command again to build on what is there now`,
          error,
        );
      }
      throw new GitError(
        `pushing ${branch} to ${remote} failed: ${firstLine(error)}`,
        `the commit is safe in ${this.dir}; fix the remote, then run: git -C ${shellQuote(this.dir)} push --set-upstream ${remote} ${branch}`,
        error,
      );
    }
  }

  /** Files with uncommitted changes (staged, unstaged or untracked), as `git status` names them. */
  async dirtyFiles(): Promise<string[]> {
    const status = await this.run('read the status', () => this.git.status());
    return status.files.map((file) => file.path).sort();
  }

  async currentBranch(): Promise<string> {
    return this.run('read the current branch', () => this.git.revparse(['--abbrev-ref', 'HEAD']));
  }

  /** The commit a local branch points at, or undefined when there is no such branch: branchExists and revParse in one git process. */
  async branchHead(branch: string): Promise<string | undefined> {
    try {
      return (await this.git.raw(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`])).trim() || undefined;
    } catch {
      return undefined;
    }
  }

  async branchExists(branch: string): Promise<boolean> {
    const listed = await this.run('list branches', () => this.git.raw(['branch', '--list', branch]));
    return listed.trim() !== '';
  }

  /** Creates (or resets) `branch` at `startPoint` and checks it out. */
  async checkoutFresh(branch: string, startPoint: string): Promise<void> {
    await this.run(`check out ${branch}`, () => this.git.raw(['checkout', '-q', '-B', branch, startPoint]));
  }

  async checkout(branch: string): Promise<void> {
    await this.run(`check out ${branch}`, () => this.git.raw(['checkout', '-q', branch]));
  }

  /** Throws away uncommitted changes of tracked files and removes untracked ones (to undo a half-made change). */
  async discardChanges(): Promise<void> {
    await this.run('discard the changes', () => this.git.raw(['reset', '-q', '--hard']));
    await this.run('remove untracked files', () => this.git.raw(['clean', '-q', '-fd']));
  }

  /** The tree and first parent of a ref, or undefined when the ref does not exist. */
  async treeAndParent(ref: string): Promise<{ tree: string; parent: string } | undefined> {
    try {
      const tree = await this.git.raw(['rev-parse', `${ref}^{tree}`]);
      const parent = await this.git.raw(['rev-parse', `${ref}^`]);
      return { tree: tree.trim(), parent: parent.trim() };
    } catch {
      return undefined;
    }
  }

  /** Stages everything and returns the tree it would commit (to tell "no change since last run"). */
  async stagedTree(): Promise<string> {
    await this.run('stage the files', () => this.git.add(['--all']));
    return (await this.run('write the tree', () => this.git.raw(['write-tree']))).trim();
  }

  async revParse(ref: string): Promise<string> {
    return (await this.run(`resolve ${ref}`, () => this.git.raw(['rev-parse', ref]))).trim();
  }

  /**
   * Fetches one branch of a remote; false when the remote has no such branch. Bounded: a remote that
   * accepts the connection and then says nothing (a black hole) is given up after GIT_NETWORK_TIMEOUT.
   */
  async fetchBranch(remote: string, branch: string, env?: Record<string, string>): Promise<boolean> {
    const timeout = gitNetworkTimeout({ ...process.env, ...env });
    try {
      const git = this.withEnvironment(env ?? {}, timeout.ms);
      const heads = await git.raw(['ls-remote', '--heads', remote, `refs/heads/${branch}`]);
      if (!heads.trim()) return false;
      await git.raw(['fetch', '-q', remote, `+refs/heads/${branch}:refs/remotes/${remote}/${branch}`]);
      return true;
    } catch (error) {
      throw new GitError(`could not reach the remote "${remote}": ${firstLine(error)}`, `check the network and the remote URL (git remote -v); nothing was pushed. ${timeout.hint}`, error);
    }
  }

  /** Commits of `ref` that `base` lacks, oldest first, with their parents and message. */
  async commitsMissingFrom(ref: string, base: string): Promise<{ sha: string; parents: string[]; author: string; subject: string; message: string }[]> {
    const out = await this.run(`list the commits of ${ref}`, () => this.git.raw(['log', '--reverse', '--format=%H%x1f%P%x1f%an%x1f%s%x1f%B%x1e', ref, `^${base}`]));
    return out
      .split('\x1e')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '')
      .map((entry) => {
        const [sha, parents, author, subject, message] = entry.split('\x1f');
        return { sha: sha!, parents: parents!.split(' ').filter(Boolean), author: author!, subject: subject!, message: message ?? '' };
      });
  }

  async isAncestor(ancestor: string, ref: string): Promise<boolean> {
    try {
      await this.git.raw(['merge-base', '--is-ancestor', ancestor, ref]);
      return true;
    } catch {
      return false;
    }
  }

  /** How many commits `left` has that `right` lacks, and the other way round. */
  async aheadBehind(left: string, right: string): Promise<{ ahead: number; behind: number }> {
    const counts = await this.run(`compare ${left} with ${right}`, () => this.git.raw(['rev-list', '--left-right', '--count', `${left}...${right}`]));
    const [ahead, behind] = counts.trim().split(/\s+/).map(Number);
    return { ahead: ahead ?? 0, behind: behind ?? 0 };
  }

  /** Checks out a commit without a branch (the change is built there; no local branch moves). */
  async checkoutDetached(ref: string): Promise<void> {
    await this.run(`check out ${ref}`, () => this.git.raw(['checkout', '-q', '--detach', ref]));
  }

  /** Whether the repository has a remote of that name (the list is read once per instance; setRemote reads it again). */
  async hasRemote(name: string): Promise<boolean> {
    this.remotes ??= this.git.getRemotes().then((remotes) => remotes.map((remote) => remote.name));
    return (await this.remotes).includes(name);
  }

  /**
   * A separate instance for calls with an extra environment (credentials through GIT_CONFIG_COUNT, the
   * pre-push hook's CP_GITOPS_BIN), so the shared one never keeps it. simple-git refuses variables
   * that can run commands unless allowed: these come from the user's own environment and from us.
   */
  private withEnvironment(env: Record<string, string>, timeoutMs?: number): SimpleGit {
    return simpleGit({
      baseDir: this.dir,
      trimmed: true,
      unsafe: USER_ENVIRONMENT,
      ...(timeoutMs === undefined ? {} : { timeout: { block: timeoutMs } }),
    }).env({ ...process.env, ...env });
  }

  async deleteBranch(branch: string): Promise<void> {
    await this.run(`delete ${branch}`, () => this.git.raw(['branch', '-q', '-D', branch]));
  }

  async resetBranch(branch: string, commit: string): Promise<void> {
    await this.run(`reset ${branch}`, () => this.git.raw(['branch', '-q', '-f', branch, commit]));
  }

  /**
   * The fallback identity for whichever of user.name and user.email the config lacks (or has empty).
   * One `git config -z --get-regexp` reads both: per value, in config order, `key` NL `value` NUL (a
   * key set without a value: `key` NUL), and the last one is what `git config --get` answers; it exits
   * 1 when neither is set. https://git-scm.com/docs/git-config#Documentation/git-config.txt--z
   */
  private async identityConfig(): Promise<string[]> {
    const listed = await this.git.raw(['config', '-z', '--get-regexp', '^user\\.(name|email)$']).catch(() => '');
    const values = new Map<string, string>();
    for (const entry of listed.split('\0')) {
      const newline = entry.indexOf('\n');
      const key = (newline < 0 ? entry : entry.slice(0, newline)).trim();
      if (key === 'user.name' || key === 'user.email') values.set(key, newline < 0 ? '' : entry.slice(newline + 1));
    }
    const config: string[] = [];
    if (!values.get('user.name')?.trim()) config.push(`user.name=${FALLBACK_IDENTITY.name}`);
    if (!values.get('user.email')?.trim()) config.push(`user.email=${FALLBACK_IDENTITY.email}`);
    return config;
  }

  private async run<T>(what: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw new GitError(`git could not ${what} in ${this.dir}: ${firstLine(error)}`, undefined, error);
    }
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n').map((line) => line.trim()).filter(Boolean).slice(0, 3).join(' ');
}

/** Quotes a path for a command line a person copies (only when it needs it). */
function shellQuote(value: string): string {
  return /^[A-Za-z0-9@%+=:,./_-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Seconds a git network read may go without any output; CP_GITOPS_GIT_TIMEOUT raises (or lowers) it. */
export const GIT_NETWORK_TIMEOUT_ENV = 'CP_GITOPS_GIT_TIMEOUT';
const DEFAULT_GIT_NETWORK_TIMEOUT_SECONDS = 120;

export function gitNetworkTimeout(env: NodeJS.ProcessEnv): { ms: number; hint: string } {
  const given = env[GIT_NETWORK_TIMEOUT_ENV];
  const seconds = given !== undefined && /^[1-9]\d*$/.test(given) ? Number(given) : DEFAULT_GIT_NETWORK_TIMEOUT_SECONDS;
  return { ms: seconds * 1000, hint: `git may wait ${seconds} s for the remote; a slow remote needs more: export ${GIT_NETWORK_TIMEOUT_ENV}=<seconds>` };
}

/** Whether a remote URL has a branch (`git ls-remote`), with credentials from the environment. */
export async function remoteHasBranch(url: string, branch: string, env: Record<string, string>): Promise<boolean> {
  const timeout = gitNetworkTimeout({ ...process.env, ...env });
  try {
    const heads = await simpleGit({ unsafe: USER_ENVIRONMENT, timeout: { block: timeout.ms } })
      .env({ ...process.env, ...env })
      .raw(['ls-remote', '--heads', url, `refs/heads/${branch}`]);
    return heads.trim() !== '';
  } catch (error) {
    throw new GitError(`could not reach ${url}: ${firstLine(error)}`, `check the network and the token; nothing was written. ${timeout.hint}`, error);
  }
}

/** What a change command has moved so far, for the undo after a signal. */
export interface CheckoutState {
  /** The branch the user had checked out (set once cp-gitops switches away from it). */
  original?: string;
  /** The change branch, once created or reset, and where it was before (undefined: it did not exist). */
  branch?: string;
  previous?: string;
}

/**
 * The undo of a change command after SIGINT/SIGTERM, synchronous because a signal handler cannot wait
 * (see adapters/interrupt.ts): drops what the change wrote (the tree was clean when it started), checks
 * the user's branch out again and puts the change branch back where it was, or removes it. A git that
 * is still finishing holds index.lock: waited for, a few seconds at most.
 */
export function restoreCheckoutSync(dir: string, state: CheckoutState): string | undefined {
  if (state.original === undefined) return undefined;
  gitSync(dir, ['reset', '-q', '--hard']);
  gitSync(dir, ['clean', '-q', '-fd']);
  gitSync(dir, ['checkout', '-q', state.original]);
  let branchNote = '';
  if (state.branch !== undefined) {
    if (state.previous !== undefined) {
      gitSync(dir, ['branch', '-q', '-f', state.branch, state.previous]);
      branchNote = `, ${state.branch} is back where it was`;
    } else if (gitSync(dir, ['branch', '--list', state.branch]).trim() !== '') {
      gitSync(dir, ['branch', '-q', '-D', state.branch]);
      branchNote = `, ${state.branch} is removed`;
    }
  }
  return `${state.original} is checked out again with no uncommitted files${branchNote}`;
}

function gitSync(dir: string, args: readonly string[]): string {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return execFileSync('git', [...args], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr ?? '');
      if (!/\.lock': File exists|index\.lock/.test(stderr) || Date.now() > deadline) throw new GitError(`git ${args.join(' ')} failed in ${dir}: ${stderr.trim().split('\n')[0] ?? ''}`, `see git status in ${dir}`, error);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
}
