import { isPlainObject } from '../../generator/object-path.js';
import type { YamlPath } from '../../yaml/positions.js';
import { formatId, type AppliedPatch } from '../kustomize/types.js';
import { locate } from '../sources.js';
import type { RuleContext, RuleFamily } from '../validate.js';
import type { Violation } from '../violation.js';
import { modelFacts } from './model.js';
import { isProdLike } from './policy.js';

export const STATEFUL_REMOVAL_RULES: Readonly<Record<string, string>> = {
  'policy/stateful-removal': 'A production overlay does not delete its KRaft controllers, brokers, ZooKeeper or PodDisruptionBudgets with a patch',
};

/** What holds the data or the quorum: Argo CD prunes what a patch deletes, and the data goes with it. */
const STATEFUL_KINDS = new Set(['Kafka', 'KRaftController', 'Zookeeper', 'PodDisruptionBudget']);
/** JSON6902 paths whose removal takes the whole resource (or everything it says) away. */
const WHOLE_RESOURCE = new Set(['', '/', '/spec']);

/**
 * `$patch: delete` (a strategic-merge patch, also through patchesStrategicMerge) and a JSON6902
 * `remove` of the whole resource or its spec, aimed at a stateful resource of a production overlay.
 * The validator's own build keeps such a resource, but Kustomize drops it and Argo CD then prunes it.
 * Removing a component goes through cp-gitops.yaml (its commands regenerate the overlay), never a patch.
 */
export const statefulRemovalRules: RuleFamily = (context: RuleContext): Violation[] => {
  const facts = modelFacts(context.sources);
  const found = new Map<string, Violation>();
  for (const [dir, build] of context.builds) {
    if (!isProdLike(dir, facts)) continue;
    for (const patch of build.patches) {
      const targets = patch.targets.filter((target) => STATEFUL_KINDS.has(target.kind));
      if (targets.length === 0) continue;
      for (const path of deletions(patch)) {
        const where = locate(patch.document, path, { key: true });
        const key = `${where.file}:${where.line}:${where.column}`;
        if (found.has(key)) continue;
        found.set(key, {
          rule: 'policy/stateful-removal',
          severity: 'error',
          ...where,
          message: `this patch deletes ${targets.map(formatId).join(', ')} from ${dir}: Argo CD would prune it, and with it the quorum or the data`,
          fix: 'remove the patch; to take a component out of an environment, change cp-gitops.yaml through cp-gitops (the overlay is regenerated), and plan the data migration first',
        });
      }
    }
  }
  return [...found.values()];
};

function deletions(patch: AppliedPatch): YamlPath[] {
  const value = patch.document.value;
  if (patch.kind === 'strategic-merge') return isPlainObject(value) && value.$patch === 'delete' ? [['$patch']] : [];
  if (!Array.isArray(value)) return [];
  return value.flatMap((operation, index) => (isPlainObject(operation) && operation.op === 'remove' && typeof operation.path === 'string' && WHOLE_RESOURCE.has(operation.path) ? [[index, 'op'] as YamlPath] : []));
}
