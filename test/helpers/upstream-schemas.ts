import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type SchemaObject, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';
import { REPO_ROOT } from './paths.js';

/**
 * Upstream JSON schemas (CFK CRDs, Argo CD CRDs) kept beside the project in ../shared/reference, never
 * copied into it. Where that folder is absent, tests skip with skipWithoutUpstreamSchemas().
 */
export const UPSTREAM_REFERENCE_DIR = join(REPO_ROOT, '..', 'shared', 'reference');
const CFK_DIR = join(UPSTREAM_REFERENCE_DIR, 'cfk-3.3.0');
const ARGOCD_DIR = join(UPSTREAM_REFERENCE_DIR, 'argocd-3.5');
const ARGOCD_FILES: Readonly<Record<string, string>> = {
  Application: 'application_v1alpha1.json',
  AppProject: 'appproject_v1alpha1.json',
};

/** Keywords of Kubernetes structural schemas: annotations only, for our purpose. */
const KUBERNETES_KEYWORDS = [
  'x-kubernetes-int-or-string',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-validations',
];
const ROOT_FIELDS = ['apiVersion', 'kind', 'metadata', 'spec', 'status'];

export interface KubeDocument {
  readonly kind: string;
  readonly [key: string]: unknown;
}

export function upstreamSchemasAvailable(): boolean {
  return existsSync(CFK_DIR) && existsSync(ARGOCD_DIR);
}

export function skipWithoutUpstreamSchemas(context: Mocha.Context): void {
  if (upstreamSchemasAvailable()) return;
  process.stderr.write(`      skipped: no upstream schemas in ${UPSTREAM_REFERENCE_DIR} (cfk-3.3.0/, argocd-3.5/)\n`);
  context.skip();
}

export function upstreamSchemaPath(kind: string): string {
  const argocd = ARGOCD_FILES[kind];
  return argocd ? join(ARGOCD_DIR, argocd) : join(CFK_DIR, `${kind.toLowerCase()}_v1beta1.json`);
}

/** The schema of `kind` with its root closed, or undefined when the reference folder has none. */
export function loadUpstreamSchema(kind: string): SchemaObject | undefined {
  const path = upstreamSchemaPath(kind);
  if (!existsSync(path)) return undefined;
  const schema = JSON.parse(readFileSync(path, 'utf8')) as SchemaObject;
  // The catalog closes every object but the root: close it, or a misspelt top-level key passes unseen.
  const properties: Record<string, unknown> = { ...(schema.properties as Record<string, unknown> | undefined) };
  for (const field of ROOT_FIELDS) properties[field] ??= {};
  return { ...schema, properties, additionalProperties: false };
}

let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction>();

function createAjv(): Ajv {
  const instance = new Ajv({ strict: false, strictTypes: false, allErrors: true, unicodeRegExp: false });
  // ajv-formats is CommonJS: under NodeNext its default import is module.exports, the plugin sits on .default.
  formats.default(instance);
  for (const keyword of KUBERNETES_KEYWORDS) instance.addKeyword(keyword);
  return instance;
}

/** Compiled on first use and cached: one CFK kind takes about a second to compile. */
function validatorFor(kind: string): ValidateFunction {
  const cached = validators.get(kind);
  if (cached) return cached;
  const schema = loadUpstreamSchema(kind);
  if (!schema) throw new Error(`no upstream schema for kind ${kind} (looked for ${upstreamSchemaPath(kind)})`);
  ajv ??= createAjv();
  const validate = ajv.compile(schema);
  validators.set(kind, validate);
  return validate;
}

/** Messages of every schema violation of `doc` (empty when valid). Throws when there is no schema for its kind. */
export function validateAgainstUpstream(doc: KubeDocument): string[] {
  const validate = validatorFor(doc.kind);
  if (validate(doc)) return [];
  return (validate.errors ?? []).map(formatError);
}

function formatError(error: ErrorObject): string {
  const where = error.instancePath || '(root)';
  const extra = error.keyword === 'additionalProperties' ? `: ${String(error.params.additionalProperty)}` : '';
  return `${where} ${error.message ?? error.keyword}${extra}`;
}
