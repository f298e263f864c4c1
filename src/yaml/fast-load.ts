import { createRequire } from 'node:module';
import { loadBlockSubset } from './block-subset.js';
import { loadJsonSubset } from './json-subset.js';

/**
 * The fast half of "fast first, precise where needed": plain values of a YAML stream from js-yaml,
 * without positions. It answers only when its values are certain to equal those of the precise parser
 * (yaml's Document API with YAML 1.2 core); otherwise it returns undefined and the caller parses
 * precisely, which also reports the problem with its position.
 */

// js-yaml's CommonJS build: measured 5–10× faster to load and run than its ES-module build here.
const { loadAll } = createRequire(import.meta.url)('js-yaml') as {
  loadAll(text: string, options: { maxAliases: number }): unknown[];
};

/**
 * Plain scalars that YAML 1.1 reads as booleans are warnings (yaml/ambiguous-scalar) that only the
 * precise parser can place: any candidate in a value position sends the file to it.
 */
const AMBIGUOUS_VALUE = /(?:^|[\s:[{,-])(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)[ \t]*(?:$|#|,|\]|\})/m;

/**
 * Constructs the two parsers read differently (YAML 1.1 leftovers in js-yaml's core schema: binary
 * and underscored numbers, `+`-signed numbers), tags, directives and document-end markers. Rare in a
 * GitOps repository; where they occur the precise parser decides.
 */
const NEEDS_PRECISE = /(?:^|[\s:[{,-])(?:[+-]?0b[01]|[+-]?\d[\d_]*_\d|\+\d|\+\.|!)|^%|^\.\.\.(?:\s|$)/m;

/** Whether only the precise parser may read `text` (for its values, or for the warnings only it places). */
export function needsPreciseParse(text: string): boolean {
  return AMBIGUOUS_VALUE.test(text) || NEEDS_PRECISE.test(text);
}

export function fastLoadAll(text: string): unknown[] | undefined {
  // Most files are plain block YAML: the subset parser reads them ten times faster than js-yaml.
  const subset = loadBlockSubset(text);
  if (subset !== undefined) return subset;
  // JSON files (a package-lock.json of a few hundred packages): JSON.parse, where its values are certain.
  const json = loadJsonSubset(text);
  if (json !== undefined) return json;
  if (needsPreciseParse(text)) return undefined;
  try {
    // maxAliases 0: any alias (and so any alias bomb) goes to the precise parser, which bounds expansion.
    return loadAll(text, { maxAliases: 0 });
  } catch {
    // Duplicate keys, syntax errors, depth: the precise parser reports them with their positions.
    return undefined;
  }
}
