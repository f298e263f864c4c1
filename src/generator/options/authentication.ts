import type { PlatformOptions } from '../../model/options.js';
import type { PlainObject } from '../object-path.js';
import type { UnitIndex } from '../resources.js';
import type { DependencyField, ResourceTemplate } from '../templates.js';
import type { OptionContext, OptionModule } from './option-module.js';
import { metricReporterOn } from './metric-reporter.js';
import { rbacOn } from './rbac.js';
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
};

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
    }
    return Object.keys(patch).length > 0 ? patch : undefined;
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
