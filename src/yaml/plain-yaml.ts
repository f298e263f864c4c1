/**
 * A direct writer for the plain data the generator builds (plain objects, arrays, strings, finite
 * numbers, booleans, null), giving byte for byte what the `yaml` package writes with stringifyYaml's
 * options (src/yaml/stringify.ts: indent 2, sequences indented under their key, no line folding, plain
 * strings unless YAML 1.2 would read them as something else, literal blocks for multi-line strings).
 * `yaml` builds a Document of nodes and walks it; in a cold CLI run that is a tenth of `init`.
 *
 * It answers undefined for anything it is not certain to write exactly as `yaml` would, and the caller
 * then asks `yaml`: each rule below is a copy of the branch of `yaml` 2.x's src/stringify/*.ts it
 * stands for, and every other branch is a fallback decided by a cheap test. A wrong byte here would
 * change the golden trees and make validate see drift, so certainty comes before coverage; the oracle
 * tests (test/unit/plain-yaml.test.ts) compare it with `yaml` on every golden document and on a seeded
 * corpus of tricky values.
 */
import { CORE_SCHEMA } from './core-schema.js';

export function writePlainYaml(value: unknown): string | undefined {
  // Root scalars are left to `yaml` (a root block scalar has its own indentation rules).
  const text = isPlainArray(value) ? blockSeq(value, '') : isPlainObject(value) ? blockMap(value, '') : undefined;
  return text === undefined ? undefined : `${text}\n`;
}

const INDENT_STEP = '  ';
const EMPTY_MAP = '{}';
const EMPTY_SEQ = '[]';

/** A block mapping at `indent` (the indentation of its keys); EMPTY_MAP when it has no entry. */
function blockMap(map: object, indent: string): string | undefined {
  let text = '';
  let first = true;
  for (const key of Object.keys(map)) {
    const item = (map as Record<string, unknown>)[key];
    // yaml leaves out keys whose value is undefined (keepUndefined: false).
    if (item === undefined) continue;
    const keyText = keyScalar(key);
    if (keyText === undefined) return undefined;
    const valueText = pairValue(item, indent + INDENT_STEP);
    if (valueText === undefined) return undefined;
    text += first ? `${keyText}:${valueText}` : `\n${indent}${keyText}:${valueText}`;
    first = false;
  }
  // An all-undefined object is an empty map too. yaml's `? key` form (allNullValues) needs every pair's
  // value to be a bare null, but its pairs hold Scalar nodes, null ones included: only an empty map
  // qualifies, and that is `{}` either way.
  return first ? EMPTY_MAP : text;
}

/** A block sequence whose `- ` sits at `indent`; EMPTY_SEQ when it has no item. */
function blockSeq(items: readonly unknown[], indent: string): string | undefined {
  if (items.length === 0) return EMPTY_SEQ;
  const itemIndent = indent + INDENT_STEP;
  let text = '';
  for (let index = 0; index < items.length; index += 1) {
    const itemText = node(items[index], itemIndent);
    if (itemText === undefined) return undefined;
    text += index === 0 ? `- ${itemText}` : `\n${indent}- ${itemText}`;
  }
  return text;
}

/**
 * What follows `key:`. A non-empty collection starts on the next line at `indent` (yaml's indentSeq:
 * true puts `- ` there too); an empty one stays on the key's line in flow style, like a scalar.
 */
function pairValue(value: unknown, indent: string): string | undefined {
  if (isPlainArray(value)) {
    const text = blockSeq(value, indent);
    return text === undefined ? undefined : text === EMPTY_SEQ ? ` ${text}` : `\n${indent}${text}`;
  }
  if (isPlainObject(value)) {
    const text = blockMap(value, indent);
    return text === undefined ? undefined : text === EMPTY_MAP ? ` ${text}` : `\n${indent}${text}`;
  }
  const text = scalar(value, indent);
  return text === undefined ? undefined : ` ${text}`;
}

/** A value in a sequence item or a pair, `indent` being the indentation of its own lines. */
function node(value: unknown, indent: string): string | undefined {
  if (isPlainArray(value)) return blockSeq(value, indent);
  if (isPlainObject(value)) return blockMap(value, indent);
  return scalar(value, indent);
}

function scalar(value: unknown, indent: string): string | undefined {
  switch (typeof value) {
    case 'string':
      return value.includes('\n') ? literalBlock(value, indent) : flowScalar(value);
    case 'number':
      return numberScalar(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      // Only reached in a sequence (maps skip undefined): yaml writes it as null, like JSON.
      return 'null';
    default:
      return value === null ? 'null' : undefined;
  }
}

/**
 * yaml's stringifyNumber: JSON's form of the number. -0, NaN, ±Infinity and exponent forms (1e+21,
 * 1e-7) are left to yaml.
 */
function numberScalar(value: number): string | undefined {
  if (!Number.isFinite(value) || Object.is(value, -0)) return undefined;
  const text = String(value);
  return text.includes('e') ? undefined : text;
}

/** Keys longer than yaml's 1024-character limit become explicit `? key` entries: left to yaml, with a margin. */
const MAX_KEY_LENGTH = 500;

function keyScalar(key: string): string | undefined {
  return key.length > MAX_KEY_LENGTH || key.includes('\n') ? undefined : flowScalar(key);
}

/**
 * Characters after which the writer is not certain: C0 controls (tab included) but the line feed, DEL,
 * C1 controls (yaml double-quotes these with escapes), Unicode line and paragraph separators, the byte
 * order mark, and any UTF-16 surrogate (a lone one is escaped by yaml; pairs are simply not handled).
 */
const UNCERTAIN_CHARACTER = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]/;

/** yaml's containsDocumentMarker, for one line: such strings get special indentation or quoting near the root. */
const DOCUMENT_MARKER = /^(?:%|---|\.\.\.)/;

/** yaml's plainString: what a plain scalar must not contain, start or end with (copied as is). */
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;

/**
 * A string that the YAML 1.2 core schema would read back as another type (null, bool, int, float:
 * core-schema.ts, the patterns yaml tests), so yaml quotes it; the empty string too. Each pattern is
 * anchored at both ends, so one alternation of them matches exactly when one of them does (one
 * regular expression run instead of eight).
 */
const CORE_SCHEMA_NON_STRING = new RegExp(['^$', ...Object.values(CORE_SCHEMA).map((pattern) => pattern.source)].join('|'));

/**
 * A one-line string, as a key or a value: plain when yaml's plainString allows it, otherwise quoted
 * the way its quotedString picks (single quotes only when the text has a double quote and no single
 * one). Without line folding (lineWidth 0) and without newlines or control characters, yaml's double
 * quoting is exactly JSON's, and single quoting just wraps the text.
 */
function flowScalar(text: string): string | undefined {
  if (UNCERTAIN_CHARACTER.test(text) || DOCUMENT_MARKER.test(text)) return undefined;
  if (!NOT_PLAIN.test(text) && !CORE_SCHEMA_NON_STRING.test(text)) return text;
  return text.includes('"') && !text.includes("'") ? `'${text}'` : JSON.stringify(text);
}

/**
 * A multi-line string as yaml's blockString writes it without folding: a literal block, `|-` when the
 * text has no final newline and `|` when it has exactly one, each line after `indent` (empty lines stay
 * empty). Texts that start with a space or a newline (an indentation indicator, kept leading lines),
 * end in other whitespace (keep chomping `|+`, or quoting) or hold an uncertain character are left to yaml.
 */
function literalBlock(text: string, indent: string): string | undefined {
  if (UNCERTAIN_CHARACTER.test(text)) return undefined;
  const firstCharacter = text[0];
  if (firstCharacter === ' ' || firstCharacter === '\n') return undefined;
  let body = text;
  let chomping = '-';
  if (text.endsWith('\n')) {
    body = text.slice(0, -1);
    chomping = '';
  }
  if (/[\n ]$/.test(body)) return undefined;
  return `|${chomping}\n${indent}${body.replace(/\n+/g, (newlines) => newlines + indent)}`;
}

/** An array yaml would turn into a plain sequence: no subclass, no toJSON. */
function isPlainArray(value: unknown): value is readonly unknown[] {
  return Array.isArray(value) && Object.getPrototypeOf(value) === Array.prototype && (value as { toJSON?: unknown }).toJSON === undefined;
}

/** An object yaml would turn into a map of its own enumerable keys: no Map, Date, class instance or toJSON. */
function isPlainObject(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return (prototype === Object.prototype || prototype === null) && (value as { toJSON?: unknown }).toJSON === undefined;
}
