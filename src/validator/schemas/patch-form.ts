import type { SchemaError } from './errors.js';
import { isSchemaObject, mapSchema, type JsonSchema } from './json-schema.js';

/**
 * The strategic-merge-patch form of a schema: what a patch may contain. A patch sets some fields
 * only, so `required` goes everywhere (the merged result is checked against the full form); a field
 * may be `null` (a strategic merge deletes it); types, enums, patterns and closed objects stay, so a
 * typo in a patch is caught in the patch itself. Strategic-merge directives ($patch…) are not part of
 * it: validate a patch's withoutPatchDirectives() value. Pure: returns a new schema.
 */
export function patchForm(schema: JsonSchema): JsonSchema {
  return mapSchema(schema, (node, { isProperty, isRoot }) => {
    delete node.required;
    delete node.dependentRequired;
    if (isRoot && isSchemaObject(node.properties)) node.additionalProperties = false;
    return isProperty ? nullable(node) : node;
  });
}

/** The same schema, accepting null too. Branches are appended, never prepended, so schema paths stay the same. */
function nullable(schema: JsonSchema): JsonSchema {
  const result: JsonSchema = { ...schema };
  if (typeof result.type === 'string') result.type = result.type === 'null' ? 'null' : [result.type, 'null'];
  else if (Array.isArray(result.type) && !result.type.includes('null')) result.type = [...result.type, 'null'];
  if (Array.isArray(result.enum) && !result.enum.includes(null)) result.enum = [...result.enum, null];
  if ('const' in result) {
    result.enum = [result.const, null];
    delete result.const;
  }
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const branches = result[keyword];
    if (Array.isArray(branches) && result.type === undefined) result[keyword] = [...branches, { type: 'null' }];
  }
  if (Array.isArray(result.allOf)) result.allOf = result.allOf.map((branch) => (isSchemaObject(branch) ? nullable(branch) : branch));
  return result;
}

const DIRECTIVE = /^\$(patch|retainKeys|setElementOrder\/.+|deleteFromPrimitiveList\/.+)$/;
const PATCH_STRATEGIES = ['replace', 'merge', 'delete'];

/**
 * A patch without its strategic-merge directives ($patch: replace|merge|delete, $retainKeys,
 * $setElementOrder/…, $deleteFromPrimitiveList/…), which may sit in any mapping, closed or not, plus
 * findings for malformed ones. Checking them here keeps them out of every closed object of the patch
 * form (a third of its generated code). Pure: the value is not changed.
 */
export function withoutPatchDirectives(value: unknown): { value: unknown; errors: SchemaError[] } {
  // Most patches have no directive: then the value is checked as it is, without a copy.
  if (!hasDirectiveKey(value)) return { value, errors: [] };
  const errors: SchemaError[] = [];
  const walk = (node: unknown, pointer: string): unknown => {
    if (Array.isArray(node)) return node.map((item, index) => walk(item, `${pointer}/${index}`));
    if (!isSchemaObject(node)) return node;
    const result: JsonSchema = {};
    for (const [key, child] of Object.entries(node)) {
      const childPointer = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (!DIRECTIVE.test(key)) {
        result[key] = walk(child, childPointer);
      } else if (key === '$patch' && !PATCH_STRATEGIES.includes(child as string)) {
        errors.push({ pointer: childPointer, keyword: 'enum', message: `${key} must be one of ${PATCH_STRATEGIES.join(', ')}, not ${JSON.stringify(child)}`, fix: `use one of: ${PATCH_STRATEGIES.join(', ')}` });
      } else if (key !== '$patch' && !Array.isArray(child)) {
        errors.push({ pointer: childPointer, keyword: 'type', message: `${key} must be a list`, fix: 'use a list ("- item" lines)' });
      }
    }
    return result;
  };
  return { value: walk(value, ''), errors };
}

function hasDirectiveKey(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(hasDirectiveKey);
  if (!isSchemaObject(node)) return false;
  for (const key of Object.keys(node)) if (key.charCodeAt(0) === 36 /* $ */ || hasDirectiveKey(node[key])) return true;
  return false;
}
