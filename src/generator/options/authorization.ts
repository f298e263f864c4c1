import type { PlainObject } from '../object-path.js';
import { componentResources } from './authentication.js';
import type { OptionContext, OptionModule } from './option-module.js';

/** Where authorization is decided: the brokers, and in KRaft mode the controllers too (forwarded requests). */
const AUTHORIZER_KINDS = new Set(['Kafka', 'KRaftController']);

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
  const always = brokersOnly ? components.filter((resource) => AUTHORIZER_KINDS.has(resource.kind)) : components;
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
    return [
      `- ${context.env.name}: Kafka authorizes every request with ACLs (authorization simple). Super users: ${superUsers(context).join(', ')}; ` +
        'every other principal (your applications) needs ACLs, e.g. `kafka-acls --bootstrap-server <bootstrap> --command-config <client.properties> --add --allow-principal User:<app> --operation Read --topic <topic>`.',
    ];
  },
};
