import type { GitProviderRecord } from '../model/types.js';

/**
 * The one interface every Git hosting service implements (GitHub today, GitLab, and whatever comes
 * next: Gitea/Forgejo, Bitbucket). The change flow and init talk only to this; each provider is one
 * adapter file with a `GitProviderFactory`, registered in git-providers.ts, plus its flag in the CLI.
 * A provider never prints and never puts its token into anything but an HTTP header.
 */

export type GitProviderType = GitProviderRecord['type'];

/** A repository (GitHub) or project (GitLab) as the provider describes it. */
export interface HostedRepository {
  /** owner/name on GitHub, group/subgroup/…/project on GitLab, as the provider spells it. */
  readonly fullName: string;
  /** The HTTPS clone URL the provider returns (clone_url, http_url_to_repo): origin and Argo CD's repoURL. */
  readonly cloneUrl: string;
  readonly defaultBranch: string;
  readonly private: boolean;
  /** The page a person opens. */
  readonly webUrl: string;
}

export interface ChangeRequestInput {
  /** The branch cp-gitops pushed, in the same repository. */
  readonly head: string;
  /** The branch Argo CD follows. */
  readonly base: string;
  readonly title: string;
  /** Already cut to `bodyLimit`. */
  readonly body: string;
  /** cp-gitops' labels (`env:dev`, `component:connect`); the provider writes them its own way. */
  readonly labels: readonly string[];
}

/** A pull request (GitHub) or merge request (GitLab); the --json document's `pullRequest`. */
export interface ChangeRequestInfo {
  /** The number people use: a pull request's number, a merge request's iid. */
  readonly number: number;
  readonly htmlUrl: string;
  readonly state: 'open' | 'closed';
  readonly head: string;
}

/** The words a provider uses, so messages read as its users expect. */
export interface ProviderVocabulary {
  /** GitHub, GitLab. */
  readonly name: string;
  /** repository, project. */
  readonly repository: string;
  /** pull request, merge request. */
  readonly changeRequest: string;
  /** How a change request is referred to: `#12`, `!12`. */
  readonly reference: (number: number) => string;
}

/** What a provider must implement. One instance per command run, for one repository. */
export interface GitProvider {
  readonly type: GitProviderType;
  readonly words: ProviderVocabulary;
  /** The repository as given (--github / --gitlab or cp-gitops.yaml). */
  readonly repository: string;
  /** The REST API root, without a trailing slash. */
  readonly apiUrl: string;
  /** The longest body the provider accepts (GitHub 65,536; GitLab 1,048,576 characters). */
  readonly bodyLimit: number;
  /** undefined when the provider answers 404 (missing, or invisible to the token). */
  getRepository(): Promise<HostedRepository | undefined>;
  /** Creates it empty (the first push brings the history); an existing one is returned as it is. */
  createRepository(options: { readonly private: boolean; readonly description: string }): Promise<HostedRepository>;
  /** Opens the change request for head → base, or updates the open one: a re-run never opens a second. */
  openOrUpdateChangeRequest(request: ChangeRequestInput): Promise<ChangeRequestInfo>;
  /**
   * Environment entries for the git processes that push to or fetch from this provider: its token as
   * an HTTP header, sent only to the provider's own HTTPS host (and `cloneUrl` when it is HTTPS).
   * `env` is the environment git also gets (GIT_CONFIG_COUNT entries there are kept).
   */
  gitEnvironment(cloneUrl: string | undefined, env: NodeJS.ProcessEnv): Record<string, string>;
  /** What init records as gitProvider in cp-gitops.yaml: never the token. */
  record(): GitProviderRecord;
  /** The clone URL a dry run of init shows, without asking the provider. */
  plannedCloneUrl(): string;
}

/** Receives one line per retry decision or wait, token scrubbed. */
export type ProviderLog = (line: string) => void;

export interface ProviderFlags {
  /** The repository flag's value (--github owner/repo, --gitlab group/project). */
  readonly repository: string;
  /** The API or instance URL flag (--github-api-url, --gitlab-url). */
  readonly url?: string | undefined;
}

/** How the CLI finds, checks and builds a provider; one per adapter file. */
export interface GitProviderFactory {
  readonly type: GitProviderType;
  readonly words: ProviderVocabulary;
  /** The CLI flag naming the repository (`--github`). */
  readonly flag: string;
  /** Environment variables the token is read from, in order. */
  readonly tokenVariables: readonly string[];
  /** Throws a UsageError naming the flag when the value is not a repository of this provider. */
  checkRepository(value: string): string;
  /** The repository a remote URL names on the provider's public host (github.com, gitlab.com), else undefined. */
  repositoryOfRemote(url: string): string | undefined;
  /**
   * Reads the token (first: before any request) and the API root (flag, environment, recorded, default),
   * and builds the provider. Loads the provider's client library on use, so other commands never pay for it.
   */
  create(flags: ProviderFlags, env: NodeJS.ProcessEnv, options: { readonly recordedApiUrl?: string | undefined; readonly log: ProviderLog }): Promise<GitProvider>;
}
