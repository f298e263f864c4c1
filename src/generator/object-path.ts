/** Small helpers to build nested plain objects from dotted paths (spec.image.application). */
export type PlainObject = { [key: string]: unknown };

export function setPath(target: PlainObject, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as PlainObject;
  }
  node[keys[keys.length - 1]!] = value;
}

/** A deep copy of template data, so the generator never mutates what it was given. */
export function clonePlain<T>(value: T): T {
  return structuredClone(value);
}

/** Merges `overlay` into `base` (maps recursively, everything else replaced), returning a new object. */
export function mergePlain(base: PlainObject, overlay: PlainObject): PlainObject {
  const result: PlainObject = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    const existing = result[key];
    result[key] = isPlainObject(existing) && isPlainObject(value) ? mergePlain(existing, value) : value;
  }
  return result;
}

export function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Maps merge; lists are appended (several modules add configOverrides lines); other values: the fragment wins. */
export function mergeFragments(base: PlainObject, fragment: PlainObject): PlainObject {
  const result: PlainObject = { ...base };
  for (const [key, value] of Object.entries(fragment)) {
    const current = result[key];
    if (isPlainObject(current) && isPlainObject(value)) result[key] = mergeFragments(current, value);
    else if (Array.isArray(current) && Array.isArray(value)) result[key] = [...current, ...value];
    else result[key] = value;
  }
  return result;
}
