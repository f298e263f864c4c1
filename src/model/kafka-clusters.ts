/**
 * Several Kafka clusters per environment. A further cluster (environments[].kafkaClusters[]) is, to
 * the generator and the checks, one more environment: "<env>/<cluster>", in its own namespace, on
 * its environment's Kubernetes cluster, with its environment's versions and, under its own, its
 * environment's options. Expanding once here keeps every per-environment rule and file in one place.
 */
import type { PlatformOptions } from './options.js';
import type { Environment, KafkaClusterSpec, PlatformModel } from './types.js';
import type { YamlPath } from '../yaml/positions.js';

/** Joins an environment's name and its Kafka cluster's: "dev/analytics". No environment name has a "/". */
export const KAFKA_CLUSTER_SEPARATOR = '/';

export function kafkaClusterKey(environment: string, kafkaCluster: string): string {
  return `${environment}${KAFKA_CLUSTER_SEPARATOR}${kafkaCluster}`;
}

/**
 * "dev/analytics" → "dev-analytics", where a name must be flat: Argo CD names, and branch names (a branch
 * cp-gitops/add-x-dev/analytics could not exist beside cp-gitops/add-x-dev: a ref cannot also be a folder of refs).
 */
export function flatKafkaClusterKey(name: string): string {
  return name.split(KAFKA_CLUSTER_SEPARATOR).join('-');
}

/** "dev/analytics" → {environment: dev, kafkaCluster: analytics}; "dev" → {environment: dev}. */
export function splitKafkaClusterKey(name: string): { readonly environment: string; readonly kafkaCluster?: string } {
  const at = name.indexOf(KAFKA_CLUSTER_SEPARATOR);
  return at === -1 ? { environment: name } : { environment: name.slice(0, at), kafkaCluster: name.slice(at + 1) };
}

/** `environment "dev"`, or `Kafka cluster "analytics" of environment "dev"`. */
export function describeEnvironment(name: string, { quoted = true } = {}): string {
  const q = (value: string) => (quoted ? `"${value}"` : value);
  const { environment, kafkaCluster } = splitKafkaClusterKey(name);
  return kafkaCluster ? `Kafka cluster ${q(kafkaCluster)} of environment ${q(environment)}` : `environment ${q(environment)}`;
}

/** The environment a Kafka cluster runs as. */
export function kafkaClusterEnvironment(env: Environment, cluster: KafkaClusterSpec): Environment {
  return {
    name: kafkaClusterKey(env.name, cluster.name),
    namespace: cluster.namespace,
    cluster: env.cluster,
    size: cluster.size ?? env.size,
    components: cluster.components,
    ...(env.versions ? { versions: env.versions } : {}),
    ...(cluster.topics ? { topics: cluster.topics } : {}),
    ...(cluster.options ? { options: cluster.options } : {}),
    ...(env.options ? { inheritedOptions: env.options } : {}),
    ...(cluster.overrides ? { overrides: cluster.overrides } : {}),
    ...(cluster.config ? { config: cluster.config } : {}),
  };
}

/** Back from kafkaClusterEnvironment: what cp-gitops.yaml keeps of a changed cluster. */
export function kafkaClusterSpecOf(env: Environment, previous: KafkaClusterSpec): KafkaClusterSpec {
  return {
    name: previous.name,
    namespace: env.namespace,
    ...(previous.size !== undefined ? { size: env.size } : {}),
    components: env.components,
    ...(env.options && Object.keys(env.options).length > 0 ? { options: env.options as PlatformOptions } : {}),
    ...(env.overrides ? { overrides: env.overrides } : {}),
    ...(env.config ? { config: env.config } : {}),
    ...(env.topics && env.topics.length > 0 ? { topics: env.topics } : {}),
  };
}

/**
 * The model with every Kafka cluster as an environment of its own, after the real environments
 * (so their indexes, and promotion order, stay as cp-gitops.yaml has them). `origins[i]` is where
 * environments[i] of the result is written in cp-gitops.yaml.
 */
export function expandKafkaClusters(model: PlatformModel): { readonly model: PlatformModel; readonly origins: readonly YamlPath[] } {
  const real = model.environments.map((env) => {
    if (env.kafkaClusters === undefined) return env;
    const { kafkaClusters: _clusters, ...rest } = env;
    return rest;
  });
  const origins: YamlPath[] = model.environments.map((_env, index) => ['environments', index]);
  const derived: Environment[] = [];
  model.environments.forEach((env, index) => {
    (env.kafkaClusters ?? []).forEach((cluster, clusterIndex) => {
      derived.push(kafkaClusterEnvironment(env, cluster));
      origins.push(['environments', index, 'kafkaClusters', clusterIndex]);
    });
  });
  return { model: derived.length === 0 && real.every((env, index) => env === model.environments[index]) ? model : { ...model, environments: [...real, ...derived] }, origins };
}

/** Every environment the generator writes: the real ones, then their Kafka clusters. */
export function deployedModel(model: PlatformModel): PlatformModel {
  return expandKafkaClusters(model).model;
}

/** A path into the expanded model, as a path into cp-gitops.yaml. */
export function originalPath(path: YamlPath, origins: readonly YamlPath[]): YamlPath {
  if (path[0] !== 'environments' || typeof path[1] !== 'number') return path;
  const origin = origins[path[1]];
  return origin ? [...origin, ...path.slice(2)] : path;
}
