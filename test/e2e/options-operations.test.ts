import { join } from 'node:path';
import { expect } from 'chai';
import { readTree } from '../../src/adapters/fs.js';
import type { NewModelOptions } from '../../src/model/build.js';
import { GOLDEN_SCENARIOS } from '../golden/scenarios.js';
import { makeTempDir, removeTempDirs, runCli, snapshotFiles, type CliResult } from '../helpers/cli.js';
import { renderKustomization, type KubeResource } from '../helpers/kustomize.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { skipWithoutUpstreamSchemas, validateAgainstUpstream } from '../helpers/upstream-schemas.js';

// External access, monitoring, logging and scheduling options, end to end through the built bin:
// `init --set …` writes the golden tree, every overlay renders with the real Kustomize, and every
// resource passes the upstream CFK schema of its kind (or, for kinds without one, is a known kind).

const CFK_API_VERSION = 'platform.confluent.io/v1beta1';
/** Kinds the operations options add, for which no upstream schema is kept: checked for apiVersion and kind. */
const OTHER_KINDS: Readonly<Record<string, string>> = {
  PodMonitor: 'monitoring.coreos.com/v1',
  ServiceAccount: 'v1',
  Role: 'rbac.authorization.k8s.io/v1',
  RoleBinding: 'rbac.authorization.k8s.io/v1',
  ClusterRole: 'rbac.authorization.k8s.io/v1',
  ClusterRoleBinding: 'rbac.authorization.k8s.io/v1',
};
const SCENARIOS = ['external-loadbalancer', 'external-nodeport'] as const;

function initArgs(options: NewModelOptions): string[] {
  const args = ['--name', options.name];
  if (options.environments) args.push('--envs', options.environments.join(','));
  if (options.components) args.push('--components', options.components.join(','));
  if (options.repoURL) args.push('--repo-url', options.repoURL);
  for (const setting of options.settings ?? []) args.push('--set', setting);
  return args;
}

function label(resource: KubeResource): string {
  return `${resource.kind}/${resource.metadata?.name ?? '?'}`;
}

function getPath(value: unknown, path: readonly (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

function one(resources: readonly KubeResource[], kind: string, name?: string): KubeResource {
  const found = resources.filter((resource) => resource.kind === kind && (name === undefined || resource.metadata?.name === name));
  expect(found.map(label), `${kind}${name ? `/${name}` : ''}`).to.have.lengthOf(1);
  return found[0]!;
}

function expectExit(result: CliResult, code: number): void {
  expect(result.code, `exit code\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`).to.equal(code);
}

describe('production options, operations side (end to end, built bin)', function () {
  after(removeTempDirs);

  for (const scenario of SCENARIOS) {
    describe(`${scenario}: init --set …`, function () {
      const options = GOLDEN_SCENARIOS[scenario]!;
      const envs = options.environments ?? [];
      let dir = '';
      let result: CliResult;
      const renders = new Map<string, KubeResource[]>();
      const render = (path: string): KubeResource[] => {
        let resources = renders.get(path);
        if (!resources) {
          resources = renderKustomization(join(dir, path));
          renders.set(path, resources);
        }
        return resources;
      };

      before(async function () {
        const work = makeTempDir(`cp-gitops-e2e-${scenario}-`);
        dir = join(work, options.name);
        result = await runCli(['init', dir, ...initArgs(options)], { cwd: work });
      });

      it('exits 0 and writes exactly the golden tree', () => {
        expectExit(result, 0);
        const golden = readTree(join(REPO_ROOT, 'test', 'golden', scenario));
        const written = snapshotFiles(dir);
        expect([...written.keys()].sort()).to.deep.equal([...golden.keys()].sort());
        for (const [path, content] of golden) expect(written.get(path), path).to.equal(content);
      });

      it('validates clean with cp-gitops validate --render', async () => {
        const validation = await runCli(['validate', dir, '--render']);
        expectExit(validation, 0);
      });

      for (const env of envs) {
        it(`renders overlays/${env}: every resource in the environment's namespace, cluster-scoped RBAC without one`, () => {
          for (const resource of render(`overlays/${env}`)) {
            const namespace = resource.metadata?.namespace;
            if (resource.kind === 'ClusterRole' || resource.kind === 'ClusterRoleBinding') expect(namespace, label(resource)).to.equal(undefined);
            else expect(namespace, label(resource)).to.equal(`${options.name}-${env}`);
          }
        });

        it(`checks every resource of overlays/${env}: CFK kinds against the upstream CFK 3.3.0 schema, the others by apiVersion and kind`, function () {
          skipWithoutUpstreamSchemas(this);
          const problems: string[] = [];
          for (const resource of render(`overlays/${env}`)) {
            if (resource.apiVersion === CFK_API_VERSION) {
              problems.push(...validateAgainstUpstream(resource).map((message) => `${label(resource)}: ${message}`));
            } else if (OTHER_KINDS[resource.kind] !== resource.apiVersion) {
              problems.push(`${label(resource)}: unexpected ${String(resource.apiVersion)} ${resource.kind}`);
            }
          }
          expect(problems).to.deep.equal([]);
        });
      }
    });
  }

  describe('what the options become after the real Kustomize build', function () {
    let edge: KubeResource[] = [];
    let np: KubeResource[] = [];
    let npProject: KubeResource[] = [];
    before(async function () {
      const work = makeTempDir('cp-gitops-e2e-operations-');
      for (const scenario of SCENARIOS) {
        const options = GOLDEN_SCENARIOS[scenario]!;
        expectExit(await runCli(['init', join(work, options.name), ...initArgs(options)], { cwd: work }), 0);
      }
      edge = renderKustomization(join(work, 'edge', 'overlays', 'prod'));
      np = renderKustomization(join(work, 'np', 'overlays', 'staging'));
      npProject = renderKustomization(join(work, 'np', 'argocd', 'staging'));
    });

    it('loadBalancer: the Kafka external listener has the domain and explicit prefixes, next to the base fields', () => {
      const kafka = one(edge, 'Kafka');
      expect(getPath(kafka, ['spec', 'listeners', 'external', 'externalAccess'])).to.deep.equal({
        type: 'loadBalancer',
        loadBalancer: { domain: 'kafka.acme.example', bootstrapPrefix: 'kafka', brokerPrefix: 'b' },
      });
      // The patch merges into the base: its security context and metric reporter stay.
      expect(getPath(kafka, ['spec', 'podTemplate', 'podSecurityContext', 'runAsNonRoot'])).to.equal(true);
      expect(getPath(kafka, ['spec', 'metricReporter', 'enabled'])).to.equal(true);
    });

    it('monitoring: metrics.prometheus on the exporting components, Control Center next-gen and its Prometheus untouched', () => {
      for (const kind of ['KRaftController', 'Kafka', 'Connect', 'KsqlDB', 'KafkaRestProxy', 'SchemaRegistry']) {
        expect(getPath(one(edge, kind), ['spec', 'metrics', 'prometheus']), kind).to.deep.equal({});
      }
      const controlCenter = one(edge, 'ControlCenter');
      expect(getPath(controlCenter, ['spec', 'metrics'])).to.equal(undefined);
      // The bundled Prometheus keeps only what the base, the size profile and TLS give it.
      expect(Object.keys(getPath(controlCenter, ['spec', 'services', 'prometheus']) as object)).to.not.include.members(['metrics', 'podTemplate']);
      expect(getPath(controlCenter, ['spec', 'services', 'prometheus', 'image'])).to.match(/cp-enterprise-prometheus:/);
    });

    it('monitoring: one PodMonitor per exporting component, selecting its pods by app=<name> on the prometheus port', () => {
      const monitors = edge.filter((resource) => resource.kind === 'PodMonitor');
      expect(monitors.map((monitor) => monitor.metadata?.name).sort()).to.deep.equal(['connect', 'kafka', 'kafkarestproxy', 'kraftcontroller', 'ksqldb', 'schemaregistry']);
      for (const monitor of monitors) {
        expect(getPath(monitor, ['spec', 'selector', 'matchLabels'])).to.deep.equal({ app: monitor.metadata?.name });
        expect(getPath(monitor, ['spec', 'podMetricsEndpoints'])).to.deep.equal([{ port: 'prometheus', path: '/metrics' }]);
      }
    });

    it('nodePort: host and offset on the Kafka external listener', () => {
      expect(getPath(one(np, 'Kafka'), ['spec', 'listeners', 'external', 'externalAccess'])).to.deep.equal({
        type: 'nodePort',
        nodePort: { host: 'kafka.nodes.acme.example', nodePortOffset: 30100 },
      });
    });

    it('scheduling and logging reach every component pod template', () => {
      for (const kind of ['KRaftController', 'Kafka', 'Connect', 'KsqlDB', 'KafkaRestProxy', 'SchemaRegistry', 'ControlCenter']) {
        const resource = one(np, kind);
        const name = resource.metadata?.name;
        const podTemplate = getPath(resource, ['spec', 'podTemplate']) as Record<string, unknown>;
        expect(podTemplate.tolerations, kind).to.deep.equal([{ key: 'dedicated', operator: 'Equal', value: 'kafka', effect: 'NoSchedule' }]);
        expect(podTemplate.priorityClassName, kind).to.equal('confluent-platform');
        expect(podTemplate.topologySpreadConstraints, kind).to.deep.equal([
          { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: name } } },
        ]);
        expect(podTemplate.annotations, kind).to.deep.equal({ 'fluentbit.io/parser': 'json' });
        expect(getPath(resource, ['spec', 'configOverrides', 'log4j2', 'Configuration', 'Loggers']), kind).to.deep.equal({
          Root: { level: 'INFO', AppenderRef: [{ ref: 'stdout' }] },
          Logger: [{ name: 'kafka.controller', level: 'WARN' }],
        });
      }
      // The size profile's broker settings are still there: configOverrides lists from several sources merge.
      expect(getPath(one(np, 'Kafka'), ['spec', 'configOverrides', 'server'])).to.include('min.insync.replicas=2');
    });

    it('rack awareness: Kafka runs as the ServiceAccount that the RBAC binds, in the rendered namespace', () => {
      const kafka = one(np, 'Kafka');
      expect(getPath(kafka, ['spec', 'rackAssignment', 'nodeLabels'])).to.deep.equal(['topology.kubernetes.io/zone']);
      const account = getPath(kafka, ['spec', 'podTemplate', 'serviceAccountName']);
      one(np, 'ServiceAccount', account as string);
      const clusterRole = one(np, 'ClusterRole');
      expect(getPath(clusterRole, ['rules'])).to.deep.equal([{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] }]);
      const clusterBinding = one(np, 'ClusterRoleBinding');
      expect(getPath(clusterBinding, ['roleRef', 'name'])).to.equal(clusterRole.metadata?.name);
      expect(getPath(clusterBinding, ['subjects'])).to.deep.equal([{ kind: 'ServiceAccount', name: account, namespace: 'np-staging' }]);
      const role = one(np, 'Role');
      expect(getPath(role, ['rules'])).to.deep.equal([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }]);
      const binding = one(np, 'RoleBinding');
      expect(getPath(binding, ['roleRef'])).to.deep.equal({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata?.name });
      expect(getPath(binding, ['subjects'])).to.deep.equal([{ kind: 'ServiceAccount', name: account, namespace: 'np-staging' }]);
    });

    it("rack awareness: the environment's AppProject allows the ClusterRole and ClusterRoleBinding", () => {
      const whitelist = getPath(one(npProject, 'AppProject'), ['spec', 'clusterResourceWhitelist']) as { group: string; kind: string }[];
      expect(whitelist).to.deep.include({ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' });
      expect(whitelist).to.deep.include({ group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' });
    });
  });
});
