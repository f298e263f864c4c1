import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';
import { type CliResult, expectExit, makeTempDir, removeTempDirs, runCli } from '../helpers/cli.js';
import {
  branchSha,
  createBareRepository,
  freePort,
  gitRun,
  mergeOnRemote,
  NEUTRAL_ENV,
  refsOf,
  startGitDaemon,
  type GitDaemon,
} from '../helpers/git-remotes.js';

// add-component and promote end to end, through the built bin only, with real git and a bare
// repository as the remote (no GitHub): the branch, the commit, the push, and the PR body on stdout.

const REPO_URL = 'https://git.example.org/p.git';

/** Everything a refused command must leave as it was: local branches, remote refs, HEAD, working tree. */
interface RepoState {
  readonly heads: string;
  readonly remote: string;
  readonly head: string;
  readonly status: string;
}

function stateOf(repo: string, bare: string): RepoState {
  return {
    heads: refsOf(join(repo, '.git')),
    remote: refsOf(bare),
    head: gitRun(['symbolic-ref', '--short', 'HEAD'], repo),
    status: gitRun(['status', '--porcelain', '--untracked-files=all'], repo),
  };
}

describe('add-component and promote without GitHub (bare remote, through bin/)', function () {
  this.timeout(30_000);
  let work: string;
  let bare: string;
  let repo: string;
  const cli = (args: readonly string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { cwd: repo, env: { ...NEUTRAL_ENV, ...env } });

  before(async () => {
    work = makeTempDir('cp-gitops-change-');
    bare = createBareRepository(join(work, 'remote.git'));
    const init = await runCli(['init', 'p', '--components', 'kafka', '--remote', bare, '--repo-url', REPO_URL], { cwd: work, env: NEUTRAL_ENV });
    expectExit(init, 0);
    repo = join(work, 'p');
  });

  after(() => removeTempDirs());

  describe('the full flow: add connect to dev → merge → promote dev → staging', () => {
    let added: CliResult;
    let mainBefore: string;

    before(async () => {
      mainBefore = branchSha(bare, 'main')!;
      added = await cli(['add-component', 'connect', '--env', 'dev']);
    });

    it('add-component commits on cp-gitops/add-connect-dev, pushes that branch, and leaves main and the working tree alone', () => {
      expectExit(added, 0);
      const local = branchSha(join(repo, '.git'), 'cp-gitops/add-connect-dev');
      expect(local, 'local branch').to.be.a('string');
      expect(branchSha(bare, 'cp-gitops/add-connect-dev'), 'pushed branch').to.equal(local);
      expect(gitRun(['rev-parse', `${local}^`], repo), 'the branch starts from main').to.equal(mainBefore);
      expect(branchSha(bare, 'main'), 'main in the remote').to.equal(mainBefore);
      expect(branchSha(join(repo, '.git'), 'main'), 'main locally').to.equal(mainBefore);
      expect(gitRun(['symbolic-ref', '--short', 'HEAD'], repo)).to.equal('main');
      expect(gitRun(['status', '--porcelain', '--untracked-files=all'], repo)).to.equal('');
      const files = gitRun(['diff', '--name-only', 'main', 'cp-gitops/add-connect-dev'], repo).split('\n');
      expect(files).to.include.members(['cp-gitops.yaml', 'overlays/dev/kustomization.yaml', 'base/connect/kustomization.yaml']);
      expect(files.filter((file) => /^overlays\/(staging|prod)\//.test(file)), 'other environments').to.deep.equal([]);
    });

    it('prints the PR body: a summary table row and the folded rendered diff of Connect', () => {
      expect(added.stdout).to.include('committed').and.include('cp-gitops/add-connect-dev').and.include('pushed to origin');
      expect(added.stdout).to.include('| dev | connect | enabled | no | yes |');
      expect(added.stdout).to.include('<summary>Connect/connect (added)</summary>');
      expect(added.stdout).to.include('+  namespace: p-dev');
      expect(added.stdout).to.include('kustomize overlays/dev');
    });

    it('a re-run of the same change (before the merge) says the branch already holds it: no new commit, nothing pushed', async () => {
      const before = stateOf(repo, bare);
      const again = await cli(['add-component', 'connect', '--env', 'dev']);
      expectExit(again, 0);
      expect(again.stdout).to.include('the branch already holds this change').and.include('nothing pushed');
      expect(stateOf(repo, bare)).to.deep.equal(before);
    });

    it('a change that is already the case (kafka in dev): "Nothing to change", no branch, no commit, no push', async () => {
      const before = stateOf(repo, bare);
      const none = await cli(['add-component', 'kafka', '--env', 'dev']);
      expectExit(none, 0);
      expect(none.stdout).to.include('Nothing to change');
      expect(branchSha(join(repo, '.git'), 'cp-gitops/add-kafka-dev')).to.equal(undefined);
      expect(stateOf(repo, bare)).to.deep.equal(before);
    });

    it('after the merge on the remote and a pull, promote dev → staging opens a PR in which Connect appears in staging', async () => {
      const merged = mergeOnRemote(bare, 'cp-gitops/add-connect-dev');
      gitRun(['pull', '--quiet', '--ff-only', 'origin', 'main'], repo);
      expect(gitRun(['rev-parse', 'HEAD'], repo)).to.equal(merged);

      const promoted = await cli(['promote', '--from', 'dev', '--to', 'staging']);
      expectExit(promoted, 0);
      const branch = 'cp-gitops/promote-dev-to-staging';
      const local = branchSha(join(repo, '.git'), branch);
      expect(local).to.be.a('string');
      expect(branchSha(bare, branch), 'pushed').to.equal(local);
      expect(gitRun(['rev-parse', `${local}^`], repo)).to.equal(merged);
      expect(branchSha(bare, 'main'), 'main in the remote').to.equal(merged);
      expect(gitRun(['symbolic-ref', '--short', 'HEAD'], repo)).to.equal('main');
      expect(gitRun(['status', '--porcelain'], repo)).to.equal('');

      expect(promoted.stdout).to.match(/\| staging \| connect \| enabled \| no \| yes \|/);
      expect(promoted.stdout).to.include('<summary>Connect/connect (added)</summary>');
      expect(promoted.stdout).to.include('+  namespace: p-staging');
      expect(promoted.stdout).to.include('kustomize overlays/staging');
      expect(promoted.stdout).not.to.include('namespace: p-dev');
      const files = gitRun(['diff', '--name-only', 'main', branch], repo).split('\n');
      expect(files.filter((file) => /^overlays\/(dev|prod)\//.test(file)), 'only staging changes').to.deep.equal([]);
    });
  });

  describe('refusals: an exit code, a message, and nothing committed or pushed', () => {
    async function expectRefused(args: readonly string[], code: number, message: RegExp | string, options: { cwd?: string } = {}): Promise<CliResult> {
      const before = stateOf(repo, bare);
      const result = await runCli(args, { cwd: options.cwd ?? repo, env: NEUTRAL_ENV });
      expectExit(result, code);
      if (typeof message === 'string') expect(result.stderr).to.include(message);
      else expect(result.stderr).to.match(message);
      expect(result.stdout, 'no PR body for a refused change').not.to.include('<summary>');
      expect(stateOf(repo, bare)).to.deep.equal(before);
      return result;
    }

    it('a dirty working tree (an untracked file): exit 1, the file is listed, the file stays', async () => {
      writeFileSync(join(repo, 'scratch-notes.txt'), 'work in progress\n');
      try {
        const result = await expectRefused(['add-component', 'ksqldb', '--env', 'dev'], 1, 'uncommitted changes');
        expect(result.stderr).to.include('scratch-notes.txt');
        expect(readFileSync(join(repo, 'scratch-notes.txt'), 'utf8')).to.equal('work in progress\n');
      } finally {
        rmSync(join(repo, 'scratch-notes.txt'), { force: true });
      }
    });

    it('not a cp-gitops repository (an empty folder): exit 1, nothing written there', async () => {
      const empty = join(work, 'empty');
      mkdirSync(empty);
      await expectRefused(['add-component', 'connect', '--env', 'dev'], 1, /is not a cp-gitops repository \(no cp-gitops\.yaml\)/, { cwd: empty });
      expect(readdirSync(empty)).to.deep.equal([]);
    });

    it('an unknown environment: exit 2, the environments are listed', async () => {
      const result = await expectRefused(['add-component', 'ksqldb', '--env', 'qa'], 2, 'unknown environment "qa"');
      expect(result.stderr).to.include('dev, staging, prod');
    });

    it('an unknown component: exit 2, the components are listed', async () => {
      const result = await expectRefused(['add-component', 'zookeeperx', '--env', 'dev'], 2, 'unknown component "zookeeperx"');
      expect(result.stderr).to.include('schemaregistry');
    });

    it('promote skipping a stage (dev → prod): exit 2, mentions --skip-stage', async () => {
      await expectRefused(['promote', '--from', 'dev', '--to', 'prod'], 2, /skips staging[\s\S]*--skip-stage/);
    });

    it('promote backwards (staging → dev): exit 2', async () => {
      await expectRefused(['promote', '--from', 'staging', '--to', 'dev'], 2, /"dev" comes before "staging"/);
    });

    it('a committed hand edit the change would overwrite: exit 1, the file is named, the edit stays', async () => {
      const file = join(repo, 'overlays', 'dev', 'kustomization.yaml');
      const original = gitRun(['rev-parse', 'HEAD'], repo);
      writeFileSync(file, `${readFileSync(file, 'utf8')}# tuned by hand\n`);
      gitRun(['commit', '--quiet', '-am', 'hand edit of the dev overlay'], repo);
      try {
        await expectRefused(['add-component', 'ksqldb', '--env', 'dev'], 1, /would overwrite hand edits in: overlays\/dev\/kustomization\.yaml/);
        expect(readFileSync(file, 'utf8')).to.include('# tuned by hand');
      } finally {
        gitRun(['reset', '--quiet', '--hard', original], repo);
      }
    });
  });

  describe('the remote fails', () => {
    it('unreachable (a closed 127.0.0.1 port): exit 1, names the remote, no commit made, main and the working tree intact', async () => {
      const port = await freePort();
      const url = gitRun(['remote', 'get-url', 'origin'], repo);
      const before = stateOf(repo, bare);
      const commitsBefore = gitRun(['rev-list', '--branches'], repo);
      gitRun(['remote', 'set-url', 'origin', `git://127.0.0.1:${port}/x.git`], repo);
      try {
        const result = await cli(['add-component', 'ksqldb', '--env', 'dev']);
        expectExit(result, 1);
        // What happens: the remote is asked for the branch before the commit, so the run stops there.
        expect(result.stderr).to.include('could not reach the remote "origin"').and.include('127.0.0.1').and.include('nothing was pushed');
        expect(gitRun(['rev-list', '--branches'], repo), 'no new commit on any branch').to.equal(commitsBefore);
        expect(gitRun(['symbolic-ref', '--short', 'HEAD'], repo)).to.equal('main');
        expect(gitRun(['status', '--porcelain', '--untracked-files=all'], repo)).to.equal('');
        expect(branchSha(join(repo, '.git'), 'main')).to.equal(before.heads.match(/refs\/heads\/main (\w+)/)![1]);
        expect(refsOf(bare)).to.equal(before.remote);
      } finally {
        gitRun(['remote', 'set-url', 'origin', url], repo);
        // The run leaves an empty branch behind (the skipped test below): removed, so later tests start clean.
        if (branchSha(join(repo, '.git'), 'cp-gitops/add-ksqldb-dev')) gitRun(['branch', '--quiet', '-D', 'cp-gitops/add-ksqldb-dev'], repo);
      }
    });

    // BUG (minor, src/cli/commands/change-flow.ts applyChange): with the remote unreachable, the run
    // fails in fetchBranch after checkoutFresh created the change branch, and the catch block checks
    // out main but never deletes that branch: `git branch` then shows cp-gitops/add-ksqldb-dev at
    // main's commit, holding nothing. Repro: init p --remote <bare>; git remote set-url origin
    // git://127.0.0.1:<closed port>/x.git; add-component ksqldb --env dev → exit 1 (fine), and
    // `git branch` lists cp-gitops/add-ksqldb-dev (expected: local branches unchanged).
    it('unreachable: leaves no empty change branch behind (local branches unchanged)', async () => {
      const port = await freePort();
      const url = gitRun(['remote', 'get-url', 'origin'], repo);
      const before = stateOf(repo, bare);
      gitRun(['remote', 'set-url', 'origin', `git://127.0.0.1:${port}/x.git`], repo);
      try {
        expectExit(await cli(['add-component', 'ksqldb', '--env', 'dev']), 1);
        expect(stateOf(repo, bare)).to.deep.equal(before);
      } finally {
        gitRun(['remote', 'set-url', 'origin', url], repo);
      }
    });

    it('refusing the push (a pre-receive hook): exit 1 with the retry command; the commit stays on its local branch', async () => {
      const hook = join(bare, 'hooks', 'pre-receive');
      writeFileSync(hook, '#!/bin/sh\necho "protected: pushes are closed" >&2\nexit 1\n', { mode: 0o755 });
      const before = stateOf(repo, bare);
      try {
        const result = await cli(['add-component', 'schemaregistry', '--env', 'dev']);
        expectExit(result, 1);
        expect(result.stderr).to.include('pushing cp-gitops/add-schemaregistry-dev to origin failed');
        expect(result.stderr).to.include('the commit is safe').and.include(`push --set-upstream origin cp-gitops/add-schemaregistry-dev`);
        const local = branchSha(join(repo, '.git'), 'cp-gitops/add-schemaregistry-dev');
        expect(local, 'the commit is kept locally').to.be.a('string');
        expect(gitRun(['rev-parse', `${local}^`], repo)).to.equal(branchSha(join(repo, '.git'), 'main'));
        expect(gitRun(['log', '-1', '--format=%s', local!], repo)).to.equal('Add schemaregistry to dev');
        expect(refsOf(bare), 'nothing reached the remote').to.equal(before.remote);
        expect(gitRun(['symbolic-ref', '--short', 'HEAD'], repo)).to.equal('main');
        expect(gitRun(['status', '--porcelain', '--untracked-files=all'], repo)).to.equal('');
      } finally {
        rmSync(hook, { force: true });
      }
      // Once the remote accepts pushes, a re-run pushes the same change.
      const retried = await cli(['add-component', 'schemaregistry', '--env', 'dev']);
      expectExit(retried, 0);
      expect(branchSha(bare, 'cp-gitops/add-schemaregistry-dev')).to.equal(branchSha(join(repo, '.git'), 'cp-gitops/add-schemaregistry-dev'));
    });
  });

  describe('--dry-run and --json', () => {
    it('--dry-run prints the PR body and writes nothing: no branch, no commit, no push', async () => {
      const before = stateOf(repo, bare);
      const result = await cli(['add-component', 'controlcenter', '--env', 'dev', '--dry-run']);
      expectExit(result, 0);
      expect(result.stdout).to.include('Would commit on branch cp-gitops/add-controlcenter-dev');
      expect(result.stdout).to.include('| dev | controlcenter | enabled | no | yes |');
      expect(result.stdout).to.include('<summary>').and.include('```diff');
      expect(stateOf(repo, bare)).to.deep.equal(before);
      expect(branchSha(join(repo, '.git'), 'cp-gitops/add-controlcenter-dev')).to.equal(undefined);
    });

    it('--json prints one JSON document with the branch, the changes and the body', async () => {
      const result = await cli(['add-component', 'restproxy', '--env', 'dev', '--json']);
      expectExit(result, 0);
      const document = JSON.parse(result.stdout) as { ok: boolean; branch: string; commit: string; pushed: boolean; changes: unknown[]; labels: string[]; body: string };
      expect(document.ok).to.equal(true);
      expect(document.branch).to.equal('cp-gitops/add-restproxy-dev');
      expect(document.changes).to.deep.equal([{ env: 'dev', component: 'restproxy', field: 'enabled', from: 'no', to: 'yes' }]);
      expect(document.labels).to.deep.equal(['env:dev', 'component:restproxy']);
      expect(document.body).to.include('| dev | restproxy | enabled | no | yes |').and.include('<summary>');
      expect(document.pushed).to.equal(true);
      expect(branchSha(bare, document.branch)).to.equal(document.commit);
      expect(result.stderr).to.equal('');
    });
  });

  describe('topics', () => {
    it('--topic orders --partitions 6 adds overlays/dev/topics/orders.yaml (a KafkaTopic) on its branch', async () => {
      const result = await cli(['add-component', '--topic', 'orders', '--partitions', '6', '--env', 'dev']);
      expectExit(result, 0);
      const branch = 'cp-gitops/add-topic-orders-dev';
      expect(branchSha(bare, branch), 'pushed').to.equal(branchSha(join(repo, '.git'), branch));
      const topic = parseYaml(gitRun(['show', `${branch}:overlays/dev/topics/orders.yaml`], repo)) as { kind: string; metadata: { name: string }; spec: { partitionCount: number } };
      expect(topic.kind).to.equal('KafkaTopic');
      expect(topic.metadata.name).to.equal('orders');
      expect(topic.spec.partitionCount).to.equal(6);
      expect(result.stdout).to.include('<summary>KafkaTopic/orders (added)</summary>').and.include('+  partitionCount: 6');
      expect(existsSync(join(repo, 'overlays', 'dev', 'topics')), 'main is checked out again').to.equal(false);
    });

    it('once merged, --partitions 3 is refused: Kafka cannot reduce partitions (exit 2, nothing committed)', async () => {
      const merged = mergeOnRemote(bare, 'cp-gitops/add-topic-orders-dev');
      gitRun(['pull', '--quiet', '--ff-only', 'origin', 'main'], repo);
      expect(gitRun(['rev-parse', 'HEAD'], repo)).to.equal(merged);
      const before = stateOf(repo, bare);
      const result = await cli(['add-component', '--topic', 'orders', '--partitions', '3', '--env', 'dev']);
      expectExit(result, 2);
      expect(result.stderr).to.include('has 6 partitions in dev').and.include('cannot reduce partitions');
      expect(stateOf(repo, bare)).to.deep.equal(before);
    });
  });

  describe('the environment of a workstation', () => {
    // BUG (src/adapters/git.ts, push and fetchBranch): they call this.git.env({ ...process.env, ...env }),
    // and simple-git ≥ 3.3x refuses to spawn git when that environment holds EDITOR, PAGER,
    // GIT_SSH_COMMAND, GIT_ASKPASS, GIT_CONFIG_COUNT, … ("Use of "EDITOR" is not permitted without
    // enabling allowUnsafeEditor"). Since .env() also mutates the shared instance, the clean-up in
    // applyChange's catch fails too: the run exits 1 with the misleading "could not reach the remote
    // "origin"", and leaves the repository ON the change branch with every change staged. Repro:
    // init p --components kafka --remote <bare>; cd p; EDITOR=vim cp-gitops add-component connect --env dev
    // → exit 1, `git status` shows 7 staged files on cp-gitops/add-connect-dev.
    // Expected: exit 0 (EDITOR/PAGER are set on most workstations).
    it('works with EDITOR and PAGER set, as on most workstations', async () => {
      const result = await cli(['add-component', 'ksqldb', '--env', 'dev'], { EDITOR: 'vi', PAGER: 'less' });
      expectExit(result, 0);
      expect(branchSha(bare, 'cp-gitops/add-ksqldb-dev')).to.equal(branchSha(join(repo, '.git'), 'cp-gitops/add-ksqldb-dev'));
      expect(gitRun(['symbolic-ref', '--short', 'HEAD'], repo)).to.equal('main');
      expect(gitRun(['status', '--porcelain', '--untracked-files=all'], repo)).to.equal('');
    });
  });
});

describe('add-component through git daemon (git:// on 127.0.0.1)', function () {
  this.timeout(30_000);
  let daemon: GitDaemon | undefined;
  let served: string;
  let work: string;

  before(async () => {
    work = makeTempDir('cp-gitops-daemon-');
    served = join(work, 'served');
    mkdirSync(served);
    createBareRepository(join(served, 'p.git'));
    daemon = await startGitDaemon(served);
  });

  after(async () => {
    await daemon?.stop();
    removeTempDirs();
  });

  it('init --remote git://… pushes main, and add-component pushes its branch over the network protocol', async () => {
    const remote = daemon!.url('p.git');
    const init = await runCli(['init', 'p', '--components', 'kafka', '--remote', remote], { cwd: work, env: NEUTRAL_ENV });
    expectExit(init, 0);
    const repo = join(work, 'p');
    expect(init.stdout).to.include(`Pushed main to ${remote}`);
    expect(gitRun(['remote', 'get-url', 'origin'], repo)).to.equal(remote);
    expect(branchSha(join(served, 'p.git'), 'main')).to.equal(gitRun(['rev-parse', 'HEAD'], repo));

    const added = await runCli(['add-component', 'connect', '--env', 'dev'], { cwd: repo, env: NEUTRAL_ENV });
    expectExit(added, 0);
    expect(added.stdout).to.include('pushed to origin');
    const local = branchSha(join(repo, '.git'), 'cp-gitops/add-connect-dev');
    expect(local).to.be.a('string');
    expect(branchSha(join(served, 'p.git'), 'cp-gitops/add-connect-dev')).to.equal(local);
    expect(gitRun(['ls-remote', '--heads', remote], repo)).to.include('refs/heads/cp-gitops/add-connect-dev');
  });
});

describe('the rendered diff: the real folder, or a scratch copy (decision 95)', function () {
  this.timeout(60_000);
  let work: string;
  const bodyOf = (stdout: string) => stdout.slice(stdout.indexOf('## '));

  before(() => {
    work = makeTempDir('cp-gitops-renders-');
  });
  after(() => removeTempDirs());

  it('the body rendered in the work tree is the --dry-run body (a scratch copy), and a repository with a symbolic link (scratch copies) gives the same body', async () => {
    const bodies: string[] = [];
    for (const name of ['plain', 'linked']) {
      // Both named p: the name is in every resource.
      mkdirSync(join(work, name));
      expectExit(await runCli(['init', 'p', '--components', 'kafka', '--repo-url', REPO_URL], { cwd: join(work, name), env: NEUTRAL_ENV }), 0);
      const repo = join(work, name, 'p');
      if (name === 'linked') {
        symlinkSync('../README.md', join(repo, 'docs', 'readme-link.md'));
        gitRun(['add', 'docs/readme-link.md'], repo);
        gitRun(['commit', '-q', '-m', 'a link'], repo);
      }
      const dryRun = await runCli(['add-component', 'connect', '--env', 'dev', '--dry-run'], { cwd: repo, env: NEUTRAL_ENV });
      expectExit(dryRun, 0);
      const added = await runCli(['add-component', 'connect', '--env', 'dev'], { cwd: repo, env: NEUTRAL_ENV });
      expectExit(added, 0);
      expect(bodyOf(added.stdout)).to.include('Connect/connect (added)');
      expect(bodyOf(added.stdout)).to.equal(bodyOf(dryRun.stdout));
      expect(gitRun(['status', '--porcelain', '--untracked-files=all'], repo)).to.equal('');
      bodies.push(bodyOf(added.stdout));
    }
    expect(bodies[1]).to.equal(bodies[0]);
  });
});
