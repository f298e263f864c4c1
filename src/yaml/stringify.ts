import { stringify } from 'yaml';
import { writePlainYaml } from './plain-yaml.js';

export interface StringifyOptions {
  /** Comment lines written above the document, without the leading "# ". */
  readonly header?: readonly string[];
}

/**
 * The one YAML writer of the generator. Key order is the order objects were built in (typed
 * builders fix it); no line folding, so a long string never moves to a new line when it grows; version
 * strings stay quoted so YAML 1.1 readers never turn 8.2 into a float. Plain data goes through
 * writePlainYaml, which writes what `yaml` would, faster; whatever it is not certain about goes to `yaml`.
 */
export function stringifyYaml(value: unknown, options: StringifyOptions = {}): string {
  const body = writePlainYaml(value) ?? stringifyWithYamlPackage(value);
  const header = (options.header ?? []).map((line) => `# ${line}`.trimEnd()).join('\n');
  const text = header ? `${header}\n${body}` : body;
  if (capture) record(capture, text, [value]);
  return text;
}

/** The reference writer: the `yaml` package with the generator's options (writePlainYaml's oracle in tests). */
export function stringifyWithYamlPackage(value: unknown): string {
  return stringify(value, {
    lineWidth: 0,
    indent: 2,
    indentSeq: true,
    aliasDuplicateObjects: false,
    defaultStringType: 'PLAIN',
    defaultKeyType: 'PLAIN',
    version: '1.2',
    // Plain data needs no %YAML or %TAG directive; without this, yaml walks every document to find out (7% of generating a repository).
    directives: false,
  });
}

/** Several documents in one file, separated the way kubectl and Kustomize expect. */
export function stringifyYamlDocuments(values: readonly unknown[], options: StringifyOptions = {}): string {
  const text = values.map((value, index) => stringifyYaml(value, index === 0 ? options : {})).join('---\n');
  if (capture) record(capture, text, values);
  return text;
}

/** JSON as npm writes it (2-space indent, final newline): package.json and its lockfile. Captured like YAML (JSON is YAML). */
export function stringifyJson(value: unknown): string {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  if (capture) record(capture, text, [value]);
  return text;
}

/** Text written → the values of its documents, as a YAML parser would give them back. */
export type WrittenYaml = ReadonlyMap<string, readonly unknown[]>;

let capture: Map<string, unknown[]> | undefined;

/**
 * Runs `produce` (synchronous: the generator is) and keeps, for every YAML or JSON text written meanwhile, the
 * values it was written from. init validates the tree it just generated with these instead of parsing
 * it again (src/validator/sources.ts); a text is looked up whole, so one that was changed after it was
 * written is simply not found and gets parsed. Nested captures each see their own writes.
 */
export function captureWrittenYaml<T>(produce: () => T): { result: T; written: WrittenYaml } {
  const previous = capture;
  const written = new Map<string, unknown[]>();
  capture = written;
  try {
    return { result: produce(), written };
  } finally {
    capture = previous;
  }
}

function record(into: Map<string, unknown[]>, text: string, values: readonly unknown[]): void {
  const copies: unknown[] = [];
  for (const value of values) {
    const copy = plainCopy(value);
    if (copy === NOT_PLAIN) return;
    copies.push(copy);
  }
  into.set(text, copies);
}

const NOT_PLAIN = Symbol('not plain data');

/**
 * The value a parser would read back from what stringifyYaml wrote: keys whose value is undefined are
 * left out (the writer skips them), undefined in a list is null (the writer writes null). A fresh copy,
 * so the validator never shares an object with the templates. Anything a YAML round trip would not
 * give back as is (-0, NaN, ±Infinity, a Date, a Map, a class instance) makes the text unrecorded: parsed.
 */
function plainCopy(value: unknown): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0) ? value : NOT_PLAIN;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    for (const item of value) {
      const itemCopy = item === undefined ? null : plainCopy(item);
      if (itemCopy === NOT_PLAIN) return NOT_PLAIN;
      copy.push(itemCopy);
    }
    return copy;
  }
  if (typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype !== Object.prototype && prototype !== null) return NOT_PLAIN;
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      if (key === '__proto__') return NOT_PLAIN;
      const itemCopy = plainCopy(item);
      if (itemCopy === NOT_PLAIN) return NOT_PLAIN;
      copy[key] = itemCopy;
    }
    return copy;
  }
  return NOT_PLAIN;
}
