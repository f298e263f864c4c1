import { optionsOf } from '../../model/options.js';
import type { Environment, PlatformModel } from '../../model/types.js';
import { mergeFragments, type PlainObject } from '../object-path.js';
import type { UnitIndex } from '../resources.js';
import type { ResourceTemplate } from '../templates.js';
import type { ExtraManifest, OptionContext, OptionModule } from './option-module.js';
import { storageOption } from './storage.js';
import { authenticationOption } from './authentication.js';
import { authorizationOption } from './authorization.js';
import { rbacOption } from './rbac.js';
import { secretsOption } from './secrets.js';
import { tlsOption } from './tls.js';
import { externalAccessOption } from './external-access.js';
import { loggingOption } from './logging.js';
import { monitoringOption } from './monitoring.js';
import { schedulingOption } from './scheduling.js';

/** Every option module, in the order their fragments merge. */
export const OPTION_MODULES: readonly OptionModule[] = [storageOption, tlsOption, authenticationOption, authorizationOption, rbacOption, secretsOption, externalAccessOption, monitoringOption, loggingOption, schedulingOption];

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


export { mergeFragments };
