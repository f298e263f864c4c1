import { parseAllDocuments } from 'yaml';
import { unifiedDiff } from './diff.js';

export type ResourceChangeKind = 'added' | 'removed' | 'changed';

export interface ResourceDiff {
  /** Kind/name */
  readonly resource: string;
  readonly change: ResourceChangeKind;
  readonly diff: string;
}

/**
 * What `kustomize build` of an overlay shows before and after a change, resource by resource
 * (Kustomize prints keys sorted, so the text of a resource is a stable basis for a diff).
 */
export function diffRenders(before: string, after: string): ResourceDiff[] {
  const old = resourcesOf(before);
  const next = resourcesOf(after);
  const keys = [...new Set([...old.keys(), ...next.keys()])].sort();
  const diffs: ResourceDiff[] = [];
  for (const key of keys) {
    const a = old.get(key);
    const b = next.get(key);
    if (a === b) continue;
    diffs.push({ resource: key, change: a === undefined ? 'added' : b === undefined ? 'removed' : 'changed', diff: unifiedDiff(a ?? '', b ?? '') });
  }
  return diffs;
}

function resourcesOf(text: string): Map<string, string> {
  const resources = new Map<string, string>();
  for (const document of parseAllDocuments(text)) {
    const value = document.toJS() as { kind?: string; metadata?: { name?: string; namespace?: string } } | null;
    if (!value || typeof value !== 'object') continue;
    // A document after the first prints its own "---" marker: not part of the resource.
    resources.set(`${value.kind ?? '?'}/${value.metadata?.name ?? '?'}`, document.toString().replace(/^---[^\S\n]*\n/, ''));
  }
  return resources;
}

/**
 * The overlays a change renders differently: those whose files it writes or deletes (overlays/<env>,
 * overlays/<env>/clusters/<name>), the target's first, so a promotion shows its Kafka clusters too.
 */
export function changedOverlays(paths: readonly string[], target: string): string[] {
  const touched = new Set<string>();
  for (const path of paths) {
    const match = /^overlays\/[^/]+(\/clusters\/[^/]+)?(?=\/)/.exec(path);
    if (match) touched.add(match[0]);
  }
  touched.delete(target);
  return [target, ...[...touched].sort()];
}
