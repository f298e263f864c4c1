import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GitError } from '../errors.js';
import type { FileTree } from '../generator/file-tree.js';
import { fileMode, writeTree } from './fs.js';

/**
 * init's repository in as few git processes as git allows, without simple-git: `git init`, `git var -l`
 * (the identity and the config, as `git commit` would see them), `git fast-import` (every blob, the
 * tree and the commit in one pack, straight from the in-memory tree) and `git reset` (the index, and
 * with `--hard` the files themselves). `git add` + `git commit` wrote one loose object per file and
 * started `git maintenance`; see docs/decisions.md (75) for what fast-import cannot do and when the old
 * path is taken, and (97) for when git writes the files and when writeTree does.
 */

/** Used when the machine has no git identity (CI, containers), so a commit never fails for that. */
export const FALLBACK_IDENTITY = { name: 'cp-gitops', email: 'cp-gitops@users.noreply.localhost' } as const;

export interface RepositoryOptions {
  /** An empty folder (init's staging folder): it becomes the repository, with the committed tree as its files. */
  readonly dir: string;
  readonly branch: string;
  /** Default: process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Config keys set right after `git init`, beside `git var -l` (which may or may not see them: they must not matter to it). */
  readonly config?: Readonly<Record<string, string>>;
}

export interface FirstCommitOptions extends RepositoryOptions {
  /** The files: the commit holds these bytes (fileMode decides 100755), and so does the folder. */
  readonly tree: FileTree;
  readonly message: string;
}

export interface FirstCommit {
  readonly commit: string;
  /** How the commit was made: `fast-import`, or `git commit` when the user's config asks for what fast-import cannot do. */
  readonly via: 'fast-import' | 'git commit';
  /** Who wrote the files: git's checkout (`git reset --hard`), or writeTree where git's could give other bytes or modes. */
  readonly filesBy: 'git' | 'writeTree';
}

/** A repository being made: `git init` and `git var -l` run from the start, while the caller still computes the tree. */
export interface PendingRepository {
  /**
   * The first commit on the branch, whose files the folder then holds. Call once. `meanwhile` (synchronous)
   * runs while git writes the files; if it throws, the commit fails with its error (then stop and settle).
   */
  commit(tree: FileTree, message: string, meanwhile?: () => void): Promise<FirstCommit>;
  /** Kills the git process running now, synchronously (an interrupt's undo, before the folder is removed). */
  stop(): void;
  /** Resolves once no git process of this repository runs any more, whatever happened (before removing the folder after a failure). */
  settled(): Promise<void>;
}

/**
 * Starts the repository in `dir` (empty): `git init`, then `git var -l` (and `git config` for each key of
 * `config`) run in the background, so they overlap whatever the caller does before it calls `commit`
 * (init generates its tree).
 * A rejection is reported by `commit`, never left unhandled.
 */
export function startRepository(options: RepositoryOptions): PendingRepository {
  const env = gitEnvironment(options.env ?? process.env);
  const { dir, branch } = options;
  const running = new Set<ChildProcess>();
  let stopped = false;
  const git = (args: readonly string[], what: string, input?: Buffer, extraEnv?: NodeJS.ProcessEnv) =>
    stopped ? Promise.reject(new GitError(`git could not ${what} in ${dir}: stopped`, 'run the command again')) : runGit(dir, args, extraEnv ? { ...env, ...extraEnv } : env, what, input, running);
  const started = (async () => {
    await git(['init', '--quiet', `--initial-branch=${branch}`], 'initialise the repository');
    const settings = Object.entries(options.config ?? {}).map(([key, value]) => git(['config', key, value], `set ${key}`));
    const [vars] = await Promise.all([git(['var', '-l'], 'read the identity and config'), ...settings]);
    return parseVarList(vars);
  })();
  let last: Promise<unknown> = started;
  started.catch(() => undefined);

  const commit = async (tree: FileTree, message: string, meanwhile: () => void): Promise<FirstCommit> => {
    // The caller's own work runs while git works on its longest step (the checkout), not before or after it.
    const whileRunning = <T>(step: Promise<T>): Promise<T> => {
      // If the caller's work throws, its error is the one reported (and the caller stops git): not this step's.
      step.catch(() => undefined);
      meanwhile();
      return step;
    };
    const vars = await started;
    if (needsGitCommit(vars.config)) {
      // Signing runs gpg/ssh-keygen through git commit; an encoding header is git commit's to write.
      writeTree(dir, tree);
      await whileRunning(git(['add', '--all'], 'stage the files'));
      await git([...missingIdentityConfig(vars.config), 'commit', '--quiet', '--message', message], 'commit');
      return { commit: (await git(['rev-parse', 'HEAD'], 'read HEAD')).trim(), via: 'git commit', filesBy: 'writeTree' };
    }
    const exact = checkoutIsExact({ config: vars.config, gitDirMode: statSync(join(dir, '.git')).mode, infoAttributes: existsSync(join(dir, '.git', 'info', 'attributes')) });
    if (!exact) writeTree(dir, tree);
    const author = identityLine(vars, 'AUTHOR', env);
    const committer = identityLine(vars, 'COMMITTER', env);
    const stream = fastImportStream({ branch, tree, author, committer, message });
    const hash = (await git(['fast-import', '--quiet', '--done'], 'write the commit (git fast-import)', stream)).trim();
    if (!/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(hash)) throw new GitError(`git fast-import in ${dir} did not report the commit it wrote (got "${hash.slice(0, 80)}")`, 'run init again; nothing was kept');
    if (exact) {
      // git writes the files and the index in one pass, with every user setting that could change a byte turned off.
      await whileRunning(git([...EXACT_CHECKOUT_CONFIG, 'reset', '--hard', '--quiet'], 'write the files (git reset --hard)', undefined, EXACT_CHECKOUT_ENV));
    } else {
      // A mixed reset fills the index from HEAD and refreshes its stat data from the files writeTree wrote.
      await whileRunning(git(['reset', '--quiet'], 'fill the index'));
    }
    return { commit: hash, via: 'fast-import', filesBy: exact ? 'git' : 'writeTree' };
  };

  return {
    commit(tree, message, meanwhile = () => undefined) {
      const made = commit(tree, message, meanwhile);
      last = made;
      // Handled here too: a caller that fails before awaiting it (init's validation) stops and settles instead.
      made.catch(() => undefined);
      return made;
    },
    stop() {
      stopped = true;
      for (const child of running) child.kill('SIGKILL');
    },
    async settled() {
      // A process killed by stop() still has to exit before its files can be removed.
      await last.catch(() => undefined);
      await Promise.all([...running].map((child) => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once('close', resolve)))));
    },
  };
}

/**
 * Creates the repository in `dir` (empty) with one commit on `branch` whose files are `tree`, and writes
 * them there. The commit is the one `git add --all && git commit` would make (same tree, same identity
 * rules, same message), unless the config asks for signing or a non-UTF-8 commit encoding: then
 * `git add` and `git commit` run.
 */
export function createRepositoryWithFirstCommit(options: FirstCommitOptions): Promise<FirstCommit> {
  return startRepository(options).commit(options.tree, options.message);
}

/**
 * What `git reset --hard` is run with: no end-of-line conversion from core.autocrlf / core.eol, and no
 * attributes from the user's global file (core.attributesFile, default ~/.config/git/attributes) or the
 * system one (GIT_ATTR_NOSYSTEM): those could add filters, `ident`, `working-tree-encoding` or `eol`
 * to the checkout (gitattributes(5)). The tree's own .gitattributes still applies: it is ours.
 */
const EXACT_CHECKOUT_CONFIG = ['-c', 'core.autocrlf=false', '-c', 'core.eol=lf', '-c', 'core.attributesFile=/dev/null'] as const;
const EXACT_CHECKOUT_ENV = { GIT_ATTR_NOSYSTEM: '1' } as const;

/**
 * Whether git's checkout writes the bytes and modes writeTree would: git creates files 0666 (0777 for
 * 100755) less the umask, writeTree 0644 (0755), so they agree only when the umask (or a default ACL)
 * takes group and other write away, which `git init`'s own `.git` (made 0777 less the same) shows; a
 * template's `info/attributes` would outrank the tree's .gitattributes; a sparse checkout would leave
 * files out. Any of those: writeTree writes, as before.
 */
export function checkoutIsExact(facts: { config: ReadonlyMap<string, string>; gitDirMode: number; infoAttributes: boolean }): boolean {
  const sparse = facts.config.get('core.sparsecheckout');
  return (facts.gitDirMode & 0o022) === 0 && !facts.infoAttributes && !(sparse !== undefined && isTrue(sparse));
}

/** `git config <key> <value>` in `dir` (init's core.hooksPath, a remote's URL), without simple-git. */
export async function setGitConfig(dir: string, key: string, value: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await runGit(dir, ['config', key, value], gitEnvironment(env), `set ${key}`);
}

/** `git remote add` in a repository that has no remote yet (init's own). */
export async function addRemote(dir: string, name: string, url: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await runGit(dir, ['remote', 'add', '--', name, url], gitEnvironment(env), `add the remote ${name}`);
}

interface VarList {
  /** Config keys as git prints them (section and key lower-case), last value wins. */
  readonly config: ReadonlyMap<string, string>;
  readonly authorIdent: string | undefined;
  readonly committerIdent: string | undefined;
}

/**
 * `git var -l` prints the config first, then the logical variables; the idents are taken from the
 * last lines that name them, so a config value cannot pose as one.
 */
export function parseVarList(output: string): VarList {
  const config = new Map<string, string>();
  let authorIdent: string | undefined;
  let committerIdent: string | undefined;
  for (const line of output.split('\n')) {
    const equals = line.indexOf('=');
    if (equals <= 0) continue;
    const key = line.slice(0, equals);
    const value = line.slice(equals + 1);
    if (key === 'GIT_AUTHOR_IDENT') authorIdent = value;
    else if (key === 'GIT_COMMITTER_IDENT') committerIdent = value;
    else if (/^[a-z0-9-]+\..+$/i.test(key)) config.set(key.toLowerCase(), value);
  }
  return { config, authorIdent, committerIdent };
}

/** What only `git commit` does: sign (commit.gpgSign), or record a commit encoding other than UTF-8. */
export function needsGitCommit(config: ReadonlyMap<string, string>): boolean {
  const sign = config.get('commit.gpgsign');
  const encoding = config.get('i18n.commitencoding');
  return (sign !== undefined && isTrue(sign)) || (encoding !== undefined && !/^utf-?8$/i.test(encoding));
}

/** git's boolean spellings (git-config(1), "boolean"); an empty value is false. */
function isTrue(value: string): boolean {
  return /^(true|yes|on|[1-9]\d*)$/i.test(value.trim());
}

/**
 * The fallback identity as `-c` options, only for the parts the config lacks: the same rule as
 * GitRepository.commitStaged, so the environment (GIT_AUTHOR_NAME, …) still wins over both.
 */
function missingIdentityConfig(config: ReadonlyMap<string, string>): string[] {
  return [
    ...(config.get('user.name')?.trim() ? [] : ['-c', `user.name=${FALLBACK_IDENTITY.name}`]),
    ...(config.get('user.email')?.trim() ? [] : ['-c', `user.email=${FALLBACK_IDENTITY.email}`]),
  ];
}

/**
 * `Name <email> <seconds> <zone>` for fast-import, as `git commit` would record it with the fallback of
 * missingIdentityConfig: git's own ident (environment, then <role>.name/email, then user.name/email,
 * and GIT_<ROLE>_DATE) wherever one of those is set; the fallback name or email where none is.
 */
export function identityLine(vars: VarList, role: 'AUTHOR' | 'COMMITTER', env: NodeJS.ProcessEnv): string {
  const ident = role === 'AUTHOR' ? vars.authorIdent : vars.committerIdent;
  const match = ident === undefined ? null : /^(.*?) ?<([^<>]*)> (\d+ [+-]\d{4})$/.exec(ident);
  if (!match) throw new GitError(`git var -l printed no usable GIT_${role}_IDENT (${ident ?? 'none'})`, 'check your git installation (git var GIT_AUTHOR_IDENT); nothing was kept');
  const [, gitName, gitEmail, when] = match as unknown as [string, string, string, string];
  const lower = role.toLowerCase();
  const has = (variable: string, ...keys: string[]) => Boolean(env[variable]?.trim()) || keys.some((key) => Boolean(vars.config.get(key)?.trim()));
  const name = has(`GIT_${role}_NAME`, `${lower}.name`, 'user.name') ? gitName : FALLBACK_IDENTITY.name;
  const email = has(`GIT_${role}_EMAIL`, `${lower}.email`, 'user.email') ? gitEmail : FALLBACK_IDENTITY.email;
  return `${name} <${email}> ${when}`;
}

/**
 * The fast-import stream: one commit on refs/heads/<branch> whose files are given inline (no marks to
 * keep), then `get-mark` for its hash and `done`, so a stream cut short is an error, not a partial commit.
 * The message ends with a newline, as `git commit` stores it.
 */
export function fastImportStream(input: { branch: string; tree: FileTree; author: string; committer: string; message: string }): Buffer {
  const parts: Buffer[] = [];
  const text = (value: string) => parts.push(Buffer.from(value, 'utf8'));
  const data = (content: Buffer) => {
    text(`data ${content.length}\n`);
    parts.push(content);
    text('\n');
  };
  text(`commit refs/heads/${input.branch}\nmark :1\nauthor ${input.author}\ncommitter ${input.committer}\n`);
  data(Buffer.from(`${input.message.replace(/\n+$/, '')}\n`, 'utf8'));
  for (const [path, content] of input.tree) {
    text(`M ${fileMode(path) === 0o755 ? '100755' : '100644'} inline ${quotePath(path)}\n`);
    data(Buffer.from(content, 'utf8'));
  }
  text('\nget-mark :1\ndone\n');
  return Buffer.concat(parts);
}

/**
 * A path as fast-import reads it: as is, or C-quoted when it starts with a quote or holds a
 * backslash, a quote or a control character (those as octal escapes; other bytes pass through).
 */
export function quotePath(path: string): string {
  // eslint-disable-next-line no-control-regex
  const special = /[\\"\x00-\x1f\x7f]/g;
  if (!path.startsWith('"') && !special.test(path)) return path;
  return `"${path.replace(special, (char) => (char === '"' || char === '\\' ? `\\${char}` : `\\${char.charCodeAt(0).toString(8).padStart(3, '0')}`))}"`;
}

/**
 * The environment git runs with here. glibc's malloc gives freed heap back to the kernel above 128 KiB
 * (M_TRIM_THRESHOLD), and zlib's buffers for each object cross that line: on a virtual machine where
 * giving pages back and faulting them in again is slow, that was 80% of fast-import's time (and of
 * `git add`'s). A higher threshold keeps the heap; no effect elsewhere, and a user's own setting wins.
 */
function gitEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(env).filter(([name]) => !REPOSITORY_VARIABLES.has(name)));
  return env.GLIBC_TUNABLES === undefined ? { ...clean, GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=33554432' } : clean;
}

/**
 * Variables that point git at another repository, index or object store (set, for example, when init
 * runs from inside a git hook), or at another tree's attributes (GIT_ATTR_SOURCE, which the checkout
 * would read instead of the tree's own): the repository made here is `dir`'s own, whatever the caller's git is.
 */
const REPOSITORY_VARIABLES = new Set(['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_COMMON_DIR', 'GIT_NAMESPACE', 'GIT_PREFIX', 'GIT_ATTR_SOURCE']);

/** Runs git in `dir`, resolving with stdout; a failure becomes a GitError with git's own words (its hints included). */
function runGit(dir: string, args: readonly string[], env: NodeJS.ProcessEnv, what: string, input?: Buffer, running?: Set<ChildProcess>): Promise<string> {
  const hint = 'fix what git says, then run the command again';
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...args], { cwd: dir, env, stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    running?.add(child);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => {
      running?.delete(child);
      reject(new GitError(`git could not ${what} in ${dir}: ${error.message}`, 'is git installed and on PATH?', error));
    });
    child.on('close', (code, signal) => {
      running?.delete(child);
      if (code === 0) {
        resolve(Buffer.concat(stdout).toString('utf8'));
        return;
      }
      const said = Buffer.concat(stderr).toString('utf8').trim();
      reject(new GitError(`git could not ${what} in ${dir}: ${said || (signal ? `stopped by ${signal}` : `exit code ${code}`)}`, hint));
    });
    if (input) {
      // EPIPE when git stops early: its exit code and stderr tell why.
      child.stdin!.on('error', () => undefined);
      child.stdin!.end(input);
    }
  });
}
