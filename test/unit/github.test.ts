import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect, promisify } from 'node:util';
import { expect } from 'chai';
import {
  createGitHub,
  gitAuthEnvironment,
  gitHubGitUrls,
  resolveApiUrl,
  resolveGitHubToken,
  type GitHubOptions,
  type GitHubPort,
} from '../../src/adapters/github.js';
import { GitHubError } from '../../src/adapters/github-errors.js';
import { CpGitopsError, UsageError } from '../../src/errors.js';
import { faults, GitHubStandIn, loadGitHubDescription } from '../helpers/github-stand-in.js';
import { headerRecorder } from '../helpers/header-recorder.js';

const run = promisify(execFile);

/** Distinctive, so a leak anywhere is found by a plain substring search. */
const TOKEN = 'ghp_StandInSecret0123456789abcdefABCDEF';
/** Retries stay bounded as in production, only the waits shrink (rate-limit waits stay real). */
const FAST = { retryBaseMs: 5, notFoundRetryMs: 5, writeSpacingMs: 0, requestTimeoutMs: 5_000 };

async function rejection(promise: Promise<unknown>): Promise<GitHubError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(GitHubError);
    expect(error).to.be.instanceOf(CpGitopsError);
    return error as GitHubError;
  }
  throw new Error('expected a GitHubError');
}

describe('GitHub adapter against the OpenAPI-checked stand-in', function () {
  this.timeout(20_000);
  let standIn: GitHubStandIn;
  let logLines: string[];
  let github: GitHubPort;

  function client(overrides: Partial<GitHubOptions> = {}): GitHubPort {
    return createGitHub({ token: TOKEN, apiUrl: standIn.url, timing: FAST, log: (line) => logLines.push(line), ...overrides });
  }

  before(async () => {
    await loadGitHubDescription();
  });

  beforeEach(async () => {
    standIn = await GitHubStandIn.start({ login: 'octocat', organizations: ['acme'], token: TOKEN });
    logLines = [];
    github = client();
  });

  afterEach(async () => {
    // Nothing the adapter sent, in any scenario, may be a request GitHub would reject,
    // and no recorded request or log line may carry the token.
    const violations = standIn.violations;
    const recorded = JSON.stringify(standIn.requests);
    await standIn.close();
    expect(violations).to.deep.equal([]);
    expect(recorded).not.to.include(TOKEN);
    expect(logLines.join('\n')).not.to.include(TOKEN);
  });

  /** A repository whose bare git repository has main and the given branch, as after a push. */
  async function pushedRepository(owner: string, name: string, branch: string): Promise<void> {
    await standIn.seedRepository(owner, name);
    await standIn.seedBranch(owner, name, 'main');
    await standIn.seedBranch(owner, name, branch);
  }

  describe('repositories', () => {
    it('creates a private repository for the token user with POST /user/repos; clone_url is a bare git repository', async () => {
      expect(await github.getRepository('octocat', 'platform')).to.equal(undefined);
      const created = await github.createRepository({ owner: 'octocat', repo: 'platform', private: true, description: 'Confluent Platform GitOps' });
      expect(created).to.include({ fullName: 'octocat/platform', defaultBranch: 'main', private: true });
      expect(created.htmlUrl).to.equal(`${standIn.url}/octocat/platform`);
      const { stdout } = await run('git', ['--git-dir', standIn.repository('octocat', 'platform')!.bareDir, 'rev-parse', '--is-bare-repository']);
      expect(stdout.trim()).to.equal('true');
      expect(created.cloneUrl).to.equal(standIn.repository('octocat', 'platform')!.cloneUrl);
      expect(standIn.requestsTo('POST /user/repos').map((request) => request.body)).to.deep.equal([
        { name: 'platform', private: true, description: 'Confluent Platform GitOps', auto_init: false },
      ]);
      expect(standIn.requests.map((request) => request.headers.authorization)).to.satisfy((values: string[]) => values.every((v) => v === 'token <redacted>'));
      expect(await github.getRepository('octocat', 'platform')).to.deep.equal(created);
    });

    it('clone_url is the file: URL git can reach by default, or what the test maps it to (a git daemon URL)', async () => {
      const created = await github.createRepository({ owner: 'octocat', repo: 'reachable', private: true });
      await standIn.seedBranch('octocat', 'reachable', 'main');
      const { stdout } = await run('git', ['ls-remote', created.cloneUrl]);
      expect(stdout).to.include('refs/heads/main');
      const mapped = await GitHubStandIn.start({ cloneUrl: ({ owner, name }) => `git://127.0.0.1:9418/${owner}/${name}.git` });
      try {
        const info = await createGitHub({ token: TOKEN, apiUrl: mapped.url, timing: FAST }).createRepository({ owner: 'acme', repo: 'kafka', private: false });
        expect(info.cloneUrl).to.equal('git://127.0.0.1:9418/acme/kafka.git');
        expect(info.private).to.equal(false);
        expect(mapped.violations).to.deep.equal([]);
      } finally {
        await mapped.close();
      }
    });

    it('creates an organisation repository with POST /orgs/{org}/repos', async () => {
      const created = await github.createRepository({ owner: 'acme', repo: 'kafka', private: true });
      expect(created.fullName).to.equal('acme/kafka');
      expect(standIn.requests.map((request) => request.route)).to.deep.equal(['GET /user', 'POST /orgs/{org}/repos']);
      expect(standIn.requests[1]!.path).to.equal('/orgs/acme/repos');
    });

    it('returns the repository when a create finds it already there (a retried POST, a concurrent run)', async () => {
      await standIn.seedRepository('acme', 'kafka');
      const info = await github.createRepository({ owner: 'acme', repo: 'kafka', private: true });
      expect(info.fullName).to.equal('acme/kafka');
      expect(standIn.requests.map((request) => `${request.route} ${request.status}`)).to.deep.equal([
        'GET /user 200',
        'POST /orgs/{org}/repos 422',
        'GET /repos/{owner}/{repo} 200',
      ]);
    });

    it('retries 404 on a repository it just created, then succeeds', async () => {
      await github.createRepository({ owner: 'octocat', repo: 'fresh', private: true });
      standIn.script('GET /repos/{owner}/{repo}', faults.notFound(), 2);
      const info = await github.getRepository('octocat', 'fresh');
      expect(info?.fullName).to.equal('octocat/fresh');
      expect(standIn.requestsTo('GET /repos/{owner}/{repo}').map((request) => request.status)).to.deep.equal([404, 404, 200]);
      expect(logLines.some((line) => line.includes('created moments ago'))).to.equal(true);
    });

    it('gives a 404 on a repository it did not create one try only: undefined', async () => {
      standIn.script('GET /repos/{owner}/{repo}', faults.notFound(), 1);
      expect(await github.getRepository('octocat', 'missing')).to.equal(undefined);
      expect(standIn.requests).to.have.length(1);
    });
  });

  describe('pull requests', () => {
    const change = { owner: 'acme', repo: 'platform', head: 'cp-gitops/add-connect-dev', base: 'main' };

    it('opens a pull request and labels it', async () => {
      await pushedRepository('acme', 'platform', change.head);
      expect(await github.findOpenPullRequest(change)).to.equal(undefined);
      const pull = await github.createPullRequest({ ...change, title: 'Add Connect to dev', body: 'connect: absent → present' });
      expect(pull).to.deep.equal({ number: 1, htmlUrl: `${standIn.url}/acme/platform/pull/1`, state: 'open', head: change.head });
      await github.addLabels({ owner: 'acme', repo: 'platform', number: pull.number, labels: ['env:dev', 'component:connect'] });
      expect(standIn.pullRequests('acme', 'platform')[0]!.labels).to.deep.equal(['env:dev', 'component:connect']);
      expect(standIn.requestsTo('GET /repos/{owner}/{repo}/pulls')[0]!.query).to.deep.equal({
        state: 'open',
        head: `acme:${change.head}`,
        base: 'main',
        per_page: '100',
      });
      expect(standIn.requestsTo('POST /repos/{owner}/{repo}/issues/{issue_number}/labels')[0]!.body).to.deep.equal({ labels: ['env:dev', 'component:connect'] });
    });

    it('a re-run with the same head finds the open pull request and updates it: no duplicate', async () => {
      await pushedRepository('acme', 'platform', change.head);
      const first = await github.createPullRequest({ ...change, title: 'Add Connect to dev', body: 'first' });
      const rerun = client();
      const found = await rerun.findOpenPullRequest(change);
      expect(found?.number).to.equal(first.number);
      const updated = await rerun.updatePullRequest({ owner: 'acme', repo: 'platform', number: found!.number, title: 'Add Connect to dev', body: 'second' });
      expect(updated.number).to.equal(first.number);
      expect(standIn.pullRequests('acme', 'platform').map((pull) => [pull.number, pull.body])).to.deep.equal([[1, 'second']]);
      expect(standIn.requestsTo('PATCH /repos/{owner}/{repo}/pulls/{pull_number}')[0]!.body).to.deep.equal({ title: 'Add Connect to dev', body: 'second' });
    });

    it('ignores open pull requests of other branches even when GitHub lists them', async () => {
      await pushedRepository('acme', 'platform', change.head);
      standIn.seedPullRequest('acme', 'platform', { head: 'someone-else', base: 'main', title: 'other' });
      expect(await github.findOpenPullRequest(change)).to.equal(undefined);
    });

    it('422 "A pull request already exists" → finds the open one and updates it', async () => {
      await pushedRepository('acme', 'platform', change.head);
      standIn.seedPullRequest('acme', 'platform', { head: change.head, base: 'main', title: 'old', body: 'old body' });
      const pull = await github.createPullRequest({ ...change, title: 'new', body: 'new body' });
      expect(pull.number).to.equal(1);
      expect(standIn.pullRequests('acme', 'platform').map((p) => [p.title, p.body])).to.deep.equal([['new', 'new body']]);
      expect(standIn.requests.map((request) => `${request.method} ${request.status}`)).to.deep.equal(['POST 422', 'GET 200', 'PATCH 200']);
    });

    it('422 scripted with GitHub\'s exact body is handled the same way', async () => {
      await pushedRepository('acme', 'platform', change.head);
      standIn.seedPullRequest('acme', 'platform', { head: change.head, base: 'main', title: 'old' });
      standIn.script('POST /repos/{owner}/{repo}/pulls', faults.pullRequestExists('acme', change.head));
      expect((await github.createPullRequest({ ...change, title: 't', body: 'b' })).number).to.equal(1);
    });

    it('a pull request on a repository created moments ago survives 404 twice', async () => {
      await github.createRepository({ owner: 'acme', repo: 'fresh', private: true });
      await standIn.seedBranch('acme', 'fresh', 'main');
      await standIn.seedBranch('acme', 'fresh', 'topic');
      standIn.script('POST /repos/{owner}/{repo}/pulls', faults.notFound(), 2);
      const pull = await github.createPullRequest({ owner: 'acme', repo: 'fresh', head: 'topic', base: 'main', title: 't', body: 'b' });
      expect(pull.number).to.equal(1);
      expect(standIn.requestsTo('POST /repos/{owner}/{repo}/pulls').map((request) => request.status)).to.deep.equal([404, 404, 201]);
    });

    it('a pull request on a missing repository is github-not-found', async () => {
      const error = await rejection(github.createPullRequest({ ...change, title: 't', body: 'b' }));
      expect(error.code).to.equal('github-not-found');
      expect(error.message).to.include('acme/platform');
      expect(standIn.requests).to.have.length(1);
    });

    it('a head branch that was never pushed is github-invalid (GitHub checks the branch exists)', async () => {
      await standIn.seedRepository('acme', 'platform');
      await standIn.seedBranch('acme', 'platform', 'main');
      const error = await rejection(github.createPullRequest({ ...change, title: 't', body: 'b' }));
      expect(error.code).to.equal('github-invalid');
      expect(error.status).to.equal(422);
    });
  });

  describe('faults', () => {
    it('401 → github-auth: the token was refused, with a hint about GITHUB_TOKEN / GH_TOKEN and the repo scope; no retry', async () => {
      const refused = createGitHub({ token: 'ghp_wrong', apiUrl: standIn.url, timing: FAST });
      const error = await rejection(refused.getRepository('acme', 'platform'));
      expect(error.code).to.equal('github-auth');
      expect(error.message).to.include('the token was refused');
      expect(error.hint).to.include('GITHUB_TOKEN').and.include('GH_TOKEN').and.include('repo scope');
      expect(error.exitCode).to.equal(1);
      expect(standIn.requests).to.have.length(1);
    });

    it('403 rate limit with retry-after: 1 → waits at least 1 s, then succeeds', async () => {
      standIn.script('POST /user/repos', faults.rateLimited({ retryAfterS: 1 }));
      const started = Date.now();
      const created = await github.createRepository({ owner: 'octocat', repo: 'limited', private: true });
      const elapsed = Date.now() - started;
      expect(created.fullName).to.equal('octocat/limited');
      expect(elapsed).to.be.at.least(1000);
      expect(standIn.requestsTo('POST /user/repos').map((request) => request.status)).to.deep.equal([403, 201]);
      expect(logLines.some((line) => line.includes('rate limit') && line.includes('1 s'))).to.equal(true);
    });

    it('429 secondary rate limit with retry-after: 1 → waits, then succeeds', async () => {
      standIn.script('GET /repos/{owner}/{repo}', { ...faults.secondaryRateLimited(1), status: 429 });
      await standIn.seedRepository('acme', 'platform');
      const started = Date.now();
      expect((await github.getRepository('acme', 'platform'))?.fullName).to.equal('acme/platform');
      expect(Date.now() - started).to.be.at.least(1000);
      expect(standIn.requests.map((request) => request.status)).to.deep.equal([429, 200]);
    });

    it('a rate limit that asks for more than 60 s → github-rate-limit at once, with the reset time', async () => {
      standIn.script('GET /repos/{owner}/{repo}', faults.rateLimited({ resetInS: 3600 }));
      const started = Date.now();
      const error = await rejection(github.getRepository('acme', 'platform'));
      expect(Date.now() - started).to.be.below(1000);
      expect(error.code).to.equal('github-rate-limit');
      expect(error.resetAt!.getTime()).to.be.greaterThan(Date.now() + 3500_000);
      expect(error.message).to.include(error.resetAt!.toISOString());
      expect(standIn.requests).to.have.length(1);
    });

    it('a rate limit that persists → two retries, then github-rate-limit', async () => {
      standIn.script('GET /repos/{owner}/{repo}', faults.rateLimited({ retryAfterS: 1 }), Infinity);
      const error = await rejection(github.getRepository('acme', 'platform'));
      expect(error.code).to.equal('github-rate-limit');
      expect(error.hint).to.include('re-running is safe');
      expect(standIn.requests).to.have.length(3);
    });

    it('403 that is not a rate limit → github-forbidden, no retry', async () => {
      standIn.script('POST /orgs/{org}/repos', faults.forbidden());
      const error = await rejection(github.createRepository({ owner: 'acme', repo: 'kafka', private: true }));
      expect(error.code).to.equal('github-forbidden');
      expect(error.message).to.include('Resource not accessible');
      expect(standIn.requestsTo('POST /orgs/{org}/repos')).to.have.length(1);
    });

    it('500 then success', async () => {
      await standIn.seedRepository('acme', 'platform');
      standIn.script('GET /repos/{owner}/{repo}', faults.serverError(500));
      expect((await github.getRepository('acme', 'platform'))?.fullName).to.equal('acme/platform');
      expect(standIn.requests.map((request) => request.status)).to.deep.equal([500, 200]);
    });

    it('500 forever → github-unavailable after 3 tries', async () => {
      standIn.script('GET /repos/{owner}/{repo}', faults.serverError(502), Infinity);
      const error = await rejection(github.getRepository('acme', 'platform'));
      expect(error.code).to.equal('github-unavailable');
      expect(error.status).to.equal(502);
      expect(error.message).to.include('3 times');
      expect(standIn.requests).to.have.length(3);
    });

    it('network failure (closed port) → github-network: could not reach <apiUrl>', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
      const { port } = closed.address() as AddressInfo;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const apiUrl = `http://127.0.0.1:${port}`;
      const error = await rejection(createGitHub({ token: TOKEN, apiUrl, timing: FAST, retries: 1 }).getRepository('acme', 'platform'));
      expect(error.code).to.equal('github-network');
      expect(error.message).to.include(`could not reach ${apiUrl}`);
      expect(error.hint).to.include('GITHUB_API_URL');
    });

    it('token missing → github-token-missing before any request', async () => {
      const env = { GITHUB_API_URL: standIn.url };
      let caught: unknown;
      try {
        const token = resolveGitHubToken(env);
        await createGitHub({ token, apiUrl: resolveApiUrl(undefined, env) }).getRepository('acme', 'platform');
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(GitHubError);
      expect((caught as GitHubError).code).to.equal('github-token-missing');
      expect((caught as GitHubError).hint).to.include('GITHUB_TOKEN');
      expect(standIn.requests).to.have.length(0);
    });

    it('the token appears in no error message, hint, inspected error, log line or recorded request', async () => {
      // GitHub does not echo tokens, but a proxy or an enterprise server might: messages are scrubbed anyway.
      const echo = `Bad credentials: ${TOKEN}`;
      const scripted = [
        { route: 'GET /repos/{owner}/{repo}', response: { status: 401, body: { message: echo } } },
        { route: 'GET /repos/{owner}/{repo}', response: { ...faults.forbidden(`forbidden for ${TOKEN}`) } },
        { route: 'GET /repos/{owner}/{repo}', response: { ...faults.serverError(503), body: { message: `down ${TOKEN}` } }, times: 3 },
        { route: 'GET /repos/{owner}/{repo}', response: faults.rateLimited({ resetInS: 3600 }) },
      ];
      const errors: GitHubError[] = [];
      for (const { route, response, times } of scripted) {
        standIn.script(route, response, times ?? 1);
        errors.push(await rejection(github.getRepository('acme', 'platform')));
      }
      errors.push(await rejection(createGitHub({ token: TOKEN, apiUrl: 'http://127.0.0.1:1', timing: FAST, retries: 0 }).getRepository('a', 'b')));
      errors.push(await rejection(Promise.resolve().then(() => resolveGitHubToken({}))));
      expect(errors.map((error) => error.code)).to.deep.equal([
        'github-auth',
        'github-forbidden',
        'github-unavailable',
        'github-rate-limit',
        'github-network',
        'github-token-missing',
      ]);
      expect(errors[0]!.message).to.include('Bad credentials: ***');
      for (const error of errors) {
        const everything = [error.message, error.hint ?? '', error.stack ?? '', inspect(error, { depth: 20 }), JSON.stringify(error)].join('\n');
        expect(everything).not.to.include(TOKEN);
        expect(everything).not.to.include(Buffer.from(`x-access-token:${TOKEN}`).toString('base64'));
      }
      expect(logLines.length).to.be.greaterThan(0);
    });
  });

  describe('the stand-in checks requests against the OpenAPI description', () => {
    async function raw(method: string, path: string, options: { body?: unknown; authorization?: string } = {}): Promise<number> {
      const response = await fetch(`${standIn.url}${path}`, {
        method,
        headers: {
          ...(options.authorization === '' ? {} : { authorization: options.authorization ?? `token ${TOKEN}` }),
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      });
      await response.arrayBuffer();
      return response.status;
    }

    it('rejects what GitHub would reject, and records why', async () => {
      expect(await raw('POST', '/user/repos', { body: { private: true } })).to.equal(400);
      expect(await raw('GET', '/repos/acme/platform/no-such-thing')).to.equal(400);
      expect(await raw('GET', '/user', { authorization: '' })).to.equal(400);
      expect(await raw('GET', '/repos/acme/platform/pulls?state=merged&heads=acme:x')).to.equal(400);
      expect(await raw('PATCH', '/repos/acme/platform/pulls/abc', { body: { title: 1 } })).to.equal(400);
      const problems = standIn.violations.map((violation) => violation.problems.join('; '));
      expect(problems[0]).to.match(/must have required property 'name'/);
      expect(problems[1]).to.include('not an operation');
      expect(problems[2]).to.include('no Authorization header');
      expect(problems[3]).to.include('query parameter state').and.include('heads is not documented');
      expect(problems[4]).to.include('path parameter pull_number').and.include('body /title must be string');
      expect(() => standIn.script('POST /repos/{owner}/{repo}/nonsense', faults.notFound())).to.throw(/not a documented/);
      expect(standIn.descriptionFile).to.match(/@octokit[\\/]openapi[\\/]generated[\\/]api\.github\.com\.json$/);
      standIn.violations.length = 0; // checked above: the afterEach check is for the adapter's requests
    });

    it('accepts a valid request', async () => {
      expect(await raw('POST', '/user/repos', { body: { name: 'ok', private: true } })).to.equal(201);
      expect(standIn.violations).to.deep.equal([]);
    });
  });
});

describe('GitHub configuration', () => {
  it('resolveGitHubToken: GITHUB_TOKEN, else GH_TOKEN; blank counts as missing', () => {
    expect(resolveGitHubToken({ GITHUB_TOKEN: 'a', GH_TOKEN: 'b' })).to.equal('a');
    expect(resolveGitHubToken({ GITHUB_TOKEN: '  ', GH_TOKEN: 'b' })).to.equal('b');
    expect(() => resolveGitHubToken({ GITHUB_TOKEN: '' })).to.throw(GitHubError, /GITHUB_TOKEN nor GH_TOKEN/);
  });

  it('resolveApiUrl: flag, else GITHUB_API_URL, else https://api.github.com; a bad URL is a usage error', () => {
    expect(resolveApiUrl('https://ghe.example/api/v3/', { GITHUB_API_URL: 'http://127.0.0.1:1' })).to.equal('https://ghe.example/api/v3');
    expect(resolveApiUrl(undefined, { GITHUB_API_URL: 'http://127.0.0.1:1' })).to.equal('http://127.0.0.1:1');
    expect(resolveApiUrl(undefined, {})).to.equal('https://api.github.com');
    expect(() => resolveApiUrl('ftp://x', {})).to.throw(UsageError, /--github-api-url/);
  });

  it('security: a plain-HTTP API root off this machine is refused before the token is sent; loopback is allowed', () => {
    expect(() => resolveApiUrl('http://ghe.example/api/v3', {})).to.throw(UsageError, /--github-api-url is plain HTTP \(ghe\.example\): the token would be sent in clear/);
    expect(() => resolveApiUrl(undefined, { GITHUB_API_URL: 'http://10.0.0.5:8080/api/v3' })).to.throw(UsageError, /^GITHUB_API_URL is plain HTTP/);
    expect(() => resolveApiUrl(undefined, {}, 'http://ghe.example/api/v3')).to.throw(UsageError, /^gitProvider\.apiUrl in cp-gitops\.yaml is plain HTTP/);
    expect(resolveApiUrl('http://localhost:8080/api/v3', {})).to.equal('http://localhost:8080/api/v3');
    expect(resolveApiUrl('http://[::1]:8080', {})).to.equal('http://[::1]:8080');
    expect(() => resolveApiUrl('https://user:pw@ghe.example/api/v3', {})).to.throw(UsageError, /without user, password/);
  });

  it('gitAuthEnvironment: one URL-scoped header per URL, appended after config entries the environment already has', () => {
    expect(gitAuthEnvironment('t', ['https://github.com/'])).to.deep.equal({
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.https://github.com/.extraHeader',
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from('x-access-token:t').toString('base64')}`,
      GIT_TERMINAL_PROMPT: '0',
    });
    const appended = gitAuthEnvironment('t', ['https://github.com/'], { env: { GIT_CONFIG_COUNT: '2' } });
    expect(appended.GIT_CONFIG_COUNT).to.equal('3');
    expect(appended.GIT_CONFIG_KEY_2).to.equal('http.https://github.com/.extraHeader');
  });

  it('security: gitHubGitUrls names only the HTTPS web host of the API (and an HTTPS clone URL)', () => {
    expect(gitHubGitUrls('https://api.github.com')).to.deep.equal(['https://github.com/']);
    expect(gitHubGitUrls('https://ghe.example.com/api/v3', 'https://ghe.example.com/acme/p.git')).to.deep.equal(['https://ghe.example.com/']);
    expect(gitHubGitUrls('https://api.acme.ghe.com', 'https://acme.ghe.com/acme/p.git')).to.deep.equal(['https://acme.ghe.com/']);
    // A plain-HTTP API (a stand-in) still yields only https: git never sends the token in clear text.
    expect(gitHubGitUrls('http://127.0.0.1:9', 'http://127.0.0.1:9/acme/p.git')).to.deep.equal(['https://127.0.0.1:9/']);
    expect(gitHubGitUrls('https://api.github.com', 'https://mirror.example/acme/p.git')).to.deep.equal(['https://github.com/', 'https://mirror.example/acme/p.git']);
  });

  it('security: gitAuthEnvironment: real git sends no header to a URL outside the list', async () => {
    const { port, seen, close } = await headerRecorder();
    const env: NodeJS.ProcessEnv = { ...process.env, ...gitAuthEnvironment(TOKEN, ['https://github.com/', `https://127.0.0.1:${port}/`]), NO_PROXY: '*', no_proxy: '*' };
    for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'all_proxy']) delete env[name];
    try {
      await run('git', ['ls-remote', `http://127.0.0.1:${port}/acme/platform.git`], { env }).catch(() => undefined);
    } finally {
      await close();
    }
    expect(seen.length).to.be.greaterThan(0);
    expect(seen.map((headers) => headers.authorization)).to.deep.equal(seen.map(() => undefined));
  });

  it('gitAuthEnvironment: real git sends the Basic header to a listed URL, and the token is in no argv or git output', async () => {
    const { port, seen, close } = await headerRecorder();
    const args = ['ls-remote', `http://127.0.0.1:${port}/acme/platform.git`];
    const env: NodeJS.ProcessEnv = { ...process.env, ...gitAuthEnvironment(TOKEN, [`http://127.0.0.1:${port}/acme/`]), NO_PROXY: '*', no_proxy: '*' };
    for (const name of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'all_proxy']) delete env[name];
    let output = '';
    try {
      await run('git', args, { env });
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string };
      output = `${failed.stdout ?? ''}${failed.stderr ?? ''}`;
    } finally {
      await close();
    }
    expect(seen.length).to.be.greaterThan(0);
    expect(seen[0]!.authorization).to.equal(`Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`);
    expect(args.join(' ')).not.to.include(TOKEN);
    expect(output).not.to.include(TOKEN);
    expect(output).not.to.include(Buffer.from(`x-access-token:${TOKEN}`).toString('base64'));
  });
});
