import { UsageError } from '../errors.js';
import { gitHubProviderRecord, githubRepositoryOfRemote } from '../model/git-provider.js';
import type { GitProviderRecord } from '../model/types.js';
import { GITHUB_BODY_LIMIT } from '../promotion/pr-body.js';
import type { ChangeRequestInfo, ChangeRequestInput, GitProvider, GitProviderFactory, HostedRepository, ProviderVocabulary } from './git-provider.js';
import type { GitHubPort, GitHubTiming, RepoInfo } from './github.js';

/** GitHub behind the GitProvider interface: the GitHubPort (github.ts) plus the token's git header. */

const WORDS: ProviderVocabulary = { name: 'GitHub', repository: 'repository', changeRequest: 'pull request', reference: (number) => `#${number}` };

export function parseGitHubRepo(value: string): { owner: string; repo: string } {
  const match = /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/.exec(value);
  if (!match) throw new UsageError(`--github "${value}" is not owner/repo`, 'for example --github acme/kafka-platform');
  return { owner: match[1]!, repo: match[2]!.replace(/\.git$/, '') };
}

export const githubProviderFactory: GitProviderFactory = {
  type: 'github',
  words: WORDS,
  flag: '--github',
  tokenVariables: ['GITHUB_TOKEN', 'GH_TOKEN'],
  checkRepository(value) {
    const { owner, repo } = parseGitHubRepo(value);
    return `${owner}/${repo}`;
  },
  repositoryOfRemote(url) {
    const found = githubRepositoryOfRemote(url);
    return found ? `${found.owner}/${found.repo}` : undefined;
  },
  async create(flags, env, options) {
    const { owner, repo } = parseGitHubRepo(flags.repository);
    // Loaded on use: Octokit and its plugins are for GitHub runs only.
    const { createGitHub, gitAuthEnvironment, gitHubGitUrls, resolveApiUrl, resolveGitHubToken } = await import('./github.js');
    const token = resolveGitHubToken(env);
    const apiUrl = resolveApiUrl(flags.url, env, options.recordedApiUrl);
    const port = createGitHub({ token, apiUrl, timing: githubTiming(env), log: options.log });
    return new GitHubProvider(owner, repo, apiUrl, port, (cloneUrl, gitEnv) => gitAuthEnvironment(token, gitHubGitUrls(apiUrl, cloneUrl), { env: gitEnv }));
  },
};

class GitHubProvider implements GitProvider {
  readonly type = 'github' as const;
  readonly words = WORDS;
  readonly bodyLimit = GITHUB_BODY_LIMIT;
  readonly repository: string;

  constructor(
    private readonly owner: string,
    private readonly repo: string,
    readonly apiUrl: string,
    private readonly port: GitHubPort,
    private readonly authEnvironment: (cloneUrl: string | undefined, env: NodeJS.ProcessEnv) => Record<string, string>,
  ) {
    this.repository = `${owner}/${repo}`;
  }

  async getRepository(): Promise<HostedRepository | undefined> {
    const found = await this.port.getRepository(this.owner, this.repo);
    return found ? hosted(found) : undefined;
  }

  async createRepository(options: { private: boolean; description: string }): Promise<HostedRepository> {
    return hosted(await this.port.createRepository({ owner: this.owner, repo: this.repo, private: options.private, description: options.description }));
  }

  async openOrUpdateChangeRequest(request: ChangeRequestInput): Promise<ChangeRequestInfo> {
    const ref = { owner: this.owner, repo: this.repo };
    const existing = await this.port.findOpenPullRequest({ ...ref, head: request.head, base: request.base });
    const pull = existing
      ? await this.port.updatePullRequest({ ...ref, number: existing.number, title: request.title, body: request.body })
      : await this.port.createPullRequest({ ...ref, head: request.head, base: request.base, title: request.title, body: request.body });
    if (request.labels.length > 0) await this.port.addLabels({ ...ref, number: pull.number, labels: request.labels });
    return pull;
  }

  gitEnvironment(cloneUrl: string | undefined, env: NodeJS.ProcessEnv): Record<string, string> {
    return this.authEnvironment(cloneUrl, env);
  }

  plannedCloneUrl(): string {
    return `https://github.com/${this.owner}/${this.repo}.git`;
  }

  record(): GitProviderRecord {
    return gitHubProviderRecord({ owner: this.owner, repo: this.repo }, this.apiUrl);
  }
}

function hosted(info: RepoInfo): HostedRepository {
  return { fullName: info.fullName, cloneUrl: info.cloneUrl, defaultBranch: info.defaultBranch, private: info.private, webUrl: info.htmlUrl };
}

/** Operators can shorten GitHub's recommended spacing between writes (for a GitHub Enterprise, or tests). */
function githubTiming(env: NodeJS.ProcessEnv): GitHubTiming {
  const number = (name: string) => (env[name] !== undefined && /^\d+$/.test(env[name]!) ? Number(env[name]) : undefined);
  const timing: { writeSpacingMs?: number; retryBaseMs?: number; notFoundRetryMs?: number } = {};
  const spacing = number('CP_GITOPS_GITHUB_WRITE_SPACING_MS');
  const retry = number('CP_GITOPS_GITHUB_RETRY_MS');
  if (spacing !== undefined) timing.writeSpacingMs = spacing;
  if (retry !== undefined) {
    timing.retryBaseMs = retry;
    timing.notFoundRetryMs = retry;
  }
  return timing;
}
