import { GITLAB_PROJECT_PATH } from './schema.js';
import type { GitProviderRecord, PlatformModel } from './types.js';

/** The REST API roots of github.com and gitlab.com: not recorded, so a model stays the same wherever it is cloned. */
const GITHUB_COM_API = 'https://api.github.com';
export const GITLAB_COM_API = 'https://gitlab.com/api/v4';

/** What `init --github` records: the repository, and the API root only for GitHub Enterprise. */
export function gitHubProviderRecord(repository: { owner: string; repo: string }, apiUrl: string): GitProviderRecord {
  return {
    type: 'github',
    repository: `${repository.owner}/${repository.repo}`,
    ...(apiUrl.replace(/\/+$/, '') !== GITHUB_COM_API ? { apiUrl } : {}),
  };
}

/** What `init --gitlab` records: the project's full path, and the API root only for a self-managed instance. */
export function gitLabProviderRecord(projectPath: string, apiUrl: string): GitProviderRecord {
  const api = apiUrl.replace(/\/+$/, '');
  return { type: 'gitlab', repository: projectPath, ...(api !== GITLAB_COM_API ? { apiUrl: api } : {}) };
}

/** The model with the Git provider that init used (never a token). */
export function withGitProvider(model: PlatformModel, record: GitProviderRecord): PlatformModel {
  return { ...model, gitProvider: record };
}

/** The model with the GitHub repository (and an Enterprise API root) that `init --github` used. */
export function withGitHubProvider(model: PlatformModel, repository: { owner: string; repo: string }, apiUrl: string): PlatformModel {
  return withGitProvider(model, gitHubProviderRecord(repository, apiUrl));
}

/** Host and path of a remote URL (https, ssh, git, or scp-like user@host:path), or undefined. */
function hostAndPath(url: string): { host: string; path: string } | undefined {
  const scp = /^[A-Za-z0-9._-]+@([^:/]+):(.+)$/.exec(url.trim());
  if (scp) return { host: scp[1]!, path: scp[2]! };
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (!['https:', 'http:', 'ssh:', 'git:'].includes(parsed.protocol)) return undefined;
  return { host: parsed.hostname, path: parsed.pathname };
}

/**
 * owner/name of a remote URL on github.com, as `gh` reads a remote: https://github.com/o/r(.git),
 * git@github.com:o/r.git, ssh://git@github.com/o/r.git. Other hosts give undefined: a GitHub
 * Enterprise host cannot be told from any other Git server by its URL (gh asks which hosts you log in to).
 */
export function githubRepositoryOfRemote(url: string): { owner: string; repo: string } | undefined {
  const found = hostAndPath(url);
  if (!found || !/^(www\.)?github\.com$/i.test(found.host)) return undefined;
  const match = /^\/?([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+?)(\.git)?\/?$/.exec(found.path);
  if (!match) return undefined;
  return { owner: match[1]!, repo: match[2]! };
}

/**
 * The project path (group/subgroup/…/project) of a remote URL on gitlab.com, as glab reads a remote;
 * a self-managed host is not guessed (glab, too, only knows the hosts you configured).
 */
export function gitlabProjectOfRemote(url: string): string | undefined {
  const found = hostAndPath(url);
  if (!found || !/^(www\.)?gitlab\.com$/i.test(found.host)) return undefined;
  const path = found.path.replace(/^\/+/, '').replace(/\/+$/, '').replace(/\.git$/, '');
  return new RegExp(GITLAB_PROJECT_PATH).test(path) ? path : undefined;
}
