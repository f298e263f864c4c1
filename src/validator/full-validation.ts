import { join } from 'node:path';
import type { KustomizeRenderer } from '../adapters/kustomize.js';
import type { FileTree } from '../generator/file-tree.js';
import type { WrittenYaml } from '../yaml/stringify.js';
import type { ExpectedFiles } from './expected-files.js';
import { renderFailureViolation, renderMismatchViolations } from './kustomize/compare.js';
import { KUSTOMIZATION_FILES } from './kustomize/kustomization-keys.js';
import { ARGOCD_RULES, argocdRules } from './rules/argocd.js';
import { DRIFT_RULES, driftRules } from './rules/drift.js';
import { MODEL_RULES, modelRules } from './rules/model.js';
import { POLICY_RULES, policyRules } from './rules/policy.js';
import { REFERENCE_RULES, referenceRules } from './rules/references.js';
import { STATEFUL_REMOVAL_RULES, statefulRemovalRules } from './rules/stateful-removal.js';
import { INTEGRITY_RULES, integrityRules } from './rules/integrity.js';
import { repositorySchemaRules, SCHEMA_RULES } from './rules/schema-rules.js';
import { KUSTOMIZE_RULES } from './kustomize/rules.js';
import { YAML_RULES } from './sources.js';
import { SUPPRESSION_RULES, suppressViolations } from './suppressions.js';
import { validateRepository, type RuleFamily, type ValidationReport } from './validate.js';
import { dedupeViolations, type Violation } from './violation.js';

/** The rule families that need nothing but the tree (the final list is sorted by file and position anyway). */
export const RULE_FAMILIES: readonly RuleFamily[] = [modelRules, referenceRules, argocdRules, policyRules, statefulRemovalRules, integrityRules];

/** Every family: the above plus the schema checks (built-in schemas, and the ones imported into .cp-gitops/schemas). */
export function allRuleFamilies(options: { readonly schemaCacheDir?: string } = {}): RuleFamily[] {
  return [...RULE_FAMILIES, repositorySchemaRules(options.schemaCacheDir === undefined ? {} : { cacheDir: options.schemaCacheDir })];
}

/** What each known rule checks, for SARIF's tool.driver.rules. */
export const RULE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  ...YAML_RULES,
  ...KUSTOMIZE_RULES,
  ...REFERENCE_RULES,
  ...MODEL_RULES,
  ...DRIFT_RULES,
  ...SCHEMA_RULES,
  ...ARGOCD_RULES,
  ...POLICY_RULES,
  ...STATEFUL_REMOVAL_RULES,
  ...INTEGRITY_RULES,
  ...SUPPRESSION_RULES,
};

/** `--render`: the real Kustomize on every overlay of the repository at `root`, compared with the validator's own build. */
export interface RenderOptions {
  readonly root: string;
  readonly renderer: KustomizeRenderer;
}

export interface ValidateOptions {
  /** Default: allRuleFamilies({ schemaCacheDir }). */
  readonly families?: readonly RuleFamily[];
  /** Where compiled imported schemas are cached (see src/adapters/schema-cache.ts). */
  readonly schemaCacheDir?: string;
  readonly render?: RenderOptions;
  /** What cp-gitops.yaml generates: with it, drift from the model is reported too (rule family drift/). */
  readonly expected?: ExpectedFiles;
  /** Findings an adapter made outside the tree (what git tracks under node_modules/), merged before suppressions. */
  readonly extraViolations?: readonly Violation[];
  /** The values the tree's YAML was generated from (init: captureWrittenYaml), so it is not parsed again. */
  readonly written?: WrittenYaml;
}

/**
 * The whole validation of a tree: every rule family, with --render the comparison with the real
 * Kustomize, then the per-file suppressions on the final list. `init` calls this before it writes.
 * Pure without `render`; with it, Kustomize runs once per overlay.
 */
export function validateTree(tree: FileTree, options: ValidateOptions = {}): ValidationReport {
  const families = options.families ?? allRuleFamilies(options.schemaCacheDir === undefined ? {} : { schemaCacheDir: options.schemaCacheDir });
  const report = validateRepository(tree, options.expected ? [...families, driftRules(options.expected)] : families, options.written);
  const rendered = options.render ? renderViolations(report, tree, options.render) : [];
  const { violations, suppressed } = suppressViolations(dedupeViolations([...report.violations, ...rendered, ...(options.extraViolations ?? [])]), tree);
  return { ...report, violations, suppressed };
}

/** Entries Kustomize would resolve over the network (a URL, or a path it does not find and then tries as a git repository). */
const NETWORK_RULES = new Set(['kustomize/remote-resource', 'kustomize/missing-resource']);

function renderViolations(report: ValidationReport, tree: FileTree, { root, renderer }: RenderOptions): Violation[] {
  return [...report.builds].flatMap(([dir, build]) => {
    // Refused before Kustomize runs: the violation is already reported, and nothing is fetched.
    if (build.violations.some((violation) => NETWORK_RULES.has(violation.rule))) return [];
    const file = KUSTOMIZATION_FILES.map((name) => `${dir}/${name}`).find((path) => tree.has(path)) ?? `${dir}/kustomization.yaml`;
    let output: string;
    try {
      output = renderer.render(join(root, ...dir.split('/')));
    } catch (error) {
      return [renderFailureViolation(file, error instanceof Error ? error.message : String(error))];
    }
    return renderMismatchViolations(build, output, file);
  });
}

