/** A generated repository: relative POSIX path → file content. Sorted by path, so output is deterministic. */
export type FileTree = ReadonlyMap<string, string>;

export function fileTree(entries: Iterable<readonly [string, string]>): FileTree {
  const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const tree = new Map<string, string>();
  for (const [path, content] of sorted) {
    if (tree.has(path)) throw new Error(`generator bug: ${path} generated twice`);
    tree.set(path, content);
  }
  return tree;
}

