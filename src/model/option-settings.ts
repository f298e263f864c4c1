import { parse } from 'yaml';
import { UsageError } from '../errors.js';
import type { PlatformOptions } from './options.js';

/** Why `authentication.kafka=kerberos` is refused, and what to do instead. */
export const KERBEROS_EXPLANATION =
  'Confluent for Kubernetes has no Kerberos (SASL/GSSAPI) listener type: its Kafka listeners authenticate with plain (SASL/PLAIN, ' +
  'optionally backed by LDAP), mtls, digest, ldap, oauth or bearer';

/**
 * Applies `path=value` settings (`--set tls.mode=auto`, `--set scheduling.zoneSpread=true`) to
 * options. Values are YAML, so `true`, `3`, `[a, b]` and `{k: v}` mean what they say. The result is
 * checked by the model's schema when the model is read or built.
 */
export function applyOptionSettings(options: PlatformOptions | undefined, settings: readonly string[]): PlatformOptions {
  let result: Record<string, unknown> = structuredClone((options ?? {}) as Record<string, unknown>);
  for (const setting of settings) {
    const at = setting.indexOf('=');
    if (at <= 0) throw new UsageError(`--set "${setting}" is not path=value`, 'for example --set tls.mode=auto or --set storage.storageClass=fast-ssd');
    const path = setting.slice(0, at).trim().replace(/^options\./, '');
    const raw = setting.slice(at + 1);
    if (!/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9][A-Za-z0-9._/-]*)*$/.test(path)) throw new UsageError(`--set "${setting}": "${path}" is not an option path`, 'see docs/options.md for every option');
    let value: unknown;
    try {
      value = raw === '' ? null : parse(raw);
    } catch {
      throw new UsageError(`--set "${setting}": the value is not valid YAML`, 'quote it, for example --set logging.levels.root=INFO');
    }
    if (path === 'authentication.kafka' && typeof value === 'string' && value.toLowerCase() === 'kerberos') {
      throw new UsageError(`--set ${setting}: ${KERBEROS_EXPLANATION}`, 'use --set authentication.kafka=plain (with LDAP behind it if your users live in Active Directory) or --set authentication.kafka=mtls; see docs/options.md');
    }
    result = setAt(result, path.split('.'), value);
  }
  return result as PlatformOptions;
}

/** Sets (or, for null, removes) a value at a dotted path; map keys that contain dots come from the last segments of logging.levels. */
function setAt(target: Record<string, unknown>, path: readonly string[], value: unknown): Record<string, unknown> {
  // logging.levels.<logger> and logging.podAnnotations.<key>: the rest of the path is one key (loggers have dots).
  if (path.length > 2 && path[0] === 'logging' && (path[1] === 'levels' || path[1] === 'podAnnotations')) path = [path[0], path[1], path.slice(2).join('.')];
  const [head, ...rest] = path;
  const result = { ...target };
  if (rest.length === 0) {
    if (value === null) delete result[head!];
    else result[head!] = value;
    return result;
  }
  const child = result[head!];
  const next = setAt(typeof child === 'object' && child !== null && !Array.isArray(child) ? (child as Record<string, unknown>) : {}, rest, value);
  if (Object.keys(next).length === 0) delete result[head!];
  else result[head!] = next;
  return result;
}
