import { lstatSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import type { HashSize } from './git-index.js';

/**
 * Finding the repository a folder is in the way git does (git's setup.c; layout:
 * https://git-scm.com/docs/gitrepository-layout), for the common layouts only: the nearest `.git`
 * folder, or `.git` file ("gitdir: <path>", as in linked worktrees and submodules), at or above the
 * folder's real path. Every other case gives `undefined` ("ask git"): environment variables that move
 * the repository, a bare repository, a `.git` git would skip or refuse, files owned by another user
 * (git's safe.directory check), a mount point on the way up, repository config this reader does not
 * fully understand, a folder name that is not printable ASCII inside the work tree.
 */
export interface FoundRepository {
  /** The real path of the work tree's root. */
  readonly workTree: string;
  /** The git directory of this work tree (for a linked worktree, .git/worktrees/<name>): its index is here. */
  readonly gitDir: string;
  /** The folder asked about, relative to the work tree's root, '/'-separated and ending in '/'; '' at the root. */
  readonly prefix: string;
  readonly hashSize: HashSize;
}

export type Discovery = FoundRepository | 'no-repository';

/**
 * Variables that change where git finds the repository, its index or its repository config, or how it
 * matches a pathspec (https://git-scm.com/docs/git#_environment_variables), and config given on git's
 * command line (`git -c`, passed on to the commands git runs). GIT_TEST_* are git's own test switches.
 * The global and system config files (GIT_CONFIG_GLOBAL, GIT_CONFIG_NOSYSTEM...) are not here: the
 * repository format, core.worktree and core.bare are read from the repository's own config only.
 */
const SETUP_VARIABLES = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_COMMON_DIR',
  'GIT_OBJECT_DIRECTORY',
  'GIT_CEILING_DIRECTORIES',
  'GIT_DISCOVERY_ACROSS_FILESYSTEM',
  'GIT_LITERAL_PATHSPECS',
  'GIT_GLOB_PATHSPECS',
  'GIT_NOGLOB_PATHSPECS',
  'GIT_ICASE_PATHSPECS',
  'GIT_CONFIG_PARAMETERS',
  'GIT_CONFIG_COUNT',
];

/** Whether git run with this environment finds its repository by looking upwards from its folder, as discoverRepository does. */
export function discoversPlainly(env: NodeJS.ProcessEnv): boolean {
  return !SETUP_VARIABLES.some((name) => env[name] !== undefined) && !Object.keys(env).some((name) => name.startsWith('GIT_TEST_'));
}

/**
 * The repository git run in `dir` would use, 'no-repository' when git would find none, undefined
 * when this reader cannot be sure. POSIX only: on Windows git's ownership check compares security
 * identifiers, which Node does not show.
 */
export function discoverRepository(dir: string): Discovery | undefined {
  const euid = process.geteuid?.();
  if (euid === undefined || process.platform === 'win32') return undefined;
  // git starts from getcwd(), the physical path: a symlink on the way is resolved first.
  const start = realpathSync.native(dir);
  const device = statSync(start).dev;
  for (let folder = start; ; ) {
    const found = repositoryIn(folder, euid);
    if (found === undefined) return undefined;
    if (found !== null) {
      // Index paths are bytes (NFC on macOS, where git precomposes the folder names it gets): a prefix
      // outside printable ASCII might be spelled differently there.
      const prefix = prefixOf(start, found.workTree);
      return /^[\x20-\x7e]*$/.test(prefix) ? { ...found, prefix } : undefined;
    }
    const parent = dirname(folder);
    if (parent === folder) return 'no-repository';
    // git stops at a file system boundary and says "not a git repository" there; not copied here.
    if (statSync(parent).dev !== device) return undefined;
    folder = parent;
  }
}

/** The repository whose work tree's root is `folder`; null when `folder` holds none (look further up). */
function repositoryIn(folder: string, euid: number): Omit<FoundRepository, 'prefix'> | null | undefined {
  const dotGit = join(folder, '.git');
  const stat = statSync(dotGit, { throwIfNoEntry: false });
  if (stat === undefined) {
    // A folder with a HEAD may be a bare repository (or the inside of .git), which git would use.
    return statSync(join(folder, 'HEAD'), { throwIfNoEntry: false }) === undefined ? null : undefined;
  }
  let gitDir: string;
  let owned: string[];
  if (stat.isDirectory()) {
    gitDir = dotGit;
    owned = [folder, dotGit];
  } else if (stat.isFile()) {
    const target = gitFileTarget(readFileSync(dotGit, 'utf8'));
    if (target === undefined) return undefined;
    gitDir = resolvedFrom(folder, target);
    owned = [dotGit, folder, gitDir];
  } else {
    return undefined;
  }
  if (!owned.every((path) => lstatSync(path).uid === euid)) return undefined;
  const commonDir = commonDirOf(gitDir);
  if (commonDir === undefined) return undefined;
  const format = repositoryFormat(readIfPresent(join(commonDir, 'config'))?.toString('utf8') ?? '');
  if (format === undefined) return undefined;
  if (format.workTree !== undefined) {
    // core.worktree (set in submodules' git directories) is fine when it names this very folder.
    if (commonDir !== gitDir || resolvedFrom(gitDir, format.workTree) !== folder) return undefined;
  }
  return { workTree: folder, gitDir, hashSize: format.hashSize };
}

/** The path in a `.git` file ("gitdir: <path>" and line ends), or undefined when git would reject the file. */
function gitFileTarget(text: string): string | undefined {
  if (!text.startsWith('gitdir: ')) return undefined;
  const target = text.slice('gitdir: '.length).replace(/[\r\n]+$/, '');
  return target === '' || /[\r\n\0]/.test(target) ? undefined : target;
}

/**
 * The common git directory of a git directory that git would accept (a HEAD naming a ref or a commit,
 * objects/ and refs/): itself, or where its `commondir` file points for a linked worktree.
 */
function commonDirOf(gitDir: string): string | undefined {
  const head = join(gitDir, 'HEAD');
  if (!lstatSync(head, { throwIfNoEntry: false })?.isFile()) return undefined;
  const headText = readFileSync(head, 'latin1');
  if (!headText.startsWith('ref: refs/') && !/^[0-9a-f]{40}/.test(headText)) return undefined;
  const pointer = readIfPresent(join(gitDir, 'commondir'))?.toString('utf8');
  const commonDir = pointer === undefined ? gitDir : resolvedFrom(gitDir, pointer.replace(/[\r\n]+$/, ''));
  const isFolder = (name: string) => statSync(join(commonDir, name), { throwIfNoEntry: false })?.isDirectory() === true;
  return isFolder('objects') && isFolder('refs') ? commonDir : undefined;
}

export interface RepositoryFormat {
  readonly hashSize: HashSize;
  /** core.worktree, as written. */
  readonly workTree?: string;
}

/**
 * What a repository's config says about reading its index
 * (https://git-scm.com/docs/git-config#Documentation/git-config.txt-corerepositoryFormatVersion,
 * https://git-scm.com/docs/repository-version): the object id size (extensions.objectFormat) and
 * core.worktree. Undefined for anything that could change how git finds or reads the index and this
 * reader does not follow: include/includeIf (config from other files), any other extension (e.g.
 * worktreeConfig, a config per worktree), a bare repository, a format version git does not know, a
 * line or value this scan does not parse plainly.
 */
export function repositoryFormat(config: string): RepositoryFormat | undefined {
  let section = '';
  let version = 0;
  let objectFormat: string | undefined;
  let workTree: string | undefined;
  for (const rawLine of config.split('\n')) {
    const line = rawLine.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('[')) {
      const header = /^\[([A-Za-z0-9.-]+)(\s+"(?:[^"\\]|\\.)*")?\]\s*(?:[#;].*)?$/.exec(line);
      if (header === null) return undefined;
      const name = header[1]!.toLowerCase();
      // [section "sub"] and the old [section.sub] are subsections: none of them is read by this scan.
      section = header[2] === undefined && !name.includes('.') ? name : `${name} (subsection)`;
      if (name === 'include' || name === 'includeif' || name.startsWith('include.') || name.startsWith('includeif.')) return undefined;
      continue;
    }
    const entry = /^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$/.exec(line);
    if (entry === null || line.endsWith('\\')) return undefined;
    const key = `${section}.${entry[1]!.toLowerCase()}`;
    if (key !== 'core.repositoryformatversion' && key !== 'core.bare' && key !== 'core.worktree' && !key.startsWith('extensions.')) continue;
    const value = entry[2];
    if (value === undefined || /["\\#;]/.test(value)) return undefined;
    if (key === 'core.repositoryformatversion') {
      if (value !== '0' && value !== '1') return undefined;
      version = Number(value);
    } else if (key === 'core.bare') {
      if (!/^(false|no|off|0)$/i.test(value)) return undefined;
    } else if (key === 'core.worktree') {
      workTree = value;
    } else if (key === 'extensions.objectformat') {
      objectFormat = value.toLowerCase();
    } else {
      return undefined;
    }
  }
  // objectFormat needs format version 1; git refuses a version 0 repository that sets it.
  if (objectFormat !== undefined && version !== 1) return undefined;
  const hashSize = objectFormat === undefined || objectFormat === 'sha1' ? 20 : objectFormat === 'sha256' ? 32 : undefined;
  if (hashSize === undefined) return undefined;
  return workTree === undefined ? { hashSize } : { hashSize, workTree };
}

/** `dir` relative to the work tree's root as git's ls-files prefix: '' or 'a/b/'. */
function prefixOf(dir: string, workTree: string): string {
  const inside = relative(workTree, dir);
  return inside === '' ? '' : `${inside.split(sep).join('/')}/`;
}

/**
 * The real path of `path` read relative to the folder `base`, as git resolves the paths in `.git` files,
 * `commondir` and core.worktree: by the file system (`base/../x` is the parent of where `base` really
 * is), not by removing `..` from the text first.
 */
function resolvedFrom(base: string, path: string): string {
  return realpathSync.native(isAbsolute(path) ? path : `${base}/${path}`);
}

/** A file of the repository (its index, config, commondir), or undefined when there is none; any other error is thrown. */
export function readIfPresent(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
