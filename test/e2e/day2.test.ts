import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { expectExit, makeTempDir, removeTempDirs, runCli } from '../helpers/cli.js';
import { branchSha, createBareRepository, gitRun, NEUTRAL_ENV, refsOf } from '../helpers/git-remotes.js';

// scale, upgrade and config end to end through the built bin: the PR flow with a bare remote, and
// every refusal leaving local branches, remote refs and the working tree as they were.

describe('day-2 commands through the PR flow (bare remote, through bin/)', function () {
  this.timeout(60_000);
  let bare: string;
  let repo: string;
  const cli = (args: readonly string[]) => runCli(args, { cwd: repo, env: NEUTRAL_ENV });
  const state = () => ({ heads: refsOf(join(repo, '.git')), remote: refsOf(bare), status: gitRun(['status', '--porcelain', '--untracked-files=all'], repo) });

  before(async () => {
    const work = makeTempDir('cp-gitops-day2-');
    bare = createBareRepository(join(work, 'remote.git'));
    expectExit(await runCli(['init', 'p', '--components', 'kafka', '--remote', bare, '--repo-url', 'https://git.example.org/p.git'], { cwd: work, env: NEUTRAL_ENV }), 0);
    repo = join(work, 'p');
  });

  after(() => removeTempDirs());

  it('scale kafka --replicas 5 in dev: a pushed branch whose diff shows 5 brokers, and a reassignment warning', async () => {
    const result = await cli(['scale', 'kafka', '--env', 'dev', '--replicas', '5']);
    expectExit(result, 0);
    expect(branchSha(bare, 'cp-gitops/scale-kafka-dev')).to.match(/^[0-9a-f]{40}$/);
    expect(result.stdout).to.include('+  replicas: 5');
    expect(result.stderr).to.match(/warning: new brokers start empty.*kafka-reassign-partitions/);
    // The printed pull request body and the commit carry the same warning.
    expect(result.stdout).to.match(/### Warnings\n\n> \*\*Warning\*\*: new brokers start empty.*kafka-reassign-partitions/);
    expect(result.stdout.indexOf('### Warnings')).to.be.below(result.stdout.indexOf('```diff'));
    expect(gitRun(['log', '-1', '--format=%B', 'cp-gitops/scale-kafka-dev'], repo)).to.match(/\nWarnings:\n- new brokers start empty.*kafka-reassign-partitions/);
    expect(gitRun(['symbolic-ref', '--short', 'HEAD'], repo)).to.equal('main');
  });

  it('config kafka set log.retention.hours=72 in dev: the line reaches configOverrides.server', async () => {
    const result = await cli(['config', 'kafka', 'set', 'log.retention.hours=72', '--env', 'dev']);
    expectExit(result, 0);
    expect(result.stdout).to.include('log.retention.hours=72');
  });

  it('scale kafka --replicas 2 in dev: every replication factor follows, each a row of the PR with the reason', async () => {
    const result = await cli(['scale', 'kafka', '--env', 'dev', '--replicas', '2']);
    expectExit(result, 0);
    expect(result.stdout).to.include('| dev | kafka | config.default.replication.factor | 3 | 2 |');
    expect(result.stdout).to.include('| dev | kafka | config.min.insync.replicas | 2 | 1 |');
    expect(result.stdout).to.include('-      - default.replication.factor=3').and.include('+      - default.replication.factor=2');
    expect(result.stdout).to.include('+      - offsets.topic.replication.factor=2');
    expect(result.stdout).to.match(/> \*\*Warning\*\*: replication follows the brokers: with 2 brokers/);
    expect(gitRun(['log', '-1', '--format=%B', 'cp-gitops/scale-kafka-dev'], repo)).to.match(/replication follows the brokers/);
  });

  it('config kafka set min.insync.replicas=1 in dev: one line replaced, and the PR shows the value it had', async () => {
    const result = await cli(['config', 'kafka', 'set', 'min.insync.replicas=1', '--env', 'dev']);
    expectExit(result, 0);
    expect(result.stdout).to.include('| dev | kafka | config.min.insync.replicas | 2 | 1 |');
    expect(result.stdout).to.include('-      - min.insync.replicas=2').and.include('+      - min.insync.replicas=1');
    const branch = gitRun(['branch', '--list', 'cp-gitops/config-kafka-dev-*', '--format=%(refname:short)'], repo).split('\n').find((name) => name.includes('min-insync'))!;
    const patch = gitRun(['show', `${branch}:overlays/dev/patches/kafka.yaml`], repo);
    expect(patch.match(/min\.insync\.replicas=/g)).to.have.length(1);
  });

  it('validate catches the same by hand: brokers edited below the replication factor, exit 1 with file:line:col and a fix', async () => {
    const patch = join(repo, 'overlays', 'dev', 'patches', 'kafka.yaml');
    const original = readFileSync(patch, 'utf8');
    try {
      const edited = original.replace(/^ {2}replicas: 3$/m, '  replicas: 2');
      expect(edited).to.not.equal(original);
      writeFileSync(patch, edited);
      const line = edited.split('\n').findIndex((text) => text.includes('default.replication.factor=3')) + 1;
      const result = await cli(['validate']);
      expectExit(result, 1);
      expect(result.stdout).to.include(`overlays/dev/patches/kafka.yaml:${line}:9: error: policy/replication-factor: Kafka "kafka" sets default.replication.factor=3 with 2 brokers`);
      expect(result.stdout).to.match(/set default\.replication\.factor=2 or less/);
    } finally {
      writeFileSync(patch, original);
    }
    expect(gitRun(['status', '--porcelain'], repo)).to.equal('');
  });

  it('scale kraftcontroller --replicas 5 in prod grows the dynamic quorum: a pushed branch with 5 controllers, and what CFK and CP do', async () => {
    const result = await cli(['scale', 'kraftcontroller', '--env', 'prod', '--replicas', '5']);
    expectExit(result, 0);
    expect(branchSha(bare, 'cp-gitops/scale-kraftcontroller-prod')).to.match(/^[0-9a-f]{40}$/);
    expect(result.stdout).to.include('+  replicas: 5');
    expect(result.stdout + result.stderr).to.match(/adds controllers 3–4 without rolling/).and.match(/joins them as voters by itself/);
  });

  const refusals: [string, string[], number, RegExp][] = [
    // init gave this CP 8.2 / CFK 3.3 platform dynamic quorums (decision 19); a static one is refused in test/unit/day2.test.ts.
    ['scaling a dynamic KRaft quorum down', ['scale', 'kraftcontroller', '--env', 'prod', '--replicas', '1'], 2, /dynamic quorum of 3; scaling it down to 1 is refused: Confluent for Kubernetes rejects a lower spec\.replicas/],
    ['an even KRaft quorum', ['scale', 'kraftcontroller', '--env', 'prod', '--replicas', '4'], 2, /quorum of 4 tolerates no more controller failures than 3/],
    ['turning a dynamic quorum static', ['set', 'kraft.quorum=static', '--env', 'prod'], 2, /prod runs a dynamic KRaft quorum \(kraft\.version=1\); it cannot become static in place/],
    ['a replication factor above the brokers', ['config', 'kafka', 'set', 'default.replication.factor=4', '--env', 'dev'], 2, /cannot place 4 replicas/],
    ['shrinking a volume', ['scale', 'kafka', '--env', 'prod', '--storage', '10Gi'], 2, /shrink|smaller/i],
    ['an unsupported version jump', ['upgrade', '--env', 'dev', '--cp-version', '9.0.0'], 2, /9\.0\.0/],
    ['a key the operator manages', ['config', 'kafka', 'set', 'advertised.listeners=PLAINTEXT://x:9092', '--env', 'dev'], 2, /advertised\.listeners/],
  ];
  for (const [title, args, code, message] of refusals) {
    it(`refuses ${title}: exit ${code}, a message, nothing committed or pushed`, async () => {
      const before = state();
      const result = await cli(args);
      expectExit(result, code);
      expect(result.stderr).to.match(message);
      expect(state()).to.deep.equal(before);
    });
  }
});

// Issue 10, point 2, as reported: init on CFK 3.2.3, then prod's operator to 3.3.0. The cluster's CRDs
// move to 3.3.0's chart in the same commit, and the pull request and the commit say so.
describe('upgrade of one operator moves its Kubernetes cluster\'s CRDs in the same change (through bin/)', function () {
  this.timeout(120_000);
  after(() => removeTempDirs());

  it('upgrade --env prod --operator-version 3.3.0 on a 3.2.3 platform: crds.yaml at 0.1718.10 in the same commit, with the warning', async () => {
    const work = makeTempDir('cp-gitops-crds-');
    const bare = createBareRepository(join(work, 'remote.git'));
    expectExit(await runCli(['init', 'p', '--components', 'kafka', '--cp-version', '8.1.0', '--operator-version', '3.2.3', '--remote', bare, '--repo-url', 'https://git.example.org/p.git'], { cwd: work, env: NEUTRAL_ENV }), 0);
    const repo = join(work, 'p');
    const result = await runCli(['upgrade', '--env', 'prod', '--cp-version', '8.1.0', '--operator-version', '3.3.0'], { cwd: repo, env: NEUTRAL_ENV });
    expectExit(result, 0);
    const branch = 'cp-gitops/upgrade-prod-cp-8.1.0';
    expect(gitRun(['show', `${branch}:argocd/clusters/in-cluster/crds.yaml`], repo)).to.match(/targetRevision: 0\.1718\.10/);
    expect(gitRun(['show', `${branch}:argocd/prod/operator.yaml`], repo)).to.match(/targetRevision: 0\.1718\.10/);
    expect(gitRun(['show', `${branch}:argocd/dev/operator.yaml`], repo)).to.match(/targetRevision: 0\.1514\.76/);
    expect(gitRun(['show', 'main:argocd/clusters/in-cluster/crds.yaml'], repo)).to.match(/targetRevision: 0\.1514\.76/);
    expect(result.stdout).to.match(/\*\*Warning\*\*: the CFK CRDs of Kubernetes cluster https:\/\/kubernetes\.default\.svc move from chart 0\.1514\.76 to 0\.1718\.10 in this change \(argocd\/clusters\/in-cluster\/crds\.yaml\)/);
    expect(gitRun(['log', '-1', '--format=%B', branch], repo)).to.match(/the CFK CRDs of Kubernetes cluster .* move from chart 0\.1514\.76 to 0\.1718\.10/);
  });
});
