import type { FileTree } from '../generator/file-tree.js';
import type { KustomizationBuild } from './kustomize/types.js';
import { parseSources, type SourceSet } from './sources.js';
import { compareViolations, type Violation } from './violation.js';

/** Everything one validation run found, plus figures for --json and the benchmark. */
export interface ValidationReport {
  readonly violations: readonly Violation[];
  readonly stats: { readonly files: number; readonly overlays: number; readonly resources: number };
}

/** A rule family: pure, from what was parsed and built to violations. */
export interface RuleContext {
  readonly sources: SourceSet;
  /** Every overlay's build, by its folder (overlays/<env>). */
  readonly builds: ReadonlyMap<string, KustomizationBuild>;
}

export type RuleFamily = (context: RuleContext) => Violation[];

/**
 * The validator: a file tree in, a list of violations out. Pure; the CLI reads the tree and prints.
 * (Work in progress: the rule families are being wired in, see issue 3.)
 */
export function validateRepository(tree: FileTree, families: readonly RuleFamily[] = []): ValidationReport {
  const { sources, violations } = parseSources(tree);
  const builds = new Map<string, KustomizationBuild>();
  const context: RuleContext = { sources, builds };
  const all = [...violations, ...families.flatMap((family) => family(context))];
  return {
    violations: all.sort(compareViolations),
    stats: { files: tree.size, overlays: builds.size, resources: [...builds.values()].reduce((sum, build) => sum + build.resources.length, 0) },
  };
}
