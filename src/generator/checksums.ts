import { createHash } from 'node:crypto';
import { fileTree, type FileTree } from './file-tree.js';

/**
 * What cp-gitops last wrote to each file, so a later run tells a hand edit (content no longer what
 * cp-gitops wrote) from a file that is merely stale (cp-gitops.yaml or cp-gitops changed since).
 *
 * One small file per written (path, content) under `.cp-gitops/generated/`, named by the hash of its
 * entry and never modified, only added or deleted. Two pull requests from the same main then never
 * conflict in the record: Git merges distinct additions and identical deletions cleanly, on every
 * server (GitHub ignores `merge=union` and custom merge drivers). After such a merge a path may have
 * two entries; either one (or the content the model generates) means "as cp-gitops wrote it", and the
 * next cp-gitops run that writes files keeps one. Each entry is one `sha256sum` line, so
 * `cat .cp-gitops/generated/* | sha256sum -c` lists what was edited by hand.
 */
export const RECORD_DIR = '.cp-gitops/generated';
/** The single-file record of earlier versions: still read, replaced by entries on the next write. */
export const LEGACY_RECORD_FILE = '.cp-gitops/generated.sha256';

/** Line endings are the checkout's business (core.autocrlf, .gitattributes): content compares without them. */
export function normalizeEol(text: string): string {
  return text.includes('\r\n') ? text.replace(/\r\n/g, '\n') : text;
}

export function sameText(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && (a === b || normalizeEol(a) === normalizeEol(b));
}

function sha256(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

/** The hash a record holds for a file's content, whatever its line endings. */
export function contentHash(content: string): string {
  return sha256(normalizeEol(content));
}

export function isRecordPath(path: string): boolean {
  return path === LEGACY_RECORD_FILE || path.startsWith(`${RECORD_DIR}/`);
}

/** Path → the content hashes cp-gitops wrote there (usually one); undefined when the repository has no record. */
export type GeneratedRecord = ReadonlyMap<string, ReadonlySet<string>>;

export function readRecord(tree: ReadonlyMap<string, string>): GeneratedRecord | undefined {
  const record = new Map<string, Set<string>>();
  let found = false;
  for (const [path, text] of tree) {
    if (!isRecordPath(path)) continue;
    found = true;
    for (const line of text.split(/\r?\n/)) {
      const match = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
      if (match) record.set(match[2]!, new Set([...(record.get(match[2]!) ?? []), match[1]!]));
    }
  }
  return found ? record : undefined;
}

/** The entry files of a record: one per (path, hash), named by the hash of the entry line. */
export function recordFiles(record: GeneratedRecord): FileTree {
  const entries: [string, string][] = [];
  for (const [path, hashes] of record) {
    for (const hash of hashes) {
      const line = `${hash}  ${path}\n`;
      entries.push([`${RECORD_DIR}/${sha256(line)}.sha256`, line]);
    }
  }
  return fileTree(entries);
}

/** The tree plus the record of every other file in it. */
export function withRecord(tree: FileTree): FileTree {
  const files = [...tree].filter(([path]) => !isRecordPath(path));
  const record = new Map(files.map(([path, content]) => [path, new Set([contentHash(content)])]));
  return fileTree([...files, ...recordFiles(record)]);
}
