import { Buffer } from 'node:buffer';

/**
 * Environment variables that make git send `Authorization: Basic base64(<user>:<token>)` on its HTTPS
 * requests to `urls` only (GIT_CONFIG_COUNT, git ≥ 2.31; `http.<url>.extraHeader`, which git applies to
 * a request whose scheme, host, port and path prefix match). Unlike a token in the remote URL or a `-c`
 * flag, the token is then in no argv, no .git/config, no remote URL and no git output; and unlike a bare
 * `http.extraHeader`, a remote on another host (or plain HTTP) never receives it. When `env` already
 * passes config through GIT_CONFIG_COUNT, the entries are appended after those instead of replacing them.
 */
export function basicAuthGitEnvironment(user: string, token: string, urls: readonly string[], env: NodeJS.ProcessEnv = {}): Record<string, string> {
  const existing = Number.parseInt(env.GIT_CONFIG_COUNT ?? '0', 10);
  const first = Number.isInteger(existing) && existing > 0 ? existing : 0;
  const entries: Record<string, string> = {};
  urls.forEach((url, offset) => {
    entries[`GIT_CONFIG_KEY_${first + offset}`] = `http.${url}.extraHeader`;
    entries[`GIT_CONFIG_VALUE_${first + offset}`] = `Authorization: Basic ${basicCredentials(user, token)}`;
  });
  return {
    GIT_CONFIG_COUNT: String(first + urls.length),
    ...entries,
    // A refused header must fail the push, not open a password prompt that echoes nothing useful.
    GIT_TERMINAL_PROMPT: '0',
  };
}

export function basicCredentials(user: string, token: string): string {
  return Buffer.from(`${user}:${token}`, 'utf8').toString('base64');
}
