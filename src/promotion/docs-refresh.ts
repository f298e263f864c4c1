import { CHECKSUMS_FILE, parseChecksums, serializeChecksums, sha256 } from '../generator/checksums.js';
import type { FileTree } from '../generator/file-tree.js';

export interface DocsRefresh {
  /** Every generated document, in path order, and whether its content on disk is what the model gives. */
  readonly docs: readonly { readonly file: string; readonly stale: boolean }[];
  /** What to write: stale documents, then the checksum record when it changes. */
  readonly writes: ReadonlyMap<string, string>;
  /** Stale documents edited by hand since cp-gitops wrote them: never silently overwritten. */
  readonly conflicts: readonly string[];
}

/**
 * The documents to rewrite so they describe the model again. Pure. Like planTreeChange, a hand-edited
 * file (content no longer what the checksum record says cp-gitops wrote) is a conflict, and the record
 * follows what is written. Documents already right get their record entry too, so a run interrupted
 * between writing a document and writing the record is repaired by the next run. A repository without
 * the record gets none: without it, there is nothing to tell a hand edit by.
 */
export function planDocsRefresh(generated: FileTree, disk: ReadonlyMap<string, string>): DocsRefresh {
  const recorded = parseChecksums(disk.get(CHECKSUMS_FILE));
  const docs: { file: string; stale: boolean }[] = [];
  const writes = new Map<string, string>();
  const conflicts: string[] = [];
  for (const [file, content] of generated) {
    const current = disk.get(file);
    const stale = current !== content;
    docs.push({ file, stale });
    if (!stale) continue;
    writes.set(file, content);
    if (current !== undefined && recorded && recorded.get(file) !== sha256(current)) conflicts.push(file);
  }
  if (recorded) {
    const checksums = new Map(recorded);
    for (const [file, content] of generated) checksums.set(file, sha256(content));
    const record = serializeChecksums(checksums);
    if (record !== disk.get(CHECKSUMS_FILE)) writes.set(CHECKSUMS_FILE, record);
  }
  return { docs, writes, conflicts };
}
