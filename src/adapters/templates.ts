import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { SizeTemplate, Templates, UnitTemplate } from '../generator/templates.js';
import type { Toolchain } from '../generator/toolchain.js';
import { SIZE_PROFILES, type SizeProfile } from '../model/types.js';
import { PACKAGE_ROOT } from '../package-root.js';

/** Reads base-templates/*.yaml and overlays-templates/sizes.yaml (shipped with the package). */
export function loadTemplates(root: string = PACKAGE_ROOT): Templates {
  const baseDir = join(root, 'base-templates');
  const units = readdirSync(baseDir)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => checkUnit(parse(readFileSync(join(baseDir, file), 'utf8')) as UnitTemplate, file));
  const sizesFile = join(root, 'overlays-templates', 'sizes.yaml');
  const rawSizes = parse(readFileSync(sizesFile, 'utf8')) as Record<string, Omit<SizeTemplate, 'profile'>>;
  const sizes = Object.fromEntries(
    SIZE_PROFILES.map((profile) => {
      const size = rawSizes[profile];
      if (!size) throw new Error(`${sizesFile}: size profile "${profile}" is missing`);
      return [profile, { ...size, profile }];
    }),
  ) as Record<SizeProfile, SizeTemplate>;
  return { units, sizes, toolchain: loadToolchain(root) };
}

/** dist/generated/toolchain.json, written by the build (src/build/write-toolchain.ts). */
function loadToolchain(root: string): Toolchain {
  const file = join(root, 'dist', 'generated', 'toolchain.json');
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build (it writes the pin generated repositories get)`);
  return JSON.parse(readFileSync(file, 'utf8')) as Toolchain;
}

/** The templates ship with the tool; a broken one is a packaging bug, reported with its file. */
function checkUnit(unit: UnitTemplate, file: string): UnitTemplate {
  if (!unit || typeof unit.unit !== 'string' || !Array.isArray(unit.resources) || unit.resources.length === 0) {
    throw new Error(`base-templates/${file}: expected unit, component and resources`);
  }
  return unit;
}
