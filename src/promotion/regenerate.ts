import { contentHash, isRecordPath, readRecord, recordFiles, sameText, type GeneratedRecord } from '../generator/checksums.js';
import type { FileTree } from '../generator/file-tree.js';
import { MODEL_FILE } from '../model/types.js';

export interface Regeneration {
  /** Files to write (new or changed), record entries included. */
  readonly writes: ReadonlyMap<string, string>;
  /** Files to delete (no longer generated), record entries included. */
  readonly deletes: readonly string[];
  /** Hand-edited files that would be written or deleted: never touched without `force`. */
  readonly conflicts: readonly string[];
  /** Generated files that are not what the model gives but are left alone: hand edits a change does not concern, or that carry a drift/stale suppression. */
  readonly kept: readonly string[];
  /** The files (record entries aside) written or deleted, in path order: what changed. */
  readonly changed: readonly { readonly file: string; readonly action: 'create' | 'update' | 'delete' }[];
}

export interface RegenerateOptions {
  /**
   * What the model generated before a change (change commands). A file the change does not concern
   * (before and target agree) that was edited by hand is left alone rather than a conflict, and a
   * file still equal to `before` is never a hand edit.
   */
  readonly before?: FileTree;
  /** Overwrite (and delete) hand-edited files too. */
  readonly force?: boolean;
  /** Only these paths are regenerated, deleted and re-recorded (cp-gitops docs: the documents). */
  readonly scope?: (path: string) => boolean;
}

/**
 * The one path from a generated tree to the disk, shared by `cp-gitops generate`, `cp-gitops docs`
 * and every change command. Pure. Brings every generated file to `target` (line endings aside),
 * deletes files cp-gitops generated that the model no longer gives (a removed environment), and
 * refuses to overwrite a hand edit: a file whose content is neither what the record says cp-gitops
 * wrote nor what the model (before the change) gives. Nothing is written when nothing changes, so a
 * current repository stays byte for byte as it is; otherwise the record follows what is written.
 */
export function planRegeneration(target: FileTree, disk: ReadonlyMap<string, string>, options: RegenerateOptions = {}): Regeneration {
  const { before, force = false } = options;
  const inScope = options.scope ?? (() => true);
  const record = readRecord(disk);
  const editedByHand = (path: string, current: string): boolean => {
    if (path === MODEL_FILE || (before !== undefined && sameText(current, before.get(path)))) return false;
    return !(record?.get(path)?.has(contentHash(current)) ?? false);
  };

  const writes = new Map<string, string>();
  const deletes: string[] = [];
  const conflicts: string[] = [];
  const kept: string[] = [];
  const changed: { file: string; action: 'create' | 'update' | 'delete' }[] = [];
  for (const [path, content] of target) {
    if (isRecordPath(path) || !inScope(path)) continue;
    const current = disk.get(path);
    if (sameText(current, content)) continue;
    if (current !== undefined && editedByHand(path, current)) {
      const concerned = before === undefined || before.get(path) !== content;
      if (!concerned || (!force && keepsHandEdit(current))) {
        kept.push(path);
        continue;
      }
      if (!force) conflicts.push(path);
    }
    writes.set(path, content);
    changed.push({ file: path, action: current === undefined ? 'create' : 'update' });
  }
  // What cp-gitops generated earlier (the record, the model before the change) and no longer generates.
  const generatedEarlier = new Set([...(record?.keys() ?? []), ...(before?.keys() ?? [])]);
  for (const path of [...generatedEarlier].sort()) {
    if (target.has(path) || isRecordPath(path) || path === MODEL_FILE || !inScope(path)) continue;
    const current = disk.get(path);
    if (current === undefined) continue;
    if (editedByHand(path, current) && !force) conflicts.push(path);
    deletes.push(path);
    changed.push({ file: path, action: 'delete' });
  }

  if (writes.size > 0 || deletes.length > 0) followRecord(record, target, disk, { writes, deletes, kept, inScope });
  changed.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { writes, deletes: deletes.sort(), conflicts: conflicts.sort(), kept: kept.sort(), changed };
}

/** The record after the writes: every in-scope file equal to the target gets its one entry; kept files keep theirs. */
function followRecord(
  record: GeneratedRecord | undefined,
  target: FileTree,
  disk: ReadonlyMap<string, string>,
  plan: { writes: Map<string, string>; deletes: string[]; kept: readonly string[]; inScope: (path: string) => boolean },
): void {
  const next = new Map<string, ReadonlySet<string>>(record ?? []);
  for (const [path, content] of target) {
    if (isRecordPath(path) || !plan.inScope(path) || plan.kept.includes(path)) continue;
    // cp-gitops.yaml is the input: its entry changes only when cp-gitops writes it.
    if (path === MODEL_FILE && !plan.writes.has(path) && record !== undefined) continue;
    next.set(path, new Set([contentHash(content)]));
  }
  for (const path of plan.deletes) next.delete(path);
  const wanted = recordFiles(next);
  for (const [path, content] of wanted) if (disk.get(path) !== content) plan.writes.set(path, content);
  for (const path of disk.keys()) if (isRecordPath(path) && !wanted.has(path)) plan.deletes.push(path);
}

/** `# cp-gitops:ignore drift/stale <reason>`: the file is a deliberate hand edit that validate accepts, so it is kept too. */
function keepsHandEdit(content: string): boolean {
  return /(^|\s)#\s*cp-gitops:ignore\s+drift\/stale\s+\S/m.test(content);
}
