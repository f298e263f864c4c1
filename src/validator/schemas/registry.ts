/**
 * Which schema validates which kind, and a validator for it, as cheaply as possible:
 * - built-in kinds load the standalone module generated at build time (dist/generated/schemas), only
 *   when a resource of that kind is first validated; compiling happens only if that module is missing
 *   or stale (then once per process);
 * - imported kinds (.cp-gitops/schemas) take precedence; they are compiled once per machine and their
 *   standalone code cached by the schema's sha256, so later runs only evaluate the cached code.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { requireGenerated } from '../../adapters/generated-modules.js';
import { fileSchemaCache } from '../../adapters/schema-cache.js';
import { GENERATED_DIR_URL } from '../../package-root.js';
import { BUILTIN_SCHEMAS, type BuiltinSchema } from './builtin/index.js';
import { ENGINE_TAG } from './engine-tag.js';

/** ajv's compiler, loaded only when a schema must be compiled (the build-time modules need none of it). */
function compiler(): typeof import('./ajv.js') {
  return require('./ajv.js') as typeof import('./ajv.js');
}
import { toSchemaErrors, type SchemaError } from './errors.js';
import { importedSchemaIdentity } from './import.js';
import { sha256, type JsonSchema } from './json-schema.js';
import { patchForm, withoutPatchDirectives } from './patch-form.js';

export type { SchemaError } from './errors.js';
export type SchemaForm = 'full' | 'patch';

/** Where compiled code of imported schemas is kept between runs (src/adapters/schema-cache.ts: on disk). */
export interface CompiledSchemaCache {
  read(key: string): string | undefined;
  write(key: string, code: string): void;
}

export interface SchemaRegistryOptions {
  /** Imported schemas (.cp-gitops/schemas/*.json, read by the caller), by file name or any key. */
  readonly importedSchemas: ReadonlyMap<string, object>;
  /** Where compiled imported schemas are cached; without it (and without `cache`), nothing persists. */
  readonly cacheDir?: string;
  /** A cache port (tests, or a caller that has one); takes precedence over cacheDir. */
  readonly cache?: CompiledSchemaCache;
  /** Where the build-time standalone modules are (tests point it elsewhere to force the fallback). */
  readonly generatedDir?: URL;
}

export interface SchemaRegistryStats {
  /** Schemas compiled by ajv in this registry (the slow path). */
  compiled: number;
  /** Built-in validators loaded from build-time standalone modules. */
  standaloneLoaded: number;
  /** Imported validators loaded from the compiled-code cache. */
  cacheHits: number;
}

export interface SchemaRegistry {
  /** Findings for `value` ([] when valid), or undefined when no schema is known for that kind. */
  validate(apiVersion: string, kind: string, form: SchemaForm, value: unknown): SchemaError[] | undefined;
  has(apiVersion: string, kind: string): boolean;
  /** Which schema a kind uses: imported, builtin, or none. */
  sourceOf(apiVersion: string, kind: string): 'imported' | 'builtin' | undefined;
  readonly stats: Readonly<SchemaRegistryStats>;
  /** Imported schemas that could not be used (unnamed, not compiling), as they are met. */
  readonly problems: readonly ImportedSchemaProblem[];
}

export interface ImportedSchemaProblem {
  /** The key it was given under (its repository path, from importedSchemasFromTree). */
  readonly key: string;
  readonly message: string;
}

/** What the build script writes beside the modules: which file holds which kind and form, and of which schema. */
export interface StandaloneManifest {
  readonly engine: string;
  readonly entries: readonly StandaloneManifestEntry[];
}

export interface StandaloneManifestEntry {
  readonly apiVersion: string;
  readonly kind: string;
  readonly form: SchemaForm;
  /** File name inside the generated folder. */
  readonly file: string;
  /**
   * sha256 of the built-in schema's JSON (full form; the patch form derives from it): a mismatch means
   * the module is stale (tsc ran, the build script did not), and the registry compiles instead.
   */
  readonly sha256: string;
}

export const MANIFEST_FILE = 'manifest.json';
/** dist/generated/schemas/ */
export const DEFAULT_GENERATED_DIR = new URL('schemas/', GENERATED_DIR_URL);

/** What the manifest records of a built-in schema: plain JSON.stringify (our literals have a fixed key order), so checking costs little. */
export function builtinSchemaHash(full: JsonSchema): string {
  return sha256(JSON.stringify(full));
}

export function standaloneFileName(apiVersion: string, kind: string, form: SchemaForm): string {
  return `${apiVersion.replace(/\//g, '_')}_${kind.toLowerCase()}.${form}.js`;
}

const require = createRequire(import.meta.url);

interface Entry {
  readonly origin: 'builtin' | 'imported';
  readonly schema: JsonSchema;
  /** The imported schema's key (its path in the repository), for problem reports. */
  readonly key?: string;
  readonly validators: Map<SchemaForm, ValidateFunction>;
}

export function createSchemaRegistry(options: SchemaRegistryOptions): SchemaRegistry {
  const stats: SchemaRegistryStats = { compiled: 0, standaloneLoaded: 0, cacheHits: 0 };
  const problems: ImportedSchemaProblem[] = [];
  const generatedDir = options.generatedDir ?? DEFAULT_GENERATED_DIR;
  const cache = options.cache ?? (options.cacheDir !== undefined ? fileSchemaCache(options.cacheDir) : undefined);
  const builtins = new Map<string, BuiltinSchema>(BUILTIN_SCHEMAS.map((builtin) => [`${builtin.apiVersion}/${builtin.kind}`, builtin]));
  const imported = new Map<string, { key: string; schema: JsonSchema }>();
  for (const [key, schema] of options.importedSchemas) {
    const identity = importedSchemaIdentity(key, schema as JsonSchema);
    if (identity) imported.set(importedKey(`${identity.group}/${identity.version}`, identity.kind), { key, schema: schema as JsonSchema });
    else problems.push({ key, message: 'cannot tell which kind it is for: name it <group>_<kind>_<version>.json' });
  }
  const entries = new Map<string, Entry | null>();
  let manifest: Map<string, StandaloneManifestEntry> | undefined;

  function entryFor(apiVersion: string, kind: string): Entry | undefined {
    const id = `${apiVersion}/${kind}`;
    let entry = entries.get(id);
    if (entry === undefined) {
      const importedSchema = imported.get(importedKey(apiVersion, kind));
      const builtin = builtins.get(id);
      entry = importedSchema
        ? { origin: 'imported', schema: importedSchema.schema, key: importedSchema.key, validators: new Map() }
        : builtin
          ? { origin: 'builtin', schema: builtin.schema, validators: new Map() }
          : null;
      entries.set(id, entry);
    }
    return entry ?? undefined;
  }

  function loadManifest(): Map<string, StandaloneManifestEntry> {
    if (manifest) return manifest;
    manifest = new Map();
    try {
      const parsed = requireGenerated(fileURLToPath(new URL(MANIFEST_FILE, generatedDir))) as StandaloneManifest;
      if (parsed.engine === ENGINE_TAG) for (const item of parsed.entries) manifest.set(`${item.apiVersion}/${item.kind}/${item.form}`, item);
    } catch {
      // No generated modules (e.g. tsc without the build script): compile at run time instead.
    }
    return manifest;
  }

  function builtinValidator(apiVersion: string, kind: string, form: SchemaForm, full: JsonSchema): ValidateFunction {
    const item = loadManifest().get(`${apiVersion}/${kind}/${form}`);
    if (item && item.sha256 === builtinSchemaHash(full)) {
      try {
        // require() of an ES module (Node ≥ 20.19): synchronous, so rules stay synchronous.
        const module = requireGenerated(fileURLToPath(new URL(item.file, generatedDir))) as { validate?: ValidateFunction };
        if (typeof module.validate === 'function') {
          stats.standaloneLoaded += 1;
          return module.validate;
        }
      } catch {
        // Fall through to compiling.
      }
    }
    stats.compiled += 1;
    return compiler().compileFactored(compiler().createAjv('builtin'), form === 'patch' ? patchForm(full) : full).validate;
  }

  function importedValidator(form: SchemaForm, full: JsonSchema): ValidateFunction {
    const cacheKey = `${sha256(JSON.stringify(full))}.${form}.${ENGINE_TAG}`;
    const cached = cache?.read(cacheKey);
    if (cached !== undefined) {
      try {
        const validate = compiler().evaluateStandalone(cached);
        stats.cacheHits += 1;
        return validate;
      } catch {
        // A damaged or foreign cache entry: compile again and overwrite it.
      }
    }
    stats.compiled += 1;
    const ajv = compiler().createAjv('imported', cache ? { esm: false } : undefined);
    const { validate } = compiler().compileFactored(ajv, form === 'patch' ? patchForm(full) : full);
    if (cache) cache.write(cacheKey, compiler().standaloneSource(ajv, validate));
    return validate;
  }

  function validatorFor(apiVersion: string, kind: string, form: SchemaForm): { entry: Entry; validate: ValidateFunction } | undefined {
    const entry = entryFor(apiVersion, kind);
    if (!entry) return undefined;
    let validate = entry.validators.get(form);
    if (validate) return { entry, validate };
    if (entry.origin === 'builtin') {
      validate = builtinValidator(apiVersion, kind, form, entry.schema);
    } else {
      try {
        validate = importedValidator(form, entry.schema);
      } catch (error) {
        // An imported schema ajv cannot compile is reported once; the kind falls back to its built-in schema, if any.
        problems.push({ key: entry.key ?? `${apiVersion}/${kind}`, message: `does not compile: ${error instanceof Error ? error.message : String(error)}` });
        const builtin = builtins.get(`${apiVersion}/${kind}`);
        entries.set(`${apiVersion}/${kind}`, builtin ? { origin: 'builtin', schema: builtin.schema, validators: new Map() } : null);
        return validatorFor(apiVersion, kind, form);
      }
    }
    entry.validators.set(form, validate);
    return { entry, validate };
  }

  return {
    validate(apiVersion, kind, form, value) {
      const found = validatorFor(apiVersion, kind, form);
      if (!found) return undefined;
      const { value: checked, errors: directiveErrors } = form === 'patch' ? withoutPatchDirectives(value) : { value, errors: [] };
      if (found.validate(checked)) return directiveErrors;
      // Fields are looked up in the full schema: the patch form has the same ones.
      return [...directiveErrors, ...toSchemaErrors(found.validate.errors ?? [], checked, found.entry.schema)];
    },
    has(apiVersion, kind) {
      return entryFor(apiVersion, kind) !== undefined;
    },
    sourceOf(apiVersion, kind) {
      return entryFor(apiVersion, kind)?.origin;
    },
    stats,
    problems,
  };
}

/** Imported schemas are named by lowercase kind (file names); match kinds case-insensitively. */
function importedKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind.toLowerCase()}`;
}
