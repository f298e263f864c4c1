/**
 * Imported schemas come from outside (a CRD, a catalog, a pull request adding a file under
 * .cp-gitops/schemas/). JavaScript's RegExp backtracks: `^(a+)+$` takes exponential time on a value
 * that almost matches (ReDoS). Their `pattern`s and `patternProperties` therefore run on RE2 (re2js,
 * a pure JavaScript port), whose matching time is linear in the input, through ajv's `code.regExp`
 * option. RE2 has no lookaround and no backreferences (they need backtracking): a schema using them is
 * refused, naming the pattern's JSON pointer. Built-in schemas are ours and keep the native engine.
 */
import { RE2JS } from 're2js';
import { isSchemaObject } from './json-schema.js';

/**
 * The specifier ajv's standalone code of an imported schema uses to load this engine (the compiled
 * code is cached on disk); evaluateStandalone resolves it to this module and to nothing else.
 */
export const LINEAR_REGEXP_SPECIFIER = 'cp-gitops:linear-regexp';

/** ajv's RegExpEngine: called with the pattern and its flags ("" or "u"), it returns something with `test`. */
export interface LinearRegExpEngine {
  (pattern: string, flags: string): { test(input: string): boolean };
  code: string;
}

/** Throws (an RE2 syntax error) when RE2 cannot run the pattern; see unsupportedPatterns for the reason. */
export const linearRegExp: LinearRegExpEngine = Object.assign(
  (pattern: string): { test(input: string): boolean; toString(): string } => {
    // translateRegExp turns ECMAScript-only spellings RE2 has another way to write ((?<name>…), \u{…}, \/) into RE2's.
    const compiled = RE2JS.compile(RE2JS.translateRegExp(pattern));
    // ajv keys its cache of patterns by toString(): one per pattern source.
    return { test: (input: string) => compiled.test(input), toString: () => pattern };
  },
  { code: `require(${JSON.stringify(LINEAR_REGEXP_SPECIFIER)}).linearRegExp` },
);

export interface UnsupportedPattern {
  /** JSON pointer (RFC 6901) of the `pattern` value or the `patternProperties` key, from the schema's root. */
  readonly pointer: string;
  readonly pattern: string;
  /** What it uses that RE2 does not run ("a lookbehind (?<=…)"). */
  readonly feature: string;
  /** What to write instead. */
  readonly fix: string;
}

/** Keywords whose values are data, not schemas: a `pattern` key in them is not a regular expression. */
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'example', 'examples', 'x-kubernetes-validations']);

/** Every `pattern` and `patternProperties` key of a schema that RE2 cannot run, with where it is. */
export function unsupportedPatterns(schema: unknown, base = ''): UnsupportedPattern[] {
  const found: UnsupportedPattern[] = [];
  const check = (pattern: string, pointer: string): void => {
    const reason = unsupportedReason(pattern);
    if (reason !== undefined) found.push({ pointer, pattern, ...reason });
  };
  const walk = (node: unknown, pointer: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => walk(item, `${pointer}/${index}`));
      return;
    }
    if (!isSchemaObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      const at = `${pointer}/${escapePointer(key)}`;
      if (DATA_KEYWORDS.has(key)) continue;
      if (key === 'pattern' && typeof value === 'string') check(value, at);
      if (key === 'patternProperties' && isSchemaObject(value)) for (const pattern of Object.keys(value)) check(pattern, `${at}/${escapePointer(pattern)}`);
      walk(value, at);
    }
  };
  walk(schema, base);
  return found;
}

/** undefined when RE2 runs the pattern; else what it uses that RE2 does not have, and what to do. */
export function unsupportedReason(pattern: string): { feature: string; fix: string } | undefined {
  try {
    linearRegExp(pattern, '');
    return undefined;
  } catch (error) {
    // RE2 leaves out exactly the features that need backtracking (https://github.com/google/re2/wiki/Syntax).
    if (/\(\?<[=!]/.test(pattern)) return { feature: 'a lookbehind, (?<=…) or (?<!…)', fix: 'match the preceding text itself, or drop the condition' };
    if (/\(\?[=!]/.test(pattern)) return { feature: 'a lookahead, (?=…) or (?!…)', fix: 'spell out the allowed text, or state each condition as its own pattern under allOf (or not: {pattern: …})' };
    if (/\\[1-9]|\\k</.test(pattern)) return { feature: 'a backreference, \\1 or \\k<name>', fix: 'list the allowed repetitions, or drop the check' };
    return { feature: `syntax RE2 does not accept (${error instanceof Error ? error.message : String(error)})`, fix: 'write it in the syntax RE2 and ECMAScript share' };
  }
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
