import { CHECKSUMS_FILE, parseChecksums, serializeChecksums, sha256 } from '../generator/checksums.js';
import type { FileTree } from '../generator/file-tree.js';
import { MODEL_FILE } from '../model/types.js';

export interface TreeChange {
  /** Files to write (new or changed), the checksum record included. */
  readonly writes: ReadonlyMap<string, string>;
  /** Files the new model no longer generates. */
  readonly deletes: readonly string[];
  /** Files the change would touch that were edited by hand since cp-gitops wrote them. */
  readonly conflicts: readonly string[];
}

/**
 * The files a model change touches: what the new model generates differently from the old one.
 * Files the change does not concern are left alone even if edited by hand; a hand-edited file the
 * change does concern is a conflict, never silently overwritten. "Edited by hand" means: its content
 * differs from what the checksum record says cp-gitops wrote (or, in a repository without the record,
 * from what the old model generates).
 */
export function planTreeChange(before: FileTree, after: FileTree, disk: ReadonlyMap<string, string>): TreeChange {
  const recorded = parseChecksums(disk.get(CHECKSUMS_FILE));
  const editedByHand = (path: string, current: string) => (recorded ? recorded.get(path) !== sha256(current) : current !== before.get(path));
  const writes = new Map<string, string>();
  const deletes: string[] = [];
  const conflicts: string[] = [];
  for (const [path, content] of after) {
    if (path === CHECKSUMS_FILE || before.get(path) === content) continue;
    const current = disk.get(path);
    if (current === content) continue;
    // cp-gitops.yaml edited by hand is no conflict: the change was planned from it, so the edit is kept.
    if (current !== undefined && path !== MODEL_FILE && editedByHand(path, current)) conflicts.push(path);
    writes.set(path, content);
  }
  for (const path of before.keys()) {
    if (path === CHECKSUMS_FILE || after.has(path)) continue;
    const current = disk.get(path);
    if (current === undefined) continue;
    if (editedByHand(path, current)) conflicts.push(path);
    deletes.push(path);
  }
  // The record follows what is written; files the change does not touch keep their entries.
  const checksums = new Map(recorded ?? [...before].filter(([path]) => path !== CHECKSUMS_FILE && disk.get(path) === before.get(path)).map(([path, content]) => [path, sha256(content)]));
  for (const [path, content] of writes) checksums.set(path, sha256(content));
  for (const path of deletes) checksums.delete(path);
  const record = serializeChecksums(checksums);
  if (writes.size > 0 || deletes.length > 0) {
    if (disk.get(CHECKSUMS_FILE) !== record) writes.set(CHECKSUMS_FILE, record);
  }
  return { writes, deletes: deletes.sort(), conflicts: conflicts.sort() };
}
