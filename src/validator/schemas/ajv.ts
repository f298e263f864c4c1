/**
 * The one place that configures ajv for resource schemas, for the build script (standalone code),
 * the registry (runtime fallback, imported schemas) and the benchmark alike, so the three never drift.
 * `messages: false`: errors.ts writes every message itself, and the generated code is 7% smaller.
 * `inlineRefs: false` with factorSchema(): one small function per object schema (see there).
 */
import { createRequire } from 'node:module';
import { _, Ajv, stringify, type KeywordCxt, type KeywordDefinition, type Options, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { factorSchema, isSchemaObject, type JsonSchema } from './json-schema.js';
import { LINEAR_REGEXP_SPECIFIER, linearRegExp } from './linear-regexp.js';

import { ENGINE_TAG } from './engine-tag.js';

const require = createRequire(import.meta.url);
export { ENGINE_TAG };

/** Our own schemas: strict mode, so a mistake in them fails the build instead of passing silently. */
export const BUILTIN_AJV_OPTIONS: Options = { allErrors: true, messages: false, inlineRefs: false, strict: true, allowUnionTypes: true };

/**
 * Upstream CRD schemas: not written for ajv, and not ours. `strictTypes: false` (types are often
 * implied), `unicodeRegExp: false` (a KRaftController pattern is not valid with the `u` flag), unknown
 * formats ignored quietly (CRDs use some that JSON Schema does not define), and their patterns on
 * RE2, in linear time (linear-regexp.ts: a crafted pattern cannot stall validation).
 */
export const IMPORTED_AJV_OPTIONS: Options = {
  allErrors: true,
  messages: false,
  inlineRefs: false,
  strict: false,
  strictTypes: false,
  strictTuples: false,
  unicodeRegExp: false,
  allowUnionTypes: true,
  logger: false,
  code: { regExp: linearRegExp },
};

export type SchemaOrigin = 'builtin' | 'imported';

export function createAjv(origin: SchemaOrigin, code?: { esm: boolean }): Ajv {
  const options = origin === 'builtin' ? BUILTIN_AJV_OPTIONS : IMPORTED_AJV_OPTIONS;
  const ajv = new Ajv({ ...options, ...(code ? { code: { ...options.code, source: true, esm: code.esm } } : {}) });
  // ajv-formats is CommonJS: under NodeNext its default import is module.exports, the plugin is .default.
  formats.default(ajv);
  for (const definition of KUBERNETES_KEYWORDS) ajv.addKeyword(definition);
  return ajv;
}

/**
 * Kubernetes structural-schema extensions. Most are annotations for us: int-or-string comes with its
 * anyOf (the importer adds it where missing), preserve-unknown-fields is honoured by not closing those
 * objects, CEL validations cannot run here. List types do validate: `set` and `map` lists must not
 * repeat an item (or an item's keys), as the API server would refuse.
 */
const KUBERNETES_KEYWORDS: KeywordDefinition[] = [
  { keyword: 'x-kubernetes-int-or-string', schemaType: 'boolean' },
  { keyword: 'x-kubernetes-preserve-unknown-fields', schemaType: 'boolean' },
  { keyword: 'x-kubernetes-embedded-resource', schemaType: 'boolean' },
  { keyword: 'x-kubernetes-map-type', schemaType: 'string' },
  { keyword: 'x-kubernetes-list-map-keys', schemaType: 'array' },
  { keyword: 'x-kubernetes-validations', schemaType: 'array' },
  {
    keyword: 'x-kubernetes-list-type',
    type: 'array',
    schemaType: 'string',
    error: { message: 'must not have duplicate items' },
    code(cxt: KeywordCxt) {
      const keys = listKeys(cxt.schema, cxt.parentSchema);
      if (keys === undefined) return;
      // Inline code (no runtime helper), so the standalone output needs nothing beyond ajv's own.
      cxt.fail(
        _`((items, keys) => { const seen = new Set(); for (const item of items) { const id = JSON.stringify(keys === null ? item : keys.map((key) => (item !== null && typeof item === "object" ? item[key] : undefined))); if (seen.has(id)) return true; seen.add(id); } return false; })(${cxt.data}, ${stringify(keys)})`,
      );
    },
  },
];

/** null: whole items must be unique (set); a list of keys (map); undefined: nothing to check (atomic). */
function listKeys(listType: unknown, parentSchema: unknown): string[] | null | undefined {
  if (listType === 'set') return null;
  if (listType !== 'map' || !isSchemaObject(parentSchema)) return undefined;
  const keys = parentSchema['x-kubernetes-list-map-keys'];
  return Array.isArray(keys) && keys.length > 0 && keys.every((key) => typeof key === 'string') ? (keys as string[]) : undefined;
}

/**
 * Compiles a schema the way every validator of ours is compiled: factored (json-schema.ts). Error
 * schema paths refer to `compiled`, not to `schema`.
 */
export function compileFactored(ajv: Ajv, schema: JsonSchema): { validate: ValidateFunction; compiled: JsonSchema } {
  const compiled = factorSchema(schema);
  return { validate: ajv.compile(compiled), compiled };
}

/** Standalone code of a compiled validator (ajv must have been created with `code`). */
export function standaloneSource(ajv: Ajv, validate: ValidateFunction): string {
  return standaloneCode.default(ajv, validate);
}

/**
 * ajv's standalone output, even with `esm: true`, loads its runtime helpers and the ajv-formats
 * functions with `require("…")`, which does not exist in an ES module. Each becomes a real import
 * (default import of a CommonJS module = its module.exports), resolved at run time from where the
 * module sits, i.e. the package's own node_modules.
 */
export function toEsmModule(code: string): string {
  const imports = new Map<string, string>();
  const body = code.replace(/require\("([^"\\]+)"\)/g, (_match, specifier: string) => {
    let name = imports.get(specifier);
    if (name === undefined) {
      name = `__cpGitopsImport${imports.size}`;
      imports.set(specifier, name);
    }
    return name;
  });
  const lines = [...imports].map(([specifier, name]) => `import ${name} from ${JSON.stringify(/\.(c|m)?js(on)?$/.test(specifier) ? specifier : `${specifier}.js`)};`);
  return `${lines.join('\n')}\n${body.replace(/^"use strict";/, '')}\n`;
}

/**
 * Evaluates CommonJS standalone code (the imported-schema cache) without touching the module system:
 * its only dependencies are ajv's runtime helpers, ajv-formats, resolved from this package, and the
 * linear-time engine of imported patterns.
 */
export function evaluateStandalone(code: string): ValidateFunction {
  const module: { exports: unknown } = { exports: {} };
  const scopedRequire = (specifier: string): unknown => {
    if (specifier === LINEAR_REGEXP_SPECIFIER) return { linearRegExp };
    if (!/^ajv(-formats)?\//.test(specifier)) throw new Error(`compiled schema code may not load ${specifier}`);
    return require(specifier);
  };
  // Code this module generated and cached itself (the cache folder belongs to the user running it).
  new Function('require', 'module', 'exports', code)(scopedRequire, module, module.exports);
  const validate = module.exports as ValidateFunction;
  if (typeof validate !== 'function') throw new Error('cached schema code does not export a validator');
  return validate;
}
