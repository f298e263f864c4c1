import { loadBlockSubsetWithStarts, type CollectionStarts, type NodeStart } from './block-subset.js';
import type { LinePosition, LocatedDocument, YamlPath } from './positions.js';

/**
 * Positions for a file the block-subset parser reads, without the yaml package: the parser runs again
 * (a few microseconds a file, its code already warm) and records where each node starts. Run only
 * when a finding needs a position, so the common, clean run pays nothing for positions. Undefined
 * when the subset does not read the text (the caller then asks the yaml package).
 */
export function locateBlockSubset(text: string): LocatedDocument | undefined {
  const parsed = loadBlockSubsetWithStarts(text);
  return parsed && new BlockSubsetLocatedDocument(parsed.value, parsed.starts);
}

/** The same walk as YamlLocatedDocument's, over the parsed values and their recorded starts. */
class BlockSubsetLocatedDocument implements LocatedDocument {
  constructor(
    private readonly root: unknown,
    private readonly starts: ReadonlyMap<object, CollectionStarts>,
  ) {}

  positionOf(path: YamlPath, options: { key?: boolean } = {}): LinePosition {
    let node = this.root;
    // The root is always a block collection in this subset.
    let best: NodeStart = this.startsOf(node)!.start;
    for (let index = 0; index < path.length; index += 1) {
      const segment = path[index]!;
      const starts = this.startsOf(node);
      // A scalar, an empty `{}` or `[]`, or a key into a sequence: the path goes no further.
      if (starts === undefined) return best;
      if ('entries' in starts) {
        const key = String(segment);
        const entry = starts.entries.get(key);
        if (entry === undefined) return best;
        if (options.key === true && index === path.length - 1) return entry.key;
        node = (node as Record<string, unknown>)[key];
        best = entry.value;
      } else {
        const item = typeof segment === 'number' ? starts.items[segment] : undefined;
        if (item === undefined) return best;
        node = (node as unknown[])[segment as number];
        best = item;
      }
    }
    return best;
  }

  private startsOf(node: unknown): CollectionStarts | undefined {
    return node !== null && typeof node === 'object' ? this.starts.get(node) : undefined;
  }
}
