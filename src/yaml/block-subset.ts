/**
 * The fastest half of "fast first, precise where needed": a parser for the block-style subset of
 * YAML that cp-gitops writes and people usually write (block mappings and sequences, one-line plain
 * and quoted scalars, literal block scalars, comments, `{}` and `[]`), about ten times faster than
 * js-yaml 5 on a repository (which pays ~18 µs to set up every call, and a repository has a
 * thousand small files).
 *
 * It answers only when certain: its values equal those of the precise parser (yaml's YAML 1.2 core
 * schema, `toJS`) and the precise parser would report nothing. Anything else, however legal (several
 * documents, flow collections, multi-line plain or quoted scalars, folded scalars, anchors, aliases,
 * tags, directives, tabs, carriage returns, duplicate keys, YAML 1.1 booleans in a value, keys that
 * are not strings), makes it return undefined and the caller falls back to js-yaml, then to yaml.
 * test/unit/block-subset.test.ts compares it with yaml on every generated file and on mutants of them.
 *
 * It records no positions; asked again with loadBlockSubsetWithStarts (when a finding needs one), it
 * records where each node starts, at the line:column the yaml package gives (block-subset-positions.test.ts).
 */

import { CORE_SCHEMA } from './core-schema.js';

interface Line {
  /** Spaces before the content. */
  indent: number;
  /** The line without its indentation (for a compact nested node: what follows `- `). */
  content: string;
  /** The line as written, for block scalars. */
  readonly raw: string;
}

/** Thrown to give up; caught once, at the top. */
const GIVE_UP = Symbol('give up');

/** Characters the subset never reads: control characters (tabs, carriage returns), NEL, line and paragraph separators, BOM. */
const UNSUPPORTED_CHARACTERS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

/** YAML 1.1 booleans: a warning (yaml/ambiguous-scalar) that only the precise parser places. */
const AMBIGUOUS_SCALAR = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;

/** Characters a plain scalar may not start with in this subset (YAML indicators, and `-` `?` `:` whatever follows). */
const INDICATOR_START = /^[-?:,[\]{}#&*!|>'"%@`]/;

/** The maximum nesting: deeper documents go to the other parsers, which bound it too. */
const MAX_DEPTH = 200;

export function loadBlockSubset(text: string): unknown[] | undefined {
  return parse(text, undefined);
}

/** 1-based line and column, as the yaml package's LineCounter gives them. */
export interface NodeStart {
  readonly line: number;
  readonly column: number;
}

/**
 * Where the nodes of a collection start, in the same places as the yaml package's `range[0]` (a
 * scalar's first character or quote, a block scalar's `|`, a block collection's first key or `-`, a
 * flow collection's bracket; an empty value where its comment or the end of its line is).
 */
export type CollectionStarts =
  | { readonly start: NodeStart; readonly entries: Map<string, { readonly key: NodeStart; readonly value: NodeStart }> }
  | { readonly start: NodeStart; readonly items: NodeStart[] };

/**
 * The document again, recording where each node starts: keyed by the parsed mapping and sequence
 * objects (empty flow `{}` and `[]` have no entry). Only for findings: the plain parse records nothing.
 */
export function loadBlockSubsetWithStarts(text: string): { value: unknown; starts: Map<object, CollectionStarts> } | undefined {
  const starts = new Map<object, CollectionStarts>();
  const values = parse(text, starts);
  return values && { value: values[0], starts };
}

function parse(text: string, starts: Map<object, CollectionStarts> | undefined): unknown[] | undefined {
  if (!text.endsWith('\n') || UNSUPPORTED_CHARACTERS.test(text)) return undefined;
  const raw = text.split('\n');
  raw.pop();
  const lines: Line[] = raw.map((line) => {
    let indent = 0;
    while (line.charCodeAt(indent) === 32) indent += 1;
    return { indent, content: line.slice(indent), raw: line };
  });
  try {
    const parser = new Parser(lines, starts);
    const at = parser.next();
    if (at === undefined || at.indent !== 0) return undefined;
    const value = parser.node(0, 0);
    if (parser.next() !== undefined) return undefined;
    return [value];
  } catch (error) {
    if (error === GIVE_UP) return undefined;
    throw error;
  }
}

function giveUp(): never {
  throw GIVE_UP;
}

class Parser {
  private index = 0;

  /** `starts`: where to record node positions, or undefined (the common case: no cost beyond a test). */
  constructor(
    private readonly lines: Line[],
    private readonly starts: Map<object, CollectionStarts> | undefined,
  ) {}

  /** The next line with content (blank and comment lines skipped), not consumed. */
  next(): Line | undefined {
    while (this.index < this.lines.length) {
      const line = this.lines[this.index]!;
      if (line.content === '' || line.content.startsWith('#')) {
        this.index += 1;
        continue;
      }
      // Document markers and directives: several documents, or what only the other parsers read.
      if (line.indent === 0 && /^(?:---|\.\.\.)(?: |$)|^%/.test(line.content)) giveUp();
      return line;
    }
    return undefined;
  }

  /** A block mapping or sequence whose first line is the next line, at `indent`. */
  node(indent: number, depth: number): unknown {
    if (depth > MAX_DEPTH) giveUp();
    const line = this.next()!;
    return isSequenceEntry(line.content) ? this.sequence(indent, depth) : this.mapping(indent, depth);
  }

  private mapping(indent: number, depth: number): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    const entries = this.starts && new Map<string, { key: NodeStart; value: NodeStart }>();
    if (entries) this.starts!.set(result, { start: this.startOfNext(), entries });
    for (let line = this.next(); line !== undefined && line.indent >= indent; line = this.next()) {
      if (line.indent > indent || isSequenceEntry(line.content)) giveUp();
      const { key, rest, valueAt } = splitKey(line.content);
      if (Object.hasOwn(result, key)) giveUp();
      const lineNumber = this.index + 1;
      this.index += 1;
      const value = rest === '' ? this.nested(indent, depth, true) : this.inlineValue(rest, indent);
      result[key] = value;
      if (entries) {
        // An inline value, or an empty one (yaml places it where its comment or the line's end is), starts after the colon's spaces.
        let at = valueAt;
        while (line.content.charCodeAt(at) === 32) at += 1;
        const inline = { line: lineNumber, column: line.indent + at + 1 };
        entries.set(key, { key: { line: lineNumber, column: line.indent + 1 }, value: this.startOfValue(value, inline) });
      }
    }
    return result;
  }

  private sequence(indent: number, depth: number): unknown[] {
    const result: unknown[] = [];
    const items = this.starts && ([] as NodeStart[]);
    if (items) this.starts!.set(result, { start: this.startOfNext(), items });
    for (let line = this.next(); line !== undefined && line.indent >= indent; line = this.next()) {
      if (line.indent > indent) giveUp();
      // A key at the same indentation ends a sequence that is that mapping's value (`key:` then `- a` lines).
      if (!isSequenceEntry(line.content)) break;
      const afterDash = line.content.slice(1);
      const rest = afterDash.trimStart();
      const column = indent + 1 + (afterDash.length - rest.length);
      const inline = items && { line: this.index + 1, column: column + 1 };
      let value: unknown;
      if (rest === '' || rest.startsWith('#')) {
        this.index += 1;
        value = this.nested(indent, depth, false);
      } else if (isSequenceEntry(rest) || looksLikeMappingEntry(rest)) {
        // A compact node (`- name: x` or `- - x`): the rest of the line is its first line, at its own column.
        line.indent = column;
        line.content = rest;
        value = this.node(column, depth + 1);
      } else {
        this.index += 1;
        value = this.inlineValue(rest, column - 1);
      }
      result.push(value);
      if (items) items.push(this.startOfValue(value, inline!));
    }
    return result;
  }

  /** Where the next line's content starts (a collection's first key or dash). */
  private startOfNext(): NodeStart {
    return { line: this.index + 1, column: this.next()!.indent + 1 };
  }

  /** A block collection starts at its own first line; anything else (a scalar, `{}`, `[]`, an empty value) after its key or dash. */
  private startOfValue(value: unknown, inline: NodeStart): NodeStart {
    return (value !== null && typeof value === 'object' && this.starts!.get(value)?.start) || inline;
  }

  /**
   * The value of `key:` or `-` with nothing after it: a more indented block, or (for a key) a
   * sequence at the key's own indentation, or null.
   */
  private nested(indent: number, depth: number, ofKey: boolean): unknown {
    const line = this.next();
    if (line === undefined) return null;
    if (line.indent > indent) return this.node(line.indent, depth + 1);
    if (ofKey && line.indent === indent && isSequenceEntry(line.content)) return this.sequence(indent, depth + 1);
    return null;
  }

  /** A value on the line of its key or dash; `indent` is the parent's, for a block scalar's lines. */
  private inlineValue(rest: string, indent: number): unknown {
    const first = rest[0]!;
    if (first === '|') return this.literal(rest, indent);
    if (first === '"' || first === "'") {
      const { value, after } = quoted(rest);
      if (!isEndOfValue(after)) giveUp();
      return value;
    }
    if (first === '[' || first === '{') {
      if (/^(?:\[\]|\{\})(?:\s+#.*)?\s*$/.test(rest)) return first === '[' ? [] : {};
      giveUp();
    }
    const text = plainScalar(rest);
    if (text.length <= 3 && AMBIGUOUS_SCALAR.test(text)) giveUp();
    // A more indented line after a plain scalar continues it (a multi-line scalar) or is an error.
    const following = this.next();
    if (following !== undefined && following.indent > indent) giveUp();
    return resolvePlain(text);
  }

  /** `|`, `|-` or `|+` (no explicit indentation), its lines more indented than the parent. */
  private literal(header: string, parentIndent: number): string {
    const match = /^\|([-+]?)(?:\s+#.*)?\s*$/.exec(header);
    if (!match) giveUp();
    const chomping = match[1];
    const start = this.index;
    let end = start;
    let contentIndent = -1;
    for (; end < this.lines.length; end += 1) {
      const line = this.lines[end]!;
      if (line.content === '') {
        // Blank lines before the first content line may not be longer than the content's indentation.
        if (contentIndent === -1 && line.raw.length > 0) giveUp();
        if (contentIndent !== -1 && line.raw.length > contentIndent) giveUp();
        continue;
      }
      if (contentIndent === -1) {
        if (line.indent <= parentIndent) break;
        contentIndent = line.indent;
      } else if (line.indent < contentIndent) break;
    }
    if (contentIndent === -1) giveUp();
    // Trailing blank lines belong to the scalar only through chomping; the next node starts after them.
    let last = end;
    while (last > start && this.lines[last - 1]!.content === '') last -= 1;
    const body = this.lines.slice(start, last).map((line) => (line.content === '' ? '' : line.raw.slice(contentIndent)));
    const trailing = end - last;
    this.index = end;
    const joined = body.join('\n');
    if (chomping === '-') return joined;
    if (chomping === '+') return `${joined}\n${'\n'.repeat(trailing)}`;
    return `${joined}\n`;
  }
}

function isSequenceEntry(content: string): boolean {
  return content.charCodeAt(0) === 45 /* - */ && (content.length === 1 || content.charCodeAt(1) === 32);
}

function looksLikeMappingEntry(content: string): boolean {
  if (content[0] === '"' || content[0] === "'") {
    try {
      return quoted(content).after.startsWith(':');
    } catch (error) {
      if (error === GIVE_UP) return false;
      throw error;
    }
  }
  return /^[^#]*?:(?: |$)/.test(content);
}

/**
 * `key: rest` → the key (a string in the core schema, else give up), the trimmed rest ('' when only a
 * comment follows), and where what follows the colon starts in `content`.
 */
function splitKey(content: string): { key: string; rest: string; valueAt: number } {
  let key: string;
  let after: string;
  if (content[0] === '"' || content[0] === "'") {
    ({ value: key, after } = quoted(content));
    if (after[0] !== ':') giveUp();
    after = after.slice(1);
  } else {
    const colon = mappingColon(content);
    if (colon <= 0) giveUp();
    key = content.slice(0, colon).trimEnd();
    after = content.slice(colon + 1);
    if (INDICATOR_START.test(key) || key.includes(' #') || typeof resolvePlain(key) !== 'string') giveUp();
  }
  // Keys the JavaScript object would treat specially, or a merge key some tools expand.
  if (key === '__proto__' || key === '<<') giveUp();
  if (after !== '' && after[0] !== ' ') giveUp();
  const rest = after.trim();
  return { key, rest: rest.startsWith('#') ? '' : rest, valueAt: content.length - after.length };
}

/** One-line quoted scalar at the start of `text`: its value and what follows the closing quote. */
function quoted(text: string): { value: string; after: string } {
  if (text[0] === "'") {
    let value = '';
    let index = 1;
    for (;;) {
      const close = text.indexOf("'", index);
      if (close === -1) giveUp();
      value += text.slice(index, close);
      if (text[close + 1] === "'") {
        value += "'";
        index = close + 2;
        continue;
      }
      return { value, after: text.slice(close + 1) };
    }
  }
  let value = '';
  let index = 1;
  for (;;) {
    const next = text.slice(index).search(/["\\]/);
    if (next === -1) giveUp();
    value += text.slice(index, index + next);
    index += next;
    if (text[index] === '"') return { value, after: text.slice(index + 1) };
    const escape = text[index + 1];
    const simple = escape === undefined ? undefined : SIMPLE_ESCAPES[escape];
    if (simple !== undefined) {
      value += simple;
      index += 2;
    } else if (escape === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(index + 2, index + 6))) {
      const code = parseInt(text.slice(index + 2, index + 6), 16);
      if (code >= 0xd800 && code <= 0xdfff) giveUp();
      value += String.fromCharCode(code);
      index += 6;
    } else {
      giveUp();
    }
  }
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '0': '\0', ' ': ' ' };

/** After a quoted value: nothing, or spaces and a comment. */
function isEndOfValue(after: string): boolean {
  return /^(?:\s+#.*)?\s*$/.test(after);
}

/** The first `:` followed by a space or the end of the line (a mapping indicator), or -1. */
function mappingColon(text: string): number {
  for (let at = text.indexOf(':'); at !== -1; at = text.indexOf(':', at + 1)) {
    if (at === text.length - 1 || text.charCodeAt(at + 1) === 32) return at;
  }
  return -1;
}

/** A one-line plain scalar in a value, without its comment. */
function plainScalar(rest: string): string {
  if (INDICATOR_START.test(rest) && !/^-[^\s]/.test(rest)) giveUp();
  const comment = rest.indexOf(' #');
  const text = (comment === -1 ? rest : rest.slice(0, comment)).trimEnd();
  // `a: b: c` is an error, `a: b:` too.
  if (mappingColon(text) !== -1) giveUp();
  return text;
}

/** YAML 1.2 core schema, as the yaml package resolves plain scalars (the patterns: core-schema.ts). */
function resolvePlain(text: string): unknown {
  if (text === '') return null;
  const first = text.charCodeAt(0);
  // ~ n N: null; t T f F: booleans; digits, signs and dots: numbers; anything else is a string (tested in this order: most values are strings).
  if (!((first >= 48 && first <= 57) || first === 43 || first === 45 || first === 46)) {
    if (first === 126 || first === 110 || first === 78) return CORE_SCHEMA.null.test(text) ? null : text;
    if (first === 116 || first === 84 || first === 102 || first === 70) return CORE_SCHEMA.bool.test(text) ? first === 116 || first === 84 : text;
    return text;
  }
  // What YAML 1.1 (and js-yaml) read as numbers and YAML 1.2 as strings: the precise parser decides, as before.
  if (/^[-+]?0b|^\+|^[-+]?[0-9.][0-9._]*_/.test(text)) giveUp();
  if (CORE_SCHEMA.octal.test(text)) return parseInt(text.slice(2), 8);
  if (CORE_SCHEMA.decimal.test(text)) return parseInt(text, 10);
  if (CORE_SCHEMA.hex.test(text)) return parseInt(text.slice(2), 16);
  if (CORE_SCHEMA.special.test(text)) return text.endsWith('nan') || text.endsWith('NaN') || text.endsWith('NAN') ? NaN : text.startsWith('-') ? -Infinity : Infinity;
  if (CORE_SCHEMA.exponent.test(text)) return parseFloat(text);
  if (CORE_SCHEMA.float.test(text)) return parseFloat(text);
  return text;
}
