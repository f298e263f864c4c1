import { stringifyYaml } from '../yaml/stringify.js';
import { COMPONENT_NAMES, type Environment, type PlatformModel, type PlatformVersions } from './types.js';

const HEADER = [
  'cp-gitops platform model: every cp-gitops command reads and writes this file.',
  'Change it through cp-gitops commands (add-component, promote), or edit it and run cp-gitops generate, so the manifests follow; see README.md.',
];

/** Fixed key order, so the same model always gives the same bytes. */
export function serializePlatformModel(model: PlatformModel): string {
  const ordered = {
    apiVersion: model.apiVersion,
    kind: model.kind,
    name: model.name,
    repoURL: model.repoURL,
    targetRevision: model.targetRevision,
    ...(model.gitProvider ? { gitProvider: { type: model.gitProvider.type, repository: model.gitProvider.repository, ...(model.gitProvider.apiUrl ? { apiUrl: model.gitProvider.apiUrl } : {}) } } : {}),
    controller: model.controller,
    versions: {
      confluentPlatform: model.versions.confluentPlatform,
      operator: model.versions.operator,
      operatorChart: model.versions.operatorChart,
      controlCenter: model.versions.controlCenter,
    },
    ...(model.options && Object.keys(model.options).length > 0 ? { options: model.options } : {}),
    environments: model.environments.map((env) => ({
      name: env.name,
      namespace: env.namespace,
      cluster: env.cluster,
      size: env.size,
      components: [...env.components],
      ...(env.versions && Object.keys(env.versions).length > 0 ? { versions: orderedVersions(env.versions) } : {}),
      ...changeableFields(env),
      ...(env.kafkaClusters && env.kafkaClusters.length > 0
        ? {
            kafkaClusters: env.kafkaClusters.map((cluster) => ({
              name: cluster.name,
              namespace: cluster.namespace,
              ...(cluster.size ? { size: cluster.size } : {}),
              components: [...cluster.components],
              ...changeableFields(cluster),
            })),
          }
        : {}),
    })),
  };
  return stringifyYaml(ordered, { header: HEADER });
}

/** What commands change in an environment or a Kafka cluster, in a fixed order. */
function changeableFields(env: Pick<Environment, 'options' | 'overrides' | 'config' | 'topics'>): Record<string, unknown> {
  return {
    ...(env.options && Object.keys(env.options).length > 0 ? { options: env.options } : {}),
    ...(env.overrides && Object.keys(env.overrides).length > 0 ? { overrides: orderedOverrides(env.overrides) } : {}),
    ...(env.config && Object.keys(env.config).length > 0 ? { config: orderedConfig(env.config) } : {}),
    ...(env.topics && env.topics.length > 0
      ? {
          topics: [...env.topics]
            .sort((a, b) => (a.name < b.name ? -1 : 1))
            .map((topic) => ({
              name: topic.name,
              partitions: topic.partitions,
              ...(topic.replicas !== undefined ? { replicas: topic.replicas } : {}),
              ...(topic.configs && Object.keys(topic.configs).length > 0 ? { configs: Object.fromEntries(Object.entries(topic.configs).sort(([a], [b]) => (a < b ? -1 : 1))) } : {}),
            })),
        }
      : {}),
  };
}

const VERSION_KEYS = ['confluentPlatform', 'operator', 'operatorChart', 'controlCenter'] as const;

function orderedVersions(versions: Partial<PlatformVersions>): Partial<PlatformVersions> {
  return Object.fromEntries(VERSION_KEYS.filter((key) => versions[key] !== undefined).map((key) => [key, versions[key]]));
}

const OVERRIDE_KEYS = ['replicas', 'cpu', 'memory', 'storage'] as const;

/** Kinds alphabetically, fields in a fixed order. */
function orderedOverrides(overrides: NonNullable<Environment['overrides']>): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.keys(overrides)
      .sort()
      .map((kind) => [kind, Object.fromEntries(OVERRIDE_KEYS.filter((key) => overrides[kind]![key] !== undefined).map((key) => [key, overrides[kind]![key]]))]),
  );
}

/** Components in model order; lines as given (the last line of a key wins in Kafka). */
function orderedConfig(config: NonNullable<Environment['config']>): Record<string, string[]> {
  return Object.fromEntries(COMPONENT_NAMES.filter((name) => config[name] !== undefined && config[name]!.length > 0).map((name) => [name, [...config[name]!]]));
}
