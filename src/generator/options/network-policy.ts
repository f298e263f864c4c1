import { networkPoliciesOn } from '../../model/options-check.js';
import type { PlainObject } from '../object-path.js';
import { kafkaResource, SYNC_WAVE_ANNOTATION } from '../resources.js';
import type { ResourceTemplate } from '../templates.js';
import { componentResources, HTTP_KINDS } from './authentication.js';
import { EXPORTER_PORT, exporters } from './monitoring.js';
import type { ExtraManifest, OptionContext, OptionModule } from './option-module.js';
import { KAFKA_EXTERNAL_PORT } from './external-access.js';
import { MDS_PORT, rbacOn } from './rbac.js';
import { tlsMode, ZOOKEEPER_TLS_PORT } from './tls.js';
import { layout } from '../layout.js';

/** Where the Prometheus that scrapes the components runs, unless networkPolicy.prometheusNamespace says otherwise. */
export const DEFAULT_PROMETHEUS_NAMESPACE = 'monitoring';
/** Where ingress-nginx runs (host-based routing), unless networkPolicy.ingressNamespace says otherwise. */
export const DEFAULT_INGRESS_NAMESPACE = 'ingress-nginx';
/** The label the CFK Helm chart puts on the operator's pod (the operator runs in the environment's namespace). */
export const OPERATOR_POD_LABELS: Readonly<Record<string, string>> = { app: 'confluent-operator' };
/** Every namespace carries its name in this label (Kubernetes 1.22 and later). */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
/** Kafka's internal listener (clients in the cluster), its replication listener, and the token listener CFK adds under rbac. */
const KAFKA_INTERNAL_PORT = 9071;
const KAFKA_REPLICATION_PORT = 9072;
const KAFKA_TOKEN_PORT = 9073;
/** ZooKeeper's quorum: follower connections and leader election. */
const ZOOKEEPER_PEER_PORTS = [2888, 3888];
/** Fences before the pods they fence (the platform's waves start at 0). */
const NETWORK_POLICY_SYNC_WAVE = '-1';
const DIRECTORY = 'network-policies';

/** Who opens a connection: a component's pods, the CFK operator, pods of a namespace, or anyone (a load balancer or node port). */
export type FlowSource =
  | { readonly type: 'component'; readonly name: string }
  | { readonly type: 'operator' }
  | { readonly type: 'namespace'; readonly namespace: string }
  | { readonly type: 'anywhere' };

/** One allowed connection: from a source to a port of a component's pods, and why. */
export interface Flow {
  readonly from: FlowSource;
  /** The resource name of the component (its pods carry app=<name>). */
  readonly to: string;
  readonly port: number;
  readonly why: string;
}

/**
 * Every connection the environment's platform makes or accepts, computed from the units: each wired
 * dependency (its endpoint port, or the port it names), the peers of each component (replication,
 * quorum, request forwarding), the Metadata Service under rbac, the CFK operator (Admin REST API and
 * REST APIs), Prometheus when monitoring is on, the external listener when external access is on,
 * and the client namespaces of networkPolicy.clients.
 */
export function platformFlows(context: OptionContext): Flow[] {
  const { units, options } = context;
  const flows: Flow[] = [];
  const components = componentResources(units);
  const component = (name: string): FlowSource => ({ type: 'component', name });
  const add = (from: FlowSource, to: ResourceTemplate, port: number, why: string) => flows.push({ from, to: to.name, port, why });
  const kafka = kafkaResource(units);
  const tls = tlsMode(options) !== 'none';

  for (const resource of components) {
    for (const dependency of resource.dependencies) {
      const target = units.get(dependency.unit)?.resources[0];
      if (!target?.endpoint) continue;
      // A ZooKeeper client uses the TLS port once TLS is on (tls.ts); the others use the port the dependency names, else the endpoint's.
      const port = target.kind === 'Zookeeper' && tls ? ZOOKEEPER_TLS_PORT : (dependency.port ?? target.endpoint.port);
      add(component(resource.name), target, port, `${resource.kind} → ${dependency.path.replace(/^spec\.dependencies\./, '')}`);
    }
    // Peers of the same component.
    switch (resource.kind) {
      case 'Kafka':
        add(component(resource.name), resource, KAFKA_REPLICATION_PORT, 'replication between brokers');
        add(component(resource.name), resource, KAFKA_INTERNAL_PORT, 'the brokers\' metrics reporter and inter-broker requests');
        break;
      case 'KRaftController':
        if (resource.endpoint) add(component(resource.name), resource, resource.endpoint.port, 'the KRaft quorum');
        break;
      case 'Zookeeper':
        for (const port of ZOOKEEPER_PEER_PORTS) add(component(resource.name), resource, port, 'the ZooKeeper quorum');
        break;
      default:
        // Connect workers, ksqlDB servers and Schema Registry followers forward requests to each other.
        if (HTTP_KINDS.has(resource.kind) && resource.endpoint) add(component(resource.name), resource, resource.endpoint.port, `${resource.kind} replicas forward requests to each other`);
    }
  }

  if (kafka && rbacOn(options)) {
    for (const resource of components) {
      if (resource.kind === 'Kafka' || HTTP_KINDS.has(resource.kind)) add(component(resource.name), kafka, MDS_PORT, 'the Metadata Service (tokens, role bindings)');
      if (HTTP_KINDS.has(resource.kind)) add(component(resource.name), kafka, KAFKA_TOKEN_PORT, 'the token listener CFK adds for RBAC clients');
      if (resource.kind === 'KRaftController') add(component(resource.name), kafka, KAFKA_INTERNAL_PORT, 'the controllers reach the MDS Kafka cluster (dependencies.mdsKafkaCluster)');
    }
  }

  // The operator: the brokers' Admin REST API (the KafkaRestClass: topics), and each REST API it manages (connectors, schemas).
  if (kafka) add({ type: 'operator' }, kafka, MDS_PORT, 'the CFK operator calls the Admin REST API (KafkaRestClass: topics)');
  for (const resource of components) {
    if (HTTP_KINDS.has(resource.kind) && resource.endpoint) add({ type: 'operator' }, resource, resource.endpoint.port, 'the CFK operator calls the REST API (connectors, schemas)');
  }

  if (options.monitoring?.prometheus || options.monitoring?.podMonitors) {
    const namespace = options.networkPolicy?.prometheusNamespace ?? DEFAULT_PROMETHEUS_NAMESPACE;
    for (const resource of exporters(units)) add({ type: 'namespace', namespace }, resource, EXPORTER_PORT, 'Prometheus scrapes the metrics exporter');
  }

  const access = options.externalAccess?.type ?? 'none';
  if (kafka && access !== 'none') {
    const from: FlowSource = access === 'staticForHostBasedRouting' ? { type: 'namespace', namespace: options.networkPolicy?.ingressNamespace ?? DEFAULT_INGRESS_NAMESPACE } : { type: 'anywhere' };
    add(from, kafka, KAFKA_EXTERNAL_PORT, access === 'staticForHostBasedRouting' ? 'the ingress controller passes external clients through' : 'external clients through the load balancers or node ports');
  }

  for (const namespace of options.networkPolicy?.clients ?? []) {
    const from: FlowSource = { type: 'namespace', namespace };
    if (kafka) add(from, kafka, KAFKA_INTERNAL_PORT, 'client applications (networkPolicy.clients)');
    for (const resource of components) {
      if (HTTP_KINDS.has(resource.kind) && resource.endpoint) add(from, resource, resource.endpoint.port, 'client applications (networkPolicy.clients)');
    }
  }
  return flows;
}

function peer(source: FlowSource): PlainObject | undefined {
  switch (source.type) {
    case 'component':
      return { podSelector: { matchLabels: { app: source.name } } };
    case 'operator':
      return { podSelector: { matchLabels: { ...OPERATOR_POD_LABELS } } };
    case 'namespace':
      return { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: source.namespace } } };
    default:
      return undefined;
  }
}

function sourceKey(source: FlowSource): string {
  return source.type === 'component' ? `component ${source.name}` : source.type === 'namespace' ? `namespace ${source.namespace}` : source.type;
}

/** One NetworkPolicy per component: one ingress rule per source, with its ports in ascending order. */
function componentPolicy(resource: ResourceTemplate, flows: readonly Flow[]): ExtraManifest | undefined {
  const mine = flows.filter((flow) => flow.to === resource.name);
  if (mine.length === 0) return undefined;
  const bySource = new Map<string, { source: FlowSource; ports: Set<number> }>();
  for (const flow of mine) {
    const key = sourceKey(flow.from);
    const entry = bySource.get(key) ?? { source: flow.from, ports: new Set<number>() };
    entry.ports.add(flow.port);
    bySource.set(key, entry);
  }
  const ingress = [...bySource.values()].map(({ source, ports }) => {
    const from = peer(source);
    return { ...(from ? { from: [from] } : {}), ports: [...ports].sort((a, b) => a - b).map((port) => ({ protocol: 'TCP', port })) };
  });
  return {
    file: `${DIRECTORY}/${resource.name}.yaml`,
    description: `NetworkPolicy: who may connect to ${resource.kind} "${resource.name}" (${[...bySource.keys()].join(', ')})`,
    object: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `allow-${resource.name}`, annotations: { [SYNC_WAVE_ANNOTATION]: NETWORK_POLICY_SYNC_WAVE } },
      spec: { podSelector: { matchLabels: { app: resource.name } }, policyTypes: ['Ingress'], ingress },
    },
  };
}

function defaultDeny(): ExtraManifest {
  return {
    file: `${DIRECTORY}/default-deny-ingress.yaml`,
    description: 'NetworkPolicy: no pod of the namespace accepts a connection unless another policy allows it',
    object: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'default-deny-ingress', annotations: { [SYNC_WAVE_ANNOTATION]: NETWORK_POLICY_SYNC_WAVE } },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    },
  };
}

/**
 * networkPolicy (on unless `enabled: false`): the namespace denies every incoming connection, then one
 * NetworkPolicy per component allows exactly the flows of platformFlows. Egress stays open (the
 * components reach DNS, the LDAP directory, external systems of connectors).
 */
export const networkPolicyOption: OptionModule = {
  name: 'networkPolicy',
  manifests(context) {
    if (!networkPoliciesOn(context.options)) return [];
    const flows = platformFlows(context);
    return [defaultDeny(), ...componentResources(context.units).flatMap((resource) => componentPolicy(resource, flows) ?? [])];
  },
  readme(context) {
    const { env, options } = context;
    if (!networkPoliciesOn(options)) {
      return [`- ${env.name}: no NetworkPolicies (networkPolicy.enabled false): every pod of the cluster can reach every port of the platform.`];
    }
    const clients = options.networkPolicy?.clients ?? [];
    const monitoring = options.monitoring?.prometheus || options.monitoring?.podMonitors;
    return [
      `- ${env.name}: NetworkPolicies in \`${layout.overlayDir(env.name)}/${DIRECTORY}/\`: the namespace denies every incoming connection, then each component accepts only the platform's own flows ` +
        `(its clients among the components, its peers, the CFK operator's pod labelled ${Object.entries(OPERATOR_POD_LABELS).map(([key, value]) => `${key}=${value}`).join(',')}` +
        `${monitoring ? `, Prometheus in namespace \`${options.networkPolicy?.prometheusNamespace ?? DEFAULT_PROMETHEUS_NAMESPACE}\`` : ''}` +
        `${(options.externalAccess?.type ?? 'none') === 'staticForHostBasedRouting' ? `, the ingress controller in namespace \`${options.networkPolicy?.ingressNamespace ?? DEFAULT_INGRESS_NAMESPACE}\`` : (options.externalAccess?.type ?? 'none') !== 'none' ? ', anyone on the external listener 9092' : ''}). ` +
        (clients.length > 0
          ? `Applications in namespaces ${clients.map((namespace) => `\`${namespace}\``).join(', ')} may reach Kafka (9071) and the REST APIs.`
          : 'No application namespace may connect yet: list them with `cp-gitops set networkPolicy.clients=[<namespace>, …]`.') +
        ' They need a CNI that enforces NetworkPolicies (Calico, Cilium, …); otherwise set networkPolicy.enabled=false.',
    ];
  },
};
