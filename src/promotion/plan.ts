import { topicResourceName } from '../generator/overlays.js';
import { UsageError } from '../errors.js';
import { COMPONENT_NAMES, type ComponentName, type Environment, type PlatformModel, type PlatformVersions, type TopicSpec } from '../model/types.js';
import { deployedModel, flatKafkaClusterKey, kafkaClusterEnvironment, kafkaClusterKey, kafkaClusterSpecOf, splitKafkaClusterKey } from '../model/kafka-clusters.js';
import { quorumOf, quorumTransitionProblem } from '../model/kraft-quorum.js';
import { versionsOf } from '../model/versions.js';
import { firstSchemaProblem } from '../model/build.js';
import { checkExposure } from '../model/check.js';
import { applyOptionSettings } from '../model/option-settings.js';

/** One row of a change summary: what changes where, from what to what. */
export interface ChangeRow {
  readonly env: string;
  readonly component: string;
  readonly field: string;
  readonly from: string;
  readonly to: string;
}

/** A change to the platform model, before anything is written: pure data for review and for the PR. */
export interface ChangePlan {
  readonly model: PlatformModel;
  readonly changes: readonly ChangeRow[];
  /** Deterministic, so a re-run finds its own branch and pull request. */
  readonly branch: string;
  readonly title: string;
  /** The environment whose overlay the change renders differently (the PR diff shows it). */
  readonly targetEnv: string;
  readonly labels: readonly string[];
  /** What the reviewer must know or do besides merging (a partition reassignment, a volume expansion). */
  readonly warnings?: readonly string[];
}

/** What each component needs in the same environment (Kafka is always there). */
const COMPONENT_DEPENDENCIES: Readonly<Record<ComponentName, readonly ComponentName[]>> = {
  kafka: [],
  schemaregistry: ['kafka'],
  connect: ['kafka'],
  ksqldb: ['kafka'],
  controlcenter: ['kafka'],
  restproxy: ['kafka'],
};

export interface AddComponentRequest {
  readonly component: string;
  readonly env: string;
  readonly withDeps: boolean;
}

export function planAddComponent(model: PlatformModel, request: AddComponentRequest): ChangePlan {
  const env = environmentOf(model, request.env);
  if (!(COMPONENT_NAMES as readonly string[]).includes(request.component)) {
    throw new UsageError(`unknown component "${request.component}"`, `choose from: ${COMPONENT_NAMES.join(', ')}, or use --topic to add a Kafka topic`);
  }
  const component = request.component as ComponentName;
  const missing = COMPONENT_DEPENDENCIES[component].filter((dependency) => !env.components.includes(dependency));
  if (missing.length > 0 && !request.withDeps) {
    throw new UsageError(`${component} needs ${missing.join(', ')} in environment "${env.name}", which does not run it`, `add it first, or pass --with-deps to add it in the same change`);
  }
  const wanted = new Set<ComponentName>([...env.components, component, ...missing]);
  const components = COMPONENT_NAMES.filter((name) => wanted.has(name));
  const added = components.filter((name) => !env.components.includes(name));
  const next = replaceEnvironment(model, { ...env, components });
  return {
    model: next,
    changes: added.map((name) => ({ env: env.name, component: name, field: 'enabled', from: 'no', to: 'yes' })),
    branch: `cp-gitops/add-${component}-${flatKafkaClusterKey(env.name)}`,
    title: `Add ${component} to ${env.name}`,
    targetEnv: env.name,
    labels: [`env:${env.name}`, ...added.map((name) => `component:${name}`)],
  };
}

export interface AddTopicRequest {
  readonly env: string;
  readonly topic: TopicSpec;
}

export function planAddTopic(model: PlatformModel, request: AddTopicRequest): ChangePlan {
  const env = environmentOf(model, request.env);
  const existing = (env.topics ?? []).find((topic) => topic.name === request.topic.name);
  // Two topics whose names fold to one KafkaTopic resource name would be one file and one resource.
  const clash = (env.topics ?? []).find((topic) => topic.name !== request.topic.name && topicResourceName(topic.name) === topicResourceName(request.topic.name));
  if (clash) {
    throw new UsageError(
      `topic "${request.topic.name}" and topic "${clash.name}" of ${env.name} would both be the KafkaTopic resource "${topicResourceName(clash.name)}" (names are lower-cased, and characters other than a-z, 0-9 and - become -)`,
      'choose a topic name that differs in letters or digits, not only in case, dots or underscores; nothing was written',
    );
  }
  const topics = [...(env.topics ?? []).filter((topic) => topic.name !== request.topic.name), request.topic];
  const changes: ChangeRow[] = [];
  if (!existing) changes.push({ env: env.name, component: `topic ${request.topic.name}`, field: 'partitions', from: '—', to: String(request.topic.partitions) });
  else {
    if (request.topic.partitions < existing.partitions) {
      throw new UsageError(`topic "${request.topic.name}" has ${existing.partitions} partitions in ${env.name}; Kafka cannot reduce partitions`, `pass --partitions ${existing.partitions} or more`);
    }
    if (existing.partitions !== request.topic.partitions) changes.push({ env: env.name, component: `topic ${request.topic.name}`, field: 'partitions', from: String(existing.partitions), to: String(request.topic.partitions) });
  }
  return {
    model: replaceEnvironment(model, { ...env, topics }),
    changes,
    branch: `cp-gitops/add-topic-${slug(request.topic.name)}-${flatKafkaClusterKey(env.name)}`,
    title: `Add topic ${request.topic.name} to ${env.name}`,
    targetEnv: env.name,
    labels: [`env:${env.name}`, 'component:topic'],
  };
}

export interface PromoteRequest {
  readonly from: string;
  readonly to: string;
  readonly component?: string;
  readonly skipStage: boolean;
}

const VERSION_FIELDS: readonly (keyof PlatformVersions)[] = ['confluentPlatform', 'operator', 'operatorChart', 'controlCenter'];

/**
 * Makes `to` run what `from` runs: its components, its versions and its topics; never its namespace,
 * cluster, size or secrets. The order of environments in the model is the promotion path.
 */
export function planPromote(model: PlatformModel, request: PromoteRequest): ChangePlan {
  const from = realEnvironmentOf(model, request.from, 'promote');
  const to = realEnvironmentOf(model, request.to, 'promote');
  const fromIndex = model.environments.indexOf(from);
  const toIndex = model.environments.indexOf(to);
  if (fromIndex === toIndex) throw new UsageError(`--from and --to are both "${from.name}"`, 'promote from one environment to the next');
  if (toIndex < fromIndex) {
    throw new UsageError(`"${to.name}" comes before "${from.name}" on the promotion path (${pathOf(model)})`, 'promote forward only; to roll back, revert the pull request that changed it');
  }
  if (toIndex > fromIndex + 1 && !request.skipStage) {
    const skipped = model.environments.slice(fromIndex + 1, toIndex).map((env) => env.name);
    throw new UsageError(`promoting ${from.name} → ${to.name} skips ${skipped.join(', ')} (${pathOf(model)})`, `promote to ${skipped[0]} first, or pass --skip-stage`);
  }
  if (request.component !== undefined && !(COMPONENT_NAMES as readonly string[]).includes(request.component)) {
    throw new UsageError(`unknown component "${request.component}"`, `choose from: ${COMPONENT_NAMES.join(', ')}`);
  }
  const only = request.component as ComponentName | undefined;
  if (only && !from.components.includes(only)) {
    throw new UsageError(`${only} does not run in ${from.name}, so there is nothing of it to promote`, `cp-gitops add-component ${only} --env ${from.name}`);
  }
  const promoted = promoteContents(from, to, only);
  const changes: ChangeRow[] = [...promoted.componentChanges];
  const { components, topics } = promoted;

  // Versions are promoted as a whole (they must stay a supported combination), unless one component was asked for.
  let versions = to.versions;
  if (!only) {
    const source = versionsOf(model, from);
    const target = versionsOf(model, to);
    for (const field of VERSION_FIELDS) {
      if (source[field] !== target[field]) changes.push({ env: to.name, component: field === 'controlCenter' ? 'controlcenter' : field === 'confluentPlatform' ? 'platform' : 'operator', field: `version.${field}`, from: target[field], to: source[field] });
    }
    const override = Object.fromEntries(VERSION_FIELDS.filter((field) => source[field] !== model.versions[field]).map((field) => [field, source[field]]));
    versions = Object.keys(override).length > 0 ? override : undefined;
  }
  changes.push(...promoted.topicChanges);

  // A Kafka cluster of `from` is promoted into the cluster of the same name in `to`; one that `to` lacks is named in a warning.
  const warnings: string[] = [];
  const kafkaClusters = (to.kafkaClusters ?? []).map((target) => {
    const source = (from.kafkaClusters ?? []).find((candidate) => candidate.name === target.name);
    if (!source || (only && !source.components.includes(only))) return target;
    const result = promoteContents(kafkaClusterEnvironment(from, source), kafkaClusterEnvironment(to, target), only);
    changes.push(...result.componentChanges, ...result.topicChanges);
    const { topics: _topics, ...rest } = target;
    return { ...rest, components: result.components, ...(result.topics ? { topics: result.topics } : {}) };
  });
  for (const source of from.kafkaClusters ?? []) {
    if (!(to.kafkaClusters ?? []).some((candidate) => candidate.name === source.name)) {
      warnings.push(`Kafka cluster "${source.name}" of ${from.name} has no counterpart in ${to.name}, so it is not promoted: cp-gitops add-cluster ${source.name} --env ${to.name} --components ${source.components.join(',')}`);
    }
  }

  const next: Environment = { ...withoutOptional(to), components, ...(versions ? { versions } : {}), ...(topics ? { topics } : {}), ...(kafkaClusters.length > 0 ? { kafkaClusters } : {}) };
  return {
    model: replaceEnvironment(model, next),
    changes,
    ...(warnings.length > 0 ? { warnings } : {}),
    branch: `cp-gitops/promote-${from.name}-to-${to.name}${only ? `-${only}` : ''}`,
    title: `Promote ${only ? `${only} ` : ''}${from.name} → ${to.name}`,
    targetEnv: to.name,
    labels: [`env:${to.name}`, ...[...new Set(changes.map((change) => change.component))].filter((name) => (COMPONENT_NAMES as readonly string[]).includes(name)).map((name) => `component:${name}`)],
  };
}

/** What a promotion copies from one environment (or Kafka cluster) to another: components and topics. */
function promoteContents(
  from: Environment,
  to: Environment,
  only: ComponentName | undefined,
): { components: ComponentName[]; topics: Environment['topics']; componentChanges: ChangeRow[]; topicChanges: ChangeRow[] } {
  const changes: ChangeRow[] = [];
  const topicChanges: ChangeRow[] = [];
  const wanted = new Set<ComponentName>(to.components);
  for (const component of only ? [only] : from.components) {
    if (!wanted.has(component)) changes.push({ env: to.name, component, field: 'enabled', from: 'no', to: 'yes' });
    wanted.add(component);
  }
  const components = COMPONENT_NAMES.filter((name) => wanted.has(name));
  let topics = to.topics;
  if (!only) {
    const byName = new Map((to.topics ?? []).map((topic) => [topic.name, topic]));
    for (const topic of from.topics ?? []) {
      const current = byName.get(topic.name);
      if (!current) topicChanges.push({ env: to.name, component: `topic ${topic.name}`, field: 'partitions', from: '—', to: String(topic.partitions) });
      else if (JSON.stringify(current) !== JSON.stringify(topic)) topicChanges.push({ env: to.name, component: `topic ${topic.name}`, field: 'spec', from: describeTopic(current), to: describeTopic(topic) });
      byName.set(topic.name, topic);
    }
    topics = byName.size > 0 ? [...byName.values()] : undefined;
  }
  return { components, topics, componentChanges: changes, topicChanges };
}

function withoutOptional(env: Environment): Environment {
  const { versions: _versions, topics: _topics, ...rest } = env;
  return rest;
}

function describeTopic(topic: TopicSpec): string {
  return `${topic.partitions} partitions${topic.replicas !== undefined ? `, ${topic.replicas} replicas` : ''}${topic.configs ? `, ${Object.keys(topic.configs).length} configs` : ''}`;
}

/** An environment by name, or a Kafka cluster's environment by "<env>/<cluster>" (src/model/kafka-clusters.ts). */
export function environmentOf(model: PlatformModel, name: string): Environment {
  const { environment, kafkaCluster } = splitKafkaClusterKey(name);
  const env = model.environments.find((candidate) => candidate.name === environment);
  if (!env) throw new UsageError(`unknown environment "${environment}"`, `environments of this repository: ${model.environments.map((candidate) => candidate.name).join(', ')}`);
  if (kafkaCluster === undefined) return env;
  const cluster = (env.kafkaClusters ?? []).find((candidate) => candidate.name === kafkaCluster);
  if (!cluster) {
    const known = (env.kafkaClusters ?? []).map((candidate) => kafkaClusterKey(env.name, candidate.name));
    throw new UsageError(
      `environment "${env.name}" has no Kafka cluster "${kafkaCluster}"`,
      known.length > 0 ? `its Kafka clusters: ${known.join(', ')}` : `add one first: cp-gitops add-cluster ${kafkaCluster} --env ${env.name}`,
    );
  }
  return kafkaClusterEnvironment(env, cluster);
}

export function replaceEnvironment(model: PlatformModel, env: Environment): PlatformModel {
  const { environment, kafkaCluster } = splitKafkaClusterKey(env.name);
  if (kafkaCluster === undefined) return { ...model, environments: model.environments.map((candidate) => (candidate.name === env.name ? env : candidate)) };
  return {
    ...model,
    environments: model.environments.map((candidate) =>
      candidate.name !== environment ? candidate : { ...candidate, kafkaClusters: (candidate.kafkaClusters ?? []).map((cluster) => (cluster.name === kafkaCluster ? kafkaClusterSpecOf(env, cluster) : cluster)) },
    ),
  };
}


/** Versions and promotion belong to environments; a Kafka cluster follows its environment's. */
export function realEnvironmentOf(model: PlatformModel, name: string, what: string): Environment {
  const { environment, kafkaCluster } = splitKafkaClusterKey(name);
  if (kafkaCluster !== undefined) {
    throw new UsageError(`${what} applies to a whole environment, not to Kafka cluster "${name}": a Kafka cluster runs its environment's versions`, `use --env ${environment}`);
  }
  return environmentOf(model, name);
}

function pathOf(model: PlatformModel): string {
  return model.environments.map((env) => env.name).join(' → ');
}

function slug(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'topic';
}

export interface SetOptionsRequest {
  /** The environment whose options change; the platform's options when absent. */
  readonly env?: string;
  readonly settings: readonly string[];
}

/** `cp-gitops set`: production options of the platform or of one environment, through a pull request. */
export function planSetOptions(model: PlatformModel, request: SetOptionsRequest): ChangePlan {
  const env = request.env === undefined ? undefined : environmentOf(model, request.env);
  const before = (env ? env.options : model.options) ?? {};
  const after = applyOptionSettings(before, request.settings);
  const next: PlatformModel = env
    ? replaceEnvironment(model, { ...withoutOptions(env), ...(Object.keys(after).length > 0 ? { options: after } : {}) })
    : { ...withoutPlatformOptions(model), ...(Object.keys(after).length > 0 ? { options: after } : {}) };
  const problem = firstSchemaProblem(next);
  if (problem) throw new UsageError(problem, 'see docs/options.md for every option and its values');
  // A running quorum's mode changes only by Confluent's migration (decision 19): checked on every deployed environment.
  const after2 = deployedModel(next);
  for (const [index, current] of deployedModel(model).environments.entries()) {
    const updated = after2.environments[index];
    if (!updated) continue;
    const refused = quorumTransitionProblem(current.name, quorumOf(model, current), quorumOf(next, updated));
    if (refused) throw new UsageError(refused.message, refused.fix);
  }
  // Unsafe exposure is refused like init refuses it, before anything is written (other problems surface in validate).
  const semantic = checkExposure(next)[0];
  if (semantic) throw new UsageError(semantic.message, semantic.fix ? `cp-gitops set: ${semantic.fix}` : 'see docs/options.md');
  const scope = env ? env.name : 'all';
  const changes = diffOptions(before as Record<string, unknown>, after as Record<string, unknown>).map((row) => ({ env: scope, component: 'options', field: row.path, from: row.from, to: row.to }));
  const touched = [...new Set(changes.map((row) => row.field.split('.')[0]!))];
  return {
    model: next,
    changes,
    branch: `cp-gitops/set-${touched.join('-') || 'options'}-${flatKafkaClusterKey(scope)}`.slice(0, 100),
    title: `Set ${touched.join(', ') || 'options'} for ${env ? env.name : 'every environment'}`,
    targetEnv: env ? env.name : model.environments[0]!.name,
    labels: [...(env ? [`env:${env.name}`] : model.environments.map((candidate) => `env:${candidate.name}`)), ...touched.map((option) => `option:${option}`)],
  };
}

function withoutOptions(env: Environment): Environment {
  const { options: _options, ...rest } = env;
  return rest;
}

function withoutPlatformOptions(model: PlatformModel): PlatformModel {
  const { options: _options, ...rest } = model;
  return rest;
}

/** Leaf-level differences between two option trees, as dotted paths. */
function diffOptions(before: Record<string, unknown>, after: Record<string, unknown>, prefix = ''): { path: string; from: string; to: string }[] {
  const rows: { path: string; from: string; to: string }[] = [];
  for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const a = before[key];
    const b = after[key];
    const path = prefix ? `${prefix}.${key}` : key;
    if ((isMap(a) || a === undefined) && (isMap(b) || b === undefined) && (isMap(a) || isMap(b))) rows.push(...diffOptions(isMap(a) ? a : {}, isMap(b) ? b : {}, path));
    else if (JSON.stringify(a) !== JSON.stringify(b)) rows.push({ path, from: a === undefined ? '—' : JSON.stringify(a), to: b === undefined ? '—' : JSON.stringify(b) });
  }
  return rows;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
