import { isPlainObject, type PlainObject } from '../../generator/object-path.js';
import type { YamlPath } from '../../yaml/positions.js';
import { cloneData } from './clone.js';
import type { SourceDocument } from '../sources.js';
import { escapePointer, type SourceRef } from './types.js';

/** Built-in Kubernetes lists that strategic merge patches merge by a key (custom resources have none). */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  imagePullSecrets: 'name',
  tolerations: 'key',
};

export interface MergeOptions {
  /** Custom resources have no merge keys: every list is replaced wholesale. */
  readonly customResource: boolean;
  readonly patch: SourceDocument;
  readonly blame: Map<string, SourceRef>;
  /** Called when a patch replaces a list and so drops entries of the base. */
  readonly onListReplaced?: (pointer: string, patchPath: YamlPath, dropped: number) => void;
}

/**
 * Where the merge stands: the JSON pointer in the target and the path in the patch document differ
 * (a list merged by key: the target's index, the patch's index). Kept as a chain and turned into
 * strings only when a field is blamed, since most fields of a patch only lead to others.
 */
interface Trail {
  readonly up: Trail | undefined;
  /** Segment of the target's JSON pointer (unescaped). */
  readonly target: string | number;
  /** Segment of the patch's YAML path. */
  readonly patch: string | number;
}

function pointerOf(trail: Trail | undefined): string {
  let pointer = '';
  for (let at = trail; at; at = at.up) pointer = `/${typeof at.target === 'number' ? at.target : escapePointer(at.target)}${pointer}`;
  return pointer;
}

function patchPathOf(trail: Trail | undefined): (string | number)[] {
  const path: (string | number)[] = [];
  for (let at = trail; at; at = at.up) path.unshift(at.patch);
  return path;
}

/**
 * Strategic merge as Kustomize applies it: maps merge recursively, `null` deletes a key,
 * `$patch: replace` replaces a map, lists are replaced (or merged by key on built-in kinds).
 * Records, per field, which patch set it.
 */
export function strategicMerge(target: PlainObject, patch: PlainObject, options: MergeOptions): PlainObject {
  return mergeMap(target, patch, undefined, options);
}

function mergeMap(target: PlainObject, patch: PlainObject, trail: Trail | undefined, options: MergeOptions): PlainObject {
  if (patch.$patch === 'replace') {
    const { $patch: _ignored, ...rest } = patch;
    setBlame(options, trail);
    return cloneData(rest);
  }
  // Structural sharing: the result is a new map, its untouched children are the target's own.
  const result: PlainObject = { ...target };
  for (const key of Object.keys(patch)) {
    if (key === '$patch') continue;
    const value = patch[key];
    const child: Trail = { up: trail, target: key, patch: key };
    if (value === null) {
      delete result[key];
      setBlame(options, child);
      continue;
    }
    const existing = result[key];
    if (isPlainObject(existing) && isPlainObject(value)) {
      result[key] = mergeMap(existing, value, child, options);
    } else if (Array.isArray(existing) && Array.isArray(value)) {
      result[key] = mergeList(key, existing, value, child, options);
    } else {
      result[key] = cloneData(value);
      setBlame(options, child);
    }
  }
  return result;
}

function mergeList(key: string, existing: unknown[], patch: unknown[], trail: Trail, options: MergeOptions): unknown[] {
  const mergeKey = options.customResource ? undefined : MERGE_KEYS[key];
  if (mergeKey && patch.every((item) => isPlainObject(item) && mergeKey in item)) {
    const result = existing.map((item) => cloneData(item));
    patch.forEach((item, index) => {
      const entry = item as PlainObject;
      const at = result.findIndex((candidate) => isPlainObject(candidate) && candidate[mergeKey] === entry[mergeKey]);
      if (entry.$patch === 'delete') {
        if (at >= 0) result.splice(at, 1);
        return;
      }
      if (at >= 0) result[at] = mergeMap(result[at] as PlainObject, entry, { up: trail, target: at, patch: index }, options);
      else {
        result.push(cloneData(entry));
        setBlame(options, { up: trail, target: result.length - 1, patch: index });
      }
    });
    return result;
  }
  if (existing.length > 0) {
    const kept = new Set(existing.map((old) => JSON.stringify(old)));
    const keptCount = patch.filter((item) => kept.has(JSON.stringify(item))).length;
    if (keptCount < existing.length) options.onListReplaced?.(pointerOf(trail), patchPathOf(trail), existing.length - keptCount);
  }
  setBlame(options, trail);
  return cloneData(patch);
}

function setBlame(options: MergeOptions, trail: Trail | undefined): void {
  const pointer = pointerOf(trail);
  const below = `${pointer}/`;
  // Deleting while iterating a Map is safe: entries not yet visited stay visited once.
  for (const key of options.blame.keys()) if (key.startsWith(below)) options.blame.delete(key);
  options.blame.set(pointer, { document: options.patch, path: patchPathOf(trail) });
}
