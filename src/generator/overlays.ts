import type { Environment, PlatformModel } from '../model/types.js';
import { stringifyYaml } from '../yaml/stringify.js';
import { GENERATED_MARKER, labels, layout } from './layout.js';
import { environmentPatch, indexUnits } from './resources.js';
import type { Templates } from './templates.js';
import { unitsOfEnvironment } from './units.js';

/** overlays/<env>/: the components of the environment, its namespace, image tags and size patches. */
export function generateOverlays(model: PlatformModel, templates: Templates): [string, string][] {
  return model.environments.flatMap((env) => generateOverlay(model, templates, env));
}

function generateOverlay(model: PlatformModel, templates: Templates, env: Environment): [string, string][] {
  const units = unitsOfEnvironment(model, templates, env);
  const envUnits = indexUnits(units);
  const files: [string, string][] = [];
  const patchFiles: string[] = [];
  for (const unit of units) {
    for (const resource of unit.resources) {
      const patch = environmentPatch(resource, env, templates, envUnits);
      if (!patch) continue;
      const file = `patches/${resource.file}`;
      patchFiles.push(file);
      files.push([
        layout.overlayFile(env.name, file),
        stringifyYaml(patch, { header: [`${env.name}: ${resource.kind} "${resource.name}", size profile "${env.size}" (${templates.sizes[env.size].description}).`, GENERATED_MARKER] }),
      ]);
    }
  }
  const images = new Map<string, string>();
  for (const unit of units) {
    for (const resource of unit.resources) {
      for (const image of resource.images) images.set(image.repository, model.versions[image.version]);
    }
  }
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: env.namespace,
    labels: [
      {
        pairs: { [labels.partOf]: model.name, [labels.environment]: env.name },
        // Selectors are immutable on StatefulSets; CFK owns them anyway.
        includeSelectors: false,
      },
    ],
    resources: units.map((unit) => `../../${layout.baseDir(unit.unit)}`),
    // One line per image: change a version in one environment here (`cp-gitops promote` does).
    images: [...images].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, newTag]) => ({ name, newTag })),
    patches: patchFiles.sort().map((path) => ({ path })),
  };
  files.push([
    layout.overlayFile(env.name, 'kustomization.yaml'),
    stringifyYaml(kustomization, { header: [`Environment "${env.name}": namespace ${env.namespace} on ${env.cluster}. Argo CD syncs this folder.`, GENERATED_MARKER] }),
  ]);
  return files;
}
