import { splitKafkaClusterKey } from './kafka-clusters.js';
import type { YamlPath } from '../yaml/positions.js';
import type { ModelProblem } from './check.js';
import { optionsOf, type PlatformOptions } from './options.js';
import type { PlatformModel } from './types.js';

interface Rule {
  /** The option path that carries the offending value, e.g. authentication.kafka. */
  readonly at: readonly string[];
  readonly applies: (options: PlatformOptions) => boolean;
  readonly message: string;
  readonly fix: string;
  /** A refusal of unsafe exposure: security.allowInsecure waives it (and the waiver becomes a warning). */
  readonly insecure?: boolean;
}

/** The override every refusal of unsafe exposure names. */
export const ALLOW_INSECURE_FIX = 'or, for a lab only, set security.allowInsecure=true (then every README and pull request warns about it)';

/**
 * Combinations of the security options (TLS, authentication, authorization, secrets) that the JSON
 * Schema accepts but that cannot work. Checked per environment on the options it runs with (the
 * platform's, with its own on top); a problem is reported once, at the place in cp-gitops.yaml that sets
 * the offending value, naming every environment it breaks.
 */
const RULES: readonly Rule[] = [
  {
    at: ['externalAccess', 'type'],
    insecure: true,
    applies: (options) => externallyExposed(options) && (options.authentication?.kafka ?? 'none') === 'none',
    message: 'Kafka is exposed outside the cluster (externalAccess) without authentication: anyone who reaches the address can produce, consume and delete topics',
    fix: `add authentication.kafka=mtls with tls.mode=auto (certificates from one CA, no passwords) or authentication.kafka=plain with TLS; ${ALLOW_INSECURE_FIX}`,
  },
  {
    at: ['authentication', 'kafka'],
    insecure: true,
    applies: (options) => options.authentication?.kafka === 'plain' && !tlsOn(options) && kafkaReachableFromOutside(options),
    message: `SASL/PLAIN without TLS on listeners reachable from outside the namespace (${'externalAccess, networkPolicy.clients or networkPolicy.enabled false'}): the passwords cross the network in clear text`,
    fix: `add tls.mode=auto (or tls.mode=cert-manager with tls.issuer); ${ALLOW_INSECURE_FIX}`,
  },
  {
    at: ['authentication', 'http'],
    insecure: true,
    applies: (options) => options.authentication?.http === 'basic' && !tlsOn(options) && httpReachableFromOutside(options),
    message: 'HTTP basic authentication without TLS on REST APIs reachable from outside the namespace (networkPolicy.clients or networkPolicy.enabled false): the passwords cross the network in clear text',
    fix: `add tls.mode=auto (or tls.mode=cert-manager with tls.issuer); ${ALLOW_INSECURE_FIX}`,
  },
  {
    at: ['authentication', 'kafka'],
    applies: (options) => options.authentication?.kafka === 'mtls' && !tlsOn(options),
    message: 'authentication.kafka mtls needs TLS: a client certificate is only presented over a TLS connection',
    fix: 'add tls.mode=auto (or tls.mode=cert-manager with tls.issuer), or use authentication.kafka=plain',
  },
  {
    at: ['authentication', 'http'],
    applies: (options) => options.authentication?.http === 'mtls' && !tlsOn(options),
    message: 'authentication.http mtls needs TLS on the REST APIs',
    fix: 'add tls.mode=auto (or tls.mode=cert-manager with tls.issuer), or use authentication.http=basic',
  },
  {
    at: ['tls', 'mode'],
    applies: (options) => options.tls?.mode === 'cert-manager' && !options.tls.issuer,
    message: 'tls.mode cert-manager needs the Issuer or ClusterIssuer that signs the certificates',
    fix: 'add tls.issuer, e.g. --set "tls.issuer={kind: ClusterIssuer, name: my-ca}"',
  },
  {
    at: ['authorization', 'type'],
    applies: (options) => rbac(options) && !tlsOn(options),
    message:
      'authorization rbac needs TLS: every component logs in to the Metadata Service (MDS, port 8090) with its LDAP password to get its token, and the brokers bind to LDAP; without TLS those passwords and tokens cross the network in clear text',
    fix: 'add tls.mode=auto (or tls.mode=cert-manager with tls.issuer)',
  },
  {
    at: ['authorization', 'type'],
    applies: (options) => rbac(options) && (options.authentication?.kafka ?? 'none') === 'none',
    message: 'authorization rbac needs authenticated Kafka listeners: role bindings and super users name principals, and without authentication.kafka every client, the brokers included, is User:ANONYMOUS',
    fix: 'add authentication.kafka=plain or authentication.kafka=mtls',
  },
  {
    at: ['authorization', 'type'],
    applies: (options) => rbac(options) && !options.authorization?.ldap?.address,
    message: 'authorization rbac needs the LDAP directory the Metadata Service authenticates users against and reads their groups from (cp-gitops supports LDAP as the MDS identity provider)',
    fix: `add authorization.ldap, e.g. --set "authorization.ldap={address: ldaps://ldap.example.com:636, configurations: {userSearchBase: 'ou=users,dc=example,dc=com', groupSearchBase: 'ou=groups,dc=example,dc=com'}}"`,
  },
  {
    at: ['authentication', 'http'],
    applies: (options) => rbac(options) && (options.authentication?.http ?? 'none') !== 'none',
    message:
      'authentication.http does not apply with authorization rbac: Confluent for Kubernetes then authenticates every REST API with MDS bearer tokens (LDAP users) and ignores the basic or mTLS setting',
    fix: 'remove authentication.http (set it empty: authentication.http=), or use authorization.type=simple',
  },
  {
    at: ['authorization', 'type'],
    applies: (options) => options.authorization?.type === 'simple' && (options.authentication?.kafka ?? 'none') === 'none',
    message: 'authorization simple needs authenticated clients: without authentication.kafka every client, the brokers included, is User:ANONYMOUS and ACLs cannot tell them apart',
    fix: 'add authentication.kafka=plain or authentication.kafka=mtls',
  },
  {
    at: ['authorization', 'ldap', 'caSecret'],
    applies: (options) => options.authorization?.ldap?.caSecret !== undefined && !options.authorization.ldap.address.startsWith('ldaps://'),
    message: 'authorization.ldap.caSecret applies to an ldaps:// address only; with ldap:// the brokers never open TLS to the directory and it would be ignored',
    fix: 'use an ldaps:// address (port 636), or remove it: cp-gitops set authorization.ldap.caSecret=',
  },
  {
    at: ['secrets', 'provider'],
    applies: (options) => options.secrets?.provider === 'external-secrets' && !options.secrets.store,
    message: 'secrets.provider external-secrets needs the SecretStore or ClusterSecretStore to read from',
    fix: 'add secrets.store, e.g. --set "secrets.store={kind: ClusterSecretStore, name: vault}"',
  },
  // Fields of rbac alone: with another type they would be ignored without a word.
  ...(['ldap', 'tokenKeyPairSecret', 'restClassSecret', 'roleBindings'] as const).map(
    (field): Rule => ({
      at: ['authorization', field],
      applies: (options) => !rbac(options) && options.authorization?.[field] !== undefined,
      message: `authorization.${field} applies to authorization rbac only; with another authorization.type it would be ignored`,
      fix: `set authorization.type=rbac, or remove it: cp-gitops set authorization.${field}=`,
    }),
  ),
];

/** Kafka's external listener is published outside the cluster (load balancers, node ports, an ingress controller). */
export function externallyExposed(options: PlatformOptions): boolean {
  return (options.externalAccess?.type ?? 'none') !== 'none';
}

/** NetworkPolicies fence the namespace unless turned off (src/generator/options/network-policy.ts). */
export function networkPoliciesOn(options: PlatformOptions): boolean {
  return options.networkPolicy?.enabled !== false;
}

/** Pods outside the namespace can reach the REST APIs: no fence, or client namespaces let in. */
function httpReachableFromOutside(options: PlatformOptions): boolean {
  return !networkPoliciesOn(options) || (options.networkPolicy?.clients ?? []).length > 0;
}

/** Kafka's listeners are reachable from outside the namespace. */
function kafkaReachableFromOutside(options: PlatformOptions): boolean {
  return externallyExposed(options) || httpReachableFromOutside(options);
}

export function allowInsecure(options: PlatformOptions): boolean {
  return options.security?.allowInsecure === true;
}

function rbac(options: PlatformOptions): boolean {
  return options.authorization?.type === 'rbac';
}

function tlsOn(options: PlatformOptions): boolean {
  return (options.tls?.mode ?? 'none') !== 'none';
}

export function optionProblems(model: PlatformModel, only: (rule: Rule) => boolean = () => true): ModelProblem[] {
  const found = new Map<string, { path: YamlPath; rule: Rule; environments: string[] }>();
  model.environments.forEach((env, index) => {
    const options = optionsOf(model, env);
    for (const rule of RULES) {
      if (!only(rule) || !rule.applies(options) || (rule.insecure && allowInsecure(options))) continue;
      const path = whereSet(model, index, rule.at);
      const key = `${path.join('.')}\u0000${rule.message}`;
      const entry = found.get(key) ?? { path, rule, environments: [] };
      entry.environments.push(env.name);
      found.set(key, entry);
    }
  });
  return [...found.values()].map(({ path, rule, environments }) => ({
    path,
    message: `${environments.length > 1 ? 'environments' : 'environment'} ${environments.map((name) => `"${name}"`).join(', ')}: ${rule.message}`,
    fix: rule.fix,
  }));
}

/** The refusals of unsafe exposure alone (the ones security.allowInsecure waives), for `set` to refuse up front. */
export function exposureProblems(model: PlatformModel): ModelProblem[] {
  return optionProblems(model, (rule) => rule.insecure === true);
}

/** What security.allowInsecure waives in an environment: the messages of the refusals it turns off. */
export function waivedRefusals(options: PlatformOptions): string[] {
  if (!allowInsecure(options)) return [];
  return RULES.filter((rule) => rule.insecure && rule.applies(options)).map((rule) => rule.message);
}

/** Sizes and names the policy treats as production (src/validator/rules/policy.ts isProdLike). */
function prodLike(env: PlatformModel['environments'][number]): boolean {
  return env.size === 'large' || splitKafkaClusterKey(env.name).environment === 'prod';
}

/** The components that serve a REST API to users: with authorization simple their users act as the component's Kafka principal. */
const REST_COMPONENTS = ['connect', 'ksqldb', 'restproxy'] as const;

/**
 * Settings that work but that a reviewer must see: `validate` reports them as warnings at the place in
 * cp-gitops.yaml that sets them, `init` and `set` print them. Never a refusal.
 */
export function optionWarnings(model: PlatformModel): ModelProblem[] {
  const found = new Map<string, { path: YamlPath; message: string; fix: string; environments: string[] }>();
  const add = (index: number, at: readonly string[], message: string, fix: string) => {
    const path = whereSet(model, index, at);
    const key = `${path.join('.')}\u0000${message}`;
    const entry = found.get(key) ?? { path, message, fix, environments: [] };
    entry.environments.push(model.environments[index]!.name);
    found.set(key, entry);
  };
  model.environments.forEach((env, index) => {
    const options = optionsOf(model, env);
    const waived = waivedRefusals(options);
    if (allowInsecure(options)) {
      add(
        index,
        ['security', 'allowInsecure'],
        `security.allowInsecure is set: ${waived.length > 0 ? `the security refusals are waived (${waived.join('; ')})` : 'no refusal is waived today, but a later unsafe setting would pass without an error'}`,
        'remove it (cp-gitops set security.allowInsecure=) once the environment is no longer a lab',
      );
    }
    const rest = REST_COMPONENTS.filter((component) => env.components.includes(component));
    if (options.authorization?.type === 'simple' && prodLike(env) && rest.length > 0) {
      add(
        index,
        ['authorization', 'type'],
        `authorization simple in production with ${rest.join(', ')}: CFK has no ACL resource, and every user of such a REST API acts as that component's Kafka principal (User:${rest[0]}, …), whose ACLs you grant by hand; Confluent RBAC checks each REST user's own roles`,
        'use authorization.type=rbac for production (see docs/options.md, RBAC), or keep simple and grant each component only the ACLs the README lists',
      );
    }
    const ldap = options.authorization?.ldap;
    if (rbac(options) && ldap?.address.startsWith('ldaps://') && (options.tls?.mode ?? 'none') === 'auto' && !ldap.caSecret) {
      add(
        index,
        ['authorization', 'ldap', 'address'],
        'authorization.ldap.address is ldaps:// with tls.mode auto and no authorization.ldap.caSecret: the brokers trust only the CA that signs the components, so the TLS handshake with the directory fails unless that CA also signed the directory\'s certificate',
        'create a Secret with truststore.jks (the directory\'s CA) and jksPassword.txt and set authorization.ldap.caSecret=<its name> (the README shows the commands)',
      );
    }
  });
  return [...found.values()].map(({ path, message, fix, environments }) => ({
    path,
    message: `${environments.length > 1 ? 'environments' : 'environment'} ${environments.map((name) => `"${name}"`).join(', ')}: ${message}`,
    fix,
  }));
}

/** Where cp-gitops.yaml sets an option of an environment: its own when it sets one, else the platform's (the value it inherits). */
export function whereSet(model: PlatformModel, index: number, at: readonly string[]): YamlPath {
  const env = model.environments[index]!;
  if (has(env.options, at)) return ['environments', index, 'options', ...at];
  // A Kafka cluster's environment (src/model/kafka-clusters.ts) inherits its parent environment's options.
  if (has(env.inheritedOptions, at)) {
    const parent = model.environments.findIndex((candidate) => candidate.name === splitKafkaClusterKey(env.name).environment);
    if (parent !== -1) return ['environments', parent, 'options', ...at];
  }
  return ['options', ...at];
}

function has(options: PlatformOptions | undefined, path: readonly string[]): boolean {
  let node: unknown = options;
  for (const key of path) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  return node !== undefined;
}
