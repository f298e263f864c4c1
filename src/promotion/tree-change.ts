import type { FileTree } from '../generator/file-tree.js';

export interface TreeChange {
  /** Files to write (new or changed). */
  readonly writes: ReadonlyMap<string, string>;
  /** Files the new model no longer generates. */
  readonly deletes: readonly string[];
  /** Files the change would touch that were edited by hand (they differ from what the old model generates). */
  readonly conflicts: readonly string[];
}

/**
 * The files a model change touches: what the new model generates differently from the old one.
 * Files the change does not concern are left alone even if edited by hand; a hand-edited file the
 * change does concern is a conflict, never silently overwritten.
 */
export function planTreeChange(before: FileTree, after: FileTree, disk: ReadonlyMap<string, string>): TreeChange {
  const writes = new Map<string, string>();
  const deletes: string[] = [];
  const conflicts: string[] = [];
  for (const [path, content] of after) {
    if (before.get(path) === content) continue;
    const current = disk.get(path);
    if (current === content) continue;
    if (current !== undefined && current !== before.get(path)) conflicts.push(path);
    writes.set(path, content);
  }
  for (const [path, content] of before) {
    if (after.has(path)) continue;
    const current = disk.get(path);
    if (current === undefined) continue;
    if (current !== content) conflicts.push(path);
    deletes.push(path);
  }
  return { writes, deletes: deletes.sort(), conflicts: conflicts.sort() };
}
