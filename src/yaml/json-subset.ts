/**
 * The fast path for JSON files (package.json, package-lock.json, a JSON manifest): JSON is YAML, so the
 * validator reads .json files, and a lock file of a few hundred packages went through js-yaml, which a
 * cold run paid ~20 ms for (issue #14). JSON.parse gives the values the precise parser gives (yaml's
 * YAML 1.2 core schema) for the JSON this accepts, and it answers only when certain:
 * - an object or array at the top (a bare scalar is rare, and left to the YAML parsers);
 * - no tab (yaml rejects some tabs in flow collections that JSON allows), no character YAML does not
 *   print (DEL, C1 controls but NEL, BOM, U+FFFE/U+FFFF) nor a line or paragraph separator, and no key of
 *   1,024 characters or more (YAML's limit on implicit keys);
 * - no duplicate key (JSON.parse keeps the last; the precise parser reports yaml/duplicate-key), keys
 *   compared after their escapes (`"a"` and `"\u0061"` are the same key);
 * - nesting no deeper than the block-subset parser's bound.
 * Anything else returns undefined and the caller's next parser decides.
 */

const MAX_DEPTH = 200;
const NOT_FOR_YAML = /[\t\u007f-\u0084\u0086-\u009f\u2028\u2029\ufeff\ufffe\uffff]/;
const MAX_KEY_LENGTH = 1024;

export function loadJsonSubset(text: string): unknown[] | undefined {
  const first = text.trimStart().charCodeAt(0);
  if ((first !== 0x7b && first !== 0x5b) || NOT_FOR_YAML.test(text)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return keysAreUnique(text) ? [value] : undefined;
}

/** Walks text that JSON.parse accepted: strings, brackets and commas are all the structure there is. */
function keysAreUnique(text: string): boolean {
  // One entry per open collection: the keys seen so far in an object, null in an array.
  const open: (Set<string> | null)[] = [];
  let expectingKey = false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 0x22) {
      let end = index + 1;
      let escaped = false;
      for (;;) {
        const next = text.charCodeAt(end);
        if (next === 0x22) break;
        if (next === 0x5c) {
          escaped = true;
          end += 2;
        } else {
          end += 1;
        }
      }
      const keys = open[open.length - 1];
      if (expectingKey && keys) {
        const key = escaped ? (JSON.parse(text.slice(index, end + 1)) as string) : text.slice(index + 1, end);
        if (key.length >= MAX_KEY_LENGTH || keys.has(key)) return false;
        keys.add(key);
        expectingKey = false;
      }
      index = end;
    } else if (code === 0x7b || code === 0x5b) {
      if (open.length >= MAX_DEPTH) return false;
      open.push(code === 0x7b ? new Set() : null);
      expectingKey = code === 0x7b;
    } else if (code === 0x7d || code === 0x5d) {
      open.pop();
      expectingKey = false;
    } else if (code === 0x2c) {
      expectingKey = open[open.length - 1] !== null;
    }
  }
  return true;
}
