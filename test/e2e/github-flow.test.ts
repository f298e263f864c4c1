import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';
import { makeTempDir, removeTempDirs, runCli, snapshotFiles, type CliResult } from '../helpers/cli.js';
import { faults, GitHubStandIn, loadGitHubDescription, type RecordedRequest } from '../helpers/github-stand-in.js';
import { branchSha, gitRun, refsOf } from '../helpers/git-remotes.js';
import { expectExit, expectNoSecret, standInEnv, TOKEN, WRONG_TOKEN } from '../helpers/github-e2e.js';

// init --github, add-component --github and GitHub's faults, end to end through the built bin, against
// the local stand-in of test/helpers/github-stand-in.ts (127.0.0.1 only, every request checked against
// GitHub's OpenAPI description). Pushes go to the stand-in's bare repositories (file: clone URLs).

describe('GitHub flow through bin/, against the OpenAPI-checked stand-in', function () {
  this.timeout(30_000);
  let standIn: GitHubStandIn;
  let work: string;
  /** Every output of every run, for the leak check at the end. */
  const outputs: { args: string; text: string }[] = [];
  /** Every repository a run made, for the leak check at the end. */
  const repositories = new Set<string>();
  /** When each request reached the stand-in. */
  const arrivals = new Map<RecordedRequest, number>();

  const env = (overrides: NodeJS.ProcessEnv = {}) => standInEnv(standIn, overrides);

  async function cli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
    const result = await runCli(args, { cwd: options.cwd ?? work, env: options.env ?? env() });
    outputs.push({ args: args.join(' '), text: `${result.stdout}\n${result.stderr}` });
    expectNoSecret(`${result.stdout}\n${result.stderr}`, `the output of ${args.join(' ')}`);
    return result;
  }

  /** `init <dir> --components kafka --github <repo>` in the work folder. */
  async function initGitHub(dir: string, repo: string, options: { env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
    repositories.add(join(work, dir));
    return cli(['init', dir, '--components', 'kafka', '--github', repo], options);
  }

  const statuses = (route: string, path?: string) =>
    standIn
      .requestsTo(route)
      .filter((request) => path === undefined || request.path === path)
      .map((request) => request.status);

  before(async () => {
    await loadGitHubDescription();
    standIn = await GitHubStandIn.start({ login: 'octocat', organizations: ['acme'], token: TOKEN });
    const push = standIn.requests.push.bind(standIn.requests);
    standIn.requests.push = (...items: RecordedRequest[]) => {
      for (const item of items) arrivals.set(item, Date.now());
      return push(...items);
    };
    work = makeTempDir('cp-gitops-github-e2e-');
  });

  afterEach(() => {
    // Every request any run sent must be one GitHub would accept.
    expect(standIn.violations).to.deep.equal([]);
  });

  after(async () => {
    await standIn?.close();
    removeTempDirs();
  });

  describe('init --github', () => {
    let first: CliResult;
    const repo = () => join(work, 'p');

    before(async () => {
      first = await initGitHub('p', 'acme/platform');
    });

    // Credentials travel to git as GIT_CONFIG_COUNT / http.extraHeader (gitAuthEnvironment); simple-git
    // refuses that variable unless allowed, so these tests guard the allowance in src/adapters/git.ts.
    it('creates the private repository in the organisation, and Argo CD and origin use its clone_url', () => {
      expect(standIn.requests[0]).to.include({ method: 'GET', path: '/repos/acme/platform', status: 404 });
      expect(statuses('POST /orgs/{org}/repos')).to.deep.equal([201]);
      expect(standIn.requestsTo('POST /orgs/{org}/repos')[0]!.body).to.deep.include({ name: 'platform', private: true });
      expect(standIn.requestsTo('POST /user/repos')).to.deep.equal([]);
      expect(standIn.requests.every((request) => request.headers.authorization === 'token <redacted>'), 'the token in a header').to.equal(true);
      const created = standIn.repository('acme', 'platform')!;
      expect(created.private).to.equal(true);
      expect(first.stdout).to.include('Created GitHub repository acme/platform (private)');
      const model = parseYaml(readFileSync(join(repo(), 'cp-gitops.yaml'), 'utf8')) as { repoURL: string };
      expect(model.repoURL).to.equal(created.cloneUrl);
      expect(gitRun(['remote', 'get-url', 'origin'], repo())).to.equal(created.cloneUrl);
    });

    it('exit 0: main is pushed to the clone_url', () => {
      expectExit(first, 0);
      expect(first.stdout).to.include(`Pushed main to ${standIn.repository('acme', 'platform')!.cloneUrl}`);
      expect(branchSha(standIn.repository('acme', 'platform')!.bareDir, 'main')).to.equal(gitRun(['rev-parse', 'HEAD'], repo()));
    });

    it('an existing empty repository is used and main is pushed to it', async () => {
      const existing = await standIn.seedRepository('acme', 'empty');
      const creates = standIn.requestsTo('POST /orgs/{org}/repos').length;
      const result = await initGitHub('p-empty', 'acme/empty');
      expectExit(result, 0);
      expect(result.stdout).to.include('Using GitHub repository acme/empty');
      expect(standIn.requestsTo('POST /orgs/{org}/repos')).to.have.length(creates);
      expect(branchSha(existing.bareDir, 'main')).to.equal(gitRun(['rev-parse', 'HEAD'], join(work, 'p-empty')));
    });

    describe('a second init into another folder with the same --github', () => {
      let second: CliResult;
      let pushedBefore: string | undefined;

      before(async () => {
        pushedBefore = branchSha(standIn.repository('acme', 'platform')!.bareDir, 'main');
        second = await initGitHub('p-second', 'acme/platform');
      });

      it('uses the existing repository: no second create', () => {
        expect(standIn.requestsTo('POST /orgs/{org}/repos'), 'one create in all').to.have.length(1);
        expect(standIn.requestsTo('POST /user/repos')).to.have.length(0);
      });

      it('is refused before anything is written, since the repository already has main: exit 1, the repository untouched', () => {
        expectExit(second, 1);
        expect(second.stderr).to.include('already has a main branch').and.include('git clone');
        expect(branchSha(standIn.repository('acme', 'platform')!.bareDir, 'main'), 'main in the repository untouched').to.equal(pushedBefore);
        expect(existsSync(join(work, 'p-second')), 'nothing written').to.equal(false);
      });
    });
  });

  describe('add-component --github: one pull request per change, updated on re-runs', () => {
    const repo = () => join(work, 'p');
    const head = 'cp-gitops/add-connect-dev';
    const bare = () => standIn.repository('acme', 'platform')!.bareDir;
    const pulls = () => standIn.pullRequests('acme', 'platform').filter((pull) => pull.head === head);

    it('opens the pull request (head cp-gitops/add-connect-dev, base main, table and diff) and labels it', async () => {
      const result = await cli(['add-component', 'connect', '--env', 'dev', '--github', 'acme/platform'], { cwd: repo() });
      expectExit(result, 0);
      expect(pulls()).to.have.length(1);
      const pull = pulls()[0]!;
      expect(pull).to.include({ state: 'open', base: 'main', title: 'Add connect to dev' });
      expect(pull.body).to.include('| dev | connect | enabled | no | yes |').and.include('<summary>Connect/connect (added)</summary>').and.include('```diff');
      expect(pull.labels).to.have.members(['env:dev', 'component:connect']);
      expect(result.stdout).to.include(`Pull request #${pull.number}: ${standIn.url}/acme/platform/pull/${pull.number}`);
      expect(branchSha(bare(), head), 'branch pushed').to.equal(branchSha(join(repo(), '.git'), head));
      expect(branchSha(bare(), 'main'), 'main untouched').to.equal(branchSha(join(repo(), '.git'), 'main'));
      expect(gitRun(['symbolic-ref', '--short', 'HEAD'], repo())).to.equal('main');
      expect(gitRun(['status', '--porcelain'], repo())).to.equal('');
    });

    it('a re-run with nothing changed opens no second pull request and pushes nothing', async () => {
      const posts = standIn.requestsTo('POST /repos/{owner}/{repo}/pulls').length;
      const pushed = branchSha(bare(), head);
      const result = await cli(['add-component', 'connect', '--env', 'dev', '--github', 'acme/platform'], { cwd: repo() });
      expectExit(result, 0);
      expect(result.stdout).to.include('the branch already holds this change');
      expect(pulls()).to.have.length(1);
      expect(standIn.requestsTo('POST /repos/{owner}/{repo}/pulls')).to.have.length(posts);
      expect(branchSha(bare(), head)).to.equal(pushed);
    });

    it('a re-run after a new commit on main rebuilds the branch on it and updates the same pull request', async () => {
      writeFileSync(join(repo(), 'NOTES.md'), '# Notes\n\nOn-call: #kafka-platform\n');
      gitRun(['add', 'NOTES.md'], repo());
      gitRun(['commit', '--quiet', '-m', 'Notes for the on-call team'], repo());
      gitRun(['push', '--quiet', 'origin', 'main'], repo());
      const main = branchSha(bare(), 'main');
      const before = branchSha(bare(), head);
      const patches = standIn.requestsTo('PATCH /repos/{owner}/{repo}/pulls/{pull_number}').length;
      const posts = standIn.requestsTo('POST /repos/{owner}/{repo}/pulls').length;

      const result = await cli(['add-component', 'connect', '--env', 'dev', '--github', 'acme/platform'], { cwd: repo() });
      expectExit(result, 0);
      const after = branchSha(bare(), head)!;
      expect(after).not.to.equal(before);
      expect(gitRun(['rev-parse', `${after}^`], repo()), 'rebuilt on the new main').to.equal(main);
      expect(gitRun(['show', `${after}:NOTES.md`], repo())).to.include('On-call');
      expect(pulls(), 'still one pull request').to.have.length(1);
      expect(standIn.requestsTo('POST /repos/{owner}/{repo}/pulls')).to.have.length(posts);
      const patched = standIn.requestsTo('PATCH /repos/{owner}/{repo}/pulls/{pull_number}').slice(patches);
      expect(patched).to.have.length(1);
      expect(patched[0]!.path).to.equal(`/repos/acme/platform/pulls/${pulls()[0]!.number}`);
      expect((patched[0]!.body as { body: string }).body).to.include('| dev | connect | enabled | no | yes |');
    });
  });

  describe('faults', () => {
    it('GITHUB_TOKEN and GH_TOKEN unset: exit 1 with the hint, before any request, nothing written', async () => {
      const requests = standIn.requests.length;
      const noToken = env({ GITHUB_TOKEN: undefined, GH_TOKEN: undefined });
      const init = await cli(['init', 'p-token', '--components', 'kafka', '--github', 'acme/tokenless'], { env: noToken });
      expectExit(init, 1);
      expect(init.stderr).to.include('neither GITHUB_TOKEN nor GH_TOKEN is set').and.include('export GITHUB_TOKEN=');
      expect(existsSync(join(work, 'p-token'))).to.equal(false);

      const repo = join(work, 'p');
      const heads = refsOf(join(repo, '.git'));
      const add = await cli(['add-component', 'ksqldb', '--env', 'dev', '--github', 'acme/platform'], { cwd: repo, env: noToken });
      expectExit(add, 1);
      expect(add.stderr).to.include('GITHUB_TOKEN');
      expect(refsOf(join(repo, '.git'))).to.equal(heads);
      expect(gitRun(['status', '--porcelain'], repo)).to.equal('');
      expect(standIn.requests, 'no request at all').to.have.length(requests);
    });

    it('401: exit 1, the message says the token was refused; nothing created, nothing written', async () => {
      const requests = standIn.requests.length;
      const result = await cli(['init', 'p-401', '--components', 'kafka', '--github', 'acme/refused'], { env: env({ GITHUB_TOKEN: WRONG_TOKEN }) });
      expectExit(result, 1);
      expect(result.stderr).to.include('the token was refused').and.include('401');
      expect(result.stderr).to.include('GITHUB_TOKEN');
      expect(standIn.requests.slice(requests).map((request) => `${request.route} ${request.status}`)).to.deep.equal(['GET /repos/{owner}/{repo} 401']);
      expect(standIn.repository('acme', 'refused')).to.equal(undefined);
      expect(existsSync(join(work, 'p-401'))).to.equal(false);
    });

    describe('403 rate limit with retry-after: 1, then success', () => {
      let result: CliResult;
      let elapsed: number;
      let limited: { bareDir: string };

      before(async () => {
        limited = await standIn.seedRepository('acme', 'limited');
        standIn.script('GET /repos/{owner}/{repo}', faults.rateLimited({ retryAfterS: 1 }));
        const started = Date.now();
        result = await initGitHub('p-limited', 'acme/limited');
        elapsed = Date.now() - started;
      });

      it('waits at least 1 s before the retry, which succeeds', () => {
        expect(elapsed).to.be.at.least(1000);
        const gets = standIn.requestsTo('GET /repos/{owner}/{repo}').filter((request) => request.path === '/repos/acme/limited');
        expect(gets.map((request) => request.status)).to.deep.equal([403, 200]);
        expect(arrivals.get(gets[1]!)! - arrivals.get(gets[0]!)!, 'the retry waited for retry-after').to.be.at.least(990);
        expect(result.stdout).to.include('Using GitHub repository acme/limited');
      });

      it('exit 0, main pushed', () => {
        expectExit(result, 0);
        expect(branchSha(limited.bareDir, 'main')).to.equal(gitRun(['rev-parse', 'HEAD'], join(work, 'p-limited')));
      });
    });

    describe('404 on a repository GitHub has just reported as created, then success', () => {
      // The repository exists, but GitHub's replicas lag: GET says 404, the create says "name already
      // exists", and the GET that follows the create sees 404 once more before the repository shows up.
      let result: CliResult;
      let lagging: { bareDir: string };

      before(async () => {
        lagging = await standIn.seedRepository('acme', 'lagging');
        standIn.script('GET /repos/{owner}/{repo}', faults.notFound(), 2);
        result = await initGitHub('p-lagging', 'acme/lagging');
      });

      it('retries the 404 (bounded) after the create, then uses the repository', () => {
        expect(statuses('GET /repos/{owner}/{repo}', '/repos/acme/lagging')).to.deep.equal([404, 404, 200]);
        expect(statuses('POST /orgs/{org}/repos').at(-1)).to.equal(422);
        expect(result.stderr).not.to.include('GitHub found no');
      });

      it('exit 0, main pushed', () => {
        expectExit(result, 0);
        expect(branchSha(lagging.bareDir, 'main')).to.equal(gitRun(['rev-parse', 'HEAD'], join(work, 'p-lagging')));
      });
    });

    it('422 "A pull request already exists": the existing pull request is updated, exit 0', async () => {
      const repo = join(work, 'p');
      const head = 'cp-gitops/add-schemaregistry-dev';
      const existing = standIn.seedPullRequest('acme', 'platform', { head, base: 'main', title: 'stale', body: 'stale' });
      // The list does not show it yet (it was opened a moment ago, by another run): the create gets 422.
      standIn.script('GET /repos/{owner}/{repo}/pulls', { status: 200, body: [] });
      const result = await cli(['add-component', 'schemaregistry', '--env', 'dev', '--github', 'acme/platform'], { cwd: repo });
      expectExit(result, 0);
      expect(statuses('POST /repos/{owner}/{repo}/pulls').at(-1)).to.equal(422);
      const patched = standIn.requestsTo('PATCH /repos/{owner}/{repo}/pulls/{pull_number}').at(-1)!;
      expect(patched.path).to.equal(`/repos/acme/platform/pulls/${existing.number}`);
      expect(standIn.pullRequests('acme', 'platform').filter((pull) => pull.head === head)).to.have.length(1);
      expect(existing.title).to.equal('Add schemaregistry to dev');
      expect(existing.body).to.include('| dev | schemaregistry | enabled | no | yes |');
      expect(existing.labels).to.have.members(['env:dev', 'component:schemaregistry']);
      expect(result.stdout).to.include(`Pull request #${existing.number}`);
    });

    describe('500 once, then success', () => {
      let result: CliResult;
      let flaky: { bareDir: string };

      before(async () => {
        flaky = await standIn.seedRepository('acme', 'flaky');
        standIn.script('GET /repos/{owner}/{repo}', faults.serverError(500));
        result = await initGitHub('p-flaky', 'acme/flaky');
      });

      it('retries the request, which succeeds', () => {
        expect(statuses('GET /repos/{owner}/{repo}', '/repos/acme/flaky')).to.deep.equal([500, 200]);
        expect(result.stdout).to.include('Using GitHub repository acme/flaky');
      });

      it('exit 0, main pushed', () => {
        expectExit(result, 0);
        expect(branchSha(flaky.bareDir, 'main')).to.equal(gitRun(['rev-parse', 'HEAD'], join(work, 'p-flaky')));
      });
    });

    it('500 forever: exit 1 after three tries, a github-unavailable message, nothing written', async () => {
      const down = await GitHubStandIn.start({ login: 'octocat', organizations: ['acme'], token: TOKEN });
      try {
        down.script('*', faults.serverError(500), Infinity);
        const text = await cli(['init', 'p-down', '--components', 'kafka', '--github', 'acme/down'], { env: env({ GITHUB_API_URL: down.url }) });
        expectExit(text, 1);
        expect(text.stderr).to.include('GitHub answered 500 on GET /repos/acme/down 3 times').and.include('githubstatus.com');
        expect(down.requests.map((request) => request.status)).to.deep.equal([500, 500, 500]);
        const json = await cli(['init', 'p-down', '--components', 'kafka', '--github', 'acme/down', '--json'], { env: env({ GITHUB_API_URL: down.url }) });
        expectExit(json, 1);
        const document = JSON.parse(json.stdout) as { ok: boolean; error: { code: string; exitCode: number } };
        expect(document.ok).to.equal(false);
        expect(document.error).to.include({ code: 'github-unavailable', exitCode: 1 });
        expect(existsSync(join(work, 'p-down'))).to.equal(false);
        expect(down.violations).to.deep.equal([]);
      } finally {
        await down.close();
      }
    });
  });

  describe('the token never leaks', () => {
    it('is in no stdout or stderr of any run above', () => {
      expect(outputs.length).to.be.greaterThan(5);
      for (const { args, text } of outputs) expectNoSecret(text, `the output of ${args}`);
    });

    it('is in no .git/config, remote URL, commit message or committed file of any repository, local or on the stand-in', () => {
      const checked: string[] = [];
      for (const repo of repositories) {
        if (!existsSync(join(repo, '.git'))) continue;
        checked.push(repo);
        expectNoSecret(readFileSync(join(repo, '.git', 'config'), 'utf8'), `${repo}/.git/config`);
        expectNoSecret(gitRun(['remote', '-v'], repo), `git remote -v in ${repo}`);
        expectNoSecret(gitRun(['log', '--all', '--format=%H%n%B', '-p'], repo), `the commits of ${repo}`);
        for (const [path, content] of snapshotFiles(repo)) expectNoSecret(content, `${repo}/${path}`);
      }
      expect(checked.length, 'repositories checked').to.be.greaterThan(0);
      for (const [owner, name] of [['acme', 'platform'], ['acme', 'limited'], ['acme', 'lagging'], ['acme', 'flaky'], ['acme', 'empty'], ['acme', 'refused'], ['acme', 'tokenless']]) {
        const hosted = standIn.repository(owner!, name!);
        if (!hosted) continue;
        expectNoSecret(readFileSync(join(hosted.bareDir, 'config'), 'utf8'), `${owner}/${name} config`);
        if (refsOf(hosted.bareDir) !== '') expectNoSecret(gitRun(['--git-dir', hosted.bareDir, 'log', '--all', '--format=%H%n%B', '-p'], work), `the commits of ${owner}/${name}`);
      }
      expectNoSecret(JSON.stringify(standIn.requests), 'the requests the stand-in recorded');
    });
  });
});
