import type { PlatformOptions, RoleBindingOption } from '../../model/options.js';
import type { PlainObject } from '../object-path.js';
import { CFK_API_VERSION, kafkaResource, SYNC_WAVE_ANNOTATION } from '../resources.js';
import { componentResources, HTTP_KINDS, kafkaClientAuthentication } from './authentication.js';
import { superUsers } from './authorization.js';
import type { ExtraManifest, OptionContext, OptionModule } from './option-module.js';
import type { SecretNeed } from './secrets.js';
import { MAX_SECRET_REF, tlsMode } from './tls.js';

/** The Metadata Service (and the embedded Confluent REST API) listens on the brokers' port 8090. */
export const MDS_PORT = 8090;
/** Kafka's internal listener, which the KRaft controllers reach MDS's Kafka cluster on. */
const KAFKA_INTERNAL_PORT = 9071;
/** Role bindings after the components and the KafkaRestClass they go through (FACTS: topics and role bindings wave 4). */
const ROLE_BINDING_SYNC_WAVE = '4';

/** Default names of the Secrets rbac references (each at most 30 characters, like every CFK secretRef). */
export const RBAC_SECRET_DEFAULTS = {
  /** mdsTokenKeyPair.pem and mdsPublicKey.pem: MDS signs tokens with the pair, components verify them with the public key. */
  tokenKeyPair: 'mds-token',
  /** ldap.txt: the DN and password MDS binds to LDAP with. */
  ldapBind: 'mds-ldap-bind',
  /** bearer.txt: the user the KafkaRestClass calls the brokers' REST API as (topics, role bindings). */
  restClass: 'restclass-bearer',
};

export function rbacOn(options: PlatformOptions): boolean {
  return options.authorization?.type === 'rbac';
}

export function tokenKeyPairSecret(options: PlatformOptions): string {
  return options.authorization?.tokenKeyPairSecret ?? RBAC_SECRET_DEFAULTS.tokenKeyPair;
}

export function ldapBindSecret(options: PlatformOptions): string {
  return options.authorization?.ldap?.bindSecret ?? RBAC_SECRET_DEFAULTS.ldapBind;
}

export function restClassSecret(options: PlatformOptions): string {
  return options.authorization?.restClassSecret ?? RBAC_SECRET_DEFAULTS.restClass;
}

/** bearer.txt with the LDAP user a component logs in to MDS as (username=<component>). */
export function mdsClientSecret(component: string): string {
  const name = `${component}-mds-client`;
  if (name.length > MAX_SECRET_REF) throw new Error(`MDS client Secret "${name}" is longer than the ${MAX_SECRET_REF} characters CFK allows in a secretRef`);
  return name;
}

/** The MDS endpoint every component calls: the brokers' Service on 8090, https with TLS (rbac requires it). */
export function mdsEndpoint({ options, units, env }: OptionContext): string | undefined {
  const kafka = kafkaResource(units);
  if (!kafka) return undefined;
  return `${tlsMode(options) === 'none' ? 'http' : 'https'}://${kafka.name}.${env.namespace}.svc.cluster.local:${MDS_PORT}`;
}

function tlsClient(options: PlatformOptions): PlainObject {
  return tlsMode(options) === 'none' ? {} : { tls: { enabled: true } };
}

function bearer(secretRef: string): PlainObject {
  return { type: 'bearer', bearer: { secretRef } };
}

/** spec.services.mds of the brokers: the token key pair and the LDAP provider. */
function mdsService(options: PlatformOptions): PlainObject {
  const ldap = options.authorization?.ldap;
  const provider: PlainObject = {
    address: ldap?.address ?? '',
    authentication: { type: 'simple', simple: { secretRef: ldapBindSecret(options) } },
    // Keys in a fixed order (the model's), so the same model gives the same bytes.
    configurations: { ...(ldap?.configurations ?? {}) },
  };
  // ldaps://: the brokers check the directory's certificate against their trust store (the CA of tls.mode).
  // With authorization.ldap.caSecret they also trust the directory's CA from that Secret (truststore.jks,
  // jksPassword.txt), as confluent-kubernetes-examples security/plaintext-ldaps-auth-control-center does.
  if (ldap?.address.startsWith('ldaps://')) provider.tls = { enabled: true, ...(ldap.caSecret ? { secretRef: ldap.caSecret } : {}) };
  return {
    ...tlsClient(options),
    tokenKeyPair: { secretRef: tokenKeyPairSecret(options) },
    provider: { type: 'ldap', ldap: provider },
  };
}

/**
 * authorization: rbac. Confluent RBAC as CFK expresses it: the Metadata Service (MDS) on the brokers
 * with LDAP as its identity provider and a token key pair; `authorization: rbac` with super users (the
 * brokers, the controllers and authorization.superUsers) on Kafka and the KRaft controllers, which also
 * reach MDS's Kafka cluster (dependencies.mdsKafkaCluster); every other component authorizes with RBAC
 * and logs in to MDS with a bearer user of its own (dependencies.mds). CFK creates the role bindings
 * the components need itself; cp-gitops adds only the KafkaRestClass credentials and your users' and
 * groups' role bindings (authorization.roleBindings).
 */
export const rbacOption: OptionModule = {
  name: 'rbac',
  resourcePatch(resource, context) {
    const { options, units, env } = context;
    if (!rbacOn(options)) return undefined;
    const endpoint = mdsEndpoint(context);
    const kafka = kafkaResource(units);
    switch (resource.kind) {
      case 'Kafka':
        return {
          authorization: { type: 'rbac', superUsers: superUsers(context) },
          services: { mds: mdsService(options) },
          // The brokers' embedded REST API (role bindings, topics) logs in to MDS as the kafka user.
          dependencies: { kafkaRest: { authentication: bearer(mdsClientSecret(resource.name)) } },
        };
      case 'KRaftController': {
        const patch: PlainObject = { authorization: { type: 'rbac', superUsers: superUsers(context) } };
        if (kafka) {
          const authentication = kafkaClientAuthentication(resource.name, options);
          patch.dependencies = {
            mdsKafkaCluster: {
              bootstrapEndpoint: `${kafka.name}.${env.namespace}.svc.cluster.local:${KAFKA_INTERNAL_PORT}`,
              ...(authentication ? { authentication } : {}),
              ...tlsClient(options),
            },
          };
        }
        return patch;
      }
      case 'KafkaRestClass':
        return { kafkaRest: { authentication: bearer(restClassSecret(options)) } };
      default:
        if (!HTTP_KINDS.has(resource.kind) || !endpoint) return undefined;
        return {
          authorization: { type: 'rbac' },
          dependencies: {
            mds: {
              endpoint,
              tokenKeyPair: { secretRef: tokenKeyPairSecret(options) },
              authentication: bearer(mdsClientSecret(resource.name)),
              ...tlsClient(options),
            },
          },
        };
    }
  },
  manifests(context) {
    if (!rbacOn(context.options) || !kafkaResource(context.units)) return [];
    return (context.options.authorization?.roleBindings ?? []).map((binding) => roleBinding(binding));
  },
  readme(context) {
    const { env, options } = context;
    if (!rbacOn(options)) return [];
    const ldap = options.authorization?.ldap;
    const users = componentResources(context.units)
      .filter((resource) => resource.kind !== 'Zookeeper' && resource.kind !== 'KRaftController')
      .map((resource) => resource.name);
    const lines = [
      `- ${env.name}: Confluent RBAC. The brokers run the Metadata Service (MDS) on port ${MDS_PORT} (${mdsEndpoint(context) ?? 'no Kafka in this environment'}), ` +
        `with the LDAP directory ${ldap?.address ?? '(not set)'} as identity provider; super users: ${superUsers(context).join(', ')}. ` +
        `CFK creates the role bindings the components need; the LDAP directory must hold their users (${users.join(', ')}), each with the password of its \`<component>-mds-client\` Secret. ` +
        `The KafkaRestClass "default" (topics, role bindings) calls the brokers as the user in \`${restClassSecret(options)}\`: use a super user (for example kafka).`,
    ];
    for (const binding of options.authorization?.roleBindings ?? []) {
      lines.push(`  - ${binding.principal} is ${binding.role} of the Kafka cluster (ConfluentRolebinding \`${roleBindingName(binding)}\`, sync wave ${ROLE_BINDING_SYNC_WAVE}).`);
    }
    if (ldap?.address.startsWith('ldaps://')) {
      lines.push(
        ldap.caSecret
          ? `  - ldaps://: the brokers trust the directory's CA from Secret \`${ldap.caSecret}\`. Make it from the CA certificate of the directory (ldap-ca.pem): ` +
              `\`keytool -importcert -noprompt -alias ldap-ca -file ldap-ca.pem -keystore truststore.jks -storepass <password>\`, \`printf 'jksPassword=<password>' > jksPassword.txt\`, ` +
              `\`kubectl -n ${env.namespace} create secret generic ${ldap.caSecret} --from-file=truststore.jks --from-file=jksPassword.txt\`.`
          : `  - ldaps://: the brokers check the directory's certificate against their own trust store (the CA of tls.mode). If another CA signed it, set authorization.ldap.caSecret (\`cp-gitops validate\` warns) and create that Secret as docs/options.md shows.`,
      );
    }
    if (!ldap?.configurations?.userSearchBase || !ldap.configurations.groupSearchBase) {
      lines.push('  - authorization.ldap.configurations sets no userSearchBase or groupSearchBase: MDS then searches the whole directory; set them for a large directory.');
    }
    return lines;
  },
};

/** A DNS-1123 name per binding: the principal's type and name and the role, e.g. group-kafka-admins-systemadmin. */
export function roleBindingName(binding: RoleBindingOption): string {
  const slug = `${binding.principal.replace(':', '-')}-${binding.role}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  return slug.slice(0, 63).replace(/-$/, '');
}

/** A role on the Kafka cluster: no resourcePatterns, and the KafkaRestClass "default" (CFK's default) reaches MDS. */
function roleBinding(binding: RoleBindingOption): ExtraManifest {
  const [type, ...rest] = binding.principal.split(':');
  const name = roleBindingName(binding);
  return {
    file: `rolebindings/${name}.yaml`,
    description: `ConfluentRolebinding: ${binding.principal} is ${binding.role} of the Kafka cluster`,
    object: {
      apiVersion: CFK_API_VERSION,
      kind: 'ConfluentRolebinding',
      metadata: { name, annotations: { [SYNC_WAVE_ANNOTATION]: ROLE_BINDING_SYNC_WAVE } },
      spec: { principal: { type: type === 'Group' ? 'group' : 'user', name: rest.join(':') }, role: binding.role },
    },
  };
}

/** The Secrets rbac references in an environment: the token key pair, the LDAP bind, the KafkaRestClass and every component's MDS login. */
export function rbacSecrets(context: OptionContext): SecretNeed[] {
  const { options, units } = context;
  if (!rbacOn(options) || !kafkaResource(units)) return [];
  const needs: SecretNeed[] = [
    {
      name: tokenKeyPairSecret(options),
      type: 'Opaque',
      purpose: 'the key pair MDS signs its tokens with (the brokers) and verifies them with (every component)',
      keys: [
        { key: 'mdsTokenKeyPair.pem', content: 'an RSA private key (PEM), e.g. openssl genrsa -out mdsTokenKeyPair.pem 2048' },
        { key: 'mdsPublicKey.pem', content: 'its public key (PEM), e.g. openssl rsa -in mdsTokenKeyPair.pem -outform PEM -pubout -out mdsPublicKey.pem' },
      ],
    },
    {
      name: ldapBindSecret(options),
      type: 'Opaque',
      purpose: `the LDAP user MDS binds to ${options.authorization?.ldap?.address ?? 'the directory'} with to search users and groups`,
      keys: [{ key: 'ldap.txt', content: 'username=<bind DN> and password=<password> on two lines' }],
    },
    {
      name: restClassSecret(options),
      type: 'Opaque',
      purpose: 'the user the KafkaRestClass "default" calls the brokers\' REST API as (topics, role bindings)',
      keys: [{ key: 'bearer.txt', content: 'username=<a super user, e.g. kafka> and password=<its LDAP password> on two lines' }],
    },
  ];
  const ldap = options.authorization?.ldap;
  if (ldap?.caSecret && ldap.address.startsWith('ldaps://')) {
    needs.push({
      name: ldap.caSecret,
      type: 'Opaque',
      purpose: `the CA of the LDAP directory ${ldap.address}, which the brokers trust`,
      keys: [
        { key: 'truststore.jks', content: 'a JKS trust store with the directory\'s CA certificate (keytool -importcert)' },
        { key: 'jksPassword.txt', content: 'jksPassword=<the trust store password>' },
      ],
    });
  }
  for (const resource of componentResources(units)) {
    if (resource.kind !== 'Kafka' && !HTTP_KINDS.has(resource.kind)) continue;
    needs.push({
      name: mdsClientSecret(resource.name),
      type: 'Opaque',
      purpose: `the LDAP user ${resource.kind} "${resource.name}" logs in to MDS as`,
      keys: [{ key: 'bearer.txt', content: `username=${resource.name} and password=<its LDAP password> on two lines` }],
    });
  }
  return needs;
}
