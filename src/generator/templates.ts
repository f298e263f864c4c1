import type { Toolchain } from './toolchain.js';
import type { ComponentName, ControllerMode, PlatformVersions, SizeProfile } from '../model/types.js';

/**
 * The shapes of base-templates/*.yaml and overlays-templates/*.yaml: data a person reads and edits,
 * which the pure generator turns into manifests. src/adapters/templates.ts loads them.
 */
export type DottedPath = string;

export interface ImageField {
  /** Where the image goes in the custom resource, e.g. spec.image.application. */
  readonly path: DottedPath;
  readonly repository: string;
  /** Which model version is its tag. */
  readonly version: keyof PlatformVersions;
}

export type DependencyValue = 'name' | 'endpoint' | 'url' | 'list';

export interface DependencyField {
  /** The unit the dependency points at (its first resource's name and endpoint are used). */
  readonly unit: string;
  readonly path: DottedPath;
  readonly value: DependencyValue;
  /** Required dependencies are in the base; optional ones are wired per environment when present. */
  readonly required: boolean;
  /** Another port than the unit's endpoint port (Control Center's Prometheus and Alertmanager). */
  readonly port?: number;
}

export interface ResourceTemplate {
  readonly kind: string;
  readonly name: string;
  readonly file: string;
  readonly syncWave: number;
  /** Whether size profiles apply (replicas, resources, storage, hardening). */
  readonly sized: boolean;
  readonly images: readonly ImageField[];
  readonly dependencies: readonly DependencyField[];
  /** How other components reach it inside the cluster. */
  readonly endpoint?: { readonly port: number; readonly scheme?: 'http' | 'https' };
  /** The static part of the custom resource (metadata.name, image, sizes and dependencies are added). */
  readonly manifest: Readonly<Record<string, unknown>>;
}

export interface PortDoc {
  readonly name: string;
  readonly port: number;
  readonly purpose: string;
}

export interface VolumeDoc {
  readonly name: string;
  readonly mountPath: string;
  readonly purpose: string;
}

export interface UnitTemplate {
  /** The base directory: base/<unit>. */
  readonly unit: string;
  /** The model component that brings this unit in. */
  readonly component: ComponentName;
  readonly title: string;
  readonly description: string;
  readonly when?: { readonly controller?: ControllerMode; readonly minCpMajor?: number; readonly maxCpMajor?: number };
  readonly ports: readonly PortDoc[];
  readonly volumes: readonly VolumeDoc[];
  readonly resources: readonly ResourceTemplate[];
}

export interface ResourceSize {
  readonly replicas: number;
  readonly cpu: string;
  readonly memory: string;
  /** dataVolumeCapacity (and logVolumeCapacity for ZooKeeper) where the kind has one. */
  readonly storage?: string;
  readonly logStorage?: string;
  /** Control Center next-gen's bundled Prometheus volume. */
  readonly prometheusStorage?: string;
  /** Control Center next-gen's bundled Prometheus and Alertmanager containers (requests; memory limit = request). */
  readonly prometheusCpu?: string;
  readonly prometheusMemory?: string;
  readonly alertmanagerCpu?: string;
  readonly alertmanagerMemory?: string;
}

export interface SizeTemplate {
  readonly profile: SizeProfile;
  readonly description: string;
  /** Production hardening: the kinds that run one replica per node. */
  readonly oneReplicaPerNode: readonly string[];
  /** A PodDisruptionBudget (maxUnavailable 1) on every sized resource with more than one replica. */
  readonly pdb: boolean;
  /** Broker settings that follow the cluster's size (replication factors, min.insync.replicas). */
  readonly kafkaServerConfig: readonly string[];
  /** Per resource kind. */
  readonly kinds: Readonly<Record<string, ResourceSize>>;
}

export interface Templates {
  readonly units: readonly UnitTemplate[];
  readonly sizes: Readonly<Record<SizeProfile, SizeTemplate>>;
  /** The cp-gitops release a generated repository pins (package.json, package-lock.json). */
  readonly toolchain: Toolchain;
}
