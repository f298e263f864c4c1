import { createHash } from 'node:crypto';
import { fileTree, type FileTree } from './file-tree.js';

/**
 * `.cp-gitops/generated.sha256` records what cp-gitops last wrote to each file, in `sha256sum`
 * format (so `sha256sum -c` shows what was edited by hand). Later changes compare against it: a hand
 * edit is a file whose content no longer matches, whatever version of cp-gitops generated it.
 */
export const CHECKSUMS_FILE = '.cp-gitops/generated.sha256';

export function sha256(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

export function serializeChecksums(checksums: ReadonlyMap<string, string>): string {
  return [...checksums]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, hash]) => `${hash}  ${path}\n`)
    .join('');
}

export function parseChecksums(text: string | undefined): Map<string, string> | undefined {
  if (text === undefined) return undefined;
  const checksums = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    if (match) checksums.set(match[2]!, match[1]!);
  }
  return checksums;
}

/** The tree plus its checksum file (of every other file). */
export function withChecksums(tree: FileTree): FileTree {
  const checksums = new Map([...tree].filter(([path]) => path !== CHECKSUMS_FILE).map(([path, content]) => [path, sha256(content)]));
  return fileTree([...[...tree].filter(([path]) => path !== CHECKSUMS_FILE), [CHECKSUMS_FILE, serializeChecksums(checksums)]]);
}
