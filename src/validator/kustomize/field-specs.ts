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

/** Visits the values at a field spec path (`spec/image/application`, `spec/containers[]/image`). */
function visitPath(object: PlainObject, path: string, visit: (holder: PlainObject, key: string, pointer: string) => void): void {
  const segments = path.split('/').filter(Boolean);
  const walk = (node: unknown, index: number, pointer: string): void => {
    if (index === segments.length - 1) {
      const key = segments[index]!.replace(/\[\]$/, '');
      if (isPlainObject(node) && key in node) visit(node, key, `${pointer}/${escapePointer(key)}`);
      return;
    }
    const segment = segments[index]!;
    const list = segment.endsWith('[]');
    const key = segment.replace(/\[\]$/, '');
    if (!isPlainObject(node) || !(key in node)) return;
    const child = node[key];
    if (list && Array.isArray(child)) child.forEach((item, i) => walk(item, index + 1, `${pointer}/${escapePointer(key)}/${i}`));
    else if (!list) walk(child, index + 1, `${pointer}/${escapePointer(key)}`);
  };
  walk(object, 0, '');
}

/** Container images anywhere in a resource (what Kustomize's image transformer finds on its own). */
function visitContainerImages(node: unknown, pointer: string, visit: (holder: PlainObject, key: string, pointer: string) => void): void {
  if (Array.isArray(node)) {
    node.forEach((item, index) => visitContainerImages(item, `${pointer}/${index}`, visit));
    return;
  }
  if (!isPlainObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if ((key === 'containers' || key === 'initContainers') && Array.isArray(value)) {
      value.forEach((container, index) => {
        if (isPlainObject(container) && typeof container.image === 'string') visit(container, 'image', `${pointer}/${key}/${index}/image`);
      });
    }
    visitContainerImages(value, `${pointer}/${escapePointer(key)}`, visit);
  }
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
  images.forEach((entry, index) => {
    if (!isPlainObject(entry) || typeof entry.name !== 'string') return;
    let reached = 0;
    const rewrite = (resource: Target) => (holder: PlainObject, key: string, pointer: string) => {
      const value = holder[key];
      if (typeof value !== 'string') return;
      const image = splitImage(value);
      if (image.name !== entry.name) return;
      reached += 1;
      const name = typeof entry.newName === 'string' ? entry.newName : image.name;
      const digest = typeof entry.digest === 'string' ? entry.digest : undefined;
      const tag = entry.newTag !== undefined ? String(entry.newTag) : image.tag;
      holder[key] = digest ? `${name}@${digest}` : tag !== undefined ? `${name}:${tag}` : image.digest ? `${name}@${image.digest}` : name;
      resource.blame.set(pointer, { document: kustomization, path: ['images', index] });
    };
    for (const resource of resources) {
      visitContainerImages(resource.object, '', rewrite(resource));
      for (const spec of specs.images) {
        if (spec.kind === undefined || spec.kind === resource.object.kind) visitPath(resource.object, spec.path, rewrite(resource));
      }
    }
    if (reached === 0) {
      violations.push({
        rule: 'kustomize/image-unused',
        severity: 'warning',
        ...locate(kustomization, ['images', index, 'name']),
        message: `images: "${entry.name}" changes no field (Kustomize does not look inside custom resources by itself)`,
        fix: 'check the image name, or declare an images field spec (configurations:) for the kind that uses it',
      });
    }
  });
  if (renamed.size === 0) return;
  for (const reference of specs.nameReference) {
    for (const resource of resources) {
      for (const spec of reference.fieldSpecs) {
        if (spec.kind !== undefined && spec.kind !== resource.object.kind) continue;
        visitPath(resource.object, spec.path, (holder, key) => {
          const next = renamed.get(`${reference.kind}/${String(holder[key])}`);
          if (next !== undefined) holder[key] = next;
        });
      }
    }
  }
}
