import { CpGitopsError } from '../errors.js';

/**
 * What went wrong talking to GitHub, as a code a script can branch on. Every message and hint is
 * built by the GitHub adapter from the status, the route and GitHub's own message, with the token
 * scrubbed out; the raw Octokit error is deliberately not kept as `cause`, because it carries the
 * request (headers included) and `--verbose` or a debugger would print it.
 */
export type GitHubErrorCode =
  | 'github-token-missing'
  | 'github-auth'
  | 'github-forbidden'
  | 'github-rate-limit'
  | 'github-not-found'
  | 'github-invalid'
  | 'github-unavailable'
  | 'github-network'
  | 'github-failed';

export interface GitHubErrorOptions {
  readonly hint?: string;
  /** The HTTP status GitHub answered with; absent when no answer came (network, token missing). */
  readonly status?: number;
  /** `METHOD /path` of the request that failed, without host or query. */
  readonly route?: string;
  /** For github-rate-limit: when GitHub says the limit resets (from x-ratelimit-reset or retry-after). */
  readonly resetAt?: Date;
}

export class GitHubError extends CpGitopsError {
  declare readonly code: GitHubErrorCode;
  readonly status: number | undefined;
  readonly route: string | undefined;
  readonly resetAt: Date | undefined;

  constructor(code: GitHubErrorCode, message: string, options: GitHubErrorOptions = {}) {
    super(code, message, { hint: options.hint });
    this.status = options.status;
    this.route = options.route;
    this.resetAt = options.resetAt;
  }
}
