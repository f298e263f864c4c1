import { optionsOf } from '../../model/options.js';
import type { Environment, PlatformModel } from '../../model/types.js';
import { isPlainObject, type PlainObject } from '../object-path.js';
import type { UnitIndex } from '../resources.js';
import type { ResourceTemplate } from '../templates.js';
import type { ExtraManifest, OptionContext, OptionModule } from './option-module.js';
import { storageOption } from './storage.js';

/** Every option module, in the order their fragments merge. */
export const OPTION_MODULES: readonly OptionModule[] = [storageOption];

export function optionContext(model: PlatformModel, env: Environment, units: UnitIndex): OptionContext {
  return { model, env, options: optionsOf(model, env), units };
}

/** The fragments of every module for one resource, merged (configOverrides lists appended). */
export function optionPatch(resource: ResourceTemplate, context: OptionContext): PlainObject {
  let merged: PlainObject = {};
  for (const module of OPTION_MODULES) {
    const fragment = module.resourcePatch?.(resource, context);
    if (fragment) merged = mergeFragments(merged, fragment);
  }
  return merged;
}

export function optionManifests(context: OptionContext): ExtraManifest[] {
  return OPTION_MODULES.flatMap((module) => module.manifests?.(context) ?? []);
}

export function optionReadme(context: OptionContext): string[] {
  return OPTION_MODULES.flatMap((module) => module.readme?.(context) ?? []);
}

/** Maps merge; lists are appended (several modules add configOverrides lines); other values: the fragment wins. */
export function mergeFragments(base: PlainObject, fragment: PlainObject): PlainObject {
  const result: PlainObject = { ...base };
  for (const [key, value] of Object.entries(fragment)) {
    const current = result[key];
    if (isPlainObject(current) && isPlainObject(value)) result[key] = mergeFragments(current, value);
    else if (Array.isArray(current) && Array.isArray(value)) result[key] = [...current, ...value];
    else result[key] = value;
  }
  return result;
}
