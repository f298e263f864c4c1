import { Buffer } from 'node:buffer';
import { setTimeout as sleep } from 'node:timers/promises';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import Bottleneck from 'bottleneck';
import { chooseApiUrl } from './api-url.js';
import { basicAuthGitEnvironment, basicCredentials as basicCredentialsFor } from './git-auth.js';
import { packageVersion } from '../package-root.js';
import { GitHubError } from './github-errors.js';

export { GitHubError, type GitHubErrorCode } from './github-errors.js';

export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

export interface RepoInfo {
  /** owner/name as GitHub spells it. */
  readonly fullName: string;
  /** The HTTPS URL to push to, as the API returns it (GitHub Enterprise and test servers included). */
  readonly cloneUrl: string;
  readonly defaultBranch: string;
  readonly private: boolean;
  readonly htmlUrl: string;
}

export interface PullInfo {
  readonly number: number;
  readonly htmlUrl: string;
  readonly state: 'open' | 'closed';
  /** The head branch name (without owner). */
  readonly head: string;
}

export interface RepoRef {
  readonly owner: string;
  readonly repo: string;
}

export interface CreateRepositoryOptions extends RepoRef {
  readonly private: boolean;
  readonly description?: string;
}

export interface FindPullRequestOptions extends RepoRef {
  /** The head branch, in the same repository. */
  readonly head: string;
  readonly base: string;
}

export interface CreatePullRequestOptions extends FindPullRequestOptions {
  readonly title: string;
  readonly body: string;
}

export interface UpdatePullRequestOptions extends RepoRef {
  readonly number: number;
  readonly title: string;
  readonly body: string;
}

export interface AddLabelsOptions extends RepoRef {
  readonly number: number;
  readonly labels: readonly string[];
}

/** The GitHub port: the few REST operations cp-gitops needs. One real implementation: createGitHub. */
export interface GitHubPort {
  /** undefined when GitHub answers 404 (missing, or invisible to the token). */
  getRepository(owner: string, repo: string): Promise<RepoInfo | undefined>;
  /** POST /user/repos when owner is the token's user (GET /user), else POST /orgs/{owner}/repos. */
  createRepository(options: CreateRepositoryOptions): Promise<RepoInfo>;
  findOpenPullRequest(options: FindPullRequestOptions): Promise<PullInfo | undefined>;
  /** Creates the pull request, or updates the open one GitHub says already exists for head → base. */
  createPullRequest(options: CreatePullRequestOptions): Promise<PullInfo>;
  updatePullRequest(options: UpdatePullRequestOptions): Promise<PullInfo>;
  /** Adds labels; GitHub creates the ones the repository does not have yet. */
  addLabels(options: AddLabelsOptions): Promise<void>;
}

/** Receives one line per request and per retry decision, token scrubbed. Never gets debug output. */
export type GitHubLog = (line: string) => void;

/** Waits and bounds; the defaults are GitHub's guidance, tests shorten them. */
export interface GitHubTiming {
  /** Unit of the backoff between 5xx / network retries: waits 1×, 4×, 9× this (default 1000 ms). */
  readonly retryBaseMs?: number;
  /** Unit of the backoff on 404 right after a create: waits 1×, 2×, 4×, 8× this (default 250 ms). */
  readonly notFoundRetryMs?: number;
  /** Spacing between writes (GitHub asks for 1 s; notifications-triggering writes get 3×). */
  readonly writeSpacingMs?: number;
  /** Per-request timeout (default 30 s). */
  readonly requestTimeoutMs?: number;
}

export interface GitHubOptions {
  readonly token: string;
  readonly apiUrl: string;
  /** Retries after a 5xx answer or a network failure (default 2, so three tries in all). */
  readonly retries?: number;
  readonly log?: GitHubLog;
  readonly timing?: GitHubTiming;
}

/** Rate limits: retry at most this often, and only when GitHub asks to wait at most this long. */
const RATE_LIMIT_RETRIES = 2;
const RATE_LIMIT_MAX_WAIT_S = 60;
/** Tries of a request on a repository this client just created, while GitHub answers 404. */
const NOT_FOUND_TRIES = 5;
/** Statuses the retry plugin leaves alone: 429 is the throttling plugin's, the rest are final. */
const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451];
const PULL_REQUEST_EXISTS = /a pull request already exists/i;
const REPOSITORY_EXISTS = /name already exists/i;

/** GITHUB_TOKEN, else GH_TOKEN: the only sources, so the token is never in argv or shell history. */
export function resolveGitHubToken(env: NodeJS.ProcessEnv): string {
  for (const name of ['GITHUB_TOKEN', 'GH_TOKEN'] as const) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  throw new GitHubError('github-token-missing', 'no GitHub token: neither GITHUB_TOKEN nor GH_TOKEN is set', {
    hint:
      'create a token that can create repositories and pull requests (classic: the repo scope; fine-grained: ' +
      'Administration, Contents and Pull requests read/write), then export GITHUB_TOKEN=<token> and run the command again',
  });
}

/** --github-api-url, else GITHUB_API_URL, else https://api.github.com; without a trailing slash. HTTPS unless loopback (checkApiUrl). */
export function resolveApiUrl(flag: string | undefined, env: NodeJS.ProcessEnv, recorded?: string): string {
  return chooseApiUrl({
    flag: ['--github-api-url', flag],
    variable: ['GITHUB_API_URL', env.GITHUB_API_URL],
    recorded,
    fallback: DEFAULT_GITHUB_API_URL,
    example: 'https://github.example.com/api/v3',
  });
}

export interface GitAuthEnvironmentOptions {
  /**
   * The environment git will also get: when it already passes config through GIT_CONFIG_COUNT, the
   * header is appended after those entries instead of replacing them.
   */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Makes git send `Authorization: Basic base64(x-access-token:<token>)` to `urls` only (see
 * basicAuthGitEnvironment). Merge the result into the environment of the git processes that push to
 * GitHub, and only those.
 */
export function gitAuthEnvironment(token: string, urls: readonly string[], options: GitAuthEnvironmentOptions = {}): Record<string, string> {
  return basicAuthGitEnvironment('x-access-token', token, urls, options.env);
}

/**
 * Where git may send the GitHub token: the web host of the API over HTTPS (api.github.com → github.com,
 * api.<x>.ghe.com → <x>.ghe.com, a GitHub Enterprise Server's own host for /api/v3), plus the clone URL
 * the API returned when it is HTTPS. Never plain HTTP, never whatever host `origin` happens to name.
 */
export function gitHubGitUrls(apiUrl: string, cloneUrl?: string): string[] {
  const api = new URL(apiUrl);
  const host = api.hostname.startsWith('api.') ? api.hostname.slice(4) : api.host;
  const urls = [`https://${host}/`];
  if (cloneUrl !== undefined && /^https:\/\//i.test(cloneUrl) && !urls.some((url) => cloneUrl.startsWith(url))) urls.push(cloneUrl);
  return urls;
}

function basicCredentials(token: string): string {
  return basicCredentialsFor('x-access-token', token);
}

/** Builds the port on Octokit with the retry and throttling plugins. Makes no request by itself. */
export function createGitHub(options: GitHubOptions): GitHubPort {
  return new OctokitGitHub(options);
}

type Scrub = (text: string) => string;

function scrubberFor(token: string): Scrub {
  const secrets = [token, basicCredentials(token), Buffer.from(token, 'utf8').toString('base64')].filter((secret) => secret.length > 0);
  return (text) => secrets.reduce((result, secret) => result.split(secret).join('***'), text);
}

/** The URL as it may be shown: no user:password part. */
function displayUrl(apiUrl: string): string {
  try {
    const url = new URL(apiUrl);
    url.username = '';
    url.password = '';
    return url.href.replace(/\/+$/, '');
  } catch {
    return apiUrl;
  }
}

/**
 * retry-after seconds of each failed attempt, keyed by the request's options object, which Octokit
 * passes unchanged through every hook: the throttling plugin derives its wait from x-ratelimit-reset
 * only, and hands its handlers the options but not the response.
 */
const retryAfterByRequest = new WeakMap<object, number>();

function rememberRetryAfter(octokit: Pick<Octokit, 'hook'>): void {
  octokit.hook.error('request', (error, options) => {
    const seconds = Number(headerOf(error, 'retry-after'));
    if (Number.isFinite(seconds) && seconds >= 0) retryAfterByRequest.set(options, seconds);
    throw error;
  });
}

const GitHubOctokit = Octokit.plugin(rememberRetryAfter, retry, throttling);
type GitHubOctokit = InstanceType<typeof GitHubOctokit>;

interface RequestErrorLike {
  readonly status: number;
  readonly message: string;
  readonly response?: { readonly headers: Record<string, string | number | undefined>; readonly data?: unknown };
}

function isRequestError(error: unknown): error is RequestErrorLike {
  return error instanceof Error && typeof (error as { status?: unknown }).status === 'number';
}

function statusOf(error: unknown): number | undefined {
  return isRequestError(error) ? error.status : undefined;
}

function headerOf(error: unknown, name: string): string | undefined {
  if (!isRequestError(error)) return undefined;
  const value = error.response?.headers?.[name];
  return value === undefined ? undefined : String(value);
}

/** GitHub's message and its validation errors, in one line. */
function githubMessage(error: RequestErrorLike): string {
  const data = error.response?.data;
  if (data && typeof data === 'object') {
    const { message, errors } = data as { message?: unknown; errors?: unknown };
    const details = Array.isArray(errors)
      ? errors.map((entry: unknown) => {
          if (typeof entry === 'string') return entry;
          const { message: text, resource, field, code } = (entry ?? {}) as Record<string, unknown>;
          return typeof text === 'string' ? text : [resource, field, code].filter((part) => typeof part === 'string').join(' ');
        })
      : [];
    const text = [typeof message === 'string' ? message : '', ...details].filter(Boolean).join(': ');
    if (text) return text.slice(0, 500);
  }
  return typeof data === 'string' && data.trim() ? data.trim().split('\n')[0]!.slice(0, 200) : error.message.slice(0, 200);
}

class OctokitGitHub implements GitHubPort {
  private readonly octokit: GitHubOctokit;
  private readonly scrub: Scrub;
  private readonly apiUrl: string;
  private readonly retries: number;
  private readonly notFoundRetryMs: number;
  private readonly log: GitHubLog;
  /** Repositories this client created: GitHub may answer 404 on them for a moment (eventual consistency). */
  private readonly created = new Set<string>();
  private login: Promise<string | undefined> | undefined;

  constructor(options: GitHubOptions) {
    this.scrub = scrubberFor(options.token);
    this.apiUrl = displayUrl(options.apiUrl);
    this.retries = Math.max(0, options.retries ?? 2);
    this.notFoundRetryMs = options.timing?.notFoundRetryMs ?? 250;
    const sink = options.log ?? (() => undefined);
    this.log = (line) => sink(this.scrub(line));
    const timeoutMs = options.timing?.requestTimeoutMs ?? 30_000;
    const spacing = options.timing?.writeSpacingMs;
    this.octokit = new GitHubOctokit({
      auth: options.token,
      baseUrl: options.apiUrl.replace(/\/+$/, ''),
      userAgent: `cp-gitops/${packageVersion()}`,
      // Octokit's debug level logs whole request options, headers included: never forwarded.
      log: {
        debug: () => undefined,
        info: (...parts: unknown[]) => this.log(formatLogParts(parts)),
        warn: (...parts: unknown[]) => this.log(`warning: ${formatLogParts(parts)}`),
        error: (...parts: unknown[]) => this.log(formatLogParts(parts)),
      },
      request: {
        fetch: (url: string | URL, init?: RequestInit) => fetch(url, { ...init, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) }),
      },
      retry: {
        retries: this.retries,
        doNotRetry: DO_NOT_RETRY,
        retryAfterBaseValue: options.timing?.retryBaseMs ?? 1000,
      },
      throttle: {
        onRateLimit: (retryAfter, request, _octokit, retryCount) => this.onRateLimit('rate limit', retryAfter, request, retryCount),
        onSecondaryRateLimit: (retryAfter, request, _octokit, retryCount) =>
          this.onRateLimit('secondary rate limit', retryAfter, request, retryCount),
        ...(spacing === undefined
          ? {}
          : {
              write: new Bottleneck.Group({ maxConcurrent: 1, minTime: spacing }),
              notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: spacing * 3 }),
            }),
      },
    });
  }

  async getRepository(owner: string, repo: string): Promise<RepoInfo | undefined> {
    const route = `GET /repos/${owner}/${repo}`;
    try {
      const response = await this.withNotFoundRetry({ owner, repo }, route, () => this.octokit.rest.repos.get({ owner, repo }));
      return toRepoInfo(response.data);
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw this.toError(error, route, `repository ${owner}/${repo}`);
    }
  }

  async createRepository(options: CreateRepositoryOptions): Promise<RepoInfo> {
    const { owner, repo } = options;
    const login = await this.tokenLogin();
    const personal = login !== undefined && login.toLowerCase() === owner.toLowerCase();
    const route = personal ? 'POST /user/repos' : `POST /orgs/${owner}/repos`;
    const body = {
      name: repo,
      private: options.private,
      ...(options.description ? { description: options.description } : {}),
      // The first push brings the history: an initialised repository would reject it as unrelated.
      auto_init: false,
    };
    try {
      const response = personal
        ? await this.octokit.rest.repos.createForAuthenticatedUser(body)
        : await this.octokit.rest.repos.createInOrg({ org: owner, ...body });
      this.created.add(repoKey(options));
      return toRepoInfo(response.data);
    } catch (error) {
      // A retried POST whose first try did create it, or a concurrent run: the repository is there.
      if (statusOf(error) === 422 && isRequestError(error) && REPOSITORY_EXISTS.test(githubMessage(error))) {
        this.created.add(repoKey(options));
        const existing = await this.getRepository(owner, repo);
        if (existing) return existing;
      }
      throw this.toError(error, route, personal ? `account ${owner}` : `organisation ${owner}`);
    }
  }

  async findOpenPullRequest(options: FindPullRequestOptions): Promise<PullInfo | undefined> {
    const { owner, repo, head, base } = options;
    const route = `GET /repos/${owner}/${repo}/pulls`;
    try {
      const response = await this.withNotFoundRetry(options, route, () =>
        this.octokit.rest.pulls.list({ owner, repo, state: 'open', head: `${owner}:${head}`, base, per_page: 100 }),
      );
      // GitHub ignores a head filter it cannot parse and lists every open pull request: filter again.
      const match = response.data.find((pull) => pull.head.ref === head && pull.base.ref === base && pull.state === 'open');
      return match ? toPullInfo(match) : undefined;
    } catch (error) {
      throw this.toError(error, route, `repository ${owner}/${repo}`);
    }
  }

  async createPullRequest(options: CreatePullRequestOptions): Promise<PullInfo> {
    const { owner, repo, head, base, title, body } = options;
    const route = `POST /repos/${owner}/${repo}/pulls`;
    try {
      const response = await this.withNotFoundRetry(options, route, () => this.octokit.rest.pulls.create({ owner, repo, head, base, title, body }));
      return toPullInfo(response.data);
    } catch (error) {
      if (statusOf(error) === 422 && isRequestError(error) && PULL_REQUEST_EXISTS.test(githubMessage(error))) {
        this.log(`a pull request from ${head} to ${base} already exists in ${owner}/${repo}: updating it`);
        const existing = await this.findOpenPullRequest(options);
        if (existing) return this.updatePullRequest({ owner, repo, number: existing.number, title, body });
      }
      throw this.toError(error, route, `repository ${owner}/${repo}`);
    }
  }

  async updatePullRequest(options: UpdatePullRequestOptions): Promise<PullInfo> {
    const { owner, repo, number, title, body } = options;
    const route = `PATCH /repos/${owner}/${repo}/pulls/${number}`;
    try {
      const response = await this.withNotFoundRetry(options, route, () =>
        this.octokit.rest.pulls.update({ owner, repo, pull_number: number, title, body }),
      );
      return toPullInfo(response.data);
    } catch (error) {
      throw this.toError(error, route, `pull request #${number} in ${owner}/${repo}`);
    }
  }

  async addLabels(options: AddLabelsOptions): Promise<void> {
    const { owner, repo, number, labels } = options;
    if (labels.length === 0) return;
    const route = `POST /repos/${owner}/${repo}/issues/${number}/labels`;
    try {
      await this.withNotFoundRetry(options, route, () =>
        this.octokit.rest.issues.addLabels({ owner, repo, issue_number: number, labels: [...labels] }),
      );
    } catch (error) {
      throw this.toError(error, route, `pull request #${number} in ${owner}/${repo}`);
    }
  }

  /** The token's login; undefined when GitHub will not say (an installation token gets 403 on /user). */
  private tokenLogin(): Promise<string | undefined> {
    this.login ??= this.octokit.rest.users.getAuthenticated().then(
      (response) => response.data.login,
      (error: unknown) => {
        this.login = undefined;
        if (statusOf(error) === 403) return undefined;
        throw this.toError(error, 'GET /user', 'authenticated user');
      },
    );
    return this.login;
  }

  private async withNotFoundRetry<T>(ref: RepoRef, route: string, request: () => Promise<T>): Promise<T> {
    const tries = this.created.has(repoKey(ref)) ? NOT_FOUND_TRIES : 1;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await request();
      } catch (error) {
        if (statusOf(error) !== 404 || attempt >= tries) throw error;
        const wait = this.notFoundRetryMs * 2 ** (attempt - 1);
        this.log(`${route}: 404 on a repository created moments ago; trying again in ${wait} ms (${attempt}/${tries - 1})`);
        await sleep(wait);
      }
    }
  }

  private async onRateLimit(kind: string, retryAfter: number, request: { method: string; url: string }, retryCount: number): Promise<boolean> {
    const asked = retryAfterByRequest.get(request) ?? 0;
    const wait = Math.max(retryAfter, asked);
    const route = `${request.method} ${request.url}`;
    if (retryCount >= RATE_LIMIT_RETRIES || wait > RATE_LIMIT_MAX_WAIT_S) {
      this.log(`${route}: GitHub's ${kind} asks to wait ${wait} s; giving up`);
      return false;
    }
    this.log(`${route}: GitHub's ${kind}; trying again in ${wait} s (${retryCount + 1}/${RATE_LIMIT_RETRIES})`);
    // The plugin waits retryAfter (from x-ratelimit-reset) itself; retry-after may ask for longer.
    if (asked > retryAfter) await sleep((asked - retryAfter) * 1000);
    return true;
  }

  private toError(error: unknown, route: string, subject: string): unknown {
    if (error instanceof GitHubError || !isRequestError(error)) return error;
    const status = error.status;
    const scrub = this.scrub;
    if (!error.response) {
      const reason = error.message || 'no answer';
      return new GitHubError('github-network', scrub(`could not reach ${this.apiUrl} (${reason}) for ${route}`), {
        route,
        hint: `check the network and the API URL (--github-api-url or GITHUB_API_URL); re-running is safe`,
      });
    }
    const said = scrub(githubMessage(error));
    if (status === 401) {
      return new GitHubError('github-auth', scrub(`the token was refused by ${this.apiUrl} (401 ${said}) on ${route}`), {
        status,
        route,
        hint: 'check that GITHUB_TOKEN (or GH_TOKEN) holds a valid, unexpired token with the repo scope',
      });
    }
    if (status === 429 || (status === 403 && isRateLimited(error))) {
      const resetAt = rateLimitReset(error);
      const when = resetAt ? `; it resets at ${resetAt.toISOString()}` : '';
      return new GitHubError('github-rate-limit', scrub(`GitHub's rate limit stopped ${route} (${status} ${said})${when}`), {
        status,
        route,
        ...(resetAt ? { resetAt } : {}),
        hint: `wait${resetAt ? ` until ${resetAt.toISOString()}` : ' a few minutes'} and run the command again; re-running is safe`,
      });
    }
    if (status === 403) {
      return new GitHubError('github-forbidden', scrub(`GitHub refused ${route} (403 ${said})`), {
        status,
        route,
        hint:
          'the token lacks a permission: a classic token needs the repo scope (and SSO authorisation for an organisation ' +
          'that enforces it); a fine-grained token needs Administration, Contents and Pull requests read/write on the repository',
      });
    }
    if (status === 404) {
      return new GitHubError('github-not-found', scrub(`GitHub found no ${subject} (404 on ${route})`), {
        status,
        route,
        hint: 'check the owner and repository names; GitHub also answers 404 when the token cannot see a private repository',
      });
    }
    if (status === 422) {
      return new GitHubError('github-invalid', scrub(`GitHub rejected ${route} (422 ${said})`), { status, route });
    }
    if (status >= 500) {
      const tries = this.retries + 1;
      return new GitHubError('github-unavailable', scrub(`GitHub answered ${status} on ${route} ${tries} times (${said})`), {
        status,
        route,
        hint: 'GitHub may be having an incident (https://www.githubstatus.com); run the command again later, re-running is safe',
      });
    }
    return new GitHubError('github-failed', scrub(`GitHub answered ${status} on ${route} (${said})`), { status, route });
  }
}

function isRateLimited(error: RequestErrorLike): boolean {
  return (
    headerOf(error, 'x-ratelimit-remaining') === '0' ||
    headerOf(error, 'retry-after') !== undefined ||
    /rate limit/i.test(githubMessage(error))
  );
}

function rateLimitReset(error: RequestErrorLike): Date | undefined {
  const reset = Number(headerOf(error, 'x-ratelimit-reset'));
  if (Number.isFinite(reset) && reset > 0) return new Date(reset * 1000);
  const after = Number(headerOf(error, 'retry-after'));
  if (Number.isFinite(after) && after >= 0) return new Date(Date.now() + after * 1000);
  return undefined;
}

function formatLogParts(parts: readonly unknown[]): string {
  return parts
    .map((part) => (typeof part === 'string' ? part : part instanceof Error ? part.message : ''))
    .filter(Boolean)
    .join(' ');
}

function repoKey(ref: RepoRef): string {
  return `${ref.owner}/${ref.repo}`.toLowerCase();
}

interface RepositoryData {
  readonly full_name: string;
  readonly clone_url: string;
  readonly default_branch?: string;
  readonly private: boolean;
  readonly html_url: string;
}

function toRepoInfo(data: RepositoryData): RepoInfo {
  return {
    fullName: data.full_name,
    cloneUrl: data.clone_url,
    defaultBranch: data.default_branch || 'main',
    private: data.private,
    htmlUrl: data.html_url,
  };
}

interface PullData {
  readonly number: number;
  readonly html_url: string;
  readonly state: string;
  readonly head: { readonly ref: string };
}

function toPullInfo(data: PullData): PullInfo {
  return { number: data.number, htmlUrl: data.html_url, state: data.state === 'closed' ? 'closed' : 'open', head: data.head.ref };
}
