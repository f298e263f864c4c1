/**
 * A git URL with credentials in it (`https://user:token@host/…`) ends up in cp-gitops.yaml, every Argo CD
 * manifest, the README, .git/config and git's own messages. Only an ssh user name (`git@host:…`,
 * `ssh://git@host/…`) is not a secret.
 */
export function urlCredentialProblem(url: string): string | undefined {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)@/i.exec(url);
  if (!match) return undefined;
  const scheme = match[1]!.toLowerCase();
  const userinfo = match[2]!;
  if (userinfo.includes(':')) return 'it holds a user name and password (or token)';
  if (scheme === 'http' || scheme === 'https') return 'it holds a user name or token';
  return undefined;
}

/** The same URL as it may be printed: the user information replaced. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1***@');
}

export const URL_CREDENTIAL_FIX =
  'give the URL without credentials and let git find them: a credential helper (git config --global credential.helper, e.g. "store", "cache" or your platform\'s manager) or an SSH key; for Argo CD, a repository Secret (argocd repo add)';
