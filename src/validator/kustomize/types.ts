import type { PlainObject } from '../../generator/object-path.js';
import type { YamlPath } from '../../yaml/positions.js';
import type { SourceDocument } from '../sources.js';
import type { Violation } from '../violation.js';

/** group/version kind name namespace, as Kustomize identifies a resource. */
export interface ResourceId {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** A place in a source document: the patch (or base) that gave a field its value. */
export interface SourceRef {
  readonly document: SourceDocument;
  /** Path inside that document's YAML. */
  readonly path: YamlPath;
}

/** A resource after a kustomization's transformations, with where each part of it came from. */
export interface BuiltResource {
  /** The resource after every transformation (what Kustomize would print). */
  readonly object: PlainObject;
  /** The document that declared the resource (a base file). */
  readonly origin: SourceDocument;
  /** The ID before the building kustomization's own namespace / prefix / suffix (what its patches match). */
  readonly originalId: ResourceId;
  /**
   * JSON pointer of a field (e.g. /spec/replicas) → the patch that last set it. Fields not in here
   * come from the origin document at the same path.
   */
  readonly blame: ReadonlyMap<string, SourceRef>;
}

/** What building one kustomization folder gives: its resources and every problem found on the way. */
export interface KustomizationBuild {
  /** The folder, repository-relative (e.g. overlays/dev). */
  readonly dir: string;
  readonly resources: readonly BuiltResource[];
  readonly violations: readonly Violation[];
  /** Every patch applied, for schema checks of the patch itself. */
  readonly patches: readonly AppliedPatch[];
}

export interface AppliedPatch {
  /** The kustomization that declared it. */
  readonly kustomization: SourceDocument;
  /** Where its entry sits in the kustomization (patches[i]). */
  readonly entryPath: YamlPath;
  readonly kind: 'strategic-merge' | 'json6902';
  /** The patch document (a file's document, or the inline patch parsed with positions). */
  readonly document: SourceDocument;
  /** Resources it matched (their originalId). */
  readonly targets: readonly ResourceId[];
}

/** Blame for a violation found at `pointer` in a built resource: the patch that set it, else the origin. */
export function blameOf(resource: BuiltResource, pointer: string): SourceRef {
  const segments = pointer === '' ? [] : pointer.slice(1).split('/').map(unescapePointer);
  for (let length = segments.length; length >= 0; length -= 1) {
    const prefix = length === 0 ? '' : `/${segments.slice(0, length).map(escapePointer).join('/')}`;
    const ref = resource.blame.get(prefix);
    if (ref) return { document: ref.document, path: [...ref.path, ...segments.slice(length).map(asIndex)] };
  }
  return { document: resource.origin, path: segments.map(asIndex) };
}

export function escapePointer(segment: string): string {
  // Most keys need no escaping; the test is much cheaper than two replaces (this runs for every blamed field).
  return segment.includes('~') || segment.includes('/') ? segment.replace(/~/g, '~0').replace(/\//g, '~1') : segment;
}

export function unescapePointer(segment: string): string {
  return segment.includes('~') ? segment.replace(/~1/g, '/').replace(/~0/g, '~') : segment;
}

function asIndex(segment: string): string | number {
  return /^(0|[1-9]\d*)$/.test(segment) ? Number(segment) : segment;
}

export function formatId(id: ResourceId): string {
  return `${id.kind}/${id.name}${id.namespace ? ` in ${id.namespace}` : ''}`;
}
