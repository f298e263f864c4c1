/**
 * Building blocks of the built-in schemas. Two kinds of objects:
 * - `closed(...)`: every field is known (additionalProperties: false), so a typo is an error;
 * - `open(...)`: a big sub-tree we do not model (affinity, listeners, authentication…): known fields
 *   are still typed, unknown ones pass, so a valid resource never fails.
 * Patterns are the ones the Kubernetes API server and the CFK CRDs apply.
 */
import type { JsonSchema } from '../json-schema.js';

/** DNS-1123 label: what CFK requires of secret and storage class names. */
export const DNS1123_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
/** DNS-1123 subdomain: Kubernetes object names. */
export const DNS1123_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
/** A Kubernetes resource quantity (10Gi, 500m, 1.5, 2e3). */
export const QUANTITY = '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';
export const HTTP_URL = '^https?://';
/** host:port, as CFK wants every bootstrap endpoint. */
export const HOST_PORT = '.+:[0-9]+';
/** repository:tag (or @digest): CFK refuses an image without a tag. */
export const IMAGE_REFERENCE = '.+:.+';
export const MAX_SECRET_REF = 30;

export function closed(properties: Record<string, JsonSchema>, required: readonly string[] = []): JsonSchema {
  return required.length > 0
    ? { type: 'object', additionalProperties: false, required: [...required], properties }
    : { type: 'object', additionalProperties: false, properties };
}

export function open(properties: Record<string, JsonSchema> = {}, required: readonly string[] = []): JsonSchema {
  if (Object.keys(properties).length === 0) return { type: 'object' };
  return required.length > 0 ? { type: 'object', required: [...required], properties } : { type: 'object', properties };
}

export function listOf(items: JsonSchema, extra: JsonSchema = {}): JsonSchema {
  return { type: 'array', items, ...extra };
}

export const string: JsonSchema = { type: 'string' };
export const nonEmptyString: JsonSchema = { type: 'string', minLength: 1 };
export const boolean: JsonSchema = { type: 'boolean' };
export const integer: JsonSchema = { type: 'integer' };
export const int32: JsonSchema = { type: 'integer', format: 'int32' };
export const int64: JsonSchema = { type: 'integer', format: 'int64' };
/** Replicas, counts: a non-negative 32-bit integer. */
export const count: JsonSchema = { type: 'integer', format: 'int32', minimum: 0 };
export const stringList: JsonSchema = listOf(string);
export const stringMap: JsonSchema = { type: 'object', additionalProperties: { type: 'string' } };
export const anything: JsonSchema = {};

export const quantity: JsonSchema = { type: ['string', 'integer'], pattern: QUANTITY };
export const quantityMap: JsonSchema = { type: 'object', additionalProperties: quantity };
export const secretRef: JsonSchema = { type: 'string', pattern: DNS1123_LABEL, maxLength: MAX_SECRET_REF };
export const dnsLabel: JsonSchema = { type: 'string', pattern: DNS1123_LABEL, maxLength: 63 };
export const url: JsonSchema = { type: 'string', pattern: HTTP_URL };
export const hostPort: JsonSchema = { type: 'string', pattern: HOST_PORT };
export const imageReference: JsonSchema = { type: 'string', pattern: IMAGE_REFERENCE };

/** A reference to another object by name (and optionally namespace). */
export const objectRef: JsonSchema = closed({ name: string, namespace: string }, ['name']);

/**
 * ObjectMeta. Closed: its fields are fixed by Kubernetes, and `metadata.label` instead of `labels`
 * would otherwise pass unseen. Label and annotation values must be strings (`"2"`, not 2).
 */
export const objectMeta: JsonSchema = closed({
  name: { type: 'string', pattern: DNS1123_SUBDOMAIN, maxLength: 253 },
  generateName: string,
  namespace: dnsLabel,
  labels: stringMap,
  annotations: stringMap,
  finalizers: stringList,
  ownerReferences: listOf(open()),
  uid: string,
  resourceVersion: string,
  generation: int64,
  creationTimestamp: { type: ['string', 'null'] },
  deletionTimestamp: { type: ['string', 'null'] },
  deletionGracePeriodSeconds: int64,
  managedFields: listOf(open()),
  selfLink: string,
});

/** A whole custom resource: root closed, apiVersion and kind pinned. */
export function customResource(apiVersion: string, kind: string, spec: JsonSchema, options: { specRequired?: boolean; extraRoot?: Record<string, JsonSchema> } = {}): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    required: options.specRequired === false ? ['apiVersion', 'kind', 'metadata'] : ['apiVersion', 'kind', 'metadata', 'spec'],
    properties: {
      apiVersion: { type: 'string', enum: [apiVersion] },
      kind: { type: 'string', enum: [kind] },
      metadata: objectMeta,
      spec,
      status: open(),
      ...options.extraRoot,
    },
  };
}
