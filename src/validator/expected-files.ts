import { contentHash } from '../generator/checksums.js';
import type { FileTree } from '../generator/file-tree.js';

/**
 * What cp-gitops.yaml generates, as drift detection (rules/drift.ts) asks about it: which paths, and
 * whether a file's content is the generated one. Two sources answer the same questions:
 * - the generated tree itself (`expectedFromTree`);
 * - the digests of a tree generated earlier from the same cp-gitops.yaml by the same build
 *   (`expectedFromDigests`, kept by src/adapters/drift-cache.ts), which decide a match by hash and
 *   generate the tree only when a file differs, to say from which line.
 * A digest can only ever spare the generation: a mismatch is confirmed against the generated content,
 * so a wrong or stale digest costs time, never a finding.
 */
export interface ExpectedFiles {
  /** Every path cp-gitops.yaml generates, in the generator's order. */
  readonly paths: readonly string[];
  has(path: string): boolean;
  /** The first line (1-based) where `content` (line endings normalised) differs from the generated file; undefined when equal. */
  firstDifferentLine(path: string, content: string): number | undefined;
}

/** Path → contentHash of the generated file: what a drift cache entry keeps. */
export type GeneratedDigests = ReadonlyMap<string, string>;

export function digestsOf(tree: FileTree): Map<string, string> {
  return new Map([...tree].map(([path, content]) => [path, contentHash(content)]));
}

export function expectedFromTree(tree: FileTree): ExpectedFiles {
  return {
    paths: [...tree.keys()],
    has: (path) => tree.has(path),
    firstDifferentLine: (path, content) => firstDifferentLine(content, tree.get(path) ?? ''),
  };
}

/** `generate` runs at most once, on the first file whose digest differs (undefined: the model no longer generates). */
export function expectedFromDigests(digests: GeneratedDigests, generate: () => FileTree | undefined): ExpectedFiles {
  let generated: FileTree | undefined | null = null;
  return {
    paths: [...digests.keys()],
    has: (path) => digests.has(path),
    firstDifferentLine(path, content) {
      if (digests.get(path) === contentHash(content)) return undefined;
      if (generated === null) generated = generate();
      const expected = generated?.get(path);
      return expected === undefined ? firstDifferentLine(content, '') : firstDifferentLine(content, expected);
    },
  };
}

/** The first line (1-based) where `actual` stops being `expected`, clamped to `actual`'s lines; undefined when equal. */
export function firstDifferentLine(actual: string, expected: string): number | undefined {
  if (actual === expected) return undefined;
  const a = actual.split('\n');
  const b = expected.split('\n');
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) if (a[index] !== b[index]) return Math.min(index + 1, Math.max(a.length, 1));
  return 1;
}
