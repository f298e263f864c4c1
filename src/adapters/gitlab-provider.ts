import { chooseApiUrl } from './api-url.js';
import { UsageError } from '../errors.js';
import { GITLAB_COM_API, gitlabProjectOfRemote } from '../model/git-provider.js';
import { GITLAB_PROJECT_PATH } from '../model/schema.js';
import type { GitProviderFactory, ProviderVocabulary } from './git-provider.js';
import { GitLabError } from './gitlab-errors.js';

/** GitLab's factory: flags, token and URL checks; the client (gitlab.ts, @gitbeaker/rest) loads on use. */

export const DEFAULT_GITLAB_URL = 'https://gitlab.com';
const WORDS: ProviderVocabulary = { name: 'GitLab', repository: 'project', changeRequest: 'merge request', reference: (number) => `!${number}` };

/** GITLAB_TOKEN, else GL_TOKEN: the only sources, so the token is never in argv or shell history. */
export function resolveGitLabToken(env: NodeJS.ProcessEnv): string {
  for (const name of ['GITLAB_TOKEN', 'GL_TOKEN'] as const) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  throw new GitLabError('gitlab-token-missing', 'no GitLab token: neither GITLAB_TOKEN nor GL_TOKEN is set', {
    hint: 'create a personal, group or project access token with the api scope (Developer role on the project; Maintainer, or project creation in the group, for init), then export GITLAB_TOKEN=<token> and run the command again',
  });
}

/**
 * The REST API root: --gitlab-url, else GITLAB_URL (the instance, https://gitlab.example.com, or its
 * /api/v4 root), else gitProvider.apiUrl in cp-gitops.yaml, else https://gitlab.com/api/v4.
 */
export function resolveGitLabApiUrl(flag: string | undefined, env: NodeJS.ProcessEnv, recorded?: string): string {
  const root = chooseApiUrl({ flag: ['--gitlab-url', flag], variable: ['GITLAB_URL', env.GITLAB_URL], recorded, fallback: GITLAB_COM_API, example: 'https://gitlab.example.com' });
  return /\/api\/v4$/.test(root) ? root : `${root}/api/v4`;
}

export function checkGitLabProject(value: string): string {
  const path = value.trim().replace(/\.git$/, '').replace(/^\/+|\/+$/g, '');
  if (!new RegExp(GITLAB_PROJECT_PATH).test(path)) {
    throw new UsageError(`--gitlab "${value}" is not group/project`, 'give the project\'s full path, with any subgroups: --gitlab acme/platform/kafka');
  }
  return path;
}

/** Operators can shorten the waits between retries (tests do). */
function gitLabTiming(env: NodeJS.ProcessEnv): { retryBaseMs?: number } {
  const value = env.CP_GITOPS_GITLAB_RETRY_MS;
  return value !== undefined && /^\d+$/.test(value) ? { retryBaseMs: Number(value) } : {};
}

export const gitlabProviderFactory: GitProviderFactory = {
  type: 'gitlab',
  words: WORDS,
  flag: '--gitlab',
  tokenVariables: ['GITLAB_TOKEN', 'GL_TOKEN'],
  checkRepository: checkGitLabProject,
  repositoryOfRemote: gitlabProjectOfRemote,
  async create(flags, env, options) {
    const projectPath = checkGitLabProject(flags.repository);
    const token = resolveGitLabToken(env);
    const apiUrl = resolveGitLabApiUrl(flags.url, env, options.recordedApiUrl);
    // Loaded on use: @gitbeaker/rest is large, and only GitLab runs need it.
    const { createGitLab } = await import('./gitlab.js');
    return createGitLab({ projectPath, token, apiUrl, log: options.log, timing: gitLabTiming(env) });
  },
};
