/**
 * ajv's errors → findings a person can act on: the field as a dotted path, what was found, what is
 * expected, and what to do. Pure. `schema` is the one validated against, or any with the same fields
 * (the full form for the patch form): fields are looked up from the value's side.
 */
import type { ErrorObject } from 'ajv';
import { DNS1123_LABEL, DNS1123_SUBDOMAIN, HOST_PORT, HTTP_URL, IMAGE_REFERENCE, QUANTITY } from './builtin/common.js';
import { isSchemaObject, schemaAtInstance, type JsonSchema } from './json-schema.js';

export interface SchemaError {
  /** JSON pointer into the validated value: the field, or for `required`/`additionalProperties` the object. */
  readonly pointer: string;
  /** A sentence naming the field (dotted path) and what is expected. */
  readonly message: string;
  /** The JSON Schema keyword that failed (type, enum, additionalProperties…). */
  readonly keyword: string;
  /** For additionalProperties: the unknown key (point at it, not at its value). */
  readonly key?: string;
  /** What to do about it. */
  readonly fix: string;
}

const KNOWN_PATTERNS: ReadonlyMap<string, { what: string; fix: string }> = new Map([
  [DNS1123_LABEL, { what: 'a DNS-1123 name (lowercase letters, digits and "-", starting and ending with a letter or digit)', fix: 'use lowercase letters, digits and "-" only' }],
  [DNS1123_SUBDOMAIN, { what: 'a DNS-1123 name (lowercase letters, digits, "-" and ".")', fix: 'use lowercase letters, digits, "-" and "." only' }],
  [QUANTITY, { what: 'a Kubernetes quantity such as 10Gi, 512Mi or 500m', fix: 'write a quantity such as 10Gi, 512Mi or 500m' }],
  [HTTP_URL, { what: 'an http:// or https:// URL', fix: 'start the URL with http:// or https://' }],
  ['^https?://.*', { what: 'an http:// or https:// URL', fix: 'start the URL with http:// or https://' }],
  [HOST_PORT, { what: 'host:port', fix: 'write host:port, e.g. kafka.<namespace>.svc.cluster.local:9071' }],
  [IMAGE_REFERENCE, { what: 'an image with a tag (repository:tag)', fix: 'add the tag, e.g. confluentinc/cp-server:8.2.0' }],
]);

const TYPE_NAMES: Readonly<Record<string, { noun: string; fix: string }>> = {
  integer: { noun: 'an integer', fix: 'use an integer (no quotes, no decimals)' },
  number: { noun: 'a number', fix: 'use a number (no quotes)' },
  string: { noun: 'a string', fix: 'quote the value' },
  boolean: { noun: 'true or false', fix: 'use true or false (no quotes)' },
  array: { noun: 'a list', fix: 'use a list ("- item" lines)' },
  object: { noun: 'a mapping', fix: 'use a mapping (key: value lines)' },
  null: { noun: 'null', fix: 'remove the value' },
};

/** Turns ajv's errors for `value` into our findings (anyOf noise folded, one finding per problem). */
export function toSchemaErrors(errors: readonly ErrorObject[], value: unknown, schema: JsonSchema): SchemaError[] {
  const findings: SchemaError[] = [];
  const seen = new Set<string>();
  for (const error of foldAlternatives(errors)) {
    const finding = describe(error, value, schema);
    const key = `${finding.pointer}\u0000${finding.key ?? ''}\u0000${finding.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push(finding);
  }
  return findings;
}

/**
 * anyOf/oneOf report every branch plus themselves. Branches that only check types fold into one type
 * error ("must be an integer or a string"); branches that only require keys into one "needs one of";
 * otherwise the branch that got furthest into the value speaks for the others.
 */
function foldAlternatives(errors: readonly ErrorObject[]): ErrorObject[] {
  let result = [...errors];
  const alternatives = result.filter((error) => error.keyword === 'anyOf' || error.keyword === 'oneOf').sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  for (const alternative of alternatives) {
    if (!result.includes(alternative)) continue;
    const prefix = `${alternative.schemaPath}/`;
    const branches = result.filter((error) => error.schemaPath.startsWith(prefix));
    if (branches.length === 0) continue;
    const others = result.filter((error) => error !== alternative && !branches.includes(error));
    const sameSpot = branches.every((error) => error.instancePath === alternative.instancePath);
    if (sameSpot && branches.every((error) => error.keyword === 'type')) {
      const types = [...new Set(branches.flatMap((error) => String(error.params.type).split(',')))];
      result = [...others, { ...alternative, keyword: 'type', params: { type: types.join(',') } }];
    } else if (sameSpot && branches.every((error) => error.keyword === 'required')) {
      const keys = [...new Set(branches.map((error) => String(error.params.missingProperty)))];
      result = [...others, { ...alternative, keyword: 'required', params: { missingProperty: keys.join(' or ') } }];
    } else {
      const byBranch = new Map<string, ErrorObject[]>();
      for (const error of branches) {
        const branch = error.schemaPath.slice(prefix.length).split('/')[0]!;
        byBranch.set(branch, [...(byBranch.get(branch) ?? []), error]);
      }
      const deepest = [...byBranch.values()].sort((a, b) => depth(b) - depth(a) || a.length - b.length)[0]!;
      result = [...others, ...deepest];
    }
  }
  return result;
}

function depth(errors: readonly ErrorObject[]): number {
  return Math.max(...errors.map((error) => error.instancePath.split('/').length));
}

function describe(error: ErrorObject, root: unknown, schema: JsonSchema): SchemaError {
  const pointer = error.instancePath;
  const field = dottedPath(pointer);
  const value = valueAt(root, pointer);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = knownProperties(schema, pointer);
      const suggestion = closest(key, known);
      const where = field ? `${field}.${key}` : key;
      return {
        pointer,
        key,
        keyword: error.keyword,
        message: `${where} is not a known field${field ? ` of ${field}` : ''}`,
        fix: suggestion ? `did you mean "${suggestion}"? Otherwise remove ${key}` : `remove ${key}${known.length > 0 && known.length <= 12 ? ` (known fields: ${known.join(', ')})` : ''}`,
      };
    }
    case 'required': {
      const missing = String(params.missingProperty);
      const where = field ? `${field}.${missing}` : missing;
      return { pointer, keyword: error.keyword, message: `${where} is required`, fix: `add ${where}` };
    }
    case 'type': {
      const types = String(params.type)
        .split(',')
        .filter((type) => type !== 'null');
      const expected = joinOr(types.map((type) => TYPE_NAMES[type]?.noun ?? type));
      const fix = types.length === 1 ? (TYPE_NAMES[types[0]!]?.fix ?? `use ${expected}`) : `use ${expected}`;
      return { pointer, keyword: error.keyword, message: `${subject(field)} must be ${expected}, not ${show(value)}`, fix };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).filter((item) => item !== null).map(show);
      return { pointer, keyword: error.keyword, message: `${subject(field)} must be one of ${allowed.join(', ')}, not ${show(value)}`, fix: `use one of: ${allowed.join(', ')}` };
    }
    case 'const':
      return { pointer, keyword: error.keyword, message: `${subject(field)} must be ${show(params.allowedValue)}, not ${show(value)}`, fix: `use ${show(params.allowedValue)}` };
    case 'pattern': {
      const pattern = String(params.pattern);
      const known = KNOWN_PATTERNS.get(pattern);
      return {
        pointer,
        keyword: error.keyword,
        message: `${subject(field)} must be ${known?.what ?? `a string matching ${pattern}`}, not ${show(value)}`,
        fix: known?.fix ?? `change it to match ${pattern}`,
      };
    }
    case 'maxLength':
      return {
        pointer,
        keyword: error.keyword,
        message: `${subject(field)} is ${typeof value === 'string' ? value.length : '?'} characters long, at most ${String(params.limit)} allowed`,
        fix: `shorten it to at most ${String(params.limit)} characters${/secretRef$/.test(field) ? ' (rename the Secret too)' : ''}`,
      };
    case 'minLength':
      return { pointer, keyword: error.keyword, message: `${subject(field)} must have at least ${String(params.limit)} character(s)`, fix: 'fill it in, or remove the key' };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const comparison = `${String(params.comparison)} ${String(params.limit)}`;
      return { pointer, keyword: error.keyword, message: `${subject(field)} must be ${comparison}, not ${show(value)}`, fix: `use a value ${comparison}` };
    }
    case 'format': {
      const format = String(params.format);
      const noun = format === 'int32' ? 'a 32-bit integer' : format === 'int64' ? 'a 64-bit integer' : `a valid ${format}`;
      return { pointer, keyword: error.keyword, message: `${subject(field)} must be ${noun}, not ${show(value)}`, fix: `use ${noun}` };
    }
    case 'minItems':
    case 'maxItems':
      return {
        pointer,
        keyword: error.keyword,
        message: `${subject(field)} must have ${error.keyword === 'minItems' ? 'at least' : 'at most'} ${String(params.limit)} item(s)`,
        fix: error.keyword === 'minItems' ? 'add items, or remove the key' : 'remove items',
      };
    case 'uniqueItems':
    case 'x-kubernetes-list-type': {
      const keys = listMapKeys(schema, pointer);
      return {
        pointer,
        keyword: error.keyword,
        message: `${subject(field)} has duplicate items${keys.length > 0 ? ` (same ${keys.join(', ')})` : ''}`,
        fix: keys.length > 0 ? `give every item a different ${keys.join('/')}` : 'remove the repeated item',
      };
    }
    default:
      return { pointer, keyword: error.keyword, message: `${subject(field)} ${error.message ?? `fails the ${error.keyword} check`}`, fix: 'correct the value to match the schema' };
  }
}

function subject(field: string): string {
  return field === '' ? 'the document' : field;
}

/** /spec/dependencies/connect/0/url → spec.dependencies.connect[0].url; odd keys in ["…"]. */
export function dottedPath(pointer: string): string {
  if (pointer === '') return '';
  let result = '';
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^(0|[1-9]\d*)$/.test(segment)) result += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) result += result === '' ? segment : `.${segment}`;
    else result += `[${JSON.stringify(segment)}]`;
  }
  return result;
}

function valueAt(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isSchemaObject(node)) node = node[segment];
    else return undefined;
  }
  return node;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null (empty)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…"` : text;
}

function joinOr(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? 'valid') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]!}`;
}

function knownProperties(schema: JsonSchema, pointer: string): string[] {
  const object = schemaAtInstance(schema, pointer);
  return object && isSchemaObject(object.properties) ? Object.keys(object.properties).sort() : [];
}

function listMapKeys(schema: JsonSchema, pointer: string): string[] {
  const keys = schemaAtInstance(schema, pointer)?.['x-kubernetes-list-map-keys'];
  return Array.isArray(keys) ? keys.map(String) : [];
}

/** The known field a typo most likely meant: same letters ignoring case, or at most two edits away. */
function closest(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = name.toLowerCase() === lower ? 0 : editDistance(lower, name.toLowerCase());
    if (distance <= Math.min(2, Math.floor(name.length / 3)) && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
