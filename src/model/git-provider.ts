import type { GitProviderRecord, PlatformModel } from './types.js';

/** The REST API root of github.com: not recorded, so a model stays the same wherever it is cloned. */
const GITHUB_COM_API = 'https://api.github.com';

/** The model with the GitHub repository (and an Enterprise API root) that `init --github` used. */
export function withGitHubProvider(model: PlatformModel, repository: { owner: string; repo: string }, apiUrl: string): PlatformModel {
  const record: GitProviderRecord = {
    type: 'github',
    repository: `${repository.owner}/${repository.repo}`,
    ...(apiUrl.replace(/\/+$/, '') !== GITHUB_COM_API ? { apiUrl } : {}),
  };
  return { ...model, gitProvider: record };
}

/**
 * owner/name of a remote URL on github.com, as `gh` reads a remote: https://github.com/o/r(.git),
 * git@github.com:o/r.git, ssh://git@github.com/o/r.git. Other hosts give undefined: a GitHub
 * Enterprise host cannot be told from any other Git server by its URL (gh asks which hosts you log in to).
 */
export function githubRepositoryOfRemote(url: string): { owner: string; repo: string } | undefined {
  const scp = /^[A-Za-z0-9._-]+@([^:/]+):(.+)$/.exec(url.trim());
  let host: string;
  let path: string;
  if (scp) {
    host = scp[1]!;
    path = scp[2]!;
  } else {
    let parsed: URL;
    try {
      parsed = new URL(url.trim());
    } catch {
      return undefined;
    }
    if (!['https:', 'http:', 'ssh:', 'git:'].includes(parsed.protocol)) return undefined;
    host = parsed.hostname;
    path = parsed.pathname;
  }
  if (!/^(www\.)?github\.com$/i.test(host)) return undefined;
  const match = /^\/?([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+?)(\.git)?\/?$/.exec(path);
  if (!match) return undefined;
  return { owner: match[1]!, repo: match[2]! };
}
