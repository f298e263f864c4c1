/**
 * Imported schemas come from outside (a CRD, a catalog, a pull request adding a file under
 * .cp-gitops/schemas/), and ajv runs their `pattern`s on JavaScript's backtracking engine: a nested
 * quantifier such as `^(a+)+$` takes exponential time on a value that almost matches. Such patterns
 * are refused, at import and when the validator loads the schema.
 */

/** Every `pattern` and `patternProperties` key of a schema that can backtrack catastrophically. */
export function catastrophicPatterns(schema: unknown): string[] {
  const found = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'pattern' && typeof value === 'string' && hasNestedQuantifier(value)) found.add(value);
      if (key === 'patternProperties' && value !== null && typeof value === 'object') {
        for (const pattern of Object.keys(value)) if (hasNestedQuantifier(pattern)) found.add(pattern);
      }
      walk(value);
    }
  };
  walk(schema);
  return [...found];
}

/** A group that holds an unbounded quantifier and is itself repeated without bound: `(a+)+`, `(\w*\s?)*`, `(?:x{2,})+`. */
export function hasNestedQuantifier(pattern: string): boolean {
  // For each open group: whether its body (at any depth) repeats without bound.
  const groups: boolean[] = [];
  let index = 0;
  const unboundedAt = (at: number): number => {
    const char = pattern[at];
    if (char === '+' || char === '*') return 1;
    if (char === '{') {
      const match = /^\{\d*,\d*\}/.exec(pattern.slice(at));
      if (match && /,\}$/.test(match[0])) return match[0].length;
      if (match) {
        const [min, max] = match[0].slice(1, -1).split(',').map(Number);
        if (max !== undefined && min !== undefined && max > 1 && max - min >= 8) return match[0].length;
      }
    }
    return 0;
  };
  while (index < pattern.length) {
    const char = pattern[index]!;
    if (char === '\\') {
      index += 2;
    } else if (char === '[') {
      index += 1;
      while (index < pattern.length && pattern[index] !== ']') index += pattern[index] === '\\' ? 2 : 1;
      index += 1;
    } else if (char === '(') {
      groups.push(false);
      index += 1;
    } else if (char === ')') {
      const repeatedInside = groups.pop() ?? false;
      index += 1;
      const quantifier = unboundedAt(index);
      if (quantifier > 0 && repeatedInside) return true;
      if ((quantifier > 0 || repeatedInside) && groups.length > 0) groups[groups.length - 1] = true;
      index += quantifier;
    } else {
      const quantifier = unboundedAt(index);
      if (quantifier > 0 && groups.length > 0) groups[groups.length - 1] = true;
      index += Math.max(1, quantifier);
    }
  }
  return false;
}
