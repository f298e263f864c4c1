import { SYNC_WAVE_ANNOTATION } from '../resources.js';
import { authenticationSecrets } from './authentication.js';
import type { ExtraManifest, OptionContext, OptionModule } from './option-module.js';
import { rbacSecrets } from './rbac.js';
import { tlsSecrets } from './tls.js';
import { layout } from '../layout.js';

/** One key of a credential Secret: its name and what goes in it (never a value). */
export interface SecretKeyNeed {
  readonly key: string;
  readonly content: string;
}

/** A Secret the options reference by name; cp-gitops never writes its values. */
export interface SecretNeed {
  readonly name: string;
  readonly type: 'Opaque' | 'kubernetes.io/tls';
  readonly purpose: string;
  readonly keys: readonly SecretKeyNeed[];
}

/**
 * v1, not v1beta1: External Secrets Operator 0.17 (May 2025) stopped serving v1beta1 (external-secrets/external-secrets
 * PR 4758, release notes of v0.17.0); v1 is served from 0.16 on, with the same fields.
 */
const EXTERNAL_SECRETS_API_VERSION = 'external-secrets.io/v1';
/** Credentials before the components that mount them. */
const SECRET_SYNC_WAVE = -1;

/** Every Secret the environment's options reference, in a fixed order: TLS first, then credentials, then RBAC's. */
export function secretsNeeded(context: OptionContext): SecretNeed[] {
  return [...tlsSecrets(context), ...authenticationSecrets(context), ...rbacSecrets(context)];
}

/** The key of a Secret in the external store: <platform>/<env>/<secret>. */
export function remoteKey({ model, env }: OptionContext, secret: string): string {
  return `${model.name}/${env.name}/${secret}`;
}

/** The command that creates a Secret: the shape only, with file placeholders, never key material. */
export function createSecretCommand(namespace: string, need: SecretNeed): string {
  if (need.type === 'kubernetes.io/tls') return `kubectl -n ${namespace} create secret tls ${need.name} --cert=/path/to/ca.pem --key=/path/to/ca-key.pem`;
  return `kubectl -n ${namespace} create secret generic ${need.name} ${need.keys.map((key) => `--from-file=${key.key}=/path/to/${key.key}`).join(' ')}`;
}

/**
 * secrets: credentials and certificates by reference only. `existing` (the default): the README lists
 * every Secret to create and how; `external-secrets`: one ExternalSecret per Secret, read from the
 * (Cluster)SecretStore at <platform>/<env>/<secret>; `sealed-secrets`: kubeseal instructions. No Secret
 * with data is ever written (`validate` refuses one: policy/plaintext-secret).
 */
export const secretsOption: OptionModule = {
  name: 'secrets',
  manifests(context) {
    const secrets = context.options.secrets;
    if (secrets?.provider !== 'external-secrets' || !secrets.store) return [];
    const store = secrets.store;
    return secretsNeeded(context).map(
      (need): ExtraManifest => ({
        file: `secrets/${need.name}-externalsecret.yaml`,
        description: `ExternalSecret for Secret ${need.name}: ${need.purpose}`,
        object: {
          apiVersion: EXTERNAL_SECRETS_API_VERSION,
          kind: 'ExternalSecret',
          metadata: { name: need.name, annotations: { [SYNC_WAVE_ANNOTATION]: String(SECRET_SYNC_WAVE) } },
          spec: {
            refreshInterval: '1h',
            secretStoreRef: { kind: store.kind, name: store.name },
            target: { name: need.name, creationPolicy: 'Owner', ...(need.type === 'Opaque' ? {} : { template: { type: need.type } }) },
            data: need.keys.map((key) => ({ secretKey: key.key, remoteRef: { key: remoteKey(context, need.name), property: key.key } })),
          },
        },
      }),
    );
  },
  readme(context) {
    const needs = secretsNeeded(context);
    if (needs.length === 0) return [];
    const { env, options } = context;
    const provider = options.secrets?.provider ?? 'existing';
    const describe = (need: SecretNeed) => `\`${need.name}\`, ${need.purpose} (${need.keys.map((key) => `${key.key}: ${key.content}`).join('; ')})`;
    switch (provider) {
      case 'external-secrets': {
        const store = options.secrets?.store;
        return [
          `- ${env.name}: Secrets come from the External Secrets Operator: \`${layout.overlayDir(env.name)}/secrets/\` has one ExternalSecret per Secret (sync wave ${SECRET_SYNC_WAVE}), ` +
            `read from ${store ? `${store.kind} \`${store.name}\`` : 'the secret store'}. Store these entries (remote key, then one property per Secret key):`,
          ...needs.map((need) => `  - \`${remoteKey(context, need.name)}\` → ${describe(need)}`),
        ];
      }
      case 'sealed-secrets':
        return [
          `- ${env.name}: Secrets come from Sealed Secrets: seal each one with kubeseal (only the controller in the cluster can decrypt the result), keep the SealedSecret files ` +
            `outside \`overlays/\` (for example \`sealed-secrets/${env.name}/\`) and apply them before the first sync (\`kubectl apply -f sealed-secrets/${env.name}/\`):`,
          ...needs.map((need) => `  - ${describe(need)}: \`${createSecretCommand(env.namespace, need)} --dry-run=client -o yaml | kubeseal --format yaml > sealed-secrets/${env.name}/${need.name}.yaml\``),
        ];
      default:
        return [
          `- ${env.name}: create these Secrets in namespace \`${env.namespace}\` before the first sync (cp-gitops never writes secret values, and \`validate\` refuses a Secret with data in the repository):`,
          ...needs.map((need) => `  - ${describe(need)}: \`${createSecretCommand(env.namespace, need)}\``),
        ];
    }
  },
};
