import { stringifyYaml } from '../yaml/stringify.js';
import type { PlatformModel, PlatformVersions } from './types.js';

const HEADER = [
  'cp-gitops platform model: every cp-gitops command reads and writes this file.',
  'Change it through cp-gitops commands (add-component, promote) so the manifests follow; see README.md.',
];

/** Fixed key order, so the same model always gives the same bytes. */
export function serializePlatformModel(model: PlatformModel): string {
  const ordered = {
    apiVersion: model.apiVersion,
    kind: model.kind,
    name: model.name,
    repoURL: model.repoURL,
    targetRevision: model.targetRevision,
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
      ...(env.options && Object.keys(env.options).length > 0 ? { options: env.options } : {}),
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
    })),
  };
  return stringifyYaml(ordered, { header: HEADER });
}

const VERSION_KEYS = ['confluentPlatform', 'operator', 'operatorChart', 'controlCenter'] as const;

function orderedVersions(versions: Partial<PlatformVersions>): Partial<PlatformVersions> {
  return Object.fromEntries(VERSION_KEYS.filter((key) => versions[key] !== undefined).map((key) => [key, versions[key]]));
}
