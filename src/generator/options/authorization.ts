import type { PlainObject } from '../object-path.js';
import { componentResources } from './authentication.js';
import type { OptionContext, OptionModule } from './option-module.js';

/** Where authorization is decided: the brokers, and in KRaft mode the controllers too (forwarded requests). */
const AUTHORIZER_KINDS = new Set(['Kafka', 'KRaftController']);
/**
 * `simple` without authorization.superUsers: the components that are super users besides the brokers and
 * controllers. Schema Registry touches its own topic only and Control Center is the administrators' UI;
 * Connect, ksqlDB and REST Proxy are not, because every user of their REST APIs acts as their principal.
 */
const SIMPLE_SUPER_USER_KINDS = new Set(['Kafka', 'KRaftController', 'SchemaRegistry', 'ControlCenter']);

/** What a component that is no super user needs under `simple`, as kafka-acls arguments (CFK's default names). */
function componentAcls(kind: string, name: string, namespace: string): string[] {
  switch (kind) {
    case 'Connect':
      // CFK names the Connect group <namespace>.<name> and its config, offset and status topics after it.
      return [
        `--operation All --topic ${namespace}.${name} --resource-pattern-type prefixed`,
        `--operation All --group ${namespace}.${name} --resource-pattern-type prefixed`,
        '--operation All --group connect- --resource-pattern-type prefixed',
        '--operation Read --operation Write --operation Describe --topic <each topic its connectors use>',
      ];
    case 'KsqlDB':
      // CFK sets ksql.service.id to <namespace>.<name>_; internal topics and groups start with _confluent-ksql-<service id>.
      return [
        `--operation All --topic _confluent-ksql-${namespace}.${name}_ --resource-pattern-type prefixed`,
        `--operation All --group _confluent-ksql-${namespace}.${name}_ --resource-pattern-type prefixed`,
        `--operation All --transactional-id ${namespace}.${name}_ --resource-pattern-type prefixed`,
        '--operation DescribeConfigs --cluster',
        '--operation Read --operation Write --operation Describe --topic <each topic its queries use>',
      ];
    case 'KafkaRestProxy':
      return ['--operation Read --operation Write --operation Describe --topic <each topic its clients use>', '--operation Read --group <each consumer group its clients use>'];
    default:
      return [];
  }
}

/**
 * The super users. `simple`: by default every component of the environment (User:<name>, the principal
 * authentication.ts gives it); with authorization.superUsers, those, and always the brokers and
 * controllers: inter-broker and controller traffic cannot run on ACLs. `rbac`: the brokers and
 * controllers and authorization.superUsers; the other components get role bindings from CFK.
 */
export function superUsers({ options, units }: OptionContext): string[] {
  const components = componentResources(units).filter((resource) => resource.kind !== 'Zookeeper');
  const configured = options.authorization?.superUsers;
  const brokersOnly = configured !== undefined || options.authorization?.type === 'rbac';
  const always = components.filter((resource) => (brokersOnly ? AUTHORIZER_KINDS : SIMPLE_SUPER_USER_KINDS).has(resource.kind));
  return [...new Set([...always.map((resource) => `User:${resource.name}`), ...(configured ?? [])])];
}

/**
 * authorization: `simple` turns on ACLs (Kafka's StandardAuthorizer in KRaft mode, AclAuthorizer with
 * ZooKeeper) with super users; every other principal needs ACLs. `rbac` is the rbac module's
 * (rbac.ts): MDS, LDAP and bearer logins on top of the same super users.
 */
export const authorizationOption: OptionModule = {
  name: 'authorization',
  resourcePatch(resource, context) {
    if (context.options.authorization?.type !== 'simple' || !AUTHORIZER_KINDS.has(resource.kind)) return undefined;
    const authorization: PlainObject = { type: 'simple', superUsers: superUsers(context) };
    return { authorization };
  },
  readme(context) {
    if (context.options.authorization?.type !== 'simple') return [];
    const supers = superUsers(context);
    const command = '`kafka-acls --bootstrap-server <bootstrap> --command-config <admin client.properties> --add --allow-principal User:';
    const lines = [
      `- ${context.env.name}: Kafka authorizes every request with ACLs (authorization simple). Super users: ${supers.join(', ')}; ` +
        `every other principal needs ACLs, e.g. ${command}<app> --operation Read --topic <topic>\`.`,
      '  The trade-off: CFK has no ACL resource, so ACLs are made by hand, and a user of a REST API acts as the component\'s principal. ' +
        'That is why Connect, ksqlDB and REST Proxy are no super users here (unless authorization.superUsers says so); for per-user rights on their REST APIs use authorization rbac.',
    ];
    for (const resource of componentResources(context.units)) {
      if (supers.includes(`User:${resource.name}`)) continue;
      const acls = componentAcls(resource.kind, resource.name, context.env.namespace);
      if (acls.length === 0) continue;
      lines.push(`  - ${resource.kind} "${resource.name}" (User:${resource.name}) starts only once it has its ACLs: ${acls.map((acl) => `${command}${resource.name} ${acl}\``).join('; ')}.`);
    }
    return lines;
  },
};
