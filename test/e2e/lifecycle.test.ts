import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { readTree } from '../../src/adapters/fs.js';
import { expectExit, makeTempDir, removeTempDirs, runCli, snapshotFiles, type CliResult } from '../helpers/cli.js';
import { branchSha, createBareRepository, gitRun, mergeOnRemote, NEUTRAL_ENV, refsOf } from '../helpers/git-remotes.js';
import { REPO_ROOT } from '../helpers/paths.js';

// remove-component, add-env / remove-env and remove-cluster (issue 12, point 8) through the built bin,
// with real git and a bare remote: each change is merged on the remote, and the way back gives the
// golden tree of the scenario byte for byte (test/golden/default). No pull in between: every change
// command builds on origin/main.

/** The files on the remote's main, as a clone checks them out. */
function remoteMain(bare: string): Map<string, string> {
  const scratch = mkdtempSync(join(tmpdir(), 'cp-gitops-main-'));
  try {
    gitRun(['clone', '--quiet', '--branch', 'main', bare, scratch], tmpdir());
    return snapshotFiles(scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function expectSameTree(actual: ReadonlyMap<string, string>, expected: ReadonlyMap<string, string>, what: string): void {
  expect([...actual.keys()].sort(), `${what}: file list`).to.deep.equal([...expected.keys()].sort());
  for (const [path, content] of expected) expect(actual.get(path), `${what}: ${path}`).to.equal(content);
}

describe('lifecycle commands round-trip to the golden tree (bare remote, through bin/)', function () {
  this.timeout(600_000);
  const golden = readTree(join(REPO_ROOT, 'test', 'golden', 'default'));
  let bare: string;
  let repo: string;
  const cli = (args: readonly string[]): Promise<CliResult> => runCli(args, { cwd: repo, env: NEUTRAL_ENV });

  /** Runs a change command, expects its branch on the remote, merges it there. */
  async function changeAndMerge(args: readonly string[], branch: string): Promise<CliResult> {
    const result = await cli(args);
    expectExit(result, 0);
    expect(branchSha(bare, branch), `${branch} pushed`).to.be.a('string');
    mergeOnRemote(bare, branch);
    return result;
  }

  before(async () => {
    const work = makeTempDir('cp-gitops-lifecycle-');
    bare = createBareRepository(join(work, 'remote.git'));
    // The flags of the golden scenario "default" (test/golden/scenarios.ts).
    expectExit(await runCli(['init', 'p', '--name', 'acme-kafka', '--repo-url', 'https://github.com/acme/acme-kafka.git', '--remote', bare], { cwd: work, env: NEUTRAL_ENV }), 0);
    repo = join(work, 'p');
  });

  after(() => removeTempDirs());

  it('init gives the golden tree (the starting point)', () => {
    expectSameTree(remoteMain(bare), golden, 'after init');
  });

  it('remove-env staging, then add-env staging --after dev: the golden tree again', async () => {
    const removed = await changeAndMerge(['remove-env', 'staging'], 'cp-gitops/remove-env-staging');
    expect(removed.stdout).to.include('| staging | environment | promotion path | dev → staging → prod | dev → prod |');
    // The teardown the merge does not do (the roots never prune), in CFK's order, in the PR body.
    const teardown = removed.stdout.slice(removed.stdout.indexOf('### Warnings'));
    const order = ['acme-kafka-staging-root', 'delete kafkatopics', 'application acme-kafka-staging --wait', 'application acme-kafka-staging-operator', 'delete namespace acme-kafka-staging'].map((step) => teardown.indexOf(step));
    expect(order.every((at) => at > 0), `every step is there: ${order.join(', ')}`).to.equal(true);
    expect([...order].sort((a, b) => a - b), 'in that order').to.deep.equal(order);
    const between = remoteMain(bare);
    expect([...between.keys()].filter((path) => path.includes('staging'))).to.deep.equal([]);
    expect(between.get('argocd/bootstrap/kustomization.yaml')).to.include('root-dev.yaml').and.include('root-prod.yaml').and.not.include('staging');

    const added = await changeAndMerge(['add-env', 'staging', '--after', 'dev'], 'cp-gitops/add-env-staging');
    expect(added.stdout).to.include('| staging | environment | promotion path | dev → prod | dev → staging → prod |');
    expectSameTree(remoteMain(bare), golden, 'after remove-env and add-env');
  });

  it('add-cluster analytics, then remove-cluster analytics: the golden tree again', async () => {
    await changeAndMerge(['add-cluster', 'analytics', '--env', 'dev'], 'cp-gitops/add-cluster-analytics-dev');
    expect([...remoteMain(bare).keys()].some((path) => path.startsWith('overlays/dev/clusters/analytics/'))).to.equal(true);
    const removed = await changeAndMerge(['remove-cluster', 'analytics', '--env', 'dev'], 'cp-gitops/remove-cluster-analytics-dev');
    expect(removed.stdout).to.include('kubectl -n argocd delete application acme-kafka-dev-analytics --wait');
    expectSameTree(remoteMain(bare), golden, 'after add-cluster and remove-cluster');
  });

  it('remove-component connect --env prod, then add-component connect --env prod: the golden tree again', async () => {
    const removed = await changeAndMerge(['remove-component', 'connect', '--env', 'prod'], 'cp-gitops/remove-connect-prod');
    expect(removed.stdout).to.include('| prod | connect | enabled | yes | no |').and.include('<summary>Connect/connect (removed)</summary>');
    expect([...remoteMain(bare).keys()]).to.not.include('overlays/prod/patches/connect.yaml');
    await changeAndMerge(['add-component', 'connect', '--env', 'prod'], 'cp-gitops/add-connect-prod');
    expectSameTree(remoteMain(bare), golden, 'after remove-component and add-component');
  });

  describe('refusals: exit 2, a fix, nothing committed or pushed', () => {
    async function expectRefused(args: readonly string[], pattern: RegExp): Promise<void> {
      const remoteBefore = refsOf(bare);
      const localBefore = refsOf(join(repo, '.git'));
      const result = await cli(args);
      expectExit(result, 2);
      expect(result.stderr).to.match(pattern);
      expect(refsOf(bare), 'remote refs').to.equal(remoteBefore);
      expect(refsOf(join(repo, '.git')), 'local refs').to.equal(localBefore);
      expect(gitRun(['status', '--porcelain', '--untracked-files=all'], repo)).to.equal('');
    }

    it('remove-component connect --env dev while staging and prod run it (the source of their promotion)', () =>
      expectRefused(['remove-component', 'connect', '--env', 'dev'], /staging, prod still run connect, promoted from dev[\s\S]*cp-gitops remove-component connect --env prod/));

    it('remove-component kafka: names remove-env', () => expectRefused(['remove-component', 'kafka', '--env', 'prod'], /remove-env prod/));

    it('remove-env dev: its operator installs the CFK CRDs that staging and prod (same cluster) use', () =>
      expectRefused(['remove-env', 'dev'], /dev's operator installs the CFK CRDs on https:\/\/kubernetes\.default\.svc, which staging, prod also use/));

    it('add-env qa --first (before dev, the CRD owner of the cluster)', () => expectRefused(['add-env', 'qa', '--first'], /would come before dev, whose operator installs the CFK CRDs/));
  });
});
