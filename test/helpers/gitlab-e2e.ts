import { Buffer } from 'node:buffer';
import { expect } from 'chai';
import { NEUTRAL_ENV } from './git-remotes.js';
import type { GitLabStandIn } from './gitlab-stand-in.js';

// What the end-to-end tests against the GitLab stand-in share (gitlab-flow.test.ts, readme.test.ts):
// the tokens, the leak check, and the environment that points bin/ and git at the stand-in.

/** Distinctive, so a leak anywhere is found by a plain substring search. */
export const TOKEN = 'glpat-TESTTOKEN789e2eCpGitops';
export const WRONG_TOKEN = 'glpat-WRONGTOKEN012e2eCpGitops';
/** Each token, and the base64 forms git's Basic header (user oauth2) or a careless encoder would carry. */
export const SECRETS = [TOKEN, WRONG_TOKEN].flatMap((token) => [token, Buffer.from(`oauth2:${token}`, 'utf8').toString('base64'), Buffer.from(token, 'utf8').toString('base64')]);

export function expectNoSecret(text: string, where: string): void {
  for (const secret of SECRETS) expect(text.includes(secret), `${where} holds the GitLab token (or a base64 form of it)`).to.equal(false);
}

/**
 * What points bin/ and git at the stand-in with TOKEN: its self-signed certificate trusted by node's
 * fetch and by git (nothing turned off), and short retry waits. Without NEUTRAL_ENV, so that it can be
 * layered over another environment (readme.test.ts has the GitHub stand-in's too).
 */
export function gitlabStandInVariables(standIn: GitLabStandIn): NodeJS.ProcessEnv {
  return {
    GITLAB_URL: standIn.url,
    GITLAB_TOKEN: TOKEN,
    NODE_EXTRA_CA_CERTS: standIn.caFile,
    GIT_SSL_CAINFO: standIn.caFile,
    CP_GITOPS_GITLAB_RETRY_MS: '50',
  };
}

/** bin/ talking to the stand-in with TOKEN, nothing else of the caller's git or provider set-up leaking in. */
export function gitlabStandInEnv(standIn: GitLabStandIn, overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...NEUTRAL_ENV, ...gitlabStandInVariables(standIn), ...overrides };
}
