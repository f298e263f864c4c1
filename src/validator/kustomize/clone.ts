/**
 * A deep copy of parsed YAML data (plain objects, arrays, scalars), several times faster than
 * structuredClone, which serialises and deserialises. Anything else (a Date from a custom tag, a
 * Map) goes to structuredClone, so the copy is never shallower than before.
 */
export function cloneData<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const copy = new Array<unknown>(value.length);
    for (let index = 0; index < value.length; index += 1) copy[index] = cloneData(value[index]);
    return copy as T;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return structuredClone(value);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const child = cloneData((value as Record<string, unknown>)[key]);
    // A "__proto__" key is data (YAML parsers keep it as an own property): assigning it would set the prototype.
    if (key === '__proto__') Object.defineProperty(copy, key, { value: child, enumerable: true, writable: true, configurable: true });
    else copy[key] = child;
  }
  return copy as T;
}
