import type { FileTree } from '../generator/file-tree.js';
import { planRegeneration, type Regeneration } from './regenerate.js';

export type TreeChange = Regeneration;

/**
 * The files a model change touches: the repository brought to what the new model generates, through
 * the same path as `cp-gitops generate` (src/promotion/regenerate.ts). A hand-edited file the change
 * concerns is a conflict, never silently overwritten; one it does not concern is left alone.
 */
export function planTreeChange(before: FileTree, after: FileTree, disk: ReadonlyMap<string, string>): TreeChange {
  return planRegeneration(after, disk, { before });
}
