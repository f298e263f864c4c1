import { stringifyYaml } from '../yaml/stringify.js';
import type { PlatformModel } from './types.js';

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
    environments: model.environments.map((env) => ({
      name: env.name,
      namespace: env.namespace,
      cluster: env.cluster,
      size: env.size,
      components: [...env.components],
    })),
  };
  return stringifyYaml(ordered, { header: HEADER });
}
