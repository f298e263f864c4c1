import { Buffer } from 'node:buffer';
import { expect } from 'chai';
export { expectExit } from './cli.js';
import { NEUTRAL_ENV } from './git-remotes.js';
import type { GitHubStandIn, RecordedRequest } from './github-stand-in.js';

// What the end-to-end tests against the GitHub stand-in share: the tokens, the leak check, and the
// environment that points bin/ at the stand-in.

/** Distinctive, so a leak anywhere is found by a plain substring search. */
export const TOKEN = 'ghp_TESTTOKEN123e2eCpGitops';
export const WRONG_TOKEN = 'ghp_WRONGTOKEN456e2eCpGitops';
const secretForms = (token: string) => [token, Buffer.from(`x-access-token:${token}`, 'utf8').toString('base64')];
export const SECRETS = [...secretForms(TOKEN), ...secretForms(WRONG_TOKEN)];


export function expectNoSecret(text: string, where: string): void {
  for (const secret of SECRETS) expect(text.includes(secret), `${where} holds the token (or its base64 form)`).to.equal(false);
}

/** bin/ talking to the stand-in with TOKEN, without the spacing GitHub asks for between writes. */
export function standInEnv(standIn: GitHubStandIn, overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...NEUTRAL_ENV,
    GITHUB_API_URL: standIn.url,
    GITHUB_TOKEN: TOKEN,
    CP_GITOPS_GITHUB_WRITE_SPACING_MS: '0',
    CP_GITOPS_GITHUB_RETRY_MS: '50',
    ...overrides,
  };
}

/** Requests that change something on GitHub (anything but GET and HEAD). */
export function writeRequests(requests: readonly RecordedRequest[]): RecordedRequest[] {
  return requests.filter((request) => request.method !== 'GET' && request.method !== 'HEAD');
}
