import { simpleGit, type SimpleGit } from 'simple-git';
import { GitError } from '../errors.js';

/** Used when the machine has no git identity (CI, containers), so a commit never fails for that. */
const FALLBACK_IDENTITY = { name: 'cp-gitops', email: 'cp-gitops@users.noreply.localhost' };

export interface CommitResult {
  readonly commit: string;
  readonly branch: string;
}

/** The git port: the few operations cp-gitops needs, on a real repository through simple-git. */
export class GitRepository {
  private readonly git: SimpleGit;

  constructor(readonly dir: string) {
    this.git = simpleGit({ baseDir: dir, trimmed: true });
  }

  async isRepository(): Promise<boolean> {
    try {
      return (await this.git.revparse(['--show-toplevel'])) !== '' && (await this.git.checkIsRepo());
    } catch {
      return false;
    }
  }

  async init(branch: string): Promise<void> {
    await this.run('initialise the repository', () => this.git.init([`--initial-branch=${branch}`]));
  }

  async commitAll(message: string): Promise<CommitResult> {
    const identity = await this.identityConfig();
    await this.run('stage the files', () => this.git.add(['--all']));
    const result = await this.run('commit', () => simpleGit({ baseDir: this.dir, config: identity }).commit(message));
    return { commit: result.commit, branch: result.branch };
  }

  async headCommit(): Promise<string> {
    return this.run('read HEAD', () => this.git.revparse(['HEAD']));
  }

  async setRemote(name: string, url: string): Promise<void> {
    const remotes = await this.git.getRemotes(true);
    if (remotes.some((remote) => remote.name === name)) await this.git.remote(['set-url', name, url]);
    else await this.git.addRemote(name, url);
  }

  async remoteUrl(name: string): Promise<string | undefined> {
    const remotes = await this.git.getRemotes(true);
    return remotes.find((remote) => remote.name === name)?.refs.push;
  }

  async push(remote: string, branch: string): Promise<void> {
    try {
      await this.git.push(['--set-upstream', remote, `${branch}:${branch}`]);
    } catch (error) {
      throw new GitError(
        `pushing ${branch} to ${remote} failed: ${firstLine(error)}`,
        `the commit is safe in ${this.dir}; fix the remote, then run: git -C ${shellQuote(this.dir)} push --set-upstream ${remote} ${branch}`,
        error,
      );
    }
  }

  async setConfig(key: string, value: string): Promise<void> {
    await this.run(`set ${key}`, () => this.git.addConfig(key, value));
  }

  /**
   * Points git at committed hooks (`init` uses .githooks). simple-git refuses core.hooksPath unless
   * told otherwise, as a guard against injected values: allowed here only, for a path we chose.
   */
  async setHooksPath(path: string): Promise<void> {
    await this.run('set core.hooksPath', () => simpleGit({ baseDir: this.dir, unsafe: { allowUnsafeHooksPath: true } }).addConfig('core.hooksPath', path));
  }

  private async identityConfig(): Promise<string[]> {
    const config: string[] = [];
    const name = await this.git.raw(['config', '--get', 'user.name']).catch(() => '');
    const email = await this.git.raw(['config', '--get', 'user.email']).catch(() => '');
    if (!name.trim()) config.push(`user.name=${FALLBACK_IDENTITY.name}`);
    if (!email.trim()) config.push(`user.email=${FALLBACK_IDENTITY.email}`);
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
