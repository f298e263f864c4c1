/**
 * `cp-gitops schemas import`, the pure half: CRD YAML (spec.versions[].schema.openAPIV3Schema) or
 * catalog JSON Schemas in, one JSON Schema per group/kind/version out, ready to commit under
 * .cp-gitops/schemas/ and pinned to its source by sha256. Reading files and URLs, and writing, is the
 * adapters' job (src/adapters/schema-sources.ts).
 */
import { parseAllDocuments } from 'yaml';
import { CpGitopsError } from '../../errors.js';
import type { FileTree } from '../../generator/file-tree.js';
import { BUILTIN_SCHEMAS } from './builtin/index.js';
import { IMPORTED_SCHEMAS_DIR } from './imported-dir.js';
import { canonicalJson, isSchemaObject, mapSchema, sha256, type JsonSchema } from './json-schema.js';
import { unsupportedPatterns, type UnsupportedPattern } from './linear-regexp.js';

export { IMPORTED_SCHEMAS_DIR };

/** Where an imported schema records what it was made from. */
export const SOURCE_FIELD = 'x-cp-gitops-source';

export interface SchemaSource {
  /** What is recorded as the source: the URL, or the file's path as the user should read it. */
  readonly origin: string;
  /** The full path or URL, to infer the API group from a catalog folder name (never recorded). */
  readonly location: string;
  readonly content: string;
}

export interface SchemaIdentity {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export interface ImportedSchema extends SchemaIdentity {
  /** Repository-relative path: .cp-gitops/schemas/<group>_<kind>_<version>.json */
  readonly path: string;
  readonly schema: JsonSchema;
  readonly origin: string;
  /** sha256 of the source bytes. */
  readonly sha256: string;
}

export interface ImportOptions {
  /** API group of catalog JSON schemas whose folder does not name it. */
  readonly group?: string;
}

/** Kinds we can place without being told their group (catalog files are named <kind>_<version>.json). */
const KNOWN_KINDS: ReadonlyMap<string, { group: string; kind: string }> = new Map(
  [
    ...BUILTIN_SCHEMAS.map(({ apiVersion, kind }) => ({ group: apiVersion.split('/')[0]!, kind })),
    ...['ClusterLink', 'ConfluentRolebinding', 'Connector', 'Schema', 'SchemaExporter', 'KafkaRestClass', 'CMFRestClass', 'FlinkApplication', 'FlinkEnvironment'].map((kind) => ({ group: 'platform.confluent.io', kind })),
    { group: 'argoproj.io', kind: 'ApplicationSet' },
  ].map((entry) => [entry.kind.toLowerCase(), entry]),
);

/** Converts one input (a file or a URL's body) into its schemas; throws when it holds none. */
export function convertSchemaSource(source: SchemaSource, options: ImportOptions = {}): ImportedSchema[] {
  const hash = sha256(source.content);
  const documents = parseDocuments(source);
  const results: ImportedSchema[] = [];
  documents.forEach((document, index) => {
    // Where a pattern RE2 cannot run is reported: the document (when there are several) and a JSON pointer in it.
    const where = documents.length > 1 ? `${source.origin} (document ${index + 1})` : source.origin;
    if (isSchemaObject(document) && document.kind === 'CustomResourceDefinition') {
      results.push(...fromCrd(document, source, hash, where));
    } else if (isSchemaObject(document) && (document.type === 'object' || isSchemaObject(document.properties)) && document.kind === undefined) {
      refuseUnsupportedPatterns(unsupportedPatterns(document), where);
      results.push(fromCatalog(document, source, hash, options));
    }
  });
  if (results.length === 0) {
    throw new CpGitopsError('schema-import', `${source.origin} holds no CustomResourceDefinition and no JSON Schema of a resource`, {
      hint: 'pass CRD YAML files (kind: CustomResourceDefinition) or catalog JSON schemas (<kind>_<version>.json)',
    });
  }
  return results;
}

/** Several inputs: one schema per group/kind/version; two different schemas for one of them is an error. */
export function convertSchemaSources(sources: readonly SchemaSource[], options: ImportOptions = {}): ImportedSchema[] {
  const byPath = new Map<string, ImportedSchema>();
  for (const source of sources) {
    for (const schema of convertSchemaSource(source, options)) {
      const existing = byPath.get(schema.path);
      if (existing && canonicalJson(stripSource(existing.schema)) !== canonicalJson(stripSource(schema.schema))) {
        throw new CpGitopsError('schema-import', `${schema.kind} ${schema.group}/${schema.version} comes from both ${existing.origin} and ${schema.origin}, with different schemas`, {
          hint: 'import one of them',
        });
      }
      byPath.set(schema.path, schema);
    }
  }
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The files to write: deterministic JSON (sorted keys, two spaces, final newline). */
export function importedSchemaFiles(schemas: readonly ImportedSchema[]): FileTree {
  return new Map(schemas.map((schema) => [schema.path, `${canonicalJson(schema.schema, 2)}\n`]));
}

export function importedSchemaPath(identity: SchemaIdentity): string {
  return `${IMPORTED_SCHEMAS_DIR}/${identity.group}_${identity.kind.toLowerCase()}_${identity.version}.json`;
}

/**
 * The imported schemas of a repository tree, keyed by path, for createSchemaRegistry. A file that is
 * not JSON is reported, not thrown: validation goes on with the built-in schema of that kind.
 */
export function importedSchemasFromTree(tree: FileTree): { schemas: Map<string, object>; problems: { file: string; message: string }[] } {
  const schemas = new Map<string, object>();
  const problems: { file: string; message: string }[] = [];
  for (const [path, content] of tree) {
    if (!path.startsWith(`${IMPORTED_SCHEMAS_DIR}/`) || !path.endsWith('.json')) continue;
    try {
      const parsed: unknown = JSON.parse(content);
      if (!isSchemaObject(parsed) || !importedSchemaIdentity(path, parsed)) throw new Error('not a schema named <group>_<kind>_<version>.json');
      const unsupported = unsupportedPatterns(parsed)[0];
      if (unsupported) throw new Error(`${unsupportedMessage(unsupported)}; the schema is not used (fix: ${unsupported.fix}, in the source, then run cp-gitops schemas import again)`);
      schemas.set(path, parsed);
    } catch (error) {
      problems.push({ file: path, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return { schemas, problems };
}

/** Which kind an imported schema is for: its recorded source, else its file name <group>_<kind>_<version>.json. */
export function importedSchemaIdentity(key: string, schema: JsonSchema): SchemaIdentity | undefined {
  const recorded = schema[SOURCE_FIELD];
  if (isSchemaObject(recorded) && typeof recorded.group === 'string' && typeof recorded.kind === 'string' && typeof recorded.version === 'string') {
    return { group: recorded.group, kind: recorded.kind, version: recorded.version };
  }
  const base = key.split('/').pop()!.replace(/\.json$/, '');
  const parts = base.split('_');
  if (parts.length < 3) return undefined;
  return { group: parts.slice(0, -2).join('_'), kind: parts[parts.length - 2]!, version: parts[parts.length - 1]! };
}

function parseDocuments(source: SchemaSource): unknown[] {
  const text = source.content.trimStart();
  if (text.startsWith('{')) {
    try {
      return [JSON.parse(source.content)];
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const { line, column } = positionAt(source.content, Number(/at position (\d+)/.exec(message)?.[1] ?? 0));
      throw new CpGitopsError('schema-import', `${source.origin}:${line}:${column}: not valid JSON: ${message.replace(/ \(line \d+ column \d+\)$/, '')}`, {
        hint: `fix the JSON at that place (or import the CRD's YAML instead), then import again`,
      });
    }
  }
  const documents = parseAllDocuments(source.content);
  const list = Array.isArray(documents) ? documents : [documents];
  const values: unknown[] = [];
  for (const document of list) {
    const first = document.errors[0];
    if (first) {
      const [line, column] = [first.linePos?.[0].line ?? 1, first.linePos?.[0].col ?? 1];
      throw new CpGitopsError('schema-import', `${source.origin}:${line}:${column}: not valid YAML: ${first.message.split('\n')[0]!}`, {
        hint: 'fix the YAML at that place (a CRD as kubectl get crd <name> -o yaml prints it imports as it is), then import again',
      });
    }
    values.push(document.toJS({ maxAliasCount: 100 }));
  }
  return values;
}

/** 1-based line and column of a character offset. */
function positionAt(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

/** Imported patterns run on RE2 (linear-regexp.ts); one it cannot run stops the import, naming it. */
function refuseUnsupportedPatterns(unsupported: readonly UnsupportedPattern[], where: string): void {
  const first = unsupported[0];
  if (!first) return;
  throw new CpGitopsError('schema-import', `${where}: ${unsupportedMessage(first)}${unsupported.length > 1 ? ` (and ${unsupported.length - 1} more)` : ''}; nothing was imported`, {
    hint: `${first.fix}, then import again. Imported patterns run on RE2, in time linear in the value, so a crafted value cannot stall validation (ReDoS); RE2 has no lookaround and no backreferences`,
  });
}

function unsupportedMessage({ pointer, pattern, feature }: UnsupportedPattern): string {
  return `the pattern at ${pointer} (${JSON.stringify(pattern)}) uses ${feature}, which the linear-time engine (RE2) cannot run`;
}

function fromCrd(crd: JsonSchema, source: SchemaSource, hash: string, where: string): ImportedSchema[] {
  const spec = isSchemaObject(crd.spec) ? crd.spec : {};
  const names = isSchemaObject(spec.names) ? spec.names : {};
  const group = spec.group;
  const kind = names.kind;
  if (typeof group !== 'string' || typeof kind !== 'string') {
    throw new CpGitopsError('schema-import', `${where}: a CustomResourceDefinition without ${typeof group !== 'string' ? 'spec.group' : 'spec.names.kind'}`, {
      hint: 'a CRD names its API group in spec.group and its kind in spec.names.kind: import the CRD as the cluster has it (kubectl get crd <name> -o yaml)',
    });
  }
  // apiextensions.k8s.io/v1beta1 CRDs kept one schema for every version in spec.validation.
  const shared = isSchemaObject(spec.validation) && isSchemaObject(spec.validation.openAPIV3Schema) ? spec.validation.openAPIV3Schema : undefined;
  const versions: [JsonSchema, number][] = Array.isArray(spec.versions)
    ? spec.versions.flatMap((version: unknown, index: number): [JsonSchema, number][] => (isSchemaObject(version) ? [[version, index]] : []))
    : typeof spec.version === 'string'
      ? [[{ name: spec.version }, -1]]
      : [];
  const results: ImportedSchema[] = [];
  for (const [version, index] of versions) {
    const own = isSchemaObject(version.schema) && isSchemaObject(version.schema.openAPIV3Schema) ? version.schema.openAPIV3Schema : undefined;
    const openAPI = own ?? shared;
    if (typeof version.name !== 'string' || !openAPI) continue;
    refuseUnsupportedPatterns(unsupportedPatterns(openAPI, own ? `/spec/versions/${index}/schema/openAPIV3Schema` : '/spec/validation/openAPIV3Schema'), where);
    results.push(imported({ group, kind, version: version.name }, openAPI, source, hash));
  }
  if (results.length === 0) {
    throw new CpGitopsError('schema-import', `${where}: CustomResourceDefinition ${kind} has no schema at spec.versions[].schema.openAPIV3Schema (nor spec.validation.openAPIV3Schema)`, {
      hint: 'import a CRD that carries its structural schema (every apiextensions.k8s.io/v1 CRD does: kubectl get crd <name> -o yaml), or its catalog JSON schema (<kind>_<version>.json)',
    });
  }
  return results;
}

function fromCatalog(schema: JsonSchema, source: SchemaSource, hash: string, options: ImportOptions): ImportedSchema {
  const segments = source.location.replace(/[?#].*$/, '').split(/[\\/]/);
  const file = segments[segments.length - 1] ?? '';
  const match = /^([a-z0-9-]+)_(v[0-9]+((alpha|beta)[0-9]+)?)\.json$/i.exec(file);
  if (!match) {
    throw new CpGitopsError('schema-import', `${source.origin}: a catalog schema must be named <kind>_<version>.json (e.g. kafka_v1beta1.json)`, {
      hint: 'rename the file, or import the CRD YAML instead',
    });
  }
  const lowerKind = match[1]!.toLowerCase();
  const known = KNOWN_KINDS.get(lowerKind);
  const folder = segments[segments.length - 2] ?? '';
  const group = options.group ?? (API_GROUP.test(folder) ? folder : known?.group);
  if (group === undefined) {
    throw new CpGitopsError('schema-import', `${source.origin}: cannot tell the API group of ${match[1]!}`, { hint: 'pass --group <group>, e.g. --group platform.confluent.io' });
  }
  return imported({ group, kind: known?.group === group ? known.kind : lowerKind, version: match[2]! }, schema, source, hash);
}

function imported(identity: SchemaIdentity, openAPI: JsonSchema, source: SchemaSource, hash: string): ImportedSchema {
  const schema: JsonSchema = { ...prepareSchema(openAPI), [SOURCE_FIELD]: { ...identity, source: source.origin, sha256: hash } };
  return { ...identity, path: importedSchemaPath(identity), schema, origin: source.origin, sha256: hash };
}

/** A folder named like an API group (catalogs keep <group>/<kind>_<version>.json), not like "cfk-3.3.0". */
const API_GROUP = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/;

const ROOT_FIELDS: Readonly<Record<string, JsonSchema>> = {
  apiVersion: { type: 'string' },
  kind: { type: 'string' },
  metadata: { type: 'object' },
  spec: {},
  status: {},
};

/**
 * An openAPIV3Schema made ready for ajv and for catching typos: objects with known properties are
 * closed (as the API server prunes, or with strict field validation refuses, unknown fields) except
 * where x-kubernetes-preserve-unknown-fields or x-kubernetes-embedded-resource keeps them open;
 * int-or-string gets its anyOf; the root is closed too (catalogs leave it open); descriptions go.
 */
export function prepareSchema(openAPI: JsonSchema): JsonSchema {
  const prepared = mapSchema(openAPI, (node) => {
    delete node.description;
    const preserve = node['x-kubernetes-preserve-unknown-fields'] === true || node['x-kubernetes-embedded-resource'] === true;
    if (preserve && node.additionalProperties === false) delete node.additionalProperties;
    if (!preserve && isSchemaObject(node.properties) && node.additionalProperties === undefined) node.additionalProperties = false;
    if (node['x-kubernetes-int-or-string'] === true && node.type === undefined && node.anyOf === undefined) node.anyOf = [{ type: 'integer' }, { type: 'string' }];
    return node;
  });
  const properties = isSchemaObject(prepared.properties) ? prepared.properties : {};
  const root: JsonSchema = { ...prepared, type: 'object', properties: { ...ROOT_FIELDS, ...properties } };
  // A CRD that keeps unknown top-level fields means it; any other root is closed.
  if (openAPI['x-kubernetes-preserve-unknown-fields'] !== true) root.additionalProperties = false;
  return root;
}

function stripSource(schema: JsonSchema): JsonSchema {
  const { [SOURCE_FIELD]: _source, ...rest } = schema;
  return rest;
}
