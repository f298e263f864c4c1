import { isPlainObject } from '../../generator/object-path.js';
import type { BuiltResource } from './types.js';
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
