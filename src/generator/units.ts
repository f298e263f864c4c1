import type { Environment, PlatformModel } from '../model/types.js';
import { parseSemVer } from '../model/versions.js';
import type { ResourceTemplate, Templates, UnitTemplate } from './templates.js';

/** Units that exist for this model's controller mode and CP line, in sync-wave order. */
export function unitsOfPlatform(model: PlatformModel, templates: Templates): UnitTemplate[] {
  const cpMajor = parseSemVer(model.versions.confluentPlatform)?.major ?? 0;
  return templates.units
    .filter((unit) => {
      const when = unit.when;
      if (!when) return true;
      if (when.controller && when.controller !== model.controller) return false;
      if (when.minCpMajor !== undefined && cpMajor < when.minCpMajor) return false;
      if (when.maxCpMajor !== undefined && cpMajor > when.maxCpMajor) return false;
      return true;
    })
    .sort(byWaveThenName);
}

/** Units an environment runs: those of its components. */
export function unitsOfEnvironment(model: PlatformModel, templates: Templates, env: Environment): UnitTemplate[] {
  return unitsOfPlatform(model, templates).filter((unit) => env.components.includes(unit.component));
}

/** Units any environment runs: what base/ holds. */
export function unitsInUse(model: PlatformModel, templates: Templates): UnitTemplate[] {
  return unitsOfPlatform(model, templates).filter((unit) => model.environments.some((env) => env.components.includes(unit.component)));
}

function byWaveThenName(a: UnitTemplate, b: UnitTemplate): number {
  const wave = firstWave(a) - firstWave(b);
  if (wave !== 0) return wave;
  return a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0;
}

function firstWave(unit: UnitTemplate): number {
  return Math.min(...unit.resources.map((resource: ResourceTemplate) => resource.syncWave));
}
