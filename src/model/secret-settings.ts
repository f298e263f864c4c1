/**
 * Settings that would put a credential into the repository (cp-gitops.yaml, the configOverrides patch,
 * the commit message and the pull request body, all of them pushed). A value that is only a Kafka config
 * provider reference (`${file:/mnt/secrets/<secret>/<file>:<key>}`, KIP-297) holds no secret: the
 * secret stays in a Kubernetes Secret that CFK mounts through `mountedSecrets`.
 */

/** Key endings that name a credential (`ssl.key.password`, `client.secret`, `basic.auth.user.info`, `*.key`); a JAAS config is judged by its password below. */
const SECRET_KEY = /(^|[._-])(password|passwd|pwd|secret|token|credentials?|key|user\.info)$/i;
/** A literal password inside a value (a JAAS line: `password="…"`, `password=…`). */
const INLINE_PASSWORD = /\b(password|passwd|secret|token)\s*=\s*("[^"]*"|'[^']*'|\S+)/gi;
/** The whole value is one (or several) config provider references, nothing literal. */
const PROVIDER_REFERENCE = /^\$\{[a-z][a-z0-9_-]*:[^}]+\}$/i;

/** Why `key=value` must not be committed, or undefined when it may be. */
export function secretSettingProblem(key: string, value: string): string | undefined {
  if (value === '') return undefined;
  const literalPasswords = [...value.matchAll(INLINE_PASSWORD)].filter((match) => !PROVIDER_REFERENCE.test(unquote(match[2]!)));
  if (literalPasswords.length > 0) return `${key} holds a literal ${literalPasswords[0]![1]!.toLowerCase()}`;
  if (SECRET_KEY.test(key) && !PROVIDER_REFERENCE.test(value.trim())) return `${key} looks like a credential`;
  return undefined;
}

/** How to give the same setting by reference: the secret in a Kubernetes Secret, mounted by CFK. */
export function secretSettingFix(key: string): string {
  return (
    `keep the value out of git: kubectl create secret generic <secret> --from-file=<file>.properties (holding ${key}=…), ` +
    'mount it with spec.mountedSecrets (secretRef: <secret>) on the component, ' +
    `then set ${key}=\${file:/mnt/secrets/<secret>/<file>.properties:${key}} (see docs/security.md)`
  );
}

function unquote(value: string): string {
  return value.replace(/^["']|["';]+$/g, '');
}
