/**
 * Lifecycle plans: remove a component, add or remove an environment, remove a Kafka cluster. Pure,
 * like plan.ts. Removals refuse what another environment still needs, and carry the teardown that a
 * merge alone does not do (the roots never prune) as warnings, so it reaches the PR body and the commit.
 */
import { UsageError } from '../errors.js';
import { names } from '../generator/layout.js';
import { namespaceFor, newEnvironment } from '../model/build.js';
import { flatKafkaClusterKey, kafkaClusterEnvironment, kafkaClusterKey, splitKafkaClusterKey } from '../model/kafka-clusters.js';
import { isDns1123Label, MAX_ENV_NAME, MAX_NAMESPACE } from '../model/names.js';
import { COMPONENT_NAMES, SIZE_PROFILES, type ComponentName, type Environment, type PlatformModel, type SizeProfile } from '../model/types.js';
import { SCALE_TARGETS } from './day2.js';
import { environmentOf, realEnvironmentOf, replaceEnvironment, type ChangePlan, type ChangeRow } from './plan.js';

export interface RemoveComponentRequest {
  readonly component: string;
  readonly env: string;
}

/**
 * `cp-gitops remove-component`: the platform Application prunes the component's resources once merged
 * (PruneLast: after the rest has synced). Refused for Kafka (remove the environment or the Kafka cluster
 * instead) and while a later environment on the promotion path still runs the component: removals go
 * in reverse promotion order, so no environment runs what the one before it no longer tests.
 */
export function planRemoveComponent(model: PlatformModel, request: RemoveComponentRequest): ChangePlan {
  const env = environmentOf(model, request.env);
  if (!(COMPONENT_NAMES as readonly string[]).includes(request.component)) {
    throw new UsageError(`unknown component "${request.component}"`, `choose from: ${COMPONENT_NAMES.filter((name) => name !== 'kafka').join(', ')}`);
  }
  const component = request.component as ComponentName;
  const { environment, kafkaCluster } = splitKafkaClusterKey(env.name);
  if (component === 'kafka') {
    throw new UsageError(
      `Kafka cannot be removed from ${env.name}: every other component and topic needs it`,
      kafkaCluster ? `remove the whole Kafka cluster: cp-gitops remove-cluster ${kafkaCluster} --env ${environment}` : `remove the whole environment: cp-gitops remove-env ${env.name}`,
    );
  }
  const plan = (next: PlatformModel, changes: ChangeRow[], warnings: string[]): ChangePlan => ({
    model: next,
    changes,
    ...(warnings.length > 0 ? { warnings } : {}),
    branch: `cp-gitops/remove-${component}-${flatKafkaClusterKey(env.name)}`,
    title: `Remove ${component} from ${env.name}`,
    targetEnv: env.name,
    labels: [`env:${environment}`, `component:${component}`],
  });
  if (!env.components.includes(component)) return plan(model, [], []);

  const downstream = laterRunning(model, env.name, component);
  if (downstream.length > 0) {
    throw new UsageError(
      `${downstream.join(', ')} still run${downstream.length === 1 ? 's' : ''} ${component}, promoted from ${env.name}: removing it here first would leave ${downstream.length === 1 ? 'it' : 'them'} running what no earlier environment tests`,
      `remove it in reverse promotion order: cp-gitops remove-component ${component} --env ${downstream[downstream.length - 1]}`,
    );
  }
  const kind = SCALE_TARGETS[component]!;
  const { [component]: _config, ...config } = env.config ?? {};
  const { [kind]: _override, ...overrides } = env.overrides ?? {};
  const { config: _c, overrides: _o, ...rest } = env;
  const next: Environment = {
    ...rest,
    components: env.components.filter((name) => name !== component),
    ...(Object.keys(overrides).length > 0 ? { overrides } : {}),
    ...(Object.keys(config).length > 0 ? { config } : {}),
  };
  const changes: ChangeRow[] = [{ env: env.name, component, field: 'enabled', from: 'yes', to: 'no' }];
  if (_config !== undefined) changes.push({ env: env.name, component, field: 'config', from: `${_config.length} lines`, to: '—' });
  if (_override !== undefined) changes.push({ env: env.name, component, field: 'overrides', from: kind, to: '—' });
  const warnings = [
    `Once merged, Argo CD prunes ${kind} "${component === 'restproxy' ? 'kafkarestproxy' : component}" in namespace ${env.namespace} after the rest of the sync (PruneLast), and CFK's finalizer removes its pods; its PersistentVolumeClaims, if any, stay: kubectl -n ${env.namespace} get pvc`,
  ];
  return plan(replaceEnvironment(model, next), changes, warnings);
}

/** The environments after `name` on the promotion path (their Kafka cluster of the same name, for a Kafka cluster) that run `component`. */
function laterRunning(model: PlatformModel, name: string, component: ComponentName): string[] {
  const { environment, kafkaCluster } = splitKafkaClusterKey(name);
  const index = model.environments.findIndex((env) => env.name === environment);
  return model.environments.slice(index + 1).flatMap((env) => {
    if (kafkaCluster === undefined) return env.components.includes(component) ? [env.name] : [];
    const cluster = (env.kafkaClusters ?? []).find((candidate) => candidate.name === kafkaCluster);
    return cluster && cluster.components.includes(component) ? [kafkaClusterKey(env.name, cluster.name)] : [];
  });
}

export interface AddEnvironmentRequest {
  readonly name: string;
  /** The environment it comes after on the promotion path; the end of the path when absent. */
  readonly after?: string;
  /** At the start of the promotion path instead. */
  readonly first?: boolean;
  readonly namespace?: string;
  readonly cluster?: string;
  readonly size?: string;
  /** The components; its predecessor's when absent (what a promotion would bring), Kafka alone at the start. */
  readonly components?: readonly string[];
}

/**
 * `cp-gitops add-env`: one more environment at its place on the promotion path, made as `init` makes
 * one (namespace <platform>-<env>, size by its name, TLS auto when large), running what its predecessor
 * runs at its predecessor's versions: the state a promotion into it would leave.
 */
export function planAddEnvironment(model: PlatformModel, request: AddEnvironmentRequest): ChangePlan {
  if (!isDns1123Label(request.name, MAX_ENV_NAME)) {
    throw new UsageError(`invalid environment name "${request.name}"`, `use lower-case letters, digits and "-", at most ${MAX_ENV_NAME} characters, for example qa`);
  }
  if (request.first && request.after !== undefined) throw new UsageError('pass either --first or --after, not both');
  const index = request.first
    ? 0
    : request.after === undefined
      ? model.environments.length
      : model.environments.indexOf(realEnvironmentOf(model, request.after, 'add-env --after')) + 1;
  const predecessor = index > 0 ? model.environments[index - 1] : undefined;
  if (request.size !== undefined && !(SIZE_PROFILES as readonly string[]).includes(request.size)) {
    throw new UsageError(`unknown size "${request.size}"`, `choose from: ${SIZE_PROFILES.join(', ')}`);
  }
  for (const name of request.components ?? []) {
    if (!(COMPONENT_NAMES as readonly string[]).includes(name)) throw new UsageError(`unknown component "${name}"`, `choose from: ${COMPONENT_NAMES.join(', ')}`);
  }
  const namespace = request.namespace ?? namespaceFor(model.name, request.name);
  if (!isDns1123Label(namespace, MAX_NAMESPACE)) {
    throw new UsageError(`namespace "${namespace}" is not a Kubernetes namespace name`, request.namespace === undefined ? 'choose one with --namespace' : 'choose another --namespace');
  }
  const cluster = request.cluster ?? predecessor?.cluster ?? model.environments[0]!.cluster;
  if (!/^https?:\/\/\S+$/.test(cluster)) throw new UsageError(`invalid --cluster "${cluster}": expected the API server URL, such as https://kubernetes.default.svc`);
  const components = request.components ?? predecessor?.components ?? ['kafka'];

  const plan = (next: PlatformModel, changes: ChangeRow[]): ChangePlan => ({
    model: next,
    changes,
    branch: `cp-gitops/add-env-${request.name}`,
    title: `Add environment ${request.name}`,
    targetEnv: request.name,
    labels: [`env:${request.name}`],
  });
  const existing = model.environments.find((env) => env.name === request.name);
  if (existing) {
    if (request.namespace === undefined && request.cluster === undefined && request.size === undefined && request.components === undefined) return plan(model, []);
    throw new UsageError(`environment "${request.name}" already exists (namespace ${existing.namespace})`, 'change it with the other commands (add-component, set, scale), or choose another name');
  }
  const owner = crdOwner(model, cluster);
  const ownerIndex = model.environments.findIndex((candidate) => candidate.name === owner);
  if (owner !== undefined && index <= ownerIndex) {
    // It would install the CRDs instead, and the owner's operator Application (which prunes) would delete them.
    throw new UsageError(
      `${request.name} would come before ${owner}, whose operator installs the CFK CRDs on ${cluster}: taking them over would make Argo CD prune them from ${owner}`,
      `add it after ${owner} (--after ${owner} or later), or on another Kubernetes cluster (--cluster <API server URL>)`,
    );
  }
  const taken = model.environments.flatMap((env) => [env, ...(env.kafkaClusters ?? []).map((candidate) => kafkaClusterEnvironment(env, candidate))]).find((env) => env.namespace === namespace && env.cluster === cluster);
  if (taken) throw new UsageError(`namespace ${namespace} on ${cluster} already belongs to ${taken.name}`, 'choose another --namespace or --cluster');

  const fresh = newEnvironment({
    platform: model.name,
    name: request.name,
    index,
    count: model.environments.length + 1,
    cluster,
    components: COMPONENT_NAMES.filter((name) => name === 'kafka' || components.includes(name)),
    tlsGiven: model.options?.tls !== undefined,
    authenticationGiven: model.options?.authentication !== undefined,
    ...(model.options ? { platformOptions: model.options } : {}),
  });
  const env: Environment = {
    ...fresh,
    namespace,
    ...(request.size !== undefined ? { size: request.size as SizeProfile } : {}),
    // At its predecessor's versions: promoting into it must not upgrade or downgrade anything.
    ...(predecessor?.versions ? { versions: predecessor.versions } : {}),
  };
  const environments = [...model.environments.slice(0, index), env, ...model.environments.slice(index)];
  const changes: ChangeRow[] = [
    { env: env.name, component: 'environment', field: 'namespace', from: '—', to: `${env.namespace} (${env.size})` },
    { env: env.name, component: 'environment', field: 'promotion path', from: model.environments.map((candidate) => candidate.name).join(' → '), to: environments.map((candidate) => candidate.name).join(' → ') },
    ...env.components.map((component) => ({ env: env.name, component, field: 'enabled', from: 'no', to: 'yes' })),
  ];
  const next = { ...model, environments };
  const warnings = [`Once merged, apply its root Application once (argocd/bootstrap/root-${env.name}.yaml): kubectl apply -k argocd/bootstrap`];
  return { ...plan(next, changes), warnings };
}

export interface RemoveEnvironmentRequest {
  readonly name: string;
}

/**
 * `cp-gitops remove-env`: the environment leaves cp-gitops.yaml and its files leave the repository.
 * Nothing prunes its Applications (the roots never prune), so the PR carries the teardown in the order
 * CFK's finalizers need. Refused for the last environment, and for the environment whose operator
 * installs the CFK CRDs that other environments on the same Kubernetes cluster use: deleting its
 * operator Application with a cascade would delete every CFK resource on that cluster.
 */
export function planRemoveEnvironment(model: PlatformModel, request: RemoveEnvironmentRequest): ChangePlan {
  const plan = (next: PlatformModel, changes: ChangeRow[], warnings: string[]): ChangePlan => ({
    model: next,
    changes,
    ...(warnings.length > 0 ? { warnings } : {}),
    branch: `cp-gitops/remove-env-${request.name}`,
    title: `Remove environment ${request.name}`,
    targetEnv: request.name,
    labels: [`env:${request.name}`],
  });
  const env = model.environments.find((candidate) => candidate.name === request.name);
  if (!env) {
    if (request.name.includes('/')) realEnvironmentOf(model, request.name, 'remove-env');
    return plan(model, [], []);
  }
  if (model.environments.length === 1) throw new UsageError(`"${env.name}" is the only environment`, 'a platform needs one; add another first (cp-gitops add-env <name>), or delete the repository');
  const sharing = sameClusterOthers(model, env);
  if (sharing.length > 0 && crdOwner(model, env.cluster) === env.name) {
    throw new UsageError(
      `${env.name}'s operator installs the CFK CRDs on ${env.cluster}, which ${sharing.join(', ')} also use${sharing.length === 1 ? 's' : ''}: removing it would leave them to a cascade delete of those CRDs`,
      `remove ${sharing.join(', ')} first (cp-gitops remove-env ${sharing[sharing.length - 1]}), or move ${env.name} to its own cluster in cp-gitops.yaml first`,
    );
  }
  const environments = model.environments.filter((candidate) => candidate !== env);
  const changes: ChangeRow[] = [
    { env: env.name, component: 'environment', field: 'namespace', from: env.namespace, to: '—' },
    { env: env.name, component: 'environment', field: 'promotion path', from: model.environments.map((candidate) => candidate.name).join(' → '), to: environments.map((candidate) => candidate.name).join(' → ') },
    ...(env.kafkaClusters ?? []).map((cluster) => ({ env: kafkaClusterKey(env.name, cluster.name), component: 'kafka cluster', field: 'namespace', from: cluster.namespace, to: '—' })),
  ];
  const apps = [...(env.kafkaClusters ?? []).map((cluster) => kafkaClusterEnvironment(env, cluster)), env];
  const warnings = teardown(model, apps, `kubectl -n argocd delete application ${names.rootApp(model.name, env.name)} (first: it would recreate the others)`);
  return plan({ ...model, environments }, changes, warnings);
}

export interface RemoveClusterRequest {
  readonly name: string;
  readonly env: string;
}

/** `cp-gitops remove-cluster`: a Kafka cluster of an environment, with the teardown of its Applications. */
export function planRemoveCluster(model: PlatformModel, request: RemoveClusterRequest): ChangePlan {
  const env = realEnvironmentOf(model, request.env, 'remove-cluster');
  const key = kafkaClusterKey(env.name, request.name);
  const plan = (next: PlatformModel, changes: ChangeRow[], warnings: string[]): ChangePlan => ({
    model: next,
    changes,
    ...(warnings.length > 0 ? { warnings } : {}),
    branch: `cp-gitops/remove-cluster-${request.name}-${env.name}`,
    title: `Remove Kafka cluster ${request.name} from ${env.name}`,
    targetEnv: key,
    labels: [`env:${env.name}`, `kafka-cluster:${request.name}`],
  });
  const cluster = (env.kafkaClusters ?? []).find((candidate) => candidate.name === request.name);
  if (!cluster) return plan(model, [], []);
  const { kafkaClusters: _clusters, ...rest } = env;
  const remaining = (env.kafkaClusters ?? []).filter((candidate) => candidate !== cluster);
  const next = replaceEnvironment(model, { ...rest, ...(remaining.length > 0 ? { kafkaClusters: remaining } : {}) });
  const changes: ChangeRow[] = [
    { env: key, component: 'kafka cluster', field: 'namespace', from: cluster.namespace, to: '—' },
    ...cluster.components.map((component) => ({ env: key, component, field: 'enabled', from: 'yes', to: 'no' })),
  ];
  return plan(next, changes, teardown(model, [kafkaClusterEnvironment(env, cluster)], undefined));
}

/**
 * What a person runs after the merge, in the order CFK's finalizers need: application resources, then
 * the platform Application (its resources finalizer deletes the CFK resources while their operator still
 * runs), then the operator Application (no resources finalizer: its CRDs stay), then the project and the namespace.
 */
function teardown(model: PlatformModel, envs: readonly Environment[], root: string | undefined): string[] {
  const steps: string[] = [];
  if (root) steps.push(root);
  for (const env of envs) {
    steps.push(
      `kubectl -n ${env.namespace} delete kafkatopics,confluentrolebindings,schemas,connectors,clusterlinks,kafkarestclasses --all --wait`,
      `kubectl -n argocd delete application ${names.platformApp(model.name, env.name)} --wait (its resources finalizer deletes the CFK resources; wait until they are gone)`,
      `kubectl -n argocd delete application ${names.operatorApp(model.name, env.name)} (no resources finalizer: the CRDs stay; never argocd app delete --cascade on it)`,
      `kubectl -n argocd delete appproject ${names.project(model.name, env.name)} && kubectl delete namespace ${env.namespace}`,
    );
  }
  return [`Once merged, nothing prunes these Applications (the root Applications never prune): tear down in this order: ${steps.map((step, at) => `${at + 1}. ${step}`).join('; ')}`];
}

/** Environments and Kafka clusters other than `env` (and its own Kafka clusters) on env's Kubernetes cluster. */
function sameClusterOthers(model: PlatformModel, env: Environment): string[] {
  return model.environments.filter((candidate) => candidate !== env && candidate.cluster === env.cluster).map((candidate) => candidate.name);
}

function crdOwner(model: PlatformModel, cluster: string): string | undefined {
  return model.environments.find((env) => env.cluster === cluster)?.name;
}
