import { createHash } from 'node:crypto';

/** A JSON Schema as plain data (ours, or an imported CRD schema). */
export type JsonSchema = { [keyword: string]: unknown };

export function isSchemaObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keywords whose value is a map of name → subschema. */
export const SCHEMA_MAP_KEYWORDS = ['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas'] as const;
/** Keywords whose value is one subschema. */
export const SCHEMA_KEYWORDS = ['additionalProperties', 'items', 'additionalItems', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedProperties', 'unevaluatedItems'] as const;
/** Keywords whose value is a list of subschemas. */
export const SCHEMA_LIST_KEYWORDS = ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const;

/**
 * A deep copy where `visit` rewrites every schema object bottom-up (children first). `visit` gets a
 * fresh copy it may change, and whether the schema is the value of a property (what a strategic-merge
 * `null` can delete).
 */
export function mapSchema(schema: JsonSchema, visit: (schema: JsonSchema, context: { isProperty: boolean; isRoot: boolean }) => JsonSchema): JsonSchema {
  const walk = (node: JsonSchema, isProperty: boolean, isRoot: boolean): JsonSchema => {
    const copy: JsonSchema = { ...node };
    for (const keyword of SCHEMA_MAP_KEYWORDS) {
      const map = node[keyword];
      if (!isSchemaObject(map)) continue;
      const property = keyword === 'properties' || keyword === 'patternProperties';
      copy[keyword] = Object.fromEntries(Object.entries(map).map(([name, sub]) => [name, isSchemaObject(sub) ? walk(sub, property, false) : sub]));
    }
    for (const keyword of SCHEMA_KEYWORDS) {
      const sub = node[keyword];
      if (isSchemaObject(sub)) copy[keyword] = walk(sub, keyword === 'additionalProperties', false);
      else if (keyword === 'items' && Array.isArray(sub)) copy[keyword] = sub.map((item) => (isSchemaObject(item) ? walk(item, false, false) : item));
    }
    for (const keyword of SCHEMA_LIST_KEYWORDS) {
      const list = node[keyword];
      if (Array.isArray(list)) copy[keyword] = list.map((item) => (isSchemaObject(item) ? walk(item, false, false) : item));
    }
    return visit(copy, { isProperty, isRoot });
  };
  return walk(schema, false, true);
}

/**
 * JSON with keys sorted at every level: the same schema always hashes and serialises to the same bytes,
 * whatever order its source listed keys in.
 */
export function canonicalJson(value: unknown, indent?: number): string {
  return JSON.stringify(sortKeys(value), null, indent);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isSchemaObject(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys(value[key])]),
  );
}

export function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The schema that applies at a place of the validated value (a JSON pointer), following properties,
 * patternProperties, additionalProperties, items, local $refs and the first fitting anyOf/allOf branch.
 * Found from the value's side because ajv's schema paths are relative to the referenced schema inside a $ref.
 */
export function schemaAtInstance(root: JsonSchema, pointer: string): JsonSchema | undefined {
  const segments = pointer === '' ? [] : pointer.slice(1).split('/').map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: JsonSchema | undefined = resolveRef(root, root);
  for (const segment of segments) {
    if (!node) return undefined;
    node = resolveRef(root, childSchema(root, node, segment));
  }
  return node;
}

function childSchema(root: JsonSchema, node: JsonSchema, segment: string): unknown {
  if (isSchemaObject(node.properties) && isSchemaObject(node.properties[segment])) return node.properties[segment];
  if (isSchemaObject(node.patternProperties)) {
    for (const [pattern, sub] of Object.entries(node.patternProperties)) if (new RegExp(pattern).test(segment)) return sub;
  }
  if (isSchemaObject(node.additionalProperties)) return node.additionalProperties;
  if (isSchemaObject(node.items) && /^\d+$/.test(segment)) return node.items;
  for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const) {
    const branches = node[keyword];
    if (!Array.isArray(branches)) continue;
    for (const branch of branches) {
      const resolved = resolveRef(root, branch);
      const child = resolved ? childSchema(root, resolved, segment) : undefined;
      if (child !== undefined) return child;
    }
  }
  return undefined;
}

function resolveRef(root: JsonSchema, node: unknown): JsonSchema | undefined {
  let current = node;
  for (let depth = 0; depth < 32 && isSchemaObject(current) && typeof current.$ref === 'string' && current.$ref.startsWith('#/'); depth += 1) {
    let target: unknown = root;
    for (const segment of current.$ref.slice(2).split('/')) target = isSchemaObject(target) ? target[decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
    current = target;
  }
  return isSchemaObject(current) ? current : undefined;
}

/**
 * The same schema with every object subschema that lists properties moved into `$defs` and referenced,
 * identical ones once. Compiled with `inlineRefs: false`, each becomes its own small function: the
 * generated code shrinks (a CFK CRD repeats its TLS or authentication blocks dozens of times), and V8
 * compiles a function only when a resource first reaches that part of the schema, instead of one
 * giant function at the first validation. Error schema paths then point into `$defs` of this schema.
 */
export function factorSchema(schema: JsonSchema): JsonSchema {
  const existing = isSchemaObject(schema.$defs) ? schema.$defs : {};
  const defs: Record<string, JsonSchema> = {};
  const names = new Map<string, string>();
  const factored = mapSchema(schema, (node, { isRoot }) => {
    if (isRoot || !isSchemaObject(node.properties) || node.$ref !== undefined) return node;
    const content = JSON.stringify(node);
    let name = names.get(content);
    if (name === undefined) {
      name = `cpg${names.size}`;
      names.set(content, name);
      defs[name] = node;
    }
    return { $ref: `#/$defs/${name}` };
  });
  return Object.keys(defs).length === 0 ? factored : { ...factored, $defs: { ...existing, ...defs } };
}
