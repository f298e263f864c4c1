import { UsageError } from '../errors.js';

/** Where an API root came from (a flag, a variable, cp-gitops.yaml, the default), for messages. */
export type ApiUrlSource = string;

/** Hosts a token may reach over plain HTTP: this machine only (a stand-in, a port-forward, a tunnel's local end). */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * A provider's REST API root, checked before any token is sent to it: an http(s) URL without
 * credentials or a query, and HTTPS unless it is this machine — over plain HTTP the token (sent on
 * every request) would cross the network in clear. `example` is the provider's own example root.
 */
function checkApiUrl(source: ApiUrlSource, value: string, example: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${source} is not a URL: ${value}`, `give the API root, for example ${example}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`${source} must be an http(s) URL: ${value}`, `give the API root, for example ${example}`);
  }
  if (url.username || url.password || url.search) {
    throw new UsageError(`${source} must be a plain URL, without user, password or query`, `the token comes from the environment; give the API root alone, for example ${example}`);
  }
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    throw new UsageError(
      `${source} is plain HTTP (${url.host}): the token would be sent in clear on every request`,
      `use the instance's https:// URL, for example ${example} (plain HTTP is accepted only for 127.0.0.1, [::1] and localhost)`,
    );
  }
  return url;
}

export interface ApiUrlChoice {
  /** The command-line flag's name and value. */
  readonly flag: readonly [name: string, value: string | undefined];
  /** The environment variable's name and value. */
  readonly variable: readonly [name: string, value: string | undefined];
  /** gitProvider.apiUrl recorded in cp-gitops.yaml. */
  readonly recorded: string | undefined;
  /** The provider's public root. */
  readonly fallback: string;
  /** An example root for hints. */
  readonly example: string;
}

/** The flag, else the variable, else the recorded root, else the provider's public one; checked (checkApiUrl), without a trailing slash. */
export function chooseApiUrl(choice: ApiUrlChoice): string {
  const [flagName, flag] = choice.flag;
  const [variableName, variable] = choice.variable;
  const [source, value] = flag?.trim()
    ? [flagName, flag.trim()]
    : variable?.trim()
      ? [variableName, variable.trim()]
      : choice.recorded
        ? ['gitProvider.apiUrl in cp-gitops.yaml', choice.recorded]
        : ['default', choice.fallback];
  checkApiUrl(source, value, choice.example);
  return value.replace(/\/+$/, '');
}
