import { setTimeout as sleep } from 'node:timers/promises';
import { createRequesterFn, type FormattedResponse, type RequestOptions } from '@gitbeaker/requester-utils';
import { Groups, MergeRequests, Projects, Users } from '@gitbeaker/rest';
import { gitLabProviderRecord } from '../model/git-provider.js';
import type { GitProviderRecord } from '../model/types.js';
import { basicAuthGitEnvironment, basicCredentials } from './git-auth.js';
import type { ChangeRequestInfo, ChangeRequestInput, GitProvider, HostedRepository, ProviderLog, ProviderVocabulary } from './git-provider.js';
import { GitLabError } from './gitlab-errors.js';

/**
 * GitLab behind the GitProvider interface, on @gitbeaker/rest's resources (Projects, Groups,
 * MergeRequests, Users). The HTTP layer is ours (createRequesterFn with our handler) because gitbeaker's
 * default one retries 429 and 502 ten times within about 0.3 s and ignores Retry-After
 * (@gitbeaker/rest 43.8.0, defaultRequestHandler): we honour Retry-After, bounded, and retry 5xx and
 * network failures a few times with a backoff, then map every status to a GitLabError with a hint.
 * Loaded only by gitlab-provider.ts, on use.
 */

/** GitLab's limit for merge request descriptions (REST API v4, merge_requests: "Limited to 1,048,576 characters"). */
export const GITLAB_DESCRIPTION_LIMIT = 1_048_576;
/** Rate limits: retry at most this often, and only when GitLab asks to wait at most this long. */
const RATE_LIMIT_RETRIES = 2;
const RATE_LIMIT_MAX_WAIT_S = 60;
const WORDS: ProviderVocabulary = { name: 'GitLab', repository: 'project', changeRequest: 'merge request', reference: (number) => `!${number}` };
/** GitLab says a create found the name taken with 400 (projects) or 409 (an open merge request for the branch). */
const ALREADY_TAKEN = /already been taken|already exists/i;

export interface GitLabTiming {
  /** Unit of the backoff between 5xx / network retries: waits 1×, 4×, 9× this (default 1000 ms). */
  readonly retryBaseMs?: number;
  /** Per-request timeout (default 30 s). */
  readonly requestTimeoutMs?: number;
}

export interface GitLabOptions {
  readonly projectPath: string;
  readonly token: string;
  /** The REST API root, https://<host>[/<relative root>]/api/v4. */
  readonly apiUrl: string;
  /** Retries after a 5xx answer or a network failure (default 2, so three tries in all). */
  readonly retries?: number;
  readonly log?: ProviderLog;
  readonly timing?: GitLabTiming;
}

/** Where git may send the GitLab token: the instance's own HTTPS root, and the clone URL when it is HTTPS. Never plain HTTP. */
export function gitLabGitUrls(apiUrl: string, cloneUrl?: string): string[] {
  const root = apiUrl.replace(/\/api\/v4\/?$/, '/');
  const urls = /^https:\/\//i.test(root) ? [root.endsWith('/') ? root : `${root}/`] : [];
  if (cloneUrl !== undefined && /^https:\/\//i.test(cloneUrl) && !urls.some((url) => cloneUrl.startsWith(url))) urls.push(cloneUrl);
  return urls;
}

/**
 * git sends `Authorization: Basic base64(oauth2:<token>)`: GitLab documents the user name oauth2 with an
 * access token as the password for Git over HTTPS (any user name works for a personal access token).
 */
export function gitLabAuthEnvironment(token: string, urls: readonly string[], env: NodeJS.ProcessEnv = {}): Record<string, string> {
  return basicAuthGitEnvironment('oauth2', token, urls, env);
}

export function createGitLab(options: GitLabOptions): GitProvider {
  return new GitbeakerGitLab(options);
}

type Scrub = (text: string) => string;

function scrubberFor(token: string): Scrub {
  const secrets = [token, basicCredentials('oauth2', token), Buffer.from(token, 'utf8').toString('base64')].filter((secret) => secret.length > 0);
  return (text) => secrets.reduce((result, secret) => result.split(secret).join('***'), text);
}

interface ProjectData {
  readonly path_with_namespace: string;
  readonly http_url_to_repo: string;
  readonly default_branch?: string | null;
  readonly visibility?: string;
  readonly web_url: string;
}

interface MergeRequestData {
  readonly iid: number;
  readonly web_url: string;
  readonly state: string;
  readonly source_branch: string;
  readonly target_branch: string;
}

class GitbeakerGitLab implements GitProvider {
  readonly type = 'gitlab' as const;
  readonly words = WORDS;
  readonly bodyLimit = GITLAB_DESCRIPTION_LIMIT;
  readonly repository: string;
  readonly apiUrl: string;
  private readonly token: string;
  private readonly scrub: Scrub;
  private readonly log: ProviderLog;
  private readonly projects: InstanceType<typeof Projects>;
  private readonly groups: InstanceType<typeof Groups>;
  private readonly mergeRequests: InstanceType<typeof MergeRequests>;
  private readonly users: InstanceType<typeof Users>;

  constructor(options: GitLabOptions) {
    this.repository = options.projectPath;
    this.apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.token = options.token;
    this.scrub = scrubberFor(options.token);
    const sink = options.log ?? (() => undefined);
    this.log = (line) => sink(this.scrub(line));
    const requesterFn = createRequesterFn((_, requestOptions) => Promise.resolve(requestOptions), this.handler(options));
    // gitbeaker builds <host>/api/v4; the PRIVATE-TOKEN header carries the token (never a query parameter).
    const config = { host: this.apiUrl.replace(/\/api\/v4$/, ''), token: options.token, requesterFn };
    this.projects = new Projects(config);
    this.groups = new Groups(config);
    this.mergeRequests = new MergeRequests(config);
    this.users = new Users(config);
  }

  async getRepository(): Promise<HostedRepository | undefined> {
    try {
      return hosted((await this.projects.show(this.repository)) as unknown as ProjectData);
    } catch (error) {
      if (error instanceof GitLabError && error.status === 404) return undefined;
      throw error;
    }
  }

  async createRepository(options: { private: boolean; description: string }): Promise<HostedRepository> {
    const slash = this.repository.lastIndexOf('/');
    const namespace = this.repository.slice(0, slash);
    const name = this.repository.slice(slash + 1);
    const namespaceId = await this.namespaceId(namespace);
    try {
      const created = await this.projects.create({
        name,
        path: name,
        ...(namespaceId === undefined ? {} : { namespaceId }),
        visibility: options.private ? 'private' : 'public',
        description: options.description,
        // The first push brings the history: an initialised project would reject it as unrelated.
        initializeWithReadme: false,
      });
      return hosted(created as unknown as ProjectData);
    } catch (error) {
      // A retried POST whose first try did create it, or a concurrent run: the project is there.
      if (error instanceof GitLabError && error.status === 400 && ALREADY_TAKEN.test(error.said ?? '')) {
        const existing = await this.getRepository();
        if (existing) return existing;
      }
      throw error;
    }
  }

  async openOrUpdateChangeRequest(request: ChangeRequestInput): Promise<ChangeRequestInfo> {
    const labels = request.labels.map(scopedLabel).join(',');
    const existing = await this.findOpen(request.head, request.base);
    if (existing) return this.update(existing.iid, request, labels);
    try {
      const created = await this.mergeRequests.create(this.repository, request.head, request.base, request.title, {
        description: request.body,
        ...(labels ? { labels } : {}),
        removeSourceBranch: true,
      });
      return toInfo(created as unknown as MergeRequestData);
    } catch (error) {
      // Another run opened it between the list and the create: GitLab answers 409, and names it.
      if (error instanceof GitLabError && error.status === 409) {
        this.log(`a merge request from ${request.head} to ${request.base} already exists in ${this.repository}: updating it`);
        const found = await this.findOpen(request.head, request.base);
        if (found) return this.update(found.iid, request, labels);
      }
      throw error;
    }
  }

  gitEnvironment(cloneUrl: string | undefined, env: NodeJS.ProcessEnv): Record<string, string> {
    return gitLabAuthEnvironment(this.token, gitLabGitUrls(this.apiUrl, cloneUrl), env);
  }

  plannedCloneUrl(): string {
    return `${this.apiUrl.replace(/\/api\/v4$/, '')}/${this.repository}.git`;
  }

  record(): GitProviderRecord {
    return gitLabProviderRecord(this.repository, this.apiUrl);
  }

  private async update(iid: number, request: ChangeRequestInput, labels: string): Promise<ChangeRequestInfo> {
    const updated = await this.mergeRequests.edit(this.repository, iid, {
      title: request.title,
      description: request.body,
      // add_labels keeps labels a reviewer set; GitLab creates the ones the project lacks.
      ...(labels ? { addLabels: labels } : {}),
      removeSourceBranch: true,
    });
    return toInfo(updated as unknown as MergeRequestData);
  }

  private async findOpen(head: string, base: string): Promise<MergeRequestData | undefined> {
    const found = (await this.mergeRequests.all({
      projectId: this.repository,
      state: 'opened',
      sourceBranch: head,
      targetBranch: base,
      perPage: 100,
      maxPages: 1,
    })) as unknown as MergeRequestData[];
    // Filtered again: a GitLab that ignores a filter must not make cp-gitops update someone else's merge request.
    return found.find((mr) => mr.source_branch === head && mr.target_branch === base && mr.state === 'opened');
  }

  /** The group's id for a nested group path; undefined for the token's own user namespace (GitLab's default). */
  private async namespaceId(namespace: string): Promise<number | undefined> {
    try {
      const group = (await this.groups.show(namespace)) as unknown as { id: number };
      return group.id;
    } catch (error) {
      if (!(error instanceof GitLabError) || error.status !== 404) throw error;
    }
    const user = (await this.users.showCurrentUser()) as unknown as { username: string };
    if (user.username.toLowerCase() === namespace.toLowerCase()) return undefined;
    throw new GitLabError('gitlab-not-found', `GitLab found no group ${namespace} to create ${this.repository} in (404 on GET /groups/${namespace})`, {
      status: 404,
      route: `GET /groups/${namespace}`,
      hint: `create the group (and subgroups) ${namespace} in GitLab first, or give a path in your own namespace (${user.username}/<project>); GitLab also answers 404 when the token cannot see the group`,
    });
  }

  /** The HTTP layer under gitbeaker: one request, its retries, and every failure as a GitLabError. */
  private handler(options: GitLabOptions): (endpoint: string, requestOptions?: Record<string, unknown>) => Promise<FormattedResponse> {
    const retries = Math.max(0, options.retries ?? 2);
    const retryBaseMs = options.timing?.retryBaseMs ?? 1000;
    const timeoutMs = options.timing?.requestTimeoutMs ?? 30_000;
    return async (endpoint, raw) => {
      const request = (raw ?? {}) as RequestOptions;
      const method = (request.method ?? 'GET').toUpperCase();
      const base = request.prefixUrl?.endsWith('/') ? request.prefixUrl : `${request.prefixUrl ?? this.apiUrl}/`;
      const url = new URL(endpoint, base);
      url.search = request.searchParams ?? '';
      const route = `${method} /${safeDecode(endpoint)}`;
      let rateLimited = 0;
      for (let attempt = 1; ; attempt += 1) {
        let response: Response;
        try {
          response = await fetch(url, {
            method,
            headers: { ...request.headers, 'user-agent': 'cp-gitops' },
            ...(request.body === undefined ? {} : { body: request.body }),
            signal: AbortSignal.timeout(timeoutMs),
          });
        } catch (error) {
          if (attempt <= retries) {
            this.log(`${route}: ${reason(error)}; trying again in ${retryBaseMs * attempt ** 2} ms (${attempt}/${retries})`);
            await sleep(retryBaseMs * attempt ** 2);
            continue;
          }
          throw new GitLabError('gitlab-network', this.scrub(`could not reach ${this.apiUrl} (${reason(error)}) for ${route}`), {
            route,
            hint: 'check the network and the GitLab URL (--gitlab-url or GITLAB_URL); re-running is safe',
          });
        }
        const headers = Object.fromEntries(response.headers.entries());
        const text = await response.text();
        if (response.ok) return { status: response.status, headers, body: parseBody(text, headers['content-type']) as FormattedResponse['body'] };
        const said = this.scrub(gitlabMessage(text));
        if (response.status === 429) {
          const wait = retryAfterSeconds(headers);
          if (rateLimited < RATE_LIMIT_RETRIES && wait !== undefined && wait <= RATE_LIMIT_MAX_WAIT_S) {
            rateLimited += 1;
            this.log(`${route}: GitLab's rate limit; trying again in ${wait} s (${rateLimited}/${RATE_LIMIT_RETRIES})`);
            await sleep(wait * 1000);
            attempt -= 1;
            continue;
          }
          const resetAt = wait === undefined ? undefined : new Date(Date.now() + wait * 1000);
          this.log(`${route}: GitLab's rate limit asks to wait ${wait ?? 'an unknown time'}${wait === undefined ? '' : ' s'}; giving up`);
          throw new GitLabError('gitlab-rate-limit', this.scrub(`GitLab's rate limit stopped ${route} (429 ${said})${resetAt ? `; it resets at ${resetAt.toISOString()}` : ''}`), {
            status: 429,
            route,
            said,
            ...(resetAt ? { resetAt } : {}),
            hint: `wait${resetAt ? ` until ${resetAt.toISOString()}` : ' a few minutes'} and run the command again; re-running is safe`,
          });
        }
        if (response.status >= 500 && attempt <= retries) {
          this.log(`${route}: GitLab answered ${response.status}; trying again in ${retryBaseMs * attempt ** 2} ms (${attempt}/${retries})`);
          await sleep(retryBaseMs * attempt ** 2);
          continue;
        }
        throw this.toError(response.status, route, said, attempt);
      }
    };
  }

  private toError(status: number, route: string, said: string, tries: number): GitLabError {
    const scrub = this.scrub;
    const common = { status, route, said };
    if (status === 401) {
      return new GitLabError('gitlab-auth', scrub(`the token was refused by ${this.apiUrl} (401 ${said}) on ${route}`), {
        ...common,
        hint: 'check that GITLAB_TOKEN (or GL_TOKEN) holds a valid, unexpired access token with the api scope',
      });
    }
    if (status === 403) {
      return new GitLabError('gitlab-forbidden', scrub(`GitLab refused ${route} (403 ${said})`), {
        ...common,
        hint: 'the token lacks a permission: it needs the api scope, and at least the Developer role on the project (Maintainer, or the right to create projects in the group, for init)',
      });
    }
    if (status === 404) {
      return new GitLabError('gitlab-not-found', scrub(`GitLab found nothing at ${route} (404 ${said})`), {
        ...common,
        hint: 'check the group and project path (--gitlab or gitProvider.repository in cp-gitops.yaml); GitLab also answers 404 when the token cannot see a private project',
      });
    }
    if (status === 409) {
      return new GitLabError('gitlab-conflict', scrub(`GitLab refused ${route} as a conflict (409 ${said})`), {
        ...common,
        hint: 'something with that name already exists; run the command again, it finds and updates it',
      });
    }
    if (status === 400 || status === 422) {
      return new GitLabError('gitlab-invalid', scrub(`GitLab rejected ${route} (${status} ${said})`), {
        ...common,
        hint: 'GitLab said why above; check the project path and branch names, or report it if cp-gitops sent something GitLab does not take',
      });
    }
    if (status >= 500) {
      return new GitLabError('gitlab-unavailable', scrub(`GitLab answered ${status} on ${route} ${tries} times (${said})`), {
        ...common,
        hint: 'GitLab may be having an incident (https://status.gitlab.com for gitlab.com, else your instance\'s administrators); run the command again later, re-running is safe',
      });
    }
    return new GitLabError('gitlab-failed', scrub(`GitLab answered ${status} on ${route} (${said})`), common);
  }
}

/** cp-gitops labels as GitLab scoped labels: `env:dev` → `env::dev`, so a merge request holds one per scope. */
export function scopedLabel(label: string): string {
  return label.includes('::') ? label : label.replace(':', '::');
}

function hosted(data: ProjectData): HostedRepository {
  return {
    fullName: data.path_with_namespace,
    cloneUrl: data.http_url_to_repo,
    defaultBranch: data.default_branch || 'main',
    private: data.visibility !== 'public' && data.visibility !== 'internal',
    webUrl: data.web_url,
  };
}

function toInfo(data: MergeRequestData): ChangeRequestInfo {
  return { number: data.iid, htmlUrl: data.web_url, state: data.state === 'opened' ? 'open' : 'closed', head: data.source_branch };
}

/** Seconds GitLab asks to wait: Retry-After, else RateLimit-Reset (a Unix time). */
function retryAfterSeconds(headers: Record<string, string>): number | undefined {
  const after = Number(headers['retry-after']);
  if (headers['retry-after'] !== undefined && Number.isFinite(after) && after >= 0) return Math.ceil(after);
  const reset = Number(headers['ratelimit-reset']);
  if (headers['ratelimit-reset'] !== undefined && Number.isFinite(reset) && reset > 0) return Math.max(0, Math.ceil(reset - Date.now() / 1000));
  return undefined;
}

/** GitLab's message in one line: `{message: "..."}`, `{message: {field: ["..."]}}` or `{error: "..."}`. */
function gitlabMessage(text: string): string {
  try {
    const data = JSON.parse(text) as { message?: unknown; error?: unknown; error_description?: unknown };
    const flatten = (value: unknown): string =>
      typeof value === 'string'
        ? value
        : Array.isArray(value)
          ? value.map(flatten).join(', ')
          : value && typeof value === 'object'
            ? Object.entries(value).map(([key, inner]) => `${key} ${flatten(inner)}`).join('; ')
            : '';
    const message = [flatten(data.message), flatten(data.error), flatten(data.error_description)].filter(Boolean).join(': ');
    if (message) return message.slice(0, 500);
  } catch {
    // not JSON: the first line of the text
  }
  return text.trim().split('\n')[0]!.slice(0, 200) || 'no message';
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (!text) return {};
  if ((contentType ?? '').includes('json')) return JSON.parse(text) as unknown;
  return text;
}

function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const detail = cause && typeof cause.code === 'string' ? cause.code : cause && typeof cause.message === 'string' ? cause.message : '';
  return [error.name === 'TimeoutError' ? 'timed out' : error.message, detail].filter(Boolean).join(': ');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
