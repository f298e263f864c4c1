import { UsageError } from '../errors.js';
import { kafkaClusterEnvironment, kafkaClusterKey } from '../model/kafka-clusters.js';
import { applyOptionSettings } from '../model/option-settings.js';
import { optionsOf } from '../model/options.js';
import { isDns1123Label, MAX_KAFKA_CLUSTER_NAME, MAX_NAMESPACE } from '../model/names.js';
import { COMPONENT_NAMES, SIZE_PROFILES, type ComponentName, type Environment, type KafkaClusterSpec, type PlatformModel, type SizeProfile } from '../model/types.js';
import { realEnvironmentOf, type ChangePlan, type ChangeRow } from './plan.js';

export interface AddClusterRequest {
  readonly name: string;
  readonly env: string;
  /** Kafka is always part of a Kafka cluster; these come with it. */
  readonly components?: readonly string[];
  /** `<environment namespace>-<name>` when absent. */
  readonly namespace?: string;
  /** The environment's size profile when absent. */
  readonly size?: string;
  /** Its own options (`--set path=value`), over the environment's: at least its own external names when the environment has external access. */
  readonly settings?: readonly string[];
}

/**
 * `cp-gitops add-cluster`: one more Kafka cluster in an environment, in its own namespace, with its
 * own Argo CD project and applications (synced by the environment's root Application).
 */
export function planAddCluster(model: PlatformModel, request: AddClusterRequest): ChangePlan {
  const env = realEnvironmentOf(model, request.env, 'add-cluster');
  if (!isDns1123Label(request.name, MAX_KAFKA_CLUSTER_NAME)) {
    throw new UsageError(`invalid Kafka cluster name "${request.name}"`, `use lower-case letters, digits and "-", at most ${MAX_KAFKA_CLUSTER_NAME} characters, for example analytics`);
  }
  const components = componentsOf(request.components ?? []);
  const namespace = request.namespace ?? `${env.namespace}-${request.name}`;
  if (!isDns1123Label(namespace, MAX_NAMESPACE)) {
    throw new UsageError(
      `namespace "${namespace}" is not a Kubernetes namespace name (lower-case letters, digits and "-", at most ${MAX_NAMESPACE} characters)`,
      request.namespace === undefined ? 'choose one with --namespace' : 'choose another --namespace',
    );
  }
  if (request.size !== undefined && !(SIZE_PROFILES as readonly string[]).includes(request.size)) {
    throw new UsageError(`unknown size "${request.size}"`, `choose from: ${SIZE_PROFILES.join(', ')}`);
  }
  const key = kafkaClusterKey(env.name, request.name);
  const options = request.settings && request.settings.length > 0 ? applyOptionSettings(undefined, request.settings) : undefined;
  const cluster: KafkaClusterSpec = {
    name: request.name,
    namespace,
    ...(request.size !== undefined ? { size: request.size as SizeProfile } : {}),
    components,
    ...(options && Object.keys(options).length > 0 ? { options } : {}),
  };
  refuseSharedExternalAccess(model, env, cluster);
  const plan = (next: PlatformModel, changes: ChangeRow[]): ChangePlan => ({
    model: next,
    changes,
    branch: `cp-gitops/add-cluster-${request.name}-${env.name}`,
    title: `Add Kafka cluster ${request.name} to ${env.name}`,
    targetEnv: key,
    labels: [`env:${env.name}`, `kafka-cluster:${request.name}`],
  });

  const existing = (env.kafkaClusters ?? []).find((candidate) => candidate.name === request.name);
  if (existing) {
    // A re-run with the same request changes nothing; anything else is a change of its own.
    const same = existing.namespace === namespace && existing.size === cluster.size && existing.components.join(',') === components.join(',') && JSON.stringify(existing.options) === JSON.stringify(cluster.options);
    if (same || (request.components === undefined && request.namespace === undefined && request.size === undefined && request.settings === undefined)) return plan(model, []);
    throw new UsageError(
      `environment "${env.name}" already has a Kafka cluster "${request.name}" (namespace ${existing.namespace}, ${existing.components.join(', ')})`,
      `change it with the other commands and --env ${key} (for example cp-gitops add-component connect --env ${key}); a namespace cannot move`,
    );
  }
  const next: PlatformModel = {
    ...model,
    environments: model.environments.map((candidate) => (candidate.name === env.name ? { ...candidate, kafkaClusters: [...(candidate.kafkaClusters ?? []), cluster] } : candidate)),
  };
  const changes: ChangeRow[] = [
    { env: key, component: 'kafka cluster', field: 'namespace', from: '—', to: namespace },
    ...components.map((component) => ({ env: key, component, field: 'enabled', from: 'no', to: 'yes' })),
  ];
  return plan(next, changes);
}

/**
 * The cluster would inherit its environment's external access as it is: the same DNS names, or the
 * same node ports on the same Kubernetes cluster. Said here, with the flag that fixes it, because
 * `cp-gitops set --env <env>/<name>` cannot help before the cluster exists.
 */
function refuseSharedExternalAccess(model: PlatformModel, env: Environment, cluster: KafkaClusterSpec): void {
  const inherited = optionsOf(model, env).externalAccess;
  if (!inherited || (inherited.type ?? 'none') === 'none') return;
  const own = optionsOf(model, kafkaClusterEnvironment(env, cluster)).externalAccess;
  if (JSON.stringify(own) !== JSON.stringify(inherited)) return;
  const fix =
    inherited.type === 'nodePort'
      ? '--set externalAccess.type=nodePort --set externalAccess.nodePortOffset=<a free range, replicas + 1 ports>'
      : `--set externalAccess.type=${inherited.type} --set externalAccess.domain=${cluster.name}.<domain>`;
  throw new UsageError(
    `Kafka cluster "${cluster.name}" would inherit environment "${env.name}"'s external access (${inherited.type}) and claim the same ${inherited.type === 'nodePort' ? 'node ports' : 'DNS names'}`,
    `give it its own in the same change: cp-gitops add-cluster ${cluster.name} --env ${env.name} ${fix} (or --set externalAccess.type=none)`,
  );
}

function componentsOf(requested: readonly string[]): ComponentName[] {
  for (const name of requested) {
    if (!(COMPONENT_NAMES as readonly string[]).includes(name)) throw new UsageError(`unknown component "${name}"`, `choose from: ${COMPONENT_NAMES.join(', ')}`);
  }
  const wanted = new Set<string>(['kafka', ...requested]);
  return COMPONENT_NAMES.filter((name) => wanted.has(name));
}
