import type { PlatformOptions } from '../../model/options.js';
import type { PlainObject } from '../object-path.js';
import type { UnitIndex } from '../resources.js';
import type { DependencyField, ResourceTemplate } from '../templates.js';
import type { OptionContext, OptionModule } from './option-module.js';
import { metricReporterOn } from './metric-reporter.js';
import { rbacOn } from './rbac.js';
import { SYNC_WAVE_ANNOTATION } from '../resources.js';
import type { SecretNeed } from './secrets.js';

/** The components that serve a REST API (HTTP basic or mTLS authentication on it). */
export const HTTP_KINDS = new Set(['SchemaRegistry', 'Connect', 'KsqlDB', 'KafkaRestProxy', 'ControlCenter']);
/** The components that connect to Kafka as clients (dependencies.kafka). */
const KAFKA_CLIENT_KINDS = new Set(['SchemaRegistry', 'Connect', 'KsqlDB', 'KafkaRestProxy', 'ControlCenter']);

/**
 * The principal of a certificate is its CN (the component's name for CFK's own and our cert-manager
 * certificates), so ACLs and super users read User:kafka rather than a whole distinguished name.
 * No backslashes: CFK writes the rule into a properties file, where they would need escaping.
 */
export const CN_PRINCIPAL_RULES = ['RULE:.*CN=([a-zA-Z0-9.-]*).*$/$1/', 'DEFAULT'];

/** Names of the credential Secrets (each at most 30 characters, like every CFK secretRef). */
export const secretNames = {
  /** SASL/PLAIN: plain.txt (the component's own user), plus plain-users.json on Kafka and KRaft. */
  jaas: (component: string) => `${component}-jaas`,
  /** HTTP basic, server side: basic.txt with the users allowed on the component's REST API. */
  basic: (component: string) => `${component}-basic`,
  /** HTTP basic, client side: basic.txt with the user a component presents to other REST APIs. */
  basicClient: (component: string) => `${component}-basic-client`,
  /** The KafkaRestClass "default" (the operator's calls to the Admin REST API): its basic login. */
  restClassBasic: 'restclass-basic',
  /** The KafkaRestClass "default" under mTLS: its client certificate (CN=kafka) and the CA. */
  restClassTls: 'restclass-tls',
  /** Control Center next-gen's bundled Prometheus and Alertmanager: basic users (server) and the login of their clients. */
  bundledBasic: (service: BundledService) => `${service}-basic`,
  bundledBasicClient: (service: BundledService) => `${service}-basic-client`,
};

/** Control Center next-gen's bundled services, on their own ports of its pod. */
export type BundledService = 'prometheus' | 'alertmanager';
export const BUNDLED_SERVICE_PORTS: Readonly<Record<number, BundledService>> = { 9090: 'prometheus', 9093: 'alertmanager' };

/** The principal the KafkaRestClass calls the Admin REST API as: the brokers' own, a super user (as in Confluent's examples). */
export const REST_CLASS_PRINCIPAL = 'kafka';

/** Whether an environment's Control Center is next-gen (it has the bundled Prometheus). */
export function isNextGenControlCenter(resource: ResourceTemplate): boolean {
  return resource.kind === 'ControlCenter' && resource.images.some((image) => image.path === 'spec.services.prometheus.image');
}

/** How a client authenticates to Control Center next-gen's bundled Prometheus or Alertmanager, or undefined. */
export function bundledClientAuthentication(service: BundledService, options: PlatformOptions): PlainObject | undefined {
  if (options.authorization?.type === 'rbac') return undefined;
  switch (httpAuthentication(options)) {
    case 'basic':
      return { type: 'basic', basic: { secretRef: secretNames.bundledBasicClient(service) } };
    case 'mtls':
      return { type: 'mtls' };
    default:
      return undefined;
  }
}

export function kafkaAuthentication(options: PlatformOptions): 'none' | 'plain' | 'mtls' {
  return options.authentication?.kafka ?? 'none';
}

export function httpAuthentication(options: PlatformOptions): 'none' | 'basic' | 'mtls' {
  return options.authentication?.http ?? 'none';
}

/** How a component authenticates to Kafka (dependencies.kafka.authentication), or undefined. */
export function kafkaClientAuthentication(client: string, options: PlatformOptions): PlainObject | undefined {
  switch (kafkaAuthentication(options)) {
    case 'plain':
      return { type: 'plain', jaasConfig: { secretRef: secretNames.jaas(client) } };
    case 'mtls':
      return { type: 'mtls' };
    default:
      return undefined;
  }
}

/**
 * Under RBAC (with LDAP) the components reach Kafka on the token listener CFK adds to the brokers, with
 * tokens MDS issues for their `<component>-mds-client` login, and CFK ignores their
 * dependencies.kafka.authentication: no JAAS login, and no `<component>-jaas` Secret that a sync would wait for.
 */
export function logsInWithToken(resource: ResourceTemplate, options: PlatformOptions): boolean {
  return rbacOn(options) && KAFKA_CLIENT_KINDS.has(resource.kind);
}

/** How a component authenticates to another component's REST API, or undefined. */
export function httpClientAuthentication(client: string, options: PlatformOptions): PlainObject | undefined {
  switch (httpAuthentication(options)) {
    case 'basic':
      return { type: 'basic', basic: { secretRef: secretNames.basicClient(client) } };
    case 'mtls':
      return { type: 'mtls' };
    default:
      return undefined;
  }
}

/** The CFK resources an environment runs that have pods (not KafkaRestClass). */
export function componentResources(units: UnitIndex): ResourceTemplate[] {
  return [...units.values()].flatMap((unit) => unit.resources).filter((resource) => resource.sized);
}

/** Kafka listener authentication (server side), for Kafka's listeners and KRaft's controller listener. */
function listenerAuthentication(server: string, options: PlatformOptions): PlainObject | undefined {
  switch (kafkaAuthentication(options)) {
    case 'plain':
      return { type: 'plain', jaasConfig: { secretRef: secretNames.jaas(server) } };
    case 'mtls':
      return { type: 'mtls', principalMappingRules: [...CN_PRINCIPAL_RULES] };
    default:
      return undefined;
  }
}

/**
 * authentication: SASL/PLAIN or mTLS on every Kafka listener (internal, external, replication) and on
 * the KRaft controller listener, with each component authenticating as User:<its name>; HTTP basic or
 * mTLS on the REST APIs. The client side of component-to-component dependencies is wired by the TLS
 * module (one place spells out each dependency: its URL scheme, trust and credentials).
 */
export const authenticationOption: OptionModule = {
  name: 'authentication',
  resourcePatch(resource, { options, units }) {
    const patch: PlainObject = {};
    const listener = listenerAuthentication(resource.name, options);
    if (listener && resource.kind === 'Kafka') {
      patch.listeners = { internal: { authentication: listener }, external: { authentication: listener }, replication: { authentication: listener } };
      // The broker's own metrics reporter is a client of the internal listener.
      if (metricReporterOn(units)) patch.metricReporter = { authentication: kafkaClientAuthentication(resource.name, options) };
      const controller = controllerResource(units);
      if (controller && resource.dependencies.some((dependency) => dependency.unit === 'kraftcontroller')) {
        patch.dependencies = { kRaftController: { controllerListener: { authentication: kafkaClientAuthentication(resource.name, options) } } };
      }
    }
    if (listener && resource.kind === 'KRaftController') patch.listeners = { controller: { authentication: listener } };
    const adminRest = adminRestAuthentication(resource, options);
    if (adminRest) Object.assign(patch, adminRest);
    if (HTTP_KINDS.has(resource.kind)) {
      const http = httpAuthentication(options);
      if (http === 'basic') {
        const basic: PlainObject = { secretRef: secretNames.basic(resource.name) };
        // Control Center's basic login needs roles: Administrators may change, Restricted may only look.
        if (resource.kind === 'ControlCenter') Object.assign(basic, { roles: ['Administrators', 'Restricted'], restrictedRoles: ['Restricted'] });
        patch.authentication = { type: 'basic', basic };
      } else if (http === 'mtls') {
        patch.authentication = { type: 'mtls', mtls: { sslClientAuthentication: 'required' } };
      }
      if (isNextGenControlCenter(resource) && options.authorization?.type !== 'rbac') {
        const bundled = (service: BundledService): PlainObject | undefined =>
          http === 'basic' ? { authentication: { type: 'basic', basic: { secretRef: secretNames.bundledBasic(service) } } } : http === 'mtls' ? { authentication: { type: 'mtls' } } : undefined;
        const prometheus = bundled('prometheus');
        const alertmanager = bundled('alertmanager');
        if (prometheus && alertmanager) patch.services = { prometheus, alertmanager };
      }
    }
    return Object.keys(patch).length > 0 ? patch : undefined;
  },
  manifests(context) {
    // cert-manager: the KafkaRestClass's client certificate comes from the same issuer as the components'.
    const issuer = context.options.tls?.issuer;
    if (!restClassNeedsCertificate(context.options) || context.options.tls?.mode !== 'cert-manager' || !issuer || !context.units.has('kafka')) return [];
    return [
      {
        file: `tls/${secretNames.restClassTls}-certificate.yaml`,
        description: `cert-manager Certificate of the KafkaRestClass "default" (Secret ${secretNames.restClassTls}): the operator's client certificate for the brokers' Admin REST API`,
        object: {
          apiVersion: 'cert-manager.io/v1',
          kind: 'Certificate',
          metadata: { name: secretNames.restClassTls, annotations: { [SYNC_WAVE_ANNOTATION]: '-1' } },
          spec: {
            secretName: secretNames.restClassTls,
            commonName: REST_CLASS_PRINCIPAL,
            usages: ['client auth', 'digital signature', 'key encipherment'],
            issuerRef: { group: 'cert-manager.io', kind: issuer.kind, name: issuer.name },
          },
        },
      },
    ];
  },
  readme({ env, options, units }) {
    const lines: string[] = [];
    const kafka = kafkaAuthentication(options);
    const tls = (options.tls?.mode ?? 'none') !== 'none';
    const principals = componentResources(units).filter((resource) => resource.kind !== 'Zookeeper').map((resource) => `User:${resource.name}`);
    if (kafka === 'plain') {
      const tokens = rbacOn(options) ? componentResources(units).filter((resource) => logsInWithToken(resource, options)) : [];
      const jaas = principals.filter((principal) => !tokens.some((resource) => principal === `User:${resource.name}`));
      lines.push(
        `- ${env.name}: Kafka listeners (internal, external, replication${units.has('kraftcontroller') ? ', KRaft controller' : ''}) authenticate with SASL/PLAIN. ` +
          `Each component logs in as its own user, named like the component (${jaas.join(', ')}), from plain.txt of its \`<component>-jaas\` Secret; ` +
          (tokens.length > 0 ? `under RBAC, ${tokens.map((resource) => resource.name).join(', ')} reach Kafka with MDS tokens (their \`<component>-mds-client\` login) instead, so they have no \`-jaas\` Secret; ` : '') +
          'Kafka and the KRaft controllers also list every allowed user in plain-users.json.' +
          (tls ? '' : ' Without TLS the passwords cross the network in clear text: set tls.mode.'),
      );
    } else if (kafka === 'mtls') {
      lines.push(
        `- ${env.name}: Kafka listeners authenticate with mutual TLS; a client's principal is the CN of its certificate (User:<CN>), so the components are ${principals.join(', ')}.`,
      );
    }
    const http = httpAuthentication(options);
    const httpComponents = componentResources(units).filter((resource) => HTTP_KINDS.has(resource.kind));
    if (http !== 'none' && httpComponents.length > 0) {
      lines.push(
        `- ${env.name}: the REST APIs of ${httpComponents.map((resource) => resource.name).join(', ')} require ${http === 'basic' ? 'HTTP basic authentication (users in basic.txt of each `<component>-basic` Secret; components call each other with the user in their `<component>-basic-client` Secret)' : 'a client certificate (mutual TLS)'}.`,
      );
    }
    return lines;
  },
};

/** The KafkaRestClass presents a client certificate: mTLS on the REST APIs, without rbac (bearer there). */
function restClassNeedsCertificate(options: PlatformOptions): boolean {
  return httpAuthentication(options) === 'mtls' && options.authorization?.type !== 'rbac';
}

/**
 * The brokers' embedded Admin REST API (8090, spec.services.kafkaRest) takes the authentication of the
 * other REST APIs, and the KafkaRestClass "default" (through which the operator manages topics) logs in
 * to it: basic with restclass-basic, mTLS with the client certificate in restclass-tls. Under rbac the
 * rbac module wires both with MDS bearer tokens.
 */
function adminRestAuthentication(resource: ResourceTemplate, options: PlatformOptions): PlainObject | undefined {
  if (options.authorization?.type === 'rbac') return undefined;
  const http = httpAuthentication(options);
  if (http === 'none') return undefined;
  if (resource.kind === 'Kafka') {
    const authentication =
      http === 'basic'
        ? { type: 'basic', basic: { secretRef: secretNames.basic(resource.name) } }
        : { type: 'mtls', mtls: { sslClientAuthentication: 'required', principalMappingRules: [...CN_PRINCIPAL_RULES] } };
    return { services: { kafkaRest: { authentication } } };
  }
  if (resource.kind === 'KafkaRestClass') {
    return http === 'basic'
      ? { kafkaRest: { authentication: { type: 'basic', basic: { secretRef: secretNames.restClassBasic } } } }
      : { kafkaRest: { authentication: { type: 'mtls' }, tls: { secretRef: secretNames.restClassTls } } };
  }
  return undefined;
}

function controllerResource(units: UnitIndex): ResourceTemplate | undefined {
  return units.get('kraftcontroller')?.resources[0];
}

/** The credential Secrets the authentication options need in an environment (created out of band). */
export function authenticationSecrets({ options, units }: OptionContext): SecretNeed[] {
  const needs: SecretNeed[] = [];
  const components = componentResources(units);
  if (kafkaAuthentication(options) === 'plain') {
    for (const resource of components) {
      if (resource.kind === 'Zookeeper') continue;
      const server = resource.kind === 'Kafka' || resource.kind === 'KRaftController';
      if (!server && (!KAFKA_CLIENT_KINDS.has(resource.kind) || logsInWithToken(resource, options))) continue;
      needs.push({
        name: secretNames.jaas(resource.name),
        type: 'Opaque',
        purpose: server
          ? `SASL/PLAIN for ${resource.kind} "${resource.name}": the users its listener accepts, and its own login`
          : `SASL/PLAIN login of ${resource.kind} "${resource.name}" to Kafka`,
        keys: [
          ...(server
            ? [{ key: 'plain-users.json', content: resource.kind === 'Kafka' ? '{"<user>": "<password>", …}: every component user and your applications' : '{"<user>": "<password>", …}: the kafka and kraftcontroller users' }]
            : []),
          { key: 'plain.txt', content: `username=${resource.name} and password=<password> on two lines` },
        ],
      });
    }
  }
  if (httpAuthentication(options) === 'basic') {
    const httpComponents = components.filter((resource) => HTTP_KINDS.has(resource.kind));
    for (const resource of httpComponents) {
      needs.push({
        name: secretNames.basic(resource.name),
        type: 'Opaque',
        purpose: `HTTP basic users of the ${resource.kind} "${resource.name}" REST API`,
        keys: [{ key: 'basic.txt', content: `one "<user>: <password>,<role>" line per user${resource.kind === 'ControlCenter' ? ' (roles Administrators or Restricted)' : ''}, including the components that call it` }],
      });
    }
    const kafka = components.find((resource) => resource.kind === 'Kafka');
    if (kafka && options.authorization?.type !== 'rbac') {
      needs.push(
        {
          name: secretNames.basic(kafka.name),
          type: 'Opaque',
          purpose: `HTTP basic users of the brokers' embedded Admin REST API (port 8090)`,
          keys: [{ key: 'basic.txt', content: `one "<user>: <password>,<role>" line per user, including ${REST_CLASS_PRINCIPAL} (the KafkaRestClass)` }],
        },
        {
          name: secretNames.restClassBasic,
          type: 'Opaque',
          purpose: 'the HTTP basic user the KafkaRestClass "default" (topics) calls the Admin REST API as',
          keys: [{ key: 'basic.txt', content: `username=${REST_CLASS_PRINCIPAL} and password=<password> on two lines` }],
        },
      );
    }
    if (options.authorization?.type !== 'rbac' && components.some(isNextGenControlCenter)) {
      for (const service of ['prometheus', 'alertmanager'] as const) {
        needs.push(
          {
            name: secretNames.bundledBasic(service),
            type: 'Opaque',
            purpose: `HTTP basic users of Control Center's bundled ${service}`,
            keys: [{ key: 'basic.txt', content: `one "<user>: <password>" line, e.g. ${service}-client: <password>` }],
          },
          {
            name: secretNames.bundledBasicClient(service),
            type: 'Opaque',
            purpose: `the login Control Center${service === 'prometheus' ? ', the brokers and the controllers' : ''} present${service === 'prometheus' ? '' : 's'} to the bundled ${service}`,
            keys: [{ key: 'basic.txt', content: `username=${service}-client and password=<password> on two lines` }],
          },
        );
      }
    }
    for (const resource of httpComponents) {
      if (!resource.dependencies.some((dependency) => restTarget(dependency, units))) continue;
      needs.push({
        name: secretNames.basicClient(resource.name),
        type: 'Opaque',
        purpose: `the HTTP basic user ${resource.kind} "${resource.name}" presents to the other REST APIs`,
        keys: [{ key: 'basic.txt', content: `username=${resource.name} and password=<password> on two lines` }],
      });
    }
  }
  if (restClassNeedsCertificate(options) && options.tls?.mode === 'auto' && components.some((resource) => resource.kind === 'Kafka')) {
    needs.push({
      name: secretNames.restClassTls,
      type: 'Opaque',
      purpose: `the client certificate the KafkaRestClass "default" (topics) presents to the brokers' Admin REST API: CN=${REST_CLASS_PRINCIPAL}, signed by the CA of ${options.tls?.caSecret ?? 'ca-pair-sslcerts'} (the README shows the openssl commands)`,
      keys: [
        { key: 'fullchain.pem', content: `the client certificate (PEM, CN=${REST_CLASS_PRINCIPAL})` },
        { key: 'privkey.pem', content: 'its private key (PEM)' },
        { key: 'cacerts.pem', content: 'the CA certificate (PEM)' },
      ],
    });
  }
  return needs;
}

/**
 * The component whose REST API a dependency calls, or undefined: not for Kafka or ZooKeeper, and not for
 * Control Center's bundled Prometheus and Alertmanager (dependencies on another port than the endpoint).
 */
export function restTarget(dependency: DependencyField, units: UnitIndex): ResourceTemplate | undefined {
  const target = units.get(dependency.unit)?.resources[0];
  return target !== undefined && HTTP_KINDS.has(target.kind) && dependency.port === undefined ? target : undefined;
}
