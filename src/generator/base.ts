import type { PlatformModel } from '../model/types.js';
import { stringifyYaml } from '../yaml/stringify.js';
import { GENERATED_MARKER, layout } from './layout.js';
import { baseResource, indexUnits } from './resources.js';
import type { ResourceTemplate, Templates, UnitTemplate } from './templates.js';
import { unitsInUse, unitsOfPlatform } from './units.js';

const KUSTOMIZE_CONFIG = 'kustomizeconfig.yaml';

/** base/<unit>/: the custom resources, their kustomization, and the field specs Kustomize needs for CFK kinds. */
export function generateBases(model: PlatformModel, templates: Templates): [string, string][] {
  const platformUnits = indexUnits(unitsOfPlatform(model, templates));
  const files: [string, string][] = [];
  for (const unit of unitsInUse(model, templates)) {
    for (const resource of unit.resources) {
      files.push([layout.baseFile(unit.unit, resource.file), stringifyYaml(baseResource(resource, model, templates, platformUnits), { header: [`${unit.title}: ${resource.kind} "${resource.name}".`, GENERATED_MARKER] })]);
    }
    files.push([layout.baseFile(unit.unit, 'kustomization.yaml'), stringifyYaml(baseKustomization(unit), { header: [unit.description, GENERATED_MARKER] })]);
    files.push([layout.baseFile(unit.unit, KUSTOMIZE_CONFIG), stringifyYaml(kustomizeConfig(unit, platformUnits), { header: kustomizeConfigHeader() })]);
  }
  return files;
}

function baseKustomization(unit: UnitTemplate): Record<string, unknown> {
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: unit.resources.map((resource) => resource.file),
    configurations: [KUSTOMIZE_CONFIG],
  };
}

function kustomizeConfigHeader(): string[] {
  return [
    'Kustomize does not read CRD schemas: these field specs tell it where CFK custom resources keep',
    'images (so `images:` in an overlay changes versions), replicas (so `replicas:` works) and',
    'references to other resources (so a namePrefix also renames clusterRef names).',
    GENERATED_MARKER,
  ];
}

/**
 * Field specs declared in a base apply to the whole build that includes it (verified with
 * Kustomize 5.5), so each unit describes only its own kinds and references.
 */
export function kustomizeConfig(unit: UnitTemplate, platformUnits: ReadonlyMap<string, UnitTemplate>): Record<string, unknown> {
  const images = unit.resources.flatMap((resource) => resource.images.map((image) => ({ path: slashPath(image.path), kind: resource.kind })));
  const replicas = unit.resources.filter((resource) => resource.sized).map((resource) => ({ path: 'spec/replicas', kind: resource.kind }));
  const references = new Map<string, { path: string; kind: string }[]>();
  for (const resource of unit.resources) {
    for (const dependency of resource.dependencies) {
      if (dependency.value !== 'name') continue;
      const target: ResourceTemplate | undefined = platformUnits.get(dependency.unit)?.resources[0];
      if (!target) continue;
      const specs = references.get(target.kind) ?? [];
      specs.push({ path: slashPath(dependency.path), kind: resource.kind });
      references.set(target.kind, specs);
    }
  }
  const config: Record<string, unknown> = {};
  if (images.length > 0) config.images = images;
  if (replicas.length > 0) config.replicas = replicas;
  if (references.size > 0) config.nameReference = [...references].map(([kind, fieldSpecs]) => ({ kind, fieldSpecs }));
  return config;
}

function slashPath(dotted: string): string {
  return dotted.replace(/\./g, '/');
}
