import type { PlatformOptions } from '../../model/options.js';
import type { Environment, PlatformModel } from '../../model/types.js';
import type { PlainObject } from '../object-path.js';
import type { UnitIndex } from '../resources.js';
import type { ResourceTemplate } from '../templates.js';

/** What an option module sees: the environment, the options it runs with, and its units. */
export interface OptionContext {
  readonly model: PlatformModel;
  readonly env: Environment;
  readonly options: PlatformOptions;
  readonly units: UnitIndex;
  /** Replicas of a kind in the environment (size profile and overrides); undefined for kinds without a size. */
  readonly replicas: (kind: string) => number | undefined;
}

/** A manifest an option adds to an overlay, e.g. a Certificate, a PodMonitor, a StorageClass. */
export interface ExtraManifest {
  /** Relative to overlays/<env>/, e.g. monitoring/kafka-podmonitor.yaml. */
  readonly file: string;
  readonly object: PlainObject;
  readonly description: string;
  /** Cluster-scoped kinds the AppProject must allow ({group, kind}). */
  readonly clusterScoped?: { readonly group: string; readonly kind: string };
}

/**
 * One production option (TLS, storage, …) as pure functions of the model. Patch fragments of every
 * module are merged into the environment's patch of each resource (lists under configOverrides are
 * appended, maps merge), so modules never need to know about each other.
 */
export interface OptionModule {
  readonly name: string;
  /** A fragment of `spec` for one resource of the environment, or undefined. */
  resourcePatch?(resource: ResourceTemplate, context: OptionContext): PlainObject | undefined;
  /** Annotations (metadata.annotations) for one resource of the environment, or undefined. */
  resourceAnnotations?(resource: ResourceTemplate, context: OptionContext): Readonly<Record<string, string>> | undefined;
  /** Extra manifests of the environment. */
  manifests?(context: OptionContext): ExtraManifest[];
  /** Lines for the generated README (what the operator must provide, DNS records, …). */
  readme?(context: OptionContext): string[];
}
