import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';
import { makeTempDir, removeTempDirs, runCli, type CliResult } from '../helpers/cli.js';
import { expectExit, expectNoSecret, standInEnv, TOKEN } from '../helpers/github-e2e.js';
import { GitHubStandIn, loadGitHubDescription } from '../helpers/github-stand-in.js';
import { branchSha, createBareRepository, gitRun, mergeOnRemote, NEUTRAL_ENV, refsOf } from '../helpers/git-remotes.js';

// The change flow in a team (issue 12, points 2, 3 and 5), through the built bin with real git: the
// repository remembers its GitHub repository, a change merged on the remote is seen without a pull,
// and a reviewer's commit on a pull request branch is never dropped silently.

/** Another clone of the remote commits on `branch` and pushes it (hooks off: the test's own pushes). */
function pushFromAnotherClone(remote: string, branch: string, edit: (dir: string) => void, message: string): string {
  const scratch = mkdtempSync(join(tmpdir(), 'cp-gitops-colleague-'));
  try {
    gitRun(['clone', '--quiet', '--branch', branch, remote, scratch], tmpdir());
    edit(scratch);
    gitRun(['add', '--all'], scratch);
    gitRun(['-c', 'user.name=Rita Reviewer', '-c', 'user.email=rita@example.invalid', 'commit', '--quiet', '-m', message], scratch);
    gitRun(['push', '--quiet', 'origin', branch], scratch);
    return gitRun(['rev-parse', 'HEAD'], scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

describe('the repository remembers its GitHub repository (init --github, then no --github)', function () {
  this.timeout(240_000);
  let standIn: GitHubStandIn;
  let repo: string;

  before(async () => {
    await loadGitHubDescription();
    standIn = await GitHubStandIn.start({ login: 'octocat', organizations: ['acme'], token: TOKEN });
    const work = makeTempDir('cp-gitops-provider-');
    expectExit(await runCli(['init', 'p', '--components', 'kafka', '--github', 'acme/platform'], { cwd: work, env: standInEnv(standIn) }), 0);
    repo = join(work, 'p');
  });

  afterEach(() => expect(standIn.violations).to.deep.equal([]));

  after(async () => {
    await standIn?.close();
    removeTempDirs();
  });

  it('init --github records provider, repository and API URL in cp-gitops.yaml, and no token', () => {
    const text = readFileSync(join(repo, 'cp-gitops.yaml'), 'utf8');
    expect(parseYaml(text).gitProvider).to.deep.equal({ type: 'github', repository: 'acme/platform', apiUrl: standIn.url });
    expectNoSecret(text, 'cp-gitops.yaml');
  });

  it('add-component without --github (and without GITHUB_API_URL) opens the pull request on the recorded repository', async () => {
    const result = await runCli(['add-component', 'connect', '--env', 'dev'], { cwd: repo, env: standInEnv(standIn, { GITHUB_API_URL: undefined }) });
    expectExit(result, 0);
    expectNoSecret(`${result.stdout}\n${result.stderr}`, 'the output');
    const pulls = standIn.pullRequests('acme', 'platform').filter((pull) => pull.head === 'cp-gitops/add-connect-dev');
    expect(pulls).to.have.length(1);
    expect(result.stdout).to.include(`Pull request #${pulls[0]!.number}`);
    expect(branchSha(standIn.repository('acme', 'platform')!.bareDir, 'cp-gitops/add-connect-dev')).to.equal(branchSha(join(repo, '.git'), 'cp-gitops/add-connect-dev'));
    // Point 4: the body says how to refresh the pull request when main moves on.
    expect(pulls[0]!.body).to.include('refresh it by running the same command again: `cp-gitops add-component connect --env dev`');
  });

  it('with the record but no token: exit 1 naming GITHUB_TOKEN, nothing pushed (no silent fallback to printing the body)', async () => {
    const bare = standIn.repository('acme', 'platform')!.bareDir;
    const before = refsOf(bare);
    const result = await runCli(['add-component', 'ksqldb', '--env', 'dev'], { cwd: repo, env: { ...NEUTRAL_ENV, GITHUB_API_URL: standIn.url } });
    expectExit(result, 1);
    expect(result.stderr).to.include('GITHUB_TOKEN');
    expect(refsOf(bare)).to.equal(before);
  });
});

describe('change commands start from the remote, and keep a reviewer\'s commits (bare remote)', function () {
  this.timeout(300_000);
  let bare: string;
  let repo: string;
  const cli = (args: readonly string[]): Promise<CliResult> => runCli(args, { cwd: repo, env: NEUTRAL_ENV });

  before(async () => {
    const work = makeTempDir('cp-gitops-team-');
    bare = createBareRepository(join(work, 'remote.git'));
    expectExit(await runCli(['init', 'p', '--envs', 'dev,staging', '--components', 'kafka', '--remote', bare, '--repo-url', 'https://git.example.org/p.git'], { cwd: work, env: NEUTRAL_ENV }), 0);
    repo = join(work, 'p');
  });

  after(() => removeTempDirs());

  it('a change merged on the remote by another clone is seen by promote without a pull, which says the local main is behind', async () => {
    expectExit(await cli(['add-component', 'connect', '--env', 'dev']), 0);
    const merged = mergeOnRemote(bare, 'cp-gitops/add-connect-dev');
    const localMain = branchSha(join(repo, '.git'), 'main');
    const result = await cli(['promote', '--from', 'dev', '--to', 'staging']);
    expectExit(result, 0);
    expect(result.stdout).to.include('Your local main is 2 commits behind origin/main: the change is built on origin/main');
    expect(result.stdout).to.include('| staging | connect | enabled | no | yes |');
    const branch = 'cp-gitops/promote-dev-to-staging';
    expect(gitRun(['rev-parse', `${branchSha(bare, branch)}^`], repo), 'built on the merged main').to.equal(merged);
    expect(branchSha(join(repo, '.git'), 'main'), 'the local main did not move').to.equal(localMain);
    expect(gitRun(['symbolic-ref', '--short', 'HEAD'], repo)).to.equal('main');
    expect(gitRun(['status', '--porcelain', '--untracked-files=all'], repo)).to.equal('');
  });

  it('a reviewer\'s commit on the pull request branch: the re-run refuses (exit 1, names the commit, --force), nothing committed or pushed', async () => {
    const branch = 'cp-gitops/promote-dev-to-staging';
    const reviewed = pushFromAnotherClone(bare, branch, (dir) => writeFileSync(join(dir, 'README.md'), `${readFileSync(join(dir, 'README.md'), 'utf8')}\nReviewed.\n`), 'Note from the review');
    const localBefore = refsOf(join(repo, '.git'));
    const result = await cli(['promote', '--from', 'dev', '--to', 'staging']);
    expectExit(result, 1);
    expect(result.stderr).to.include(`holds 1 commit cp-gitops did not make: ${reviewed.slice(0, 12)} "Note from the review" (Rita Reviewer)`);
    expect(result.stderr).to.include('merge the pull request as it is').and.include('--force');
    expect(branchSha(bare, branch), 'the reviewer\'s commit stays on the remote').to.equal(reviewed);
    expect(refsOf(join(repo, '.git')), 'no local branch moved').to.equal(localBefore);
    expect(gitRun(['status', '--porcelain', '--untracked-files=all'], repo)).to.equal('');
  });

  it('--force drops it: the branch is rebuilt from cp-gitops.yaml on main, pushed with a lease', async () => {
    const branch = 'cp-gitops/promote-dev-to-staging';
    const reviewed = branchSha(bare, branch)!;
    const result = await cli(['promote', '--from', 'dev', '--to', 'staging', '--force']);
    expectExit(result, 0);
    expect(result.stderr).to.include(`--force: dropping ${reviewed.slice(0, 12)}`);
    const head = branchSha(bare, branch)!;
    expect(head).to.not.equal(reviewed);
    expect(gitRun(['rev-parse', `${head}^`], repo)).to.equal(branchSha(bare, 'main'));
    expect(() => gitRun(['merge-base', '--is-ancestor', reviewed, head], repo), 'the reviewer\'s commit is gone from the branch').to.throw();
  });

  it('GitHub\'s "Update branch" (a merge of main into the branch) is not a reviewer\'s commit: the re-run refreshes the branch', async () => {
    // Main moves on (a colleague adds a note) after the promotion branch was made; "Update branch" merges it in.
    const moved = pushFromAnotherClone(bare, 'main', (dir) => writeFileSync(join(dir, 'NOTES.md'), 'Runbook notes.\n'), 'Add runbook notes');
    const scratch = mkdtempSync(join(tmpdir(), 'cp-gitops-update-'));
    try {
      gitRun(['clone', '--quiet', '--branch', 'cp-gitops/promote-dev-to-staging', bare, scratch], tmpdir());
      gitRun(['merge', '--quiet', '--no-ff', '-m', "Merge branch 'main' into cp-gitops/promote-dev-to-staging", 'origin/main'], scratch);
      gitRun(['push', '--quiet', 'origin', 'cp-gitops/promote-dev-to-staging'], scratch);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    const result = await cli(['promote', '--from', 'dev', '--to', 'staging']);
    expectExit(result, 0);
    expect(result.stdout).to.include('| staging | connect | enabled | no | yes |');
    const head = branchSha(bare, 'cp-gitops/promote-dev-to-staging')!;
    expect(gitRun(['rev-parse', `${head}^`], repo), 'rebuilt on the newest main').to.equal(moved);
    expect(gitRun(['log', '--format=%s', `${moved}..${head}`], repo), 'one commit, cp-gitops\'s').to.equal('Promote dev → staging');
  });
  it('a local main with its own commit and behind the remote (diverged): exit 1 with git pull --rebase, nothing committed or pushed', async () => {
    const original = gitRun(['rev-parse', 'HEAD'], repo);
    writeFileSync(join(repo, 'LOCAL.md'), 'local note\n');
    gitRun(['add', 'LOCAL.md'], repo);
    gitRun(['commit', '--quiet', '-m', 'local note'], repo);
    try {
      const remoteBefore = refsOf(bare);
      const localBefore = refsOf(join(repo, '.git'));
      const result = await cli(['add-component', 'restproxy', '--env', 'dev']);
      expectExit(result, 1);
      expect(result.stderr).to.match(/your local main and origin\/main have diverged \(1 local and \d+ remote commits?\)/).and.include('git pull --rebase');
      expect(refsOf(bare)).to.equal(remoteBefore);
      expect(refsOf(join(repo, '.git'))).to.equal(localBefore);
      expect(gitRun(['symbolic-ref', '--short', 'HEAD'], repo)).to.equal('main');
    } finally {
      gitRun(['reset', '--quiet', '--hard', original], repo);
    }
  });
});
