import type { Toleration } from '../../model/options.js';
import type { Environment } from '../../model/types.js';
import type { PlainObject } from '../object-path.js';
import { kafkaResource, SYNC_WAVE_ANNOTATION } from '../resources.js';
import type { ResourceTemplate } from '../templates.js';
import type { ExtraManifest, OptionModule } from './option-module.js';

/** Kinds that run pods (podTemplate). */
const POD_KINDS = new Set(['KRaftController', 'Zookeeper', 'Kafka', 'SchemaRegistry', 'Connect', 'KsqlDB', 'KafkaRestProxy', 'ControlCenter']);

export const ZONE_TOPOLOGY_KEY = 'topology.kubernetes.io/zone';
export const RBAC_API_VERSION = 'rbac.authorization.k8s.io/v1';
export const RBAC_GROUP = 'rbac.authorization.k8s.io';
/** RBAC exists before the brokers that use it (Kafka is wave 1). */
export const RBAC_SYNC_WAVE = '-1';

/**
 * scheduling: tolerations, a priority class and a soft spread over zones on every pod, and Kafka
 * rack awareness (CFK rackAssignment: each broker's broker.rack is its node's label), which needs a
 * ServiceAccount that may read nodes (cluster-wide, so a ClusterRole) and pods (this namespace only).
 * oneReplicaPerNode and PodDisruptionBudgets come from the size profiles.
 */
export const schedulingOption: OptionModule = {
  name: 'scheduling',
  resourcePatch(resource, { options }) {
    const scheduling = options.scheduling;
    if (!scheduling || !POD_KINDS.has(resource.kind)) return undefined;
    const podTemplate: PlainObject = {};
    if (scheduling.tolerations && scheduling.tolerations.length > 0) podTemplate.tolerations = scheduling.tolerations.map(canonicalToleration);
    if (scheduling.priorityClassName) podTemplate.priorityClassName = scheduling.priorityClassName;
    if (scheduling.zoneSpread) {
      podTemplate.topologySpreadConstraints = [
        // ScheduleAnyway: a zone outage or a single-zone dev cluster must not leave pods Pending.
        { maxSkew: 1, topologyKey: ZONE_TOPOLOGY_KEY, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: resource.name } } },
      ];
    }
    const patch: PlainObject = {};
    if (resource.kind === 'Kafka' && scheduling.rackAwareness) {
      patch.rackAssignment = { nodeLabels: [scheduling.rackAwareness.nodeLabel] };
      podTemplate.serviceAccountName = rackAwarenessNames(resource, undefined).serviceAccount;
    }
    if (Object.keys(podTemplate).length > 0) patch.podTemplate = podTemplate;
    return Object.keys(patch).length > 0 ? patch : undefined;
  },
  manifests({ env, options, units }) {
    const kafka = kafkaResource(units);
    if (!options.scheduling?.rackAwareness || !kafka) return [];
    return rackAwarenessManifests(kafka, env);
  },
  readme({ env, options, units }) {
    const scheduling = options.scheduling;
    if (!scheduling) return [];
    const lines: string[] = [];
    if (scheduling.tolerations && scheduling.tolerations.length > 0) {
      lines.push(`- ${env.name}: every pod tolerates ${scheduling.tolerations.map((toleration) => `\`${describeToleration(toleration)}\``).join(', ')} (taint the nodes you reserve for Confluent Platform).`);
    }
    if (scheduling.priorityClassName) {
      lines.push(`- ${env.name}: every pod runs with the PriorityClass \`${scheduling.priorityClassName}\`; it must exist in the cluster (\`kubectl get priorityclass ${scheduling.priorityClassName}\`).`);
    }
    if (scheduling.zoneSpread) {
      lines.push(`- ${env.name}: the replicas of each component spread over zones (\`${ZONE_TOPOLOGY_KEY}\`, at most one apart, best effort).`);
    }
    const kafka = kafkaResource(units);
    if (scheduling.rackAwareness && kafka) {
      const names = rackAwarenessNames(kafka, env);
      lines.push(
        `- ${env.name}: each broker's rack (\`broker.rack\`) is the node label \`${scheduling.rackAwareness.nodeLabel}\`, which every node must carry. The brokers run as`,
        `  ServiceAccount \`${names.serviceAccount}\`, which may read nodes (ClusterRole \`${names.clusterRole}\`) and the pods of \`${env.namespace}\` (Role \`${names.role}\`).`,
      );
    }
    return lines;
  },
};

/** Fields in the order kubectl prints them, without empty ones. */
function canonicalToleration(toleration: Toleration): PlainObject {
  const result: PlainObject = {};
  if (toleration.key !== undefined) result.key = toleration.key;
  if (toleration.operator !== undefined) result.operator = toleration.operator;
  if (toleration.value !== undefined) result.value = toleration.value;
  if (toleration.effect !== undefined) result.effect = toleration.effect;
  if (toleration.tolerationSeconds !== undefined) result.tolerationSeconds = toleration.tolerationSeconds;
  return result;
}

function describeToleration(toleration: Toleration): string {
  const key = toleration.key ?? '*';
  const match = toleration.operator === 'Exists' || toleration.value === undefined ? key : `${key}=${toleration.value}`;
  return toleration.effect ? `${match}:${toleration.effect}` : match;
}

export interface RackAwarenessNames {
  readonly serviceAccount: string;
  readonly role: string;
  /** Cluster-scoped: carries the namespace, so environments sharing a cluster do not collide. */
  readonly clusterRole: string;
}

export function rackAwarenessNames(kafka: ResourceTemplate, env: Environment | undefined): RackAwarenessNames {
  const local = `${kafka.name}-rack-awareness`;
  return { serviceAccount: local, role: local, clusterRole: env ? `${env.namespace}-${local}` : local };
}

function rackAwarenessManifests(kafka: ResourceTemplate, env: Environment): ExtraManifest[] {
  const names = rackAwarenessNames(kafka, env);
  const metadata = (name: string): PlainObject => ({ name, annotations: { [SYNC_WAVE_ANNOTATION]: RBAC_SYNC_WAVE } });
  const subject = { kind: 'ServiceAccount', name: names.serviceAccount, namespace: env.namespace };
  const readOnly = ['get', 'list'];
  return [
    {
      file: 'scheduling/rack-awareness-serviceaccount.yaml',
      description: `ServiceAccount of the Kafka brokers, for rack awareness`,
      object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: metadata(names.serviceAccount) },
    },
    {
      file: 'scheduling/rack-awareness-clusterrole.yaml',
      description: 'ClusterRole: read nodes, so a broker learns the zone label of its node',
      clusterScoped: { group: RBAC_GROUP, kind: 'ClusterRole' },
      object: { apiVersion: RBAC_API_VERSION, kind: 'ClusterRole', metadata: metadata(names.clusterRole), rules: [{ apiGroups: [''], resources: ['nodes'], verbs: readOnly }] },
    },
    {
      file: 'scheduling/rack-awareness-clusterrolebinding.yaml',
      description: `ClusterRoleBinding: the brokers' ServiceAccount may read nodes`,
      clusterScoped: { group: RBAC_GROUP, kind: 'ClusterRoleBinding' },
      object: {
        apiVersion: RBAC_API_VERSION,
        kind: 'ClusterRoleBinding',
        metadata: metadata(names.clusterRole),
        subjects: [subject],
        roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: names.clusterRole },
      },
    },
    {
      file: 'scheduling/rack-awareness-role.yaml',
      description: 'Role: read the pods of this namespace, so a broker finds its node',
      object: { apiVersion: RBAC_API_VERSION, kind: 'Role', metadata: metadata(names.role), rules: [{ apiGroups: [''], resources: ['pods'], verbs: readOnly }] },
    },
    {
      file: 'scheduling/rack-awareness-rolebinding.yaml',
      description: `RoleBinding: the brokers' ServiceAccount may read the pods of this namespace`,
      object: {
        apiVersion: RBAC_API_VERSION,
        kind: 'RoleBinding',
        metadata: metadata(names.role),
        subjects: [subject],
        roleRef: { apiGroup: RBAC_GROUP, kind: 'Role', name: names.role },
      },
    },
  ];
}

