/**
 * Production options (issue 5): every one is a field of cp-gitops.yaml, set for the whole platform
 * under `options:` and overridable per environment under `environments[].options:`. Each option
 * module of src/generator/options/ turns its part into patches and manifests.
 */
export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'OFF';

export interface Toleration {
  readonly key?: string;
  readonly operator?: 'Equal' | 'Exists';
  readonly value?: string;
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  readonly tolerationSeconds?: number;
}

export interface StorageOptions {
  /** StorageClass of every persistent volume (data, logs, Prometheus). */
  readonly storageClass?: string;
  /** Also manage that StorageClass: Retain, volume expansion, WaitForFirstConsumer. */
  readonly createStorageClass?: { readonly provisioner: string; readonly parameters?: Readonly<Record<string, string>> };
}

export interface SchedulingOptions {
  readonly tolerations?: readonly Toleration[];
  readonly priorityClassName?: string;
  /** Spread replicas over zones (topology.kubernetes.io/zone), softly. */
  readonly zoneSpread?: boolean;
  /** Broker rack = the node's zone label (CFK rackAssignment, with its ServiceAccount and RBAC). */
  readonly rackAwareness?: { readonly nodeLabel: string };
}

export interface MonitoringOptions {
  /** Prometheus exporter on every component (port 7778). */
  readonly prometheus?: boolean;
  /** PodMonitor objects for the Prometheus Operator. */
  readonly podMonitors?: boolean;
}

export interface LoggingOptions {
  /** log4j logger levels, e.g. {root: INFO, kafka.controller: WARN}. */
  readonly levels?: Readonly<Record<string, LogLevel>>;
  /** Annotations for a log-shipping node agent (e.g. {fluentbit.io/parser: json}). */
  readonly podAnnotations?: Readonly<Record<string, string>>;
}

export interface TlsOptions {
  readonly mode: 'none' | 'auto' | 'cert-manager';
  /** auto: the CA key pair Secret CFK signs with (created out of band, never by cp-gitops). */
  readonly caSecret?: string;
  /** cert-manager: the Issuer or ClusterIssuer that signs the Certificates. */
  readonly issuer?: { readonly kind: 'Issuer' | 'ClusterIssuer'; readonly name: string };
}

export interface AuthenticationOptions {
  /** Kafka listeners: SASL/PLAIN or mutual TLS. (CFK has no Kerberos listener type.) */
  readonly kafka?: 'none' | 'plain' | 'mtls';
  /** REST endpoints of Schema Registry, Connect, ksqlDB, REST Proxy, Control Center. */
  readonly http?: 'none' | 'basic' | 'mtls';
}

/** The MDS LDAP search settings, as CFK names them (spec.services.mds.provider.ldap.configurations). */
export interface LdapConfigurations {
  readonly userSearchBase?: string;
  readonly userSearchFilter?: string;
  readonly userSearchScope?: number;
  readonly userObjectClass?: string;
  readonly userNameAttribute?: string;
  readonly userMemberOfAttributePattern?: string;
  readonly groupSearchBase?: string;
  readonly groupSearchFilter?: string;
  readonly groupSearchScope?: number;
  readonly groupObjectClass?: string;
  readonly groupNameAttribute?: string;
  readonly groupMemberAttribute?: string;
  readonly groupMemberAttributePattern?: string;
}

/** rbac: the LDAP directory MDS authenticates users against and reads their groups from. */
export interface LdapOptions {
  /** ldap://host:port or ldaps://host:port (ldaps: TLS with the brokers' trust store). */
  readonly address: string;
  /** Secret with ldap.txt (username=<bind DN>, password=…) MDS binds with. */
  readonly bindSecret?: string;
  /** ldaps://: Secret with truststore.jks and jksPassword.txt holding the directory's CA, which the brokers trust (spec.services.mds.provider.ldap.tls.secretRef). */
  readonly caSecret?: string;
  readonly configurations?: LdapConfigurations;
}

/** rbac: a role a user or group gets on the Kafka cluster (a ConfluentRolebinding). */
export interface RoleBindingOption {
  /** User:<name> or Group:<name>. */
  readonly principal: string;
  readonly role: 'SystemAdmin' | 'ClusterAdmin' | 'UserAdmin' | 'SecurityAdmin' | 'AuditAdmin' | 'Operator';
}

export interface AuthorizationOptions {
  readonly type: 'none' | 'simple' | 'rbac';
  readonly superUsers?: readonly string[];
  /** rbac: MDS's identity provider (LDAP is the one cp-gitops supports). */
  readonly ldap?: LdapOptions;
  /** rbac: Secret with the MDS token key pair (mdsTokenKeyPair.pem, mdsPublicKey.pem). */
  readonly tokenKeyPairSecret?: string;
  /** rbac: Secret with bearer.txt, the user the KafkaRestClass (topics, role bindings) calls the brokers' REST API as. */
  readonly restClassSecret?: string;
  /** rbac: roles of your users and groups on the Kafka cluster. */
  readonly roleBindings?: readonly RoleBindingOption[];
}

export interface SecretsOptions {
  /** Where credentials come from: Secrets made out of band, External Secrets Operator, or Sealed Secrets. */
  readonly provider: 'existing' | 'external-secrets' | 'sealed-secrets';
  /** external-secrets: the (Cluster)SecretStore to read from. */
  readonly store?: { readonly kind: 'SecretStore' | 'ClusterSecretStore'; readonly name: string };
}

export interface ExternalAccessOptions {
  /**
   * loadBalancer: one load balancer per broker; nodePort: one host, consecutive ports;
   * staticForHostBasedRouting: one ingress controller with TLS passthrough routes by SNI host name.
   */
  readonly type: 'none' | 'loadBalancer' | 'nodePort' | 'staticForHostBasedRouting';
  /** loadBalancer, staticForHostBasedRouting: the DNS domain of the bootstrap and per-broker names. */
  readonly domain?: string;
  readonly bootstrapPrefix?: string;
  readonly brokerPrefix?: string;
  /** nodePort: the host clients use, and the first port. */
  readonly host?: string;
  readonly nodePortOffset?: number;
  /** staticForHostBasedRouting: the port the brokers advertise (the ingress controller's TLS port, 443). */
  readonly port?: number;
  /** staticForHostBasedRouting: the IngressClass of the ingress-nginx controller that runs with SSL passthrough. */
  readonly ingressClassName?: string;
}

/** NetworkPolicies of the environment's namespace: default-deny ingress, then the flows the platform needs. */
export interface NetworkPolicyOptions {
  /** false for clusters whose CNI ignores NetworkPolicies (default true). */
  readonly enabled?: boolean;
  /** Namespaces whose pods may reach Kafka's internal listener and the components' REST APIs. */
  readonly clients?: readonly string[];
  /** The namespace of the Prometheus that scrapes the components (monitoring on); default monitoring. */
  readonly prometheusNamespace?: string;
  /** The namespace of the ingress controller (externalAccess staticForHostBasedRouting); default ingress-nginx. */
  readonly ingressNamespace?: string;
}

/** The explicit way out of the security refusals, for a lab; it is repeated as a warning in the README and every PR body. */
export interface SecurityOptions {
  readonly allowInsecure?: boolean;
}

export interface KraftOptions {
  /**
   * static: controller.quorum.voters, fixed size (what a model without this field means, so a
   * regeneration never flips a running quorum); dynamic: a KIP-853 quorum CFK formats from its first
   * controller (spec.dynamicQuorumConfig with the bootstrap ConfigMap), grown in place; migrated: a
   * static quorum moved to KIP-853 by hand (kraft.version=1), dynamicQuorumConfig without bootstrap.
   * `init` writes dynamic for new platforms on CP 8.2+ with CFK 3.3+.
   */
  readonly quorum?: 'static' | 'dynamic' | 'migrated';
}

export interface PlatformOptions {
  readonly kraft?: KraftOptions;
  readonly storage?: StorageOptions;
  readonly scheduling?: SchedulingOptions;
  readonly monitoring?: MonitoringOptions;
  readonly logging?: LoggingOptions;
  readonly tls?: TlsOptions;
  readonly authentication?: AuthenticationOptions;
  readonly authorization?: AuthorizationOptions;
  readonly secrets?: SecretsOptions;
  readonly externalAccess?: ExternalAccessOptions;
  readonly networkPolicy?: NetworkPolicyOptions;
  readonly security?: SecurityOptions;
}

/**
 * The options an environment runs with: the platform's, with the environment's own on top (maps merge,
 * the rest is replaced). A Kafka cluster's environment has its parent's options in between.
 */
export function optionsOf(model: { readonly options?: PlatformOptions }, env: { readonly options?: PlatformOptions; readonly inheritedOptions?: PlatformOptions }): PlatformOptions {
  return mergeOptions(layeredOptions(model.options, env.inheritedOptions), (env.options ?? {}) as Record<string, unknown>) as PlatformOptions;
}

/** `over` on top of `under`, with the merge rules of optionsOf. */
function layeredOptions(under: PlatformOptions | undefined, over: PlatformOptions | undefined): Record<string, unknown> {
  return mergeOptions((under ?? {}) as Record<string, unknown>, (over ?? {}) as Record<string, unknown>);
}

function mergeOptions(base: Record<string, unknown>, overlay: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    const current = result[key];
    result[key] = isMap(current) && isMap(value) ? mergeOptions(current, value) : value;
  }
  return result;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
