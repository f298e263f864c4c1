import { spawn } from 'node:child_process';
import { GitError } from '../errors.js';
import type { FileTree } from '../generator/file-tree.js';
import { fileMode } from './fs.js';

/**
 * init's repository in as few git processes as git allows, without simple-git: `git init`, `git var -l`
 * (the identity and the config, as `git commit` would see them), `git fast-import` (every blob, the
 * tree and the commit in one pack, straight from the in-memory tree) and `git reset -q` (the index, so
 * `git status` is clean and its stat data is fresh). `git add` + `git commit` wrote one loose object per
 * file and started `git maintenance`; see docs/decisions.md (75) for what fast-import cannot do and
 * when the old path is taken.
 */

/** Used when the machine has no git identity (CI, containers), so a commit never fails for that. */
export const FALLBACK_IDENTITY = { name: 'cp-gitops', email: 'cp-gitops@users.noreply.localhost' } as const;

export interface FirstCommitOptions {
  /** The folder the tree was written to (the staging folder): it becomes the repository. */
  readonly dir: string;
  readonly branch: string;
  /** The exact bytes written to `dir`; the commit holds the same (fileMode decides 100755). */
  readonly tree: FileTree;
  readonly message: string;
  /** Default: process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

export interface FirstCommit {
  readonly commit: string;
  /** How the commit was made: `fast-import`, or `git commit` when the user's config asks for what fast-import cannot do. */
  readonly via: 'fast-import' | 'git commit';
}

/**
 * Creates the repository in `dir` (whose files are `tree`) with one commit on `branch`. The commit is
 * the one `git add --all && git commit` would make (same tree, same identity rules, same message), unless
 * the config asks for signing or a non-UTF-8 commit encoding: then `git add` and `git commit` run.
 */
export async function createRepositoryWithFirstCommit(options: FirstCommitOptions): Promise<FirstCommit> {
  const env = gitEnvironment(options.env ?? process.env);
  const { dir, branch } = options;
  await runGit(dir, ['init', '--quiet', `--initial-branch=${branch}`], env, 'initialise the repository');
  const vars = parseVarList(await runGit(dir, ['var', '-l'], env, 'read the identity and config'));
  const identityConfig = missingIdentityConfig(vars.config);
  if (needsGitCommit(vars.config)) {
    // Signing runs gpg/ssh-keygen through git commit; an encoding header is git commit's to write.
    await runGit(dir, ['add', '--all'], env, 'stage the files');
    await runGit(dir, [...identityConfig, 'commit', '--quiet', '--message', options.message], env, 'commit');
    return { commit: (await runGit(dir, ['rev-parse', 'HEAD'], env, 'read HEAD')).trim(), via: 'git commit' };
  }
  const author = identityLine(vars, 'AUTHOR', env);
  const committer = identityLine(vars, 'COMMITTER', env);
  const stream = fastImportStream({ branch, tree: options.tree, author, committer, message: options.message });
  const commit = (await runGit(dir, ['fast-import', '--quiet', '--done'], env, 'write the commit (git fast-import)', stream)).trim();
  if (!/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(commit)) throw new GitError(`git fast-import in ${dir} did not report the commit it wrote (got "${commit.slice(0, 80)}")`, 'run init again; nothing was kept');
  // A mixed reset fills the index from HEAD and refreshes its stat data from the files we wrote.
  await runGit(dir, ['reset', '--quiet'], env, 'fill the index');
  return { commit, via: 'fast-import' };
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
 * GitRepository.commitAll, so the environment (GIT_AUTHOR_NAME, …) still wins over both.
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
 * runs from inside a git hook): the repository made here is `dir`'s own, whatever the caller's git is.
 */
const REPOSITORY_VARIABLES = new Set(['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_COMMON_DIR', 'GIT_NAMESPACE', 'GIT_PREFIX']);

/** Runs git in `dir`, resolving with stdout; a failure becomes a GitError with git's own words (its hints included). */
function runGit(dir: string, args: readonly string[], env: NodeJS.ProcessEnv, what: string, input?: Buffer, hint = 'fix what git says, then run the command again'): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...args], { cwd: dir, env, stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => reject(new GitError(`git could not ${what} in ${dir}: ${error.message}`, 'is git installed and on PATH?', error)));
    child.on('close', (code, signal) => {
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
