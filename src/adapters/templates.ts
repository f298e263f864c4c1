import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SizeTemplate, Templates, UnitTemplate } from '../generator/templates.js';
import type { Toolchain } from '../generator/toolchain.js';
import { SIZE_PROFILES, type SizeProfile } from '../model/types.js';
import { PACKAGE_ROOT } from '../package-root.js';

/** The build's copy of the templates (src/build/compile-templates.ts), as parsed values. */
export const COMPILED_TEMPLATES_FILE = join('dist', 'generated', 'templates.json');

export interface CompiledTemplates {
  /** sha256 of the template sources it was made from: any edit since the build makes it stale. */
  readonly sourcesSha256: string;
  readonly units: Templates['units'];
  readonly sizes: Templates['sizes'];
}

/**
 * Reads base-templates/*.yaml and overlays-templates/sizes.yaml (shipped with the package). The YAML
 * files stay the source of truth; the build's JSON copy of their values is used when it was made from
 * exactly these files, which spares a run parsing YAML (with the parser cold, most of 100 ms).
 */
export function loadTemplates(root: string = PACKAGE_ROOT): Templates {
  const sources = readTemplateSources(root);
  const compiled = readCompiledTemplates(root, sourcesSha256(sources));
  const { units, sizes } = compiled ?? parseTemplateSources(sources);
  return { units, sizes, toolchain: loadToolchain(root) };
}

/** What the build writes to dist/generated/templates.json. */
export function compileTemplates(root: string = PACKAGE_ROOT): CompiledTemplates {
  const sources = readTemplateSources(root);
  return { sourcesSha256: sourcesSha256(sources), ...parseTemplateSources(sources) };
}

interface TemplateSources {
  /** base-templates file name → text, sorted by name. */
  readonly units: ReadonlyMap<string, string>;
  readonly sizesFile: string;
  readonly sizes: string;
}

function readTemplateSources(root: string): TemplateSources {
  const baseDir = join(root, 'base-templates');
  const files = readdirSync(baseDir)
    .filter((file) => file.endsWith('.yaml'))
    .sort();
  const sizesFile = join(root, 'overlays-templates', 'sizes.yaml');
  return { units: new Map(files.map((file) => [file, readFileSync(join(baseDir, file), 'utf8')])), sizesFile, sizes: readFileSync(sizesFile, 'utf8') };
}

function sourcesSha256(sources: TemplateSources): string {
  const hash = createHash('sha256');
  // Names and lengths delimit each text, so no two different sets of files hash alike.
  for (const [file, text] of sources.units) hash.update(`base-templates/${file}\0${text.length}\0${text}`);
  hash.update(`overlays-templates/sizes.yaml\0${sources.sizes.length}\0${sources.sizes}`);
  return hash.digest('hex');
}

function readCompiledTemplates(root: string, sha256: string): CompiledTemplates | undefined {
  try {
    const compiled = JSON.parse(readFileSync(join(root, COMPILED_TEMPLATES_FILE), 'utf8')) as CompiledTemplates;
    return compiled.sourcesSha256 === sha256 ? compiled : undefined;
  } catch {
    return undefined; // Not built (a plain tsc build) or unreadable: parse the YAML.
  }
}

function parseTemplateSources(sources: TemplateSources): Pick<Templates, 'units' | 'sizes'> {
  // yaml only on this path (a stale or missing build copy): loaded on use.
  const { parse } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  const units = [...sources.units].map(([file, text]) => checkUnit(parse(text) as UnitTemplate, file));
  const rawSizes = parse(sources.sizes) as Record<string, Omit<SizeTemplate, 'profile'>>;
  const sizes = Object.fromEntries(
    SIZE_PROFILES.map((profile) => {
      const size = rawSizes[profile];
      if (!size) throw new Error(`${sources.sizesFile}: size profile "${profile}" is missing`);
      return [profile, { ...size, profile }];
    }),
  ) as Record<SizeProfile, SizeTemplate>;
  return { units, sizes };
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
