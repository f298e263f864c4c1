import { parseAllDocuments } from 'yaml';
import { isPlainObject } from '../../generator/object-path.js';
import type { Violation } from '../violation.js';
import type { BuiltResource, KustomizationBuild } from './types.js';
import { idOf } from './build.js';

export interface RenderDifference {
  /** kind/name (namespace). */
  readonly resource: string;
  readonly message: string;
}

/**
 * Compares the emulation with the real Kustomize output, resource by resource and field by field
 * (key order ignored: Kustomize sorts keys). The self-check of `validate --render`.
 */
export function compareRenders(emulated: readonly BuiltResource[], rendered: readonly unknown[]): RenderDifference[] {
  const key = (object: Record<string, unknown>) => {
    const id = idOf(object);
    return `${id.kind}/${id.name}${id.namespace ? ` (${id.namespace})` : ''}`;
  };
  const real = new Map(rendered.filter(isPlainObject).map((object) => [key(object), object]));
  const ours = new Map(emulated.map((resource) => [key(resource.object), resource.object]));
  const differences: RenderDifference[] = [];
  for (const [id, object] of real) {
    const mine = ours.get(id);
    if (!mine) {
      differences.push({ resource: id, message: 'Kustomize renders it, the validator does not' });
      continue;
    }
    const paths = diffPaths(mine, object, '');
    if (paths.length > 0) differences.push({ resource: id, message: `fields differ: ${paths.slice(0, 5).join(', ')}${paths.length > 5 ? ` (+${paths.length - 5})` : ''}` });
  }
  for (const id of ours.keys()) if (!real.has(id)) differences.push({ resource: id, message: 'the validator builds it, Kustomize does not render it' });
  return differences;
}

function diffPaths(a: unknown, b: unknown, pointer: string): string[] {
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((key) => diffPaths(a[key], b[key], `${pointer}/${key}`));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) return a.flatMap((item, index) => diffPaths(item, b[index], `${pointer}/${index}`));
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [pointer || '/'];
}

/**
 * `validate --render`: the real Kustomize output of an overlay (text of `kustomize build`) against
 * the validator's own build, as violations (rule `render/mismatch`) on the overlay's kustomization.
 * Pure: the caller runs Kustomize (src/adapters/kustomize.ts).
 */
export function renderMismatchViolations(build: KustomizationBuild, renderedYaml: string, kustomizationFile: string): Violation[] {
  // The build already reported an error (a patch that does not apply, a missing resource): the emulation
  // stopped there on purpose, so a difference would only repeat that finding with a misleading fix.
  if (build.violations.some((violation) => violation.severity === 'error')) return [];
  const rendered = parseAllDocuments(renderedYaml).map((document) => document.toJS() as unknown);
  return compareRenders(build.resources, rendered).map((difference) => ({
    rule: 'render/mismatch',
    severity: 'warning',
    file: kustomizationFile,
    line: 1,
    column: 1,
    message: `${difference.resource}: ${difference.message} (the validator's emulation of Kustomize differs here, so its findings for this resource may be incomplete)`,
    fix: 'report it to cp-gitops with this overlay; the rendered output of Kustomize is what Argo CD applies',
  }));
}

/** `validate --render` when Kustomize itself fails: its message, on the overlay. */
export function renderFailureViolation(kustomizationFile: string, message: string): Violation {
  return { rule: 'render/failed', severity: 'error', file: kustomizationFile, line: 1, column: 1, message: `Kustomize cannot build this overlay: ${message}`, fix: 'fix the first problem Kustomize names (cp-gitops validate lists the others)' };
}
