import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repositoryFormat } from '../../src/adapters/git-discovery.js';
import { indexPathsUnder } from '../../src/adapters/git-index.js';
import { readFromIndex, trackedFilesUnder } from '../../src/adapters/git-tracked.js';
import { makeTempDir, removeTempDirs } from '../helpers/cli.js';

/**
 * The oracle is git itself: in every repository below, what validate reads from the index must be
 * what `git ls-files -z -- node_modules` prints in the same folder with the same environment.
 */
describe('tracked files read from the git index (real git as the oracle)', () => {
  let work: string;
  let env: NodeJS.ProcessEnv;

  before(() => {
    work = makeTempDir('cp-gitops-git-index-');
    // git without this machine's config (no index.version or feature.manyFiles from a user's setup).
    env = { PATH: process.env.PATH, HOME: join(work, 'home'), XDG_CONFIG_HOME: join(work, 'home', '.config'), GIT_CONFIG_NOSYSTEM: '1', LANG: 'C', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
    mkdirSync(env.HOME!, { recursive: true });
  });
  after(removeTempDirs);

  const git = (args: readonly string[], cwd: string, input?: string): string =>
    execFileSync('git', [...args], { cwd, env, encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] }).trim();

  /** What git prints: the expected value of every case. */
  function gitLsFiles(dir: string, withEnv: NodeJS.ProcessEnv = env): string[] {
    const result = spawnSync('git', ['ls-files', '-z', '--', 'node_modules'], { cwd: dir, env: withEnv, encoding: 'utf8' });
    return result.status === 0 ? result.stdout.split('\0').filter(Boolean) : [];
  }

  /** A new repository in `work/name` with these files committed (a path ending in / makes a folder). */
  function repository(name: string, files: readonly string[], initArgs: readonly string[] = []): string {
    const dir = join(work, name);
    mkdirSync(dir, { recursive: true });
    git(['init', '-q', '-b', 'main', ...initArgs], dir);
    writeFiles(dir, files);
    git(['add', '-A', '-f', '.'], dir);
    git(['commit', '-q', '--allow-empty', '-m', 'files'], dir);
    return dir;
  }

  function writeFiles(dir: string, files: readonly string[]): void {
    for (const file of files) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), `${file}\n`);
    }
  }

  const indexVersion = (gitDir: string) => readFileSync(join(gitDir, 'index')).readUInt32BE(4);

  /** The index answers (no git process) and says what git says; `tracked` are the paths git must list. */
  async function expectReadFromIndex(dir: string, tracked: readonly string[]): Promise<void> {
    const expected = gitLsFiles(dir);
    expect(expected, 'git lists the files the case tracks').to.deep.equal(tracked);
    expect(readFromIndex(dir, 'node_modules', env), 'read from the index').to.deep.equal(expected);
    expect(await trackedFilesUnder(dir, 'node_modules', env)).to.deep.equal(expected);
  }

  /** The index is not read (git is asked), and the answer is still git's. */
  async function expectAskedGit(dir: string, withEnv: NodeJS.ProcessEnv = env): Promise<string[]> {
    expect(readFromIndex(dir, 'node_modules', withEnv), 'not read from the index').to.equal(undefined);
    const expected = gitLsFiles(dir, withEnv);
    expect(await trackedFilesUnder(dir, 'node_modules', withEnv)).to.deep.equal(expected);
    return expected;
  }

  const DEPENDENCIES = ['node_modules/.bin/cp-gitops', 'node_modules/cp-gitops/package.json', 'node_modules/yaml/dist/index.js'];
  /** Neighbours that share the name's first letters without being under node_modules/. */
  const NEIGHBOURS = ['node_module/x', 'node_modules-old/x', 'node_modules.txt', 'node_modulesX', 'a/node_modules/x', 'README.md'];

  it('index version 2 (git\'s default), including a node_modules/ deleted from disk but still committed', async () => {
    const dir = repository('v2', [...DEPENDENCIES, ...NEIGHBOURS]);
    expect(indexVersion(join(dir, '.git'))).to.equal(2);
    await expectReadFromIndex(dir, DEPENDENCIES);
    rmSync(join(dir, 'node_modules'), { recursive: true });
    await expectReadFromIndex(dir, DEPENDENCIES);
  });

  it('node_modules committed as a symbolic link, and a folder whose name is not ASCII (left to git)', async () => {
    const dir = repository('symlink', ['README.md', 'caf\u00e9/node_modules/x']);
    symlinkSync('/usr/lib/node_modules', join(dir, 'node_modules'));
    git(['add', 'node_modules'], dir);
    await expectReadFromIndex(dir, ['node_modules']);
    expect(await expectAskedGit(join(dir, 'caf\u00e9'))).to.deep.equal(['node_modules/x']);
  });

  it('nothing tracked: a repository without node_modules/, an empty one without an index, a folder in no repository', async () => {
    await expectReadFromIndex(repository('none', NEIGHBOURS), []);
    const empty = join(work, 'empty');
    mkdirSync(empty);
    git(['init', '-q'], empty);
    writeFiles(empty, DEPENDENCIES); // on disk, never added
    expect(existsSync(join(empty, '.git', 'index'))).to.equal(false);
    await expectReadFromIndex(empty, []);

    const outside = makeTempDir('cp-gitops-no-repository-');
    writeFiles(outside, DEPENDENCIES);
    expect(spawnSync('git', ['rev-parse', '--git-dir'], { cwd: outside, env }).status, 'the temp folder is in no repository').to.not.equal(0);
    // The walk up to / stops at a mount point, where git would stop too: then git is asked.
    const sameDevice = ancestors(outside).every((folder) => statSync(folder).dev === statSync(outside).dev);
    if (sameDevice) await expectReadFromIndex(outside, []);
    else expect(await expectAskedGit(outside)).to.deep.equal([]);
  });

  it('index version 3: intent-to-add and skip-worktree entries (extended flags)', async () => {
    const dir = repository('v3', [...DEPENDENCIES, ...NEIGHBOURS]);
    writeFiles(dir, ['node_modules/added-later.js']);
    git(['add', '-N', '-f', 'node_modules/added-later.js'], dir);
    git(['update-index', '--skip-worktree', 'node_modules/.bin/cp-gitops'], dir);
    expect(indexVersion(join(dir, '.git'))).to.equal(3);
    await expectReadFromIndex(dir, [DEPENDENCIES[0]!, 'node_modules/added-later.js', ...DEPENDENCIES.slice(1)]);
  });

  it('index version 4: path prefix compression over long shared prefixes, a name longer than 4095 bytes, conflict stages', async () => {
    const deep = 'node_modules/@scope/a-package-with-a-long-name/lib/internal/streams/legacy';
    const files = Array.from({ length: 40 }, (_, i) => `${deep}/file-${String(i).padStart(2, '0')}.js`);
    const dir = repository('v4', [...files, 'node_modules/@scope/a-package-with-a-long-name/README.md', 'node_modules/@scope/a-package-with-a-long-names/x', ...NEIGHBOURS]);
    // Index entries need no file on disk: a 5,000-byte path (the name length field saturates at 0xFFF).
    const blob = git(['hash-object', '-w', '--stdin'], dir, 'long\n');
    const long = `node_modules/${'l'.repeat(200)}/`.repeat(24) + 'end.js';
    git(['update-index', '--add', '--cacheinfo', `100644,${blob},${long}`], dir);
    // An unmerged path: ls-files lists it once per stage.
    git(['update-index', '--index-info'], dir, [1, 2, 3].map((stage) => `100644 ${blob} ${stage}\tnode_modules/conflict.js\n`).join(''));
    const expected = gitLsFiles(dir);
    expect(expected.filter((path) => path === 'node_modules/conflict.js')).to.have.length(3);
    expect(expected).to.include(long);

    await expectReadFromIndex(dir, expected); // version 2 first, with the long name
    git(['update-index', '--index-version', '4'], dir);
    expect(indexVersion(join(dir, '.git'))).to.equal(4);
    await expectReadFromIndex(dir, expected);
    expect(expected.length).to.equal(files.length + 6);
  });

  it('index version 4 written in blocks for threaded reading (IEOT: each block starts its names afresh)', async () => {
    const dir = repository('v4-blocks', ['README.md', 'zzz/last']);
    const blob = git(['hash-object', '-w', '--stdin'], dir, 'x\n');
    const many = Array.from({ length: 3000 }, (_, i) => `100644 ${blob} 0\t${i % 3 ? 'node_modules' : 'node_module'}/package-${String(i).padStart(4, '0')}/index.js\n`);
    git(['update-index', '--index-info'], dir, many.join(''));
    git(['-c', 'index.threads=4', '-c', 'index.recordOffsetTable=true', 'update-index', '--index-version', '4'], dir);
    expect(readFileSync(join(dir, '.git', 'index')).includes('IEOT')).to.equal(true);
    await expectReadFromIndex(dir, gitLsFiles(dir));
    expect(gitLsFiles(dir)).to.have.length(2000);
  });

  it('a cp-gitops repository in a subfolder of a bigger repository (also reached through a symbolic link)', async () => {
    const dir = repository('monorepo', ['node_modules/top-level.js', 'platform/node_modules/.bin/cp-gitops', 'platform/node_modules-old/x', 'platform/cp-gitops.yaml', 'platform/overlays/dev/node_modules/x', 'other/node_modules/y']);
    await expectReadFromIndex(join(dir, 'platform'), ['node_modules/.bin/cp-gitops']);
    await expectReadFromIndex(join(dir, 'platform', 'overlays'), []);
    const link = join(work, 'platform-link');
    symlinkSync(join(dir, 'platform'), link);
    await expectReadFromIndex(link, ['node_modules/.bin/cp-gitops']);
  });

  it('a linked worktree (.git is a file naming .git/worktrees/<name>) and a submodule (core.worktree)', async () => {
    const main = repository('with-worktree', [...DEPENDENCIES, 'README.md']);
    const worktree = join(work, 'worktree');
    git(['worktree', 'add', '-q', '-b', 'other', worktree], main);
    expect(statSync(join(worktree, '.git')).isFile()).to.equal(true);
    git(['rm', '-q', '--cached', DEPENDENCIES[1]!], worktree); // the worktree has its own index
    await expectReadFromIndex(worktree, [DEPENDENCIES[0]!, DEPENDENCIES[2]!]);
    await expectReadFromIndex(main, DEPENDENCIES);

    const superproject = repository('superproject', ['README.md']);
    git(['-c', 'protocol.file.allow=always', 'submodule', '--quiet', 'add', main, 'platform'], superproject);
    const submodule = join(superproject, 'platform');
    expect(readFileSync(join(superproject, '.git', 'modules', 'platform', 'config'), 'utf8')).to.match(/worktree = /);
    await expectReadFromIndex(submodule, DEPENDENCIES);
    await expectReadFromIndex(superproject, []);
  });

  it('a SHA-256 repository (32-byte object ids in the index)', async () => {
    const dir = repository('sha256', [...DEPENDENCIES, ...NEIGHBOURS], ['--object-format=sha256']);
    expect(repositoryFormat(readFileSync(join(dir, '.git', 'config'), 'utf8'))).to.deep.equal({ hashSize: 32 });
    await expectReadFromIndex(dir, DEPENDENCIES);
    git(['update-index', '--index-version', '4'], dir);
    await expectReadFromIndex(dir, DEPENDENCIES);
  });

  it('git answers: a split index, a sparse index, GIT_DIR and other variables, a bare repository', async () => {
    const split = repository('split', [...DEPENDENCIES, 'README.md']);
    git(['update-index', '--split-index'], split);
    writeFiles(split, ['node_modules/after-split.js']);
    git(['add', '-f', 'node_modules/after-split.js'], split);
    expect(await expectAskedGit(split)).to.deep.equal([...DEPENDENCIES.slice(0, 1), 'node_modules/after-split.js', ...DEPENDENCIES.slice(1)]);

    const sparse = repository('sparse', [...DEPENDENCIES, 'overlays/dev/x.yaml']);
    git(['sparse-checkout', 'set', '--cone', '--sparse-index', 'overlays'], sparse);
    expect(await expectAskedGit(sparse)).to.deep.equal(DEPENDENCIES);

    const plain = repository('plain', ['README.md']);
    const other = repository('other', DEPENDENCIES);
    expect(await expectAskedGit(plain, { ...env, GIT_DIR: join(other, '.git') })).to.deep.equal(DEPENDENCIES);
    for (const variable of ['GIT_INDEX_FILE', 'GIT_WORK_TREE', 'GIT_CEILING_DIRECTORIES', 'GIT_ICASE_PATHSPECS', 'GIT_CONFIG_PARAMETERS', 'GIT_TEST_SPLIT_INDEX']) {
      expect(readFromIndex(other, 'node_modules', { ...env, [variable]: '' }), variable).to.equal(undefined);
    }

    const bare = join(work, 'bare.git');
    git(['clone', '-q', '--bare', other, bare], work);
    expect(await expectAskedGit(bare)).to.deep.equal([]);
  });

  it('a pathspec that is not a plain folder name is left to git', async () => {
    const dir = repository('pathspec', DEPENDENCIES);
    for (const folder of ['node_*', ':(icase)node_modules', '../x', './node_modules', 'node_modules/']) expect(readFromIndex(dir, folder, env), folder).to.equal(undefined);
  });

  describe('the parser on bytes', () => {
    let bytes: Buffer;
    before(() => {
      const dir = repository('bytes', [...DEPENDENCIES, 'README.md']);
      bytes = readFileSync(join(dir, '.git', 'index'));
    });
    const withExtension = (signature: string) => {
      const body = bytes.subarray(0, bytes.length - 20);
      const header = Buffer.alloc(8);
      header.write(signature, 'latin1');
      header.writeUInt32BE(4, 4);
      return Buffer.concat([body, header, Buffer.from('data'), bytes.subarray(bytes.length - 20)]);
    };

    it('reads the paths at or under a folder, in index order', () => {
      expect(indexPathsUnder(bytes, 'node_modules', 20)).to.deep.equal(DEPENDENCIES);
      expect(indexPathsUnder(bytes, 'node_modules/yaml', 20)).to.deep.equal([DEPENDENCIES[2]]);
      expect(indexPathsUnder(bytes, 'README.md', 20)).to.deep.equal(['README.md']);
      expect(indexPathsUnder(bytes, 'node', 20)).to.deep.equal([]);
    });

    it('skips optional extensions and refuses required ones (split index `link`, sparse `sdir`, unknown)', () => {
      expect(indexPathsUnder(withExtension('ZZZZ'), 'node_modules', 20)).to.deep.equal(DEPENDENCIES);
      for (const signature of ['link', 'sdir', 'abcd']) expect(indexPathsUnder(withExtension(signature), 'node_modules', 20), signature).to.equal(undefined);
    });

    it('refuses what it cannot be sure of: another signature or version, a wrong hash size, truncation', () => {
      const version5 = Buffer.from(bytes);
      version5.writeUInt32BE(5, 4);
      const signature = Buffer.from(bytes);
      signature.write('DIRD', 0, 'latin1');
      expect(indexPathsUnder(version5, 'node_modules', 20)).to.equal(undefined);
      expect(indexPathsUnder(signature, 'node_modules', 20)).to.equal(undefined);
      expect(indexPathsUnder(bytes, 'node_modules', 32)).to.equal(undefined);
      for (const length of [0, 11, 40, 100, bytes.length - 21]) expect(indexPathsUnder(bytes.subarray(0, length), 'node_modules', 20), `${length} bytes`).to.equal(undefined);
    });
  });

  describe('the repository config', () => {
    const INIT = '[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n\tlogallrefupdates = true\n';
    it('accepts what git init writes, other sections and comments', () => {
      expect(repositoryFormat(INIT)).to.deep.equal({ hashSize: 20 });
      expect(repositoryFormat('')).to.deep.equal({ hashSize: 20 });
      expect(repositoryFormat(`${INIT}[remote "origin"]\n\turl = "x;y"\n  # comment\n[core "sub"]\n\tbare = true\n; comment\n`)).to.deep.equal({ hashSize: 20 });
      expect(repositoryFormat('[core]\n\trepositoryformatversion = 1\n[extensions]\n\tobjectFormat = sha256\n')).to.deep.equal({ hashSize: 32 });
      expect(repositoryFormat('[core]\n\tworktree = ../../../platform\n')).to.deep.equal({ hashSize: 20, workTree: '../../../platform' });
    });
    it('refuses what it does not follow', () => {
      for (const config of [
        '[include]\n\tpath = other\n',
        '[includeIf "gitdir:~/x/"]\n\tpath = other\n',
        '[core]\n\tbare = true\n',
        '[core]\n\tbare\n',
        '[core]\n\trepositoryformatversion = 2\n',
        '[core]\n\trepositoryformatversion = 0\n[extensions]\n\tobjectformat = sha256\n',
        '[core]\n\trepositoryformatversion = 1\n[extensions]\n\tworktreeConfig = true\n',
        '[core]\n\trepositoryformatversion = 1\n[extensions]\n\tobjectformat = sha512\n',
        '[core]\n\tworktree = "../x"\n',
        '[core] bare = false\n',
        '[user]\n\tname = A \\\n[extensions]\n\tunknown = 1\n',
        'not a line of config\n',
      ]) {
        expect(repositoryFormat(config), config).to.equal(undefined);
      }
    });
  });
});

function ancestors(dir: string): string[] {
  const all = [dir];
  while (dirname(all[all.length - 1]!) !== all[all.length - 1]) all.push(dirname(all[all.length - 1]!));
  return all;
}
