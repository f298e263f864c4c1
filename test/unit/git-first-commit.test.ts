import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeTree } from '../../src/adapters/fs.js';
import { createRepositoryWithFirstCommit, FALLBACK_IDENTITY, quotePath, setGitConfig } from '../../src/adapters/git-first-commit.js';
import { loadTemplates } from '../../src/adapters/templates.js';
import { fileTree, type FileTree } from '../../src/generator/file-tree.js';
import { generateRepository } from '../../src/generator/repository.js';
import { buildNewModel } from '../../src/model/build.js';
import { makeTempDir, removeTempDirs } from '../helpers/cli.js';

const MESSAGE = 'cp-gitops init: Confluent Platform GitOps repository';

/**
 * git with nothing from this machine: an empty HOME, no system config, no GIT_* identity; `extra`
 * adds what a case needs. Dates are fixed so two commits made apart can be compared by hash.
 */
function isolatedEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), GIT_CONFIG_NOSYSTEM: '1', LANG: 'C', ...extra };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return env;
}

const FIXED_DATES = { GIT_AUTHOR_DATE: '1700000000 +0100', GIT_COMMITTER_DATE: '1700000100 +0100' };

function git(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): string {
  return execFileSync('git', [...args], { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** What init did before: git init, git add --all, git commit, with the fallback identity where the config has none. */
function commitTheOldWay(dir: string, tree: FileTree, env: NodeJS.ProcessEnv): string {
  mkdirSync(dir);
  writeTree(dir, tree);
  git(['init', '--quiet', '--initial-branch=main'], dir, env);
  git(['add', '--all'], dir, env);
  const configured = (key: string) => {
    try {
      return git(['config', '--get', key], dir, env) !== '';
    } catch {
      return false;
    }
  };
  const identity = [...(configured('user.name') ? [] : ['-c', `user.name=${FALLBACK_IDENTITY.name}`]), ...(configured('user.email') ? [] : ['-c', `user.email=${FALLBACK_IDENTITY.email}`])];
  git([...identity, 'commit', '--quiet', '-m', MESSAGE], dir, env);
  return git(['rev-parse', 'HEAD'], dir, env);
}

async function commitTheNewWay(dir: string, tree: FileTree, env: NodeJS.ProcessEnv): Promise<{ commit: string; via: string }> {
  mkdirSync(dir);
  writeTree(dir, tree);
  return createRepositoryWithFirstCommit({ dir, branch: 'main', tree, message: MESSAGE, env });
}

describe('init\'s first commit through git fast-import (real git)', () => {
  let work: string;
  let home: string;
  const defaultTree = generateRepository(buildNewModel({ name: 'p' }), loadTemplates());
  /** Paths and contents fast-import reads differently from a plain line: quotes, backslashes, spaces, UTF-8, no final newline, empty. */
  const awkwardTree = fileTree([
    ['.githooks/pre-push', '#!/bin/sh\nexit 0\n'],
    ['a b/c "d".yaml', 'x: 1\n'],
    ['back\\slash.txt', 'no final newline'],
    ['"leading-quote.md', '# quoted\n'],
    ['ünïcødé/€.yaml', 'name: "ü€"\n'],
    ['empty.txt', ''],
    ['crlf.txt', 'kept\r\nas is\r\n'],
  ]);

  beforeEach(() => {
    work = makeTempDir('cp-gitops-first-commit-');
    home = join(work, 'home');
    mkdirSync(home);
  });
  after(removeTempDirs);

  for (const [title, tree] of [['the default repository (228 files)', defaultTree], ['awkward paths and contents', awkwardTree]] as const) {
    it(`makes the very commit git add + git commit makes, for ${title}`, async () => {
      const env = isolatedEnv(home, { ...FIXED_DATES, GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'ada@example.org', GIT_COMMITTER_NAME: 'Bob', GIT_COMMITTER_EMAIL: 'bob@example.org' });
      const old = commitTheOldWay(join(work, 'old'), tree, env);
      const made = await commitTheNewWay(join(work, 'new'), tree, env);
      expect(made.via).to.equal('fast-import');
      expect(made.commit).to.equal(old);
      expect(git(['rev-parse', 'HEAD'], join(work, 'new'), env)).to.equal(old);
      expect(git(['symbolic-ref', 'HEAD'], join(work, 'new'), env)).to.equal('refs/heads/main');
    });
  }

  it('leaves a clean status and an index with fresh stat data (git diff-files, which does not refresh, sees nothing)', async () => {
    const env = isolatedEnv(home, FIXED_DATES);
    await commitTheNewWay(join(work, 'new'), defaultTree, env);
    const dir = join(work, 'new');
    expect(git(['diff-files', '--name-only'], dir, env)).to.equal('');
    expect(git(['status', '--porcelain', '--untracked-files=all'], dir, env)).to.equal('');
    expect(git(['ls-files'], dir, env).split('\n')).to.have.length(defaultTree.size);
    expect(git(['ls-files', '-s', '.githooks/pre-push'], dir, env)).to.match(/^100755 /);
    // One pack, no loose objects: what makes it cheaper than git add.
    expect(git(['count-objects', '-v'], dir, env)).to.match(/^count: 0$/m).and.to.match(/^packs: 1$/m);
  });

  const identityCases: [string, NodeJS.ProcessEnv, string | undefined, string, string][] = [
    ['no identity anywhere: the fallback, as before', {}, undefined, `${FALLBACK_IDENTITY.name} <${FALLBACK_IDENTITY.email}>`, `${FALLBACK_IDENTITY.name} <${FALLBACK_IDENTITY.email}>`],
    ['user.name/user.email in the global config', {}, '[user]\n\tname = Carol\n\temail = carol@example.org\n', 'Carol <carol@example.org>', 'Carol <carol@example.org>'],
    ['GIT_AUTHOR_* only: the author from the environment, the committer falls back', { GIT_AUTHOR_NAME: 'Dan', GIT_AUTHOR_EMAIL: 'dan@example.org' }, undefined, 'Dan <dan@example.org>', `${FALLBACK_IDENTITY.name} <${FALLBACK_IDENTITY.email}>`],
    ['author.name and user.email: each where git takes it', {}, '[author]\n\tname = Eve\n[user]\n\temail = eve@example.org\n', `Eve <eve@example.org>`, `${FALLBACK_IDENTITY.name} <eve@example.org>`],
  ];
  for (const [title, extra, gitconfig, author, committer] of identityCases) {
    it(`records the identity git commit would: ${title}`, async () => {
      if (gitconfig) writeFileSync(join(home, '.gitconfig'), gitconfig);
      const env = isolatedEnv(home, { ...FIXED_DATES, ...extra });
      const old = commitTheOldWay(join(work, 'old'), defaultTree, env);
      const made = await commitTheNewWay(join(work, 'new'), defaultTree, env);
      expect(git(['log', '-1', '--format=%an <%ae>|%cn <%ce>|%ad|%cd', '--date=raw'], join(work, 'new'), env)).to.equal(`${author}|${committer}|1700000000 +0100|1700000100 +0100`);
      expect(made.commit).to.equal(old);
    });
  }

  it('with commit.gpgSign, commits through git commit, which signs (fast-import cannot)', async () => {
    // A stand-in for gpg: git commit hands it the commit and reads a signature and a SIG_CREATED status.
    const gpg = join(work, 'fake-gpg');
    writeFileSync(gpg, '#!/bin/sh\ncat >/dev/null\necho "[GNUPG:] SIG_CREATED D 1 8 00 1700000000 FAKE" >&2\nprintf -- "-----BEGIN PGP SIGNATURE-----\\n\\nZmFrZQ==\\n-----END PGP SIGNATURE-----\\n"\n');
    chmodSync(gpg, 0o755);
    writeFileSync(join(home, '.gitconfig'), `[user]\n\tname = Carol\n\temail = carol@example.org\n\tsigningkey = FAKE\n[commit]\n\tgpgSign = true\n[gpg]\n\tprogram = ${gpg}\n`);
    const env = isolatedEnv(home, FIXED_DATES);
    const made = await commitTheNewWay(join(work, 'new'), defaultTree, env);
    expect(made.via).to.equal('git commit');
    const dir = join(work, 'new');
    expect(git(['cat-file', 'commit', 'HEAD'], dir, env)).to.match(/^gpgsig -----BEGIN PGP SIGNATURE-----$/m);
    expect(git(['rev-parse', 'HEAD'], dir, env)).to.equal(made.commit);
    expect(git(['status', '--porcelain', '--untracked-files=all'], dir, env)).to.equal('');
  });

  it('the committed hook runs on push once core.hooksPath is set (executable in the commit and on disk)', async () => {
    const env = isolatedEnv(home, FIXED_DATES);
    const dir = join(work, 'new');
    await commitTheNewWay(dir, defaultTree, env);
    await setGitConfig(dir, 'core.hooksPath', '.githooks', env);
    expect(statSync(join(dir, '.githooks', 'pre-push')).mode & 0o111).to.equal(0o111);
    const remote = join(work, 'remote.git');
    git(['init', '--quiet', '--bare', remote], work, env);
    // The hook runs $CP_GITOPS_BIN validate <tree>: a stand-in that leaves a mark and refuses.
    const bin = join(work, 'validate-stand-in');
    const mark = join(work, 'hook-ran');
    writeFileSync(bin, `#!/bin/sh\ntouch ${mark}\nexit 1\n`);
    chmodSync(bin, 0o755);
    expect(() => git(['push', remote, 'main'], dir, { ...env, CP_GITOPS_BIN: bin })).to.throw(/failed to push/);
    expect(existsSync(mark), 'the pre-push hook ran the validator').to.equal(true);
  });

  it('refuses a branch name git refuses, with git\'s message, before anything is committed', async () => {
    const env = isolatedEnv(home, FIXED_DATES);
    const dir = join(work, 'bad');
    mkdirSync(dir);
    writeTree(dir, defaultTree);
    let error: unknown;
    await createRepositoryWithFirstCommit({ dir, branch: 'main\ncommit refs/heads/evil', tree: defaultTree, message: MESSAGE, env }).catch((caught: unknown) => {
      error = caught;
    });
    expect(String(error)).to.match(/git could not initialise the repository in .*bad: .*(not a valid branch name|invalid)/i);
    expect(existsSync(join(dir, '.git', 'refs', 'heads', 'evil'))).to.equal(false);
  });

  it('makes the repository in its folder even when GIT_DIR and GIT_INDEX_FILE point elsewhere (init run from a git hook)', async () => {
    const other = join(work, 'other');
    mkdirSync(other);
    git(['init', '--quiet', other], work, isolatedEnv(home));
    const env = isolatedEnv(home, { ...FIXED_DATES, GIT_DIR: join(other, '.git'), GIT_WORK_TREE: other, GIT_INDEX_FILE: join(other, '.git', 'index') });
    const made = await commitTheNewWay(join(work, 'new'), defaultTree, env);
    const plain = isolatedEnv(home);
    expect(git(['rev-parse', 'HEAD'], join(work, 'new'), plain)).to.equal(made.commit);
    expect(git(['status', '--porcelain', '--untracked-files=all'], join(work, 'new'), plain)).to.equal('');
    expect(() => git(['rev-parse', '--verify', '--quiet', 'HEAD'], other, plain), 'the other repository has no commit').to.throw();
    expect(existsSync(join(other, '.git', 'index')), 'nor an index').to.equal(false);
  });

  it('quotes for fast-import only the paths that need it', () => {
    expect(quotePath('overlays/dev/kustomization.yaml')).to.equal('overlays/dev/kustomization.yaml');
    expect(quotePath('a b/ü.yaml')).to.equal('a b/ü.yaml');
    expect(quotePath('a "b"')).to.equal('"a \\"b\\""');
    expect(quotePath('"x')).to.equal('"\\"x"');
    expect(quotePath('tab\there\\')).to.equal('"tab\\011here\\\\"');
  });
});
