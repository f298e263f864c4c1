/** The platform model: what cp-gitops.yaml holds, and what every command reads and writes. */
import type { PlatformOptions } from './options.js';

/** Components a user can enable per environment. Kafka brings its controller (KRaft or ZooKeeper). */
export const COMPONENT_NAMES = ['kafka', 'schemaregistry', 'connect', 'ksqldb', 'controlcenter', 'restproxy'] as const;
export type ComponentName = (typeof COMPONENT_NAMES)[number];

export const CONTROLLER_MODES = ['kraft', 'zookeeper'] as const;
export type ControllerMode = (typeof CONTROLLER_MODES)[number];

export const SIZE_PROFILES = ['small', 'medium', 'large'] as const;
export type SizeProfile = (typeof SIZE_PROFILES)[number];

export const MODEL_API_VERSION = 'cp-gitops.io/v1alpha1';
export const MODEL_KIND = 'Platform';
export const MODEL_FILE = 'cp-gitops.yaml';

export interface PlatformVersions {
  /** Confluent Platform, e.g. 8.2.0: the tag of every cp-* image. */
  readonly confluentPlatform: string;
  /** Confluent for Kubernetes (the operator), e.g. 3.3.0: also the init container's tag. */
  readonly operator: string;
  /** The confluent-for-kubernetes Helm chart version that ships that operator, e.g. 0.1718.10. */
  readonly operatorChart: string;
  /** Control Center next-gen (CP 8), e.g. 2.5.0; on CP 7.x the legacy Control Center uses the CP tag. */
  readonly controlCenter: string;
}

/** A Kafka topic managed as a CFK KafkaTopic in one environment. */
export interface TopicSpec {
  /** The Kafka topic name (letters, digits, ".", "_", "-"). */
  readonly name: string;
  readonly partitions: number;
  /** Replication factor; the broker default when absent. */
  readonly replicas?: number;
  /** Topic configs, as Kafka expects them: strings. */
  readonly configs?: Readonly<Record<string, string>>;
}

export interface Environment {
  readonly name: string;
  readonly namespace: string;
  /** Argo CD destination: the API server URL of the cluster. */
  readonly cluster: string;
  readonly size: SizeProfile;
  readonly components: readonly ComponentName[];
  /** Versions this environment runs where they differ from the platform's (set by promote and upgrade). */
  readonly versions?: Partial<PlatformVersions>;
  readonly topics?: readonly TopicSpec[];
  /** Production options of this environment, over the platform's (see options.ts). */
  readonly options?: PlatformOptions;
  /** Sizes over the size profile, per CFK kind (Kafka, KRaftController, …): set by `cp-gitops scale`. */
  readonly overrides?: Readonly<Record<string, SizeOverride>>;
  /** configOverrides.server lines (key=value) per component, after the profile's: set by `cp-gitops config`. */
  readonly config?: Readonly<Partial<Record<ComponentName, readonly string[]>>>;
  /** More Kafka clusters in this environment, each in a namespace of its own (set by `cp-gitops add-cluster`). */
  readonly kafkaClusters?: readonly KafkaClusterSpec[];
  /**
   * Never in cp-gitops.yaml: the options a Kafka cluster inherits from its environment, on the
   * environments that expandKafkaClusters derives (src/model/kafka-clusters.ts).
   */
  readonly inheritedOptions?: PlatformOptions;
}

/**
 * A further Kafka cluster of an environment: its own namespace, components, options and sizes; the
 * environment's Kubernetes cluster and versions (promotion moves the environment as a whole).
 */
export interface KafkaClusterSpec {
  readonly name: string;
  readonly namespace: string;
  /** The environment's size profile when absent. */
  readonly size?: SizeProfile;
  readonly components: readonly ComponentName[];
  /** Over the environment's options (which are over the platform's). */
  readonly options?: PlatformOptions;
  readonly overrides?: Environment['overrides'];
  readonly config?: Environment['config'];
  readonly topics?: readonly TopicSpec[];
}

/** One kind's size over its profile; quantities as Kubernetes writes them (500m, 4Gi). */
export interface SizeOverride {
  readonly replicas?: number;
  readonly cpu?: string;
  readonly memory?: string;
  readonly storage?: string;
}

export const GIT_PROVIDERS = ['github', 'gitlab'] as const;

/** The Git hosting service later change commands open pull requests on, as `init --github` recorded it. */
export interface GitProviderRecord {
  readonly type: (typeof GIT_PROVIDERS)[number];
  /** GitHub: owner/name; GitLab: the project's full path, group/(subgroup/…)project. */
  readonly repository: string;
  /** The REST API root, only when it is not the provider's public one (https://api.github.com; GitLab: https://gitlab.com/api/v4), for GitHub Enterprise or self-managed GitLab. */
  readonly apiUrl?: string;
}

export interface PlatformModel {
  readonly apiVersion: typeof MODEL_API_VERSION;
  readonly kind: typeof MODEL_KIND;
  readonly name: string;
  /** The Git URL Argo CD pulls this repository from. */
  readonly repoURL: string;
  /** The branch Argo CD follows. */
  readonly targetRevision: string;
  /** Where pull requests are opened (recorded by `init --github`); never a token. */
  readonly gitProvider?: GitProviderRecord;
  readonly controller: ControllerMode;
  readonly versions: PlatformVersions;
  /** Production options for every environment (security, access, monitoring, storage, scheduling). */
  readonly options?: PlatformOptions;
  /** In promotion order: the first is where changes land first. */
  readonly environments: readonly Environment[];
}
