import type { FileTree } from '../generator/file-tree.js';
import { buildKustomization } from './kustomize/build.js';
import { KUSTOMIZATION_FILES } from './kustomize/kustomization-keys.js';
import type { KustomizationBuild } from './kustomize/types.js';
import type { WrittenYaml } from '../yaml/stringify.js';
import { parseSources, type SourceSet } from './sources.js';
import { compareViolations, dedupeViolations, type Violation } from './violation.js';

/** Everything one validation run found, plus figures for --json and the benchmark. */
export interface ValidationReport {
  readonly violations: readonly Violation[];
  readonly stats: { readonly files: number; readonly overlays: number; readonly resources: number };
  /** Every overlay's build, for --render's comparison with the real Kustomize. */
  readonly builds: ReadonlyMap<string, KustomizationBuild>;
  /** Findings that a `cp-gitops:ignore` comment silenced (only after validateTree): counted in every summary. */
  readonly suppressed?: readonly Violation[];
}

/** What the rule families see. */
export interface RuleContext {
  readonly sources: SourceSet;
  /** Every overlay's build, by its folder (overlays/<env>). */
  readonly builds: ReadonlyMap<string, KustomizationBuild>;
  /** Every kustomization folder's build (bases, overlays, argocd/…). */
  readonly allBuilds: ReadonlyMap<string, KustomizationBuild>;
}

/** A rule family: pure, from what was parsed and built to violations. */
export type RuleFamily = (context: RuleContext) => Violation[];

/** overlays/<env>, and overlays/<env>/clusters/<cluster> for a further Kafka cluster. */
const OVERLAY = /^overlays\/[^/]+(\/clusters\/[^/]+)?$/;

/**
 * The validator: a file tree in, a list of violations out. Pure; the CLI reads the tree and prints.
 * YAML problems and Kustomize problems come from parsing and building; the families add the rest.
 */
export function validateRepository(tree: FileTree, families: readonly RuleFamily[], written?: WrittenYaml): ValidationReport {
  const { sources, violations } = parseSources(tree, written);
  const allBuilds = new Map<string, KustomizationBuild>();
  for (const dir of kustomizationDirs(tree)) allBuilds.set(dir, buildKustomization(sources, dir));
  const builds = new Map([...allBuilds].filter(([dir]) => OVERLAY.test(dir)));
  const context: RuleContext = { sources, builds, allBuilds };
  const all = dedupeViolations([...violations, ...[...allBuilds.values()].flatMap((build) => build.violations), ...families.flatMap((family) => family(context))]);
  return {
    violations: all.sort(compareViolations),
    stats: { files: tree.size, overlays: builds.size, resources: [...builds.values()].reduce((sum, build) => sum + build.resources.length, 0) },
    builds,
  };
}

/** Folders that hold a kustomization, in path order. */
export function kustomizationDirs(tree: FileTree): string[] {
  const dirs = new Set<string>();
  for (const path of tree.keys()) {
    const slash = path.lastIndexOf('/');
    const name = path.slice(slash + 1);
    if (KUSTOMIZATION_FILES.includes(name)) dirs.add(slash === -1 ? '' : path.slice(0, slash));
  }
  return [...dirs].sort();
}
