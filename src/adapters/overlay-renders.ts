import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTree } from './fs.js';
import type { KustomizeRenderer } from './kustomize.js';

/**
 * The Kustomize renders of a change's pull request body (decision 95). Every render is its own child
 * process, started as soon as its files are in place rather than after the render before it, and at
 * most one per core runs at a time (Kustomize is CPU-bound), so renders, git and Node's own work overlap.
 */

/** Overlay folder → `kustomize build` output; '' for an overlay the tree does not have. */
export type OverlayRenders = Map<string, string>;

/** Renders with at most `limit` Kustomize processes at once; `signal` stops those still running when their output is no longer wanted. */
export class RenderQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly renderer: KustomizeRenderer,
    private readonly signal: AbortSignal,
    private readonly limit = availableParallelism(),
  ) {}

  /** `kustomize build` of `overlay` (a repository-relative folder) of `tree`, whose files lie below `dir`. */
  async render(dir: string, tree: ReadonlyMap<string, string>, overlay: string): Promise<string> {
    if (!tree.has(`${overlay}/kustomization.yaml`)) return '';
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await this.renderer.renderAsync(join(dir, ...overlay.split('/')), this.signal);
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  /**
   * Renders overlays of `tree` where it already lies, in the folder `root` (no copy): the caller
   * guarantees that the files below `root` are `tree` (a clean checkout, or the change just written).
   */
  async renderInPlace(root: string, tree: ReadonlyMap<string, string>, overlays: readonly string[]): Promise<OverlayRenders> {
    const outputs = await Promise.all(overlays.map((overlay) => this.render(root, tree, overlay)));
    return new Map(overlays.map((overlay, index) => [overlay, outputs[index]!]));
  }

  /** Renders overlays of a tree that is not on disk, from a scratch folder removed afterwards. */
  async renderInScratch(tree: ReadonlyMap<string, string>, overlays: readonly string[]): Promise<OverlayRenders> {
    const scratch = await mkdtemp(join(tmpdir(), 'cp-gitops-render-'));
    try {
      writeTree(scratch, tree);
      return await this.renderInPlace(scratch, tree, overlays);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
}
