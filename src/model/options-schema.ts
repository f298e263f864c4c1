import { DNS1123_LABEL } from './names.js';

const NAME = { type: 'string', pattern: DNS1123_LABEL, maxLength: 63 } as const;
/** CFK limits every secretRef to 30 characters. */
const SECRET_NAME = { type: 'string', pattern: DNS1123_LABEL, maxLength: 30 } as const;
/** LDAP search settings: a DN, filter, class or attribute name, on one line. */
const LDAP_TEXT = { type: 'string', minLength: 1, pattern: '^[^\\n]*$' } as const;
/** LDAP search scope: 0 base object, 1 one level, 2 subtree. */
const LDAP_SCOPE = { type: 'integer', minimum: 0, maximum: 2 } as const;
const DNS_NAME = { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$', maxLength: 253 } as const;

/** JSON Schema of `options:` (platform) and `environments[].options:`; closed everywhere. */
export const OPTIONS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    kraft: { type: 'object', additionalProperties: false, properties: { quorum: { enum: ['static', 'dynamic', 'migrated'] } } },
    storage: {
      type: 'object',
      additionalProperties: false,
      properties: {
        storageClass: NAME,
        createStorageClass: {
          type: 'object',
          additionalProperties: false,
          required: ['provisioner'],
          properties: { provisioner: { type: 'string', minLength: 1 }, parameters: { type: 'object', additionalProperties: { type: 'string' } } },
        },
      },
    },
    scheduling: {
      type: 'object',
      additionalProperties: false,
      properties: {
        tolerations: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            properties: {
              key: { type: 'string' },
              operator: { enum: ['Equal', 'Exists'] },
              value: { type: 'string' },
              effect: { enum: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] },
              tolerationSeconds: { type: 'integer', minimum: 0 },
            },
          },
        },
        priorityClassName: NAME,
        zoneSpread: { type: 'boolean' },
        rackAwareness: { type: 'object', additionalProperties: false, required: ['nodeLabel'], properties: { nodeLabel: { type: 'string', minLength: 1 } } },
      },
    },
    monitoring: {
      type: 'object',
      additionalProperties: false,
      properties: { prometheus: { type: 'boolean' }, podMonitors: { type: 'boolean' } },
    },
    logging: {
      type: 'object',
      additionalProperties: false,
      properties: {
        levels: { type: 'object', additionalProperties: { enum: ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'OFF'] } },
        podAnnotations: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
    tls: {
      type: 'object',
      additionalProperties: false,
      required: ['mode'],
      properties: {
        mode: { enum: ['none', 'auto', 'cert-manager'] },
        caSecret: SECRET_NAME,
        issuer: { type: 'object', additionalProperties: false, required: ['kind', 'name'], properties: { kind: { enum: ['Issuer', 'ClusterIssuer'] }, name: NAME } },
      },
    },
    authentication: {
      type: 'object',
      additionalProperties: false,
      properties: { kafka: { enum: ['none', 'plain', 'mtls'] }, http: { enum: ['none', 'basic', 'mtls'] } },
    },
    authorization: {
      type: 'object',
      additionalProperties: false,
      required: ['type'],
      properties: {
        type: { enum: ['none', 'simple', 'rbac'] },
        superUsers: { type: 'array', items: { type: 'string', pattern: '^User:.+$' } },
        ldap: {
          type: 'object',
          additionalProperties: false,
          required: ['address'],
          properties: {
            address: { type: 'string', pattern: '^ldaps?://[^\\s/:]+(:[0-9]+)?/?$' },
            bindSecret: SECRET_NAME,
            caSecret: SECRET_NAME,
            configurations: {
              type: 'object',
              additionalProperties: false,
              properties: {
                userSearchBase: LDAP_TEXT,
                userSearchFilter: LDAP_TEXT,
                userSearchScope: LDAP_SCOPE,
                userObjectClass: LDAP_TEXT,
                userNameAttribute: LDAP_TEXT,
                userMemberOfAttributePattern: LDAP_TEXT,
                groupSearchBase: LDAP_TEXT,
                groupSearchFilter: LDAP_TEXT,
                groupSearchScope: LDAP_SCOPE,
                groupObjectClass: LDAP_TEXT,
                groupNameAttribute: LDAP_TEXT,
                groupMemberAttribute: LDAP_TEXT,
                groupMemberAttributePattern: LDAP_TEXT,
              },
            },
          },
        },
        tokenKeyPairSecret: SECRET_NAME,
        restClassSecret: SECRET_NAME,
        roleBindings: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['principal', 'role'],
            properties: {
              principal: { type: 'string', pattern: '^(User|Group):[^\\n]+$' },
              role: { enum: ['SystemAdmin', 'ClusterAdmin', 'UserAdmin', 'SecurityAdmin', 'AuditAdmin', 'Operator'] },
            },
          },
        },
      },
    },
    secrets: {
      type: 'object',
      additionalProperties: false,
      required: ['provider'],
      properties: {
        provider: { enum: ['existing', 'external-secrets', 'sealed-secrets'] },
        store: { type: 'object', additionalProperties: false, required: ['kind', 'name'], properties: { kind: { enum: ['SecretStore', 'ClusterSecretStore'] }, name: NAME } },
      },
    },
    externalAccess: {
      type: 'object',
      additionalProperties: false,
      required: ['type'],
      properties: {
        type: { enum: ['none', 'loadBalancer', 'nodePort', 'staticForHostBasedRouting'] },
        domain: DNS_NAME,
        bootstrapPrefix: NAME,
        brokerPrefix: NAME,
        host: DNS_NAME,
        nodePortOffset: { type: 'integer', minimum: 30000, maximum: 32767 },
        port: { type: 'integer', minimum: 1, maximum: 65535 },
        ingressClassName: NAME,
      },
    },
    networkPolicy: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean' },
        clients: { type: 'array', items: NAME, uniqueItems: true },
        prometheusNamespace: NAME,
        ingressNamespace: NAME,
      },
    },
    security: {
      type: 'object',
      additionalProperties: false,
      properties: { allowInsecure: { type: 'boolean' } },
    },
  },
} as const;
