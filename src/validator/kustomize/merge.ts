import { isPlainObject, type PlainObject } from '../../generator/object-path.js';
import type { YamlPath } from '../../yaml/positions.js';
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
 * Strategic merge as Kustomize applies it: maps merge recursively, `null` deletes a key,
 * `$patch: replace` replaces a map, lists are replaced (or merged by key on built-in kinds).
 * Records, per field, which patch set it.
 */
export function strategicMerge(target: PlainObject, patch: PlainObject, options: MergeOptions): PlainObject {
  return mergeMap(target, patch, '', [], options);
}

function mergeMap(target: PlainObject, patch: PlainObject, pointer: string, yamlPath: YamlPath, options: MergeOptions): PlainObject {
  if (patch.$patch === 'replace') {
    const { $patch: _ignored, ...rest } = patch;
    setBlame(options, pointer, yamlPath);
    return structuredClone(rest);
  }
  const result: PlainObject = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch') continue;
    const childPointer = `${pointer}/${escapePointer(key)}`;
    const childPath = [...yamlPath, key];
    if (value === null) {
      delete result[key];
      setBlame(options, childPointer, childPath);
      continue;
    }
    const existing = result[key];
    if (isPlainObject(existing) && isPlainObject(value)) {
      result[key] = mergeMap(existing, value, childPointer, childPath, options);
    } else if (Array.isArray(existing) && Array.isArray(value)) {
      result[key] = mergeList(key, existing, value, childPointer, childPath, options);
    } else {
      result[key] = structuredClone(value);
      setBlame(options, childPointer, childPath);
    }
  }
  return result;
}

function mergeList(key: string, existing: unknown[], patch: unknown[], pointer: string, yamlPath: YamlPath, options: MergeOptions): unknown[] {
  const mergeKey = options.customResource ? undefined : MERGE_KEYS[key];
  if (mergeKey && patch.every((item) => isPlainObject(item) && mergeKey in item)) {
    const result = existing.map((item) => structuredClone(item));
    patch.forEach((item, index) => {
      const entry = item as PlainObject;
      const at = result.findIndex((candidate) => isPlainObject(candidate) && candidate[mergeKey] === entry[mergeKey]);
      if (entry.$patch === 'delete') {
        if (at >= 0) result.splice(at, 1);
        return;
      }
      if (at >= 0) result[at] = mergeMap(result[at] as PlainObject, entry, `${pointer}/${at}`, [...yamlPath, index], options);
      else {
        result.push(structuredClone(entry));
        setBlame(options, `${pointer}/${result.length - 1}`, [...yamlPath, index]);
      }
    });
    return result;
  }
  const kept = patch.filter((item) => existing.some((old) => JSON.stringify(old) === JSON.stringify(item))).length;
  if (existing.length > 0 && kept < existing.length) options.onListReplaced?.(pointer, yamlPath, existing.length - kept);
  setBlame(options, pointer, yamlPath);
  return structuredClone(patch);
}

function setBlame(options: MergeOptions, pointer: string, path: YamlPath): void {
  for (const key of [...options.blame.keys()]) if (key.startsWith(`${pointer}/`)) options.blame.delete(key);
  options.blame.set(pointer, { document: options.patch, path });
}
