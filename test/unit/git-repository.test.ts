import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitRepository } from '../../src/adapters/git.js';
import { FALLBACK_IDENTITY } from '../../src/adapters/git-first-commit.js';
import { makeTempDir, removeTempDirs } from '../helpers/cli.js';

function git(args: readonly string[], cwd: string): string {
  return execFileSync('git', [...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** The git calls the change flow makes in fewer processes (decision 96), on real repositories. */
describe('GitRepository: the change flow\'s git calls (real git)', () => {
  const saved: Record<string, string | undefined> = {};
  let repo: string;

  before(() => {
    // No identity from this machine: HOME empty, no system config (simple-git's git inherits process.env).
    const home = makeTempDir('cp-gitops-home-');
    for (const [key, value] of Object.entries({ HOME: home, XDG_CONFIG_HOME: join(home, '.config'), GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: undefined, GIT_AUTHOR_EMAIL: undefined, GIT_COMMITTER_NAME: undefined, GIT_COMMITTER_EMAIL: undefined })) {
      saved[key] = process.env[key];
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    repo = makeTempDir('cp-gitops-git-');
    git(['init', '--quiet', '--initial-branch=main'], repo);
    writeFileSync(join(repo, 'a.txt'), 'a\n');
    git(['add', '--all'], repo);
    git(['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '--quiet', '-m', 'first'], repo);
  });
  after(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    removeTempDirs();
  });

  it('workTreeGitDir: the absolute git directory from the top or a subfolder; undefined inside .git and outside any repository', async () => {
    mkdirSync(join(repo, 'sub'), { recursive: true });
    const gitDir = git(['rev-parse', '--absolute-git-dir'], repo);
    expect(await new GitRepository(repo).workTreeGitDir()).to.equal(gitDir);
    expect(await new GitRepository(join(repo, 'sub')).workTreeGitDir()).to.equal(gitDir);
    expect(await new GitRepository(gitDir).workTreeGitDir()).to.equal(undefined);
    expect(await new GitRepository(makeTempDir('cp-gitops-plain-')).workTreeGitDir()).to.equal(undefined);
  });

  it('branchHead: the commit of a local branch, undefined for one that does not exist (a tag or remote ref of that name does not count)', async () => {
    const repository = new GitRepository(repo);
    git(['branch', 'cp-gitops/x'], repo);
    git(['tag', 'cp-gitops/y'], repo);
    expect(await repository.branchHead('cp-gitops/x')).to.equal(git(['rev-parse', 'HEAD'], repo));
    expect(await repository.branchHead('cp-gitops/y')).to.equal(undefined);
    expect(await repository.branchHead('cp-gitops/none')).to.equal(undefined);
  });

  it('hasRemote reads the remotes once, and again after setRemote', async () => {
    const repository = new GitRepository(repo);
    expect(await repository.hasRemote('origin')).to.equal(false);
    await repository.setRemote('origin', makeTempDir('cp-gitops-remote-'));
    expect(await repository.hasRemote('origin')).to.equal(true);
  });

  it('commitStaged commits what is staged with the fallback identity for what the config lacks, the last of several values otherwise', async () => {
    const repository = new GitRepository(repo);
    writeFileSync(join(repo, 'b.txt'), 'b\n');
    await repository.stagedTree();
    writeFileSync(join(repo, 'c.txt'), 'not staged\n');
    const first = await repository.commitStaged('second');
    expect(git(['log', '-1', '--format=%an <%ae>|%cn <%ce>', first.commit], repo)).to.equal(`${FALLBACK_IDENTITY.name} <${FALLBACK_IDENTITY.email}>|${FALLBACK_IDENTITY.name} <${FALLBACK_IDENTITY.email}>`);
    expect(git(['show', '--name-only', '--format=', first.commit], repo)).to.equal('b.txt');

    git(['config', 'user.name', 'First'], repo);
    git(['config', '--add', 'user.name', 'Second Name'], repo);
    await repository.stagedTree();
    const second = await repository.commitStaged('third');
    expect(git(['log', '-1', '--format=%an <%ae>', second.commit], repo)).to.equal(`Second Name <${FALLBACK_IDENTITY.email}>`);
  });
});
