import { optionsOf } from '../../model/options.js';
import type { Environment, PlatformModel } from '../../model/types.js';
import { mergeFragments, type PlainObject } from '../object-path.js';
import { effectiveSize, type UnitIndex } from '../resources.js';
import type { ResourceTemplate, Templates } from '../templates.js';
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
import { cp7CompatibilityOption } from './cp7-compatibility.js';
import { metricReporterOption } from './metric-reporter.js';
import { networkPolicyOption } from './network-policy.js';
import { kraftQuorumOption } from './kraft-quorum.js';

/** Every option module, in the order their fragments merge. */
export const OPTION_MODULES: readonly OptionModule[] = [metricReporterOption, storageOption, tlsOption, authenticationOption, authorizationOption, rbacOption, secretsOption, externalAccessOption, monitoringOption, networkPolicyOption, loggingOption, schedulingOption, cp7CompatibilityOption, kraftQuorumOption];

export function optionContext(model: PlatformModel, env: Environment, units: UnitIndex, templates: Templates): OptionContext {
  const profile = templates.sizes[env.size];
  const replicas = (kind: string): number | undefined => (profile.kinds[kind] ? effectiveSize(profile, kind, env.overrides?.[kind]).replicas : undefined);
  return { model, env, options: optionsOf(model, env), units, replicas };
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

/** The annotations of every module for one resource, sorted by key (same model, same bytes). */
export function optionAnnotations(resource: ResourceTemplate, context: OptionContext): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const module of OPTION_MODULES) Object.assign(merged, module.resourceAnnotations?.(resource, context) ?? {});
  return Object.fromEntries(Object.entries(merged).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function optionManifests(context: OptionContext): ExtraManifest[] {
  return OPTION_MODULES.flatMap((module) => module.manifests?.(context) ?? []);
}

export function optionReadme(context: OptionContext): string[] {
  return OPTION_MODULES.flatMap((module) => module.readme?.(context) ?? []);
}


export { mergeFragments };
