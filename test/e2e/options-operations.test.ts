import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { readTree } from '../../src/adapters/fs.js';
import type { NewModelOptions } from '../../src/model/build.js';
import { GOLDEN_SCENARIOS } from '../golden/scenarios.js';
import { type CliResult, expectExit, makeTempDir, removeTempDirs, runCli, snapshotFiles } from '../helpers/cli.js';
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
  ConfigMap: 'v1',
  ServiceAccount: 'v1',
  Role: 'rbac.authorization.k8s.io/v1',
  RoleBinding: 'rbac.authorization.k8s.io/v1',
  ClusterRole: 'rbac.authorization.k8s.io/v1',
  ClusterRoleBinding: 'rbac.authorization.k8s.io/v1',
  StorageClass: 'storage.k8s.io/v1',
  Service: 'v1',
  Ingress: 'networking.k8s.io/v1',
  Certificate: 'cert-manager.io/v1',
  NetworkPolicy: 'networking.k8s.io/v1',
};
const CLUSTER_SCOPED = new Set(['ClusterRole', 'ClusterRoleBinding', 'StorageClass']);
const SCENARIOS = ['external-loadbalancer', 'external-nodeport', 'monitoring', 'external-host-routing'] as const;

function initArgs(options: NewModelOptions): string[] {
  const args = ['--name', options.name];
  if (options.environments) args.push('--envs', options.environments.join(','));
  if (options.components) args.push('--components', options.components.join(','));
  if (options.repoURL) args.push('--repo-url', options.repoURL);
  if (options.cpVersion) args.push('--cp-version', options.cpVersion);
  if (options.controller) args.push('--controller', options.controller);
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

/** The port table of one base in a generated README: `### … (\`base/<unit>\`)` then `| name | number | purpose |` rows. */
function readmePorts(readme: string, unit: string): Map<string, number> {
  const lines = readme.split('\n');
  const start = lines.findIndex((line) => line.startsWith('### ') && line.includes(`(\`base/${unit}\`)`));
  expect(start, `README section of base/${unit}`).to.be.greaterThan(-1);
  const ports = new Map<string, number>();
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('#')) break;
    const cells = line.split('|').map((cell) => cell.trim());
    if (cells.length >= 4 && /^\d+$/.test(cells[2]!)) ports.set(cells[1]!, Number(cells[2]));
  }
  return ports;
}

/** Which base of a generated repository holds each CFK resource: kind/name → unit folder. */
function unitsOfResources(dir: string): Map<string, string> {
  const units = new Map<string, string>();
  for (const unit of readdirSync(join(dir, 'base'))) {
    for (const file of readdirSync(join(dir, 'base', unit))) {
      if (!file.endsWith('.yaml') || file === 'kustomization.yaml' || file === 'kustomizeconfig.yaml') continue;
      const text = readFileSync(join(dir, 'base', unit, file), 'utf8');
      const kind = /^kind: (\S+)$/m.exec(text)?.[1];
      const name = /^ {2}name: (\S+)$/m.exec(text)?.[1];
      if (kind && name) units.set(`${kind}/${name}`, unit);
    }
  }
  return units;
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
        it(`renders overlays/${env}: every resource in the environment's namespace, cluster-scoped kinds without one`, () => {
          for (const resource of render(`overlays/${env}`)) {
            const namespace = resource.metadata?.namespace;
            if (CLUSTER_SCOPED.has(resource.kind)) expect(namespace, label(resource)).to.equal(undefined);
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
    let observedDir = '';
    const observed: Record<string, KubeResource[]> = {};
    let observedDevProject: KubeResource[] = [];
    let observedCluster: KubeResource[] = [];
    let observedShared: KubeResource[] = [];
    let sni: KubeResource[] = [];
    before(async function () {
      const work = makeTempDir('cp-gitops-e2e-operations-');
      for (const scenario of SCENARIOS) {
        const options = GOLDEN_SCENARIOS[scenario]!;
        expectExit(await runCli(['init', join(work, options.name), ...initArgs(options)], { cwd: work }), 0);
      }
      edge = renderKustomization(join(work, 'edge', 'overlays', 'prod'));
      np = renderKustomization(join(work, 'np', 'overlays', 'staging'));
      npProject = renderKustomization(join(work, 'np', 'argocd', 'staging'));
      observedDir = join(work, 'observed');
      for (const env of ['dev', 'prod']) observed[env] = renderKustomization(join(observedDir, 'overlays', env));
      observedDevProject = renderKustomization(join(observedDir, 'argocd', 'dev'));
      observedCluster = renderKustomization(join(observedDir, 'argocd', 'clusters', 'in-cluster'));
      observedShared = renderKustomization(join(observedDir, 'argocd', 'clusters', 'in-cluster', 'shared'));
      sni = renderKustomization(join(work, 'sni', 'overlays', 'prod'));
    });

    const CP7_COMPONENTS = ['Zookeeper', 'Kafka', 'Connect', 'KsqlDB', 'KafkaRestProxy', 'SchemaRegistry', 'ControlCenter'];

    it('monitoring (CP 7.9): each PodMonitor selects the pods of exactly one exporting component of its namespace, by the app label CFK gives them', () => {
      for (const env of ['dev', 'prod']) {
        const resources = observed[env]!;
        const components = resources.filter((resource) => resource.apiVersion === CFK_API_VERSION && CP7_COMPONENTS.includes(resource.kind));
        const monitors = resources.filter((resource) => resource.kind === 'PodMonitor');
        expect(monitors, env).to.have.lengthOf(components.length);
        const selected = new Set<string>();
        for (const monitor of monitors) {
          expect(monitor.apiVersion, label(monitor)).to.equal('monitoring.coreos.com/v1');
          // No namespaceSelector: a PodMonitor selects pods of its own namespace only, so it must sit with the component.
          expect(Object.keys(monitor.spec ?? {}).sort(), label(monitor)).to.deep.equal(['podMetricsEndpoints', 'selector']);
          const matchLabels = getPath(monitor, ['spec', 'selector', 'matchLabels']) as Record<string, string>;
          // CFK labels every pod of a component app=<resource name>; that is the only label the selector may rely on.
          expect(Object.keys(matchLabels), label(monitor)).to.deep.equal(['app']);
          const targets = components.filter((component) => component.metadata?.name === matchLabels.app);
          expect(targets.map(label), label(monitor)).to.have.lengthOf(1);
          expect(monitor.metadata?.namespace).to.equal(targets[0]!.metadata?.namespace);
          expect(getPath(targets[0], ['spec', 'metrics', 'prometheus']), label(targets[0]!)).to.deep.equal({});
          selected.add(label(targets[0]!));
        }
        expect([...selected].sort(), env).to.deep.equal(components.map(label).sort());
      }
    });

    it("monitoring: the PodMonitors' port is a named container port of the component, 7778 in the generated README's port table and in docs/options.md", () => {
      const readme = readFileSync(join(observedDir, 'README.md'), 'utf8');
      const units = unitsOfResources(observedDir);
      const docs = readFileSync(join(REPO_ROOT, 'docs', 'options.md'), 'utf8');
      for (const monitor of observed.dev!.filter((resource) => resource.kind === 'PodMonitor')) {
        const app = (getPath(monitor, ['spec', 'selector', 'matchLabels', 'app']) as string) ?? '';
        const component = observed.dev!.find((resource) => resource.apiVersion === CFK_API_VERSION && resource.metadata?.name === app)!;
        const unit = units.get(label(component));
        expect(unit, label(component)).to.be.a('string');
        const ports = readmePorts(readme, unit!);
        const endpoints = getPath(monitor, ['spec', 'podMetricsEndpoints']) as { port: string; path: string }[];
        expect(endpoints, label(monitor)).to.have.lengthOf(1);
        expect(ports.get(endpoints[0]!.port), `${label(monitor)}: port ${endpoints[0]!.port} in base/${unit!}`).to.equal(7778);
        expect(endpoints[0]!.path).to.equal('/metrics');
        expect(docs).to.include(`| 7778 | \`${endpoints[0]!.port}\` |`);
      }
    });

    it('logging (CP 7.9): Log4j 1 lines and the pod annotation on every component, each resource keeping Log4j 1 by annotation', () => {
      for (const env of ['dev', 'prod']) {
        for (const kind of CP7_COMPONENTS) {
          const resource = one(observed[env]!, kind);
          expect(getPath(resource, ['spec', 'configOverrides', 'log4j']), `${env} ${kind}`).to.deep.equal(['log4j.rootLogger=WARN, stdout', 'log4j.logger.kafka.authorizer.logger=INFO']);
          expect(getPath(resource, ['spec', 'configOverrides', 'log4j2']), `${env} ${kind}`).to.equal(undefined);
          expect(getPath(resource, ['spec', 'podTemplate', 'annotations']), `${env} ${kind}`).to.deep.equal({ 'fluentbit.io/parser': 'json' });
          const annotations = getPath(resource, ['metadata', 'annotations']) as Record<string, string>;
          expect(annotations['platform.confluent.io/use-log4j1'], `${env} ${kind}`).to.equal('true');
          // The patch's annotation merges into the base's: the sync wave stays.
          expect(annotations['argocd.argoproj.io/sync-wave'], `${env} ${kind}`).to.match(/^\d+$/);
        }
        expect(getPath(one(observed[env]!, 'KafkaRestClass'), ['metadata', 'annotations', 'platform.confluent.io/use-log4j1'])).to.equal(undefined);
      }
    });

    it("storage: one StorageClass for the two environments of one cluster, owned by the cluster's shared Application, allowed by the cluster's AppProject", () => {
      const storageClass = one(observedShared, 'StorageClass', 'fast-ssd');
      expect(getPath(storageClass, ['provisioner'])).to.equal('ebs.csi.aws.com');
      expect(getPath(storageClass, ['parameters'])).to.deep.equal({ type: 'gp3' });
      expect(getPath(storageClass, ['reclaimPolicy'])).to.equal('Retain');
      for (const env of ['dev', 'prod']) expect(observed[env]!.filter((resource) => resource.kind === 'StorageClass'), env).to.deep.equal([]);
      for (const env of ['dev', 'prod']) {
        for (const kind of ['Zookeeper', 'Kafka', 'KsqlDB', 'ControlCenter']) expect(getPath(one(observed[env]!, kind), ['spec', 'storageClass', 'name']), `${env} ${kind}`).to.equal('fast-ssd');
      }
      const whitelist = getPath(one(observedCluster, 'AppProject'), ['spec', 'clusterResourceWhitelist']) as { group: string; kind: string }[];
      expect(whitelist).to.deep.include({ group: 'storage.k8s.io', kind: 'StorageClass' });
      const devWhitelist = getPath(one(observedDevProject, 'AppProject'), ['spec', 'clusterResourceWhitelist']) as { group: string; kind: string }[];
      expect(devWhitelist).to.not.deep.include({ group: 'storage.k8s.io', kind: 'StorageClass' });
    });

    it('host-based routing: Kafka advertises <b><i>.<domain>:443 over TLS; the certificate names the external hosts', () => {
      const kafka = one(sni, 'Kafka');
      expect(getPath(kafka, ['spec', 'listeners', 'external', 'externalAccess'])).to.deep.equal({
        type: 'staticForHostBasedRouting',
        staticForHostBasedRouting: { domain: 'kafka.acme.example', brokerPrefix: 'b', port: 443 },
      });
      expect(getPath(kafka, ['spec', 'listeners', 'external', 'tls', 'enabled'])).to.equal(true);
      const certificate = sni.find((resource) => resource.kind === 'Certificate' && getPath(resource, ['spec', 'secretName']) === getPath(kafka, ['spec', 'tls', 'secretRef']));
      expect(certificate, 'the Certificate of the Secret Kafka reads').to.not.equal(undefined);
      expect(getPath(certificate, ['spec', 'dnsNames'])).to.include('*.kafka.acme.example');
    });

    it('host-based routing: an SSL-passthrough Ingress routes the bootstrap and every broker host to Services of the external port', () => {
      const kafka = one(sni, 'Kafka');
      const brokers = getPath(kafka, ['spec', 'replicas']) as number;
      expect(brokers).to.be.greaterThan(0);
      const ingress = one(sni, 'Ingress');
      expect(ingress.metadata?.namespace).to.equal('sni-prod');
      expect(getPath(ingress, ['metadata', 'annotations', 'nginx.ingress.kubernetes.io/ssl-passthrough'])).to.equal('true');
      expect(getPath(ingress, ['spec', 'ingressClassName'])).to.equal('nginx-passthrough');
      const rules = getPath(ingress, ['spec', 'rules']) as { host: string; http: { paths: { path: string; pathType: string; backend: { service: { name: string; port: { number: number } } } }[] } }[];
      expect(rules.map((rule) => rule.host)).to.deep.equal(['kafka.kafka.acme.example', ...Array.from({ length: brokers }, (_, index) => `b${index}.kafka.acme.example`)]);
      const service = one(sni, 'Service');
      for (const [index, rule] of rules.entries()) {
        expect(rule.http.paths, rule.host).to.have.lengthOf(1);
        const [path] = rule.http.paths;
        expect(['Exact', 'Prefix', 'ImplementationSpecific']).to.include(path!.pathType);
        expect(path!.backend.service.port.number, rule.host).to.equal(9092);
        // The bootstrap goes to the Service written beside the Ingress; brokers to the per-pod Services CFK creates.
        expect(path!.backend.service.name, rule.host).to.equal(index === 0 ? service.metadata?.name : `${String(kafka.metadata?.name)}-${index - 1}-internal`);
      }
      expect(getPath(service, ['spec', 'selector'])).to.deep.equal({ app: kafka.metadata?.name });
      expect(getPath(service, ['spec', 'ports'])).to.deep.equal([{ name: 'external', port: 9092, targetPort: 9092, protocol: 'TCP' }]);
    });

    it('loadBalancer: the Kafka external listener has the domain and explicit prefixes, next to the base fields', () => {
      const kafka = one(edge, 'Kafka');
      expect(getPath(kafka, ['spec', 'listeners', 'external', 'externalAccess'])).to.deep.equal({
        type: 'loadBalancer',
        loadBalancer: { domain: 'kafka.acme.example', bootstrapPrefix: 'kafka', brokerPrefix: 'b' },
      });
      // The patch merges into the base: its security context stays.
      expect(getPath(kafka, ['spec', 'podTemplate', 'podSecurityContext', 'runAsNonRoot'])).to.equal(true);
      // CP 8 with Control Center next-gen (metrics through metricsClient): no metrics reporter; CP 7.9's legacy one reads it.
      expect(getPath(kafka, ['spec', 'metricReporter'])).to.equal(undefined);
      for (const env of ['dev', 'prod']) expect(getPath(one(observed[env]!, 'Kafka'), ['spec', 'metricReporter', 'enabled']), env).to.equal(true);
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
      // The dynamic KRaft quorum's Role and RoleBinding (decision 19) sit beside rack awareness's.
      const role = one(np, 'Role', 'kafka-rack-awareness');
      expect(getPath(role, ['rules'])).to.deep.equal([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }]);
      const binding = one(np, 'RoleBinding', 'kafka-rack-awareness');
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
