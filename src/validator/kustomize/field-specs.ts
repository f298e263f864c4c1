import { isPlainObject, type PlainObject } from '../../generator/object-path.js';
import { locate, type SourceDocument } from '../sources.js';
import type { Violation } from '../violation.js';
import { escapePointer, type SourceRef } from './types.js';

export interface FieldSpec {
  readonly path: string;
  readonly kind?: string;
}

/** `configurations:` field specs (the parts cp-gitops uses: images, replicas, nameReference). */
export interface FieldSpecs {
  readonly images: readonly FieldSpec[];
  readonly replicas: readonly FieldSpec[];
  readonly nameReference: readonly { readonly kind: string; readonly fieldSpecs: readonly FieldSpec[] }[];
}

export function emptyFieldSpecs(): FieldSpecs {
  return { images: [], replicas: [], nameReference: [] };
}

export function parseFieldSpecs(value: unknown): FieldSpecs {
  if (!isPlainObject(value)) return emptyFieldSpecs();
  const specs = (list: unknown): FieldSpec[] =>
    (Array.isArray(list) ? list : []).filter(isPlainObject).filter((spec) => typeof spec.path === 'string').map((spec) => ({ path: String(spec.path), ...(typeof spec.kind === 'string' ? { kind: spec.kind } : {}) }));
  return {
    images: specs(value.images),
    replicas: specs(value.replicas),
    nameReference: (Array.isArray(value.nameReference) ? value.nameReference : [])
      .filter(isPlainObject)
      .filter((entry) => typeof entry.kind === 'string')
      .map((entry) => ({ kind: String(entry.kind), fieldSpecs: specs(entry.fieldSpecs) })),
  };
}

export function mergeFieldSpecs(a: FieldSpecs, b: FieldSpecs): FieldSpecs {
  return { images: [...a.images, ...b.images], replicas: [...a.replicas, ...b.replicas], nameReference: [...a.nameReference, ...b.nameReference] };
}

interface Target {
  object: PlainObject;
  blame: Map<string, SourceRef>;
}

type FieldPath = readonly (string | number)[];

/** A field that holds a value: its path from the resource's root (the last segment is the key). */
interface Field {
  readonly path: FieldPath;
}

function pointerOf(path: FieldPath): string {
  return path.map((segment) => `/${typeof segment === 'number' ? segment : escapePointer(segment)}`).join('');
}

function valueAt(object: PlainObject, path: FieldPath): unknown {
  let node: unknown = object;
  for (const segment of path) node = (node as Record<string | number, unknown>)[segment];
  return node;
}

/**
 * A copy of `object` with `value` at `path`, sharing every untouched part: resources share their
 * objects with the parsed files and with other builds (copy on write), so nothing is changed in place.
 */
export function withValueAt(object: PlainObject, path: FieldPath, value: unknown): PlainObject {
  const set = (node: unknown, index: number): unknown => {
    if (index === path.length) return value;
    const segment = path[index]!;
    if (Array.isArray(node)) {
      const copy = node.slice();
      copy[segment as number] = set(node[segment as number], index + 1);
      return copy;
    }
    const source = isPlainObject(node) ? node : {};
    const copy: PlainObject = { ...source };
    copy[segment as string] = set(source[segment as string], index + 1);
    return copy;
  };
  return set(object, 0) as PlainObject;
}

/** Visits the values at a field spec path (`spec/image/application`, `spec/containers[]/image`). */
function visitPath(object: PlainObject, path: string, visit: (field: Field) => void): void {
  const segments = path.split('/').filter(Boolean);
  const walk = (node: unknown, index: number, trail: FieldPath): void => {
    if (index === segments.length - 1) {
      const key = segments[index]!.replace(/\[\]$/, '');
      if (isPlainObject(node) && key in node) visit({ path: [...trail, key] });
      return;
    }
    const segment = segments[index]!;
    const list = segment.endsWith('[]');
    const key = segment.replace(/\[\]$/, '');
    if (!isPlainObject(node) || !(key in node)) return;
    const child = node[key];
    if (list && Array.isArray(child)) child.forEach((item, i) => walk(item, index + 1, [...trail, key, i]));
    else if (!list) walk(child, index + 1, [...trail, key]);
  };
  walk(object, 0, []);
}

/** Container images anywhere in a resource (what Kustomize's image transformer finds on its own). */
function visitContainerImages(node: unknown, trail: (string | number)[], visit: (field: Field) => void): void {
  // `trail` is one array pushed and popped on the way (copied only for a field found): this walk sees every node.
  if (Array.isArray(node)) {
    for (let index = 0; index < node.length; index += 1) {
      const item: unknown = node[index];
      if (typeof item !== 'object' || item === null) continue;
      trail.push(index);
      visitContainerImages(item, trail, visit);
      trail.pop();
    }
    return;
  }
  if (!isPlainObject(node)) return;
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (typeof value !== 'object' || value === null) continue;
    if ((key === 'containers' || key === 'initContainers') && Array.isArray(value)) {
      value.forEach((container, index) => {
        if (isPlainObject(container) && typeof container.image === 'string') visit({ path: [...trail, key, index, 'image'] });
      });
    }
    trail.push(key);
    visitContainerImages(value, trail, visit);
    trail.pop();
  }
}

/**
 * Every field of a resource that `images:` may rewrite, in the order Kustomize's transformer and the
 * field specs reach them. Rewriting changes string values only, never the shape, so the list is
 * found once per resource and serves every `images:` entry.
 */
function imageFields(resource: Target, specs: FieldSpecs): Field[] {
  const fields: Field[] = [];
  const add = (field: Field) => fields.push(field);
  visitContainerImages(resource.object, [], add);
  for (const spec of specs.images) {
    if (spec.kind === undefined || spec.kind === resource.object.kind) visitPath(resource.object, spec.path, add);
  }
  return fields;
}

export function splitImage(image: string): { name: string; tag?: string; digest?: string } {
  const [withoutDigest, digest] = image.split('@') as [string, string | undefined];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const hasTag = colon > slash;
  return { name: hasTag ? withoutDigest.slice(0, colon) : withoutDigest, ...(hasTag ? { tag: withoutDigest.slice(colon + 1) } : {}), ...(digest ? { digest } : {}) };
}

/**
 * Applies `images:` (through the built-in container paths and the configured field specs) and
 * renames references to renamed resources (nameReference), reporting `images:` entries that no
 * field receives — the silent failure when a CFK kind lacks its field spec.
 */
export function applyFieldSpecs(
  resources: Target[],
  specs: FieldSpecs,
  renamed: ReadonlyMap<string, string>,
  images: unknown[],
  kustomization: SourceDocument,
  violations: Violation[],
): void {
  const entries = images.map((entry, index) => ({ entry, index })).filter(({ entry }) => isPlainObject(entry) && typeof entry.name === 'string') as { entry: PlainObject & { name: string }; index: number }[];
  const fieldsOf = entries.length === 0 ? [] : resources.map((resource) => imageFields(resource, specs));
  for (const { entry, index } of entries) {
    let reached = 0;
    resources.forEach((resource, position) => {
      for (const { path } of fieldsOf[position]!) {
        const value = valueAt(resource.object, path);
        // A cheap test first: the image's name is a prefix of the value.
        if (typeof value !== 'string' || !value.startsWith(entry.name)) continue;
        const image = splitImage(value);
        if (image.name !== entry.name) continue;
        reached += 1;
        const name = typeof entry.newName === 'string' ? entry.newName : image.name;
        const digest = typeof entry.digest === 'string' ? entry.digest : undefined;
        const tag = entry.newTag !== undefined ? String(entry.newTag) : image.tag;
        resource.object = withValueAt(resource.object, path, digest ? `${name}@${digest}` : tag !== undefined ? `${name}:${tag}` : image.digest ? `${name}@${image.digest}` : name);
        resource.blame.set(pointerOf(path), { document: kustomization, path: ['images', index] });
      }
    });
    if (reached === 0) {
      violations.push({
        rule: 'kustomize/image-unused',
        severity: 'warning',
        ...locate(kustomization, ['images', index, 'name']),
        message: `images: "${entry.name}" changes no field (Kustomize does not look inside custom resources by itself)`,
        fix: 'check the image name, or declare an images field spec (configurations:) for the kind that uses it',
      });
    }
  }
  if (renamed.size === 0) return;
  for (const reference of specs.nameReference) {
    for (const resource of resources) {
      for (const spec of reference.fieldSpecs) {
        if (spec.kind !== undefined && spec.kind !== resource.object.kind) continue;
        const fields: Field[] = [];
        visitPath(resource.object, spec.path, (field) => fields.push(field));
        for (const { path } of fields) {
          const next = renamed.get(`${reference.kind}/${String(valueAt(resource.object, path))}`);
          if (next !== undefined) resource.object = withValueAt(resource.object, path, next);
        }
      }
    }
  }
}
