import { CpGitopsError } from '../errors.js';

/**
 * What went wrong talking to GitLab, as a code a script can branch on (the GitHub codes' twins). The
 * message and hint are built by the GitLab adapter from the status, the route and GitLab's own message,
 * token scrubbed; the raw fetch error is not kept as `cause`, since it carries the request headers.
 */
export type GitLabErrorCode =
  | 'gitlab-token-missing'
  | 'gitlab-auth'
  | 'gitlab-forbidden'
  | 'gitlab-rate-limit'
  | 'gitlab-not-found'
  | 'gitlab-conflict'
  | 'gitlab-invalid'
  | 'gitlab-unavailable'
  | 'gitlab-network'
  | 'gitlab-failed';

export interface GitLabErrorOptions {
  readonly hint?: string;
  /** The HTTP status GitLab answered with; absent when no answer came. */
  readonly status?: number;
  /** `METHOD /path` of the request that failed, below /api/v4, without host or query. */
  readonly route?: string;
  /** GitLab's own message, one line, token scrubbed (the adapter matches "already exists" on it). */
  readonly said?: string;
  /** For gitlab-rate-limit: when GitLab says the limit resets (Retry-After, RateLimit-Reset). */
  readonly resetAt?: Date;
}

export class GitLabError extends CpGitopsError {
  declare readonly code: GitLabErrorCode;
  readonly status: number | undefined;
  readonly route: string | undefined;
  readonly said: string | undefined;
  readonly resetAt: Date | undefined;

  constructor(code: GitLabErrorCode, message: string, options: GitLabErrorOptions = {}) {
    super(code, message, { hint: options.hint });
    this.status = options.status;
    this.route = options.route;
    this.said = options.said;
    this.resetAt = options.resetAt;
  }
}
