import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { readTree } from '../../src/adapters/fs.js';
import { GOLDEN_SCENARIOS } from '../golden/scenarios.js';
import { type CliResult, expectExit, makeTempDir, removeTempDirs, runCli, snapshotFiles } from '../helpers/cli.js';
import { branchSha, createBareRepository, gitRun, mergeOnRemote, NEUTRAL_ENV, refsOf } from '../helpers/git-remotes.js';
import { renderKustomization, type KubeResource } from '../helpers/kustomize.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { skipWithoutUpstreamSchemas, validateAgainstUpstream } from '../helpers/upstream-schemas.js';

// Several Kafka clusters per environment, end to end through the built bin: init, then add-cluster and
// set through pull requests merged on a bare remote, must give exactly the golden multi-cluster tree;
// every overlay renders with the real Kustomize into its own namespace and passes the upstream schemas.

const CFK_API_VERSION = 'platform.confluent.io/v1beta1';
/** Besides CFK's kinds: PodMonitors, NetworkPolicies, and each cluster's dynamic KRaft quorum ConfigMap and RBAC (decision 19). */
const OTHER_KINDS: Readonly<Record<string, string>> = {
  PodMonitor: 'monitoring.coreos.com/v1',
  NetworkPolicy: 'networking.k8s.io/v1',
  ConfigMap: 'v1',
  ServiceAccount: 'v1',
  Role: 'rbac.authorization.k8s.io/v1',
  RoleBinding: 'rbac.authorization.k8s.io/v1',
};

describe('several Kafka clusters per environment (add-cluster, --env <env>/<cluster>; bare remote, through bin/)', function () {
  this.timeout(120_000);
  const options = GOLDEN_SCENARIOS['multi-cluster']!;
  let bare: string;
  let repo: string;
  const cli = (args: readonly string[]) => runCli(args, { cwd: repo, env: NEUTRAL_ENV });
  const state = () => ({ heads: refsOf(join(repo, '.git')), remote: refsOf(bare), status: gitRun(['status', '--porcelain', '--untracked-files=all'], repo) });
  /** A change command, its branch merged on the remote, and main pulled: what a reviewer's merge does. */
  const changeAndMerge = async (args: readonly string[], branch: string) => {
    const result = await cli(args);
    expectExit(result, 0);
    expect(branchSha(bare, branch), branch).to.match(/^[0-9a-f]{40}$/);
    mergeOnRemote(bare, branch);
    gitRun(['pull', '--quiet', '--ff-only', 'origin', 'main'], repo);
    return result;
  };
  let firstAdd: CliResult;

  before(async () => {
    const work = makeTempDir('cp-gitops-kafka-clusters-');
    bare = createBareRepository(join(work, 'remote.git'));
    const init = ['init', options.name, '--name', options.name, '--envs', options.environments!.join(','), '--components', options.components!.join(','), '--repo-url', options.repoURL!, '--remote', bare];
    for (const setting of options.settings ?? []) init.push('--set', setting);
    expectExit(await runCli(init, { cwd: work, env: NEUTRAL_ENV }), 0);
    repo = join(work, options.name);
    firstAdd = await changeAndMerge(['add-cluster', 'analytics', '--env', 'dev', '--components', 'connect'], 'cp-gitops/add-cluster-analytics-dev');
    await changeAndMerge(['add-cluster', 'analytics', '--env', 'prod', '--components', 'connect', '--size', 'medium'], 'cp-gitops/add-cluster-analytics-prod');
    await changeAndMerge(
      ['set', 'externalAccess.type=loadBalancer', 'externalAccess.domain=analytics.fleet.example', 'monitoring.podMonitors=false', '--env', 'prod/analytics'],
      'cp-gitops/set-externalAccess-monitoring-prod-analytics',
    );
    // The cluster gets its own names first: inheriting prod's would clash with prod's (validate refuses that).
    await changeAndMerge(['set', 'externalAccess.type=loadBalancer', 'externalAccess.domain=kafka.fleet.example', '--env', 'prod'], 'cp-gitops/set-externalAccess-prod');
  });

  after(() => removeTempDirs());

  it('add-cluster opens a change whose diff is the new cluster, rendered in its own namespace', () => {
    expect(firstAdd.stdout).to.include('overlays/dev/clusters/analytics');
    expect(firstAdd.stdout).to.include('namespace: fleet-dev-analytics');
    expect(firstAdd.stdout).to.match(/Connect\/connect \(added\)|connect.*added/i);
  });

  it('the commands give exactly the golden multi-cluster tree', () => {
    const golden = readTree(join(REPO_ROOT, 'test', 'golden', 'multi-cluster'));
    const written = snapshotFiles(repo);
    expect([...written.keys()].sort()).to.deep.equal([...golden.keys()].sort());
    for (const [path, content] of golden) expect(written.get(path), path).to.equal(content);
  });

  it('validates clean with cp-gitops validate --render', async () => {
    expectExit(await cli(['validate', '--render']), 0);
  });

  const overlays: [string, string][] = [
    ['overlays/dev', 'fleet-dev'],
    ['overlays/dev/clusters/analytics', 'fleet-dev-analytics'],
    ['overlays/prod', 'fleet-prod'],
    ['overlays/prod/clusters/analytics', 'fleet-prod-analytics'],
  ];
  for (const [overlay, namespace] of overlays) {
    it(`${overlay}: every resource in ${namespace}, every CFK kind valid against the upstream schema`, function () {
      skipWithoutUpstreamSchemas(this);
      const problems: string[] = [];
      for (const resource of renderKustomization(join(repo, overlay))) {
        if (resource.metadata?.namespace !== namespace) problems.push(`${label(resource)}: namespace ${String(resource.metadata?.namespace)}`);
        if (resource.apiVersion === CFK_API_VERSION) problems.push(...validateAgainstUpstream(resource).map((message) => `${label(resource)}: ${message}`));
        else if (OTHER_KINDS[resource.kind] !== resource.apiVersion) problems.push(`${label(resource)}: unexpected ${String(resource.apiVersion)} ${resource.kind}`);
      }
      expect(problems).to.deep.equal([]);
    });
  }

  it('a cluster reaches its own Kafka: dependencies and external names carry its namespace and domain', () => {
    const connect = renderKustomization(join(repo, 'overlays/dev/clusters/analytics')).find((resource) => resource.kind === 'Connect')!;
    expect(JSON.stringify(connect.spec)).to.include('kafka.fleet-dev-analytics.svc.cluster.local');
    const prodKafka = (overlay: string) => renderKustomization(join(repo, overlay)).find((resource) => resource.kind === 'Kafka')!;
    expect(JSON.stringify(prodKafka('overlays/prod/clusters/analytics').spec)).to.include('analytics.fleet.example').and.not.include('kafka.fleet.example"');
    expect(JSON.stringify(prodKafka('overlays/prod').spec)).to.include('kafka.fleet.example');
  });

  it("argocd/prod: the environment's root app syncs the cluster's project and apps; only the first operator installs the CRDs", function () {
    skipWithoutUpstreamSchemas(this);
    const apps = renderKustomization(join(repo, 'argocd/prod'));
    const byName = new Map(apps.map((resource) => [`${resource.kind}/${resource.metadata?.name}`, resource]));
    expect([...byName.keys()].sort()).to.deep.equal([
      'AppProject/fleet-prod',
      'AppProject/fleet-prod-analytics',
      'Application/fleet-prod',
      'Application/fleet-prod-analytics',
      'Application/fleet-prod-analytics-operator',
      'Application/fleet-prod-operator',
    ]);
    for (const app of apps) expect(validateAgainstUpstream(app), label(app)).to.deep.equal([]);
    const spec = (name: string) => byName.get(name)!.spec as Record<string, any>;
    expect(spec('Application/fleet-prod-analytics').source.path).to.equal('overlays/prod/clusters/analytics');
    expect(spec('Application/fleet-prod-analytics').destination.namespace).to.equal('fleet-prod-analytics');
    expect(spec('Application/fleet-prod-analytics').project).to.equal('fleet-prod-analytics');
    expect(spec('AppProject/fleet-prod-analytics').destinations).to.deep.equal([{ server: 'https://kubernetes.default.svc', namespace: 'fleet-prod-analytics' }]);
    expect(spec('Application/fleet-prod-analytics-operator').source.helm.skipCrds).to.equal(true);
  });

  it('a re-run of add-cluster changes nothing: exit 0, no commit, no push', async () => {
    const before = state();
    const result = await cli(['add-cluster', 'analytics', '--env', 'dev', '--components', 'connect']);
    expectExit(result, 0);
    expect(result.stdout).to.include('Nothing to change');
    expect(state()).to.deep.equal(before);
  });

  const refusals: [string, string[], RegExp][] = [
    ['promote of a Kafka cluster (it runs its environment\'s versions)', ['promote', '--from', 'dev/analytics', '--to', 'prod/analytics'], /whole environment/],
    ['upgrade of a Kafka cluster', ['upgrade', '--env', 'dev/analytics', '--cp-version', '8.2.0'], /whole environment/],
    ['add-cluster with another namespace for an existing cluster', ['add-cluster', 'analytics', '--env', 'dev', '--namespace', 'elsewhere'], /already has a Kafka cluster "analytics"/],
    ['a change to a Kafka cluster that does not exist', ['add-component', 'connect', '--env', 'dev/nope'], /no Kafka cluster "nope"/],
    ['a namespace already used by an environment', ['add-cluster', 'second', '--env', 'dev', '--namespace', 'fleet-prod'], /namespace "fleet-prod"/],
  ];
  for (const [title, args, message] of refusals) {
    it(`refuses ${title}: non-zero exit, a message, nothing committed or pushed`, async () => {
      const before = state();
      const result = await cli(args);
      expect(result.code, result.stderr).to.not.equal(0);
      expect(result.stderr).to.match(message);
      expect(state()).to.deep.equal(before);
    });
  }

  it('validate reports a hand-edited clash at the Kafka cluster, with line and column in cp-gitops.yaml', async () => {
    const path = join(repo, 'cp-gitops.yaml');
    const original = readFileSync(path, 'utf8');
    try {
      writeFileSync(path, original.replace('namespace: fleet-dev-analytics', 'namespace: fleet-dev'));
      const result = await cli(['validate', '--format', 'json']);
      expectExit(result, 1);
      const report = JSON.parse(result.stdout) as { violations: { file: string; line: number; column: number; message: string }[] };
      const clash = report.violations.find((violation) => violation.file === 'cp-gitops.yaml' && /namespace "fleet-dev"/.test(violation.message));
      expect(clash, result.stdout).to.not.equal(undefined);
      const line = original.split('\n').findIndex((text) => text.includes('namespace: fleet-dev-analytics')) + 1;
      expect(clash!.line).to.equal(line);
    } finally {
      writeFileSync(path, original);
    }
  });

  it("promote shows every overlay it changes: the cluster's topic reaches prod/analytics, rendered in the PR body", async () => {
    await changeAndMerge(['add-component', '--topic', 'clicks', '--partitions', '3', '--env', 'dev/analytics'], 'cp-gitops/add-topic-clicks-dev-analytics');
    const before = state();
    const result = await cli(['promote', '--from', 'dev', '--to', 'prod', '--dry-run']);
    expectExit(result, 0);
    expect(result.stdout).to.include('| prod/analytics | topic clicks | partitions | — | 3 |');
    expect(result.stdout).to.include('`kubectl kustomize overlays/prod/clusters/analytics`');
    expect(result.stdout).to.match(/overlays\/prod\/clusters\/analytics: KafkaTopic\/clicks/);
    expect(state()).to.deep.equal(before);
  });
});

function label(resource: KubeResource): string {
  return `${resource.kind}/${resource.metadata?.name ?? '?'}`;
}
