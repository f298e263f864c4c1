import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';
import { expectExit, makeTempDir, removeTempDirs, runCli, snapshotFiles, type CliResult } from '../helpers/cli.js';
import { branchSha, gitRun, mergeOnRemote, NEUTRAL_ENV, refsOf } from '../helpers/git-remotes.js';
import { expectNoSecret, gitlabStandInEnv, SECRETS, TOKEN, WRONG_TOKEN } from '../helpers/gitlab-e2e.js';
import { gitlabFaults, GitLabStandIn, type GitLabRecordedRequest } from '../helpers/gitlab-stand-in.js';

// init --gitlab, the change commands and GitLab's faults, end to end through the built bin, against the
// local GitLab stand-in of test/helpers/gitlab-stand-in.ts: HTTPS on 127.0.0.1, routes and attributes
// from GitLab's REST API v4 documentation, each project a bare repository behind git http-backend that
// wants the token as HTTP Basic password. One init is shared by the change commands (they build on each
// other as a team's merge requests would); the faults mostly fail before generating anything.

const run = promisify(execFile);

/** Every process's command line, sampled while the CLI runs: the token must be in none (git gets it through the environment). */
function startArgvSampler(): { stop: () => { samples: number; leaks: string[] } } {
  const leaks: string[] = [];
  let samples = 0;
  const timer = setInterval(() => {
    samples += 1;
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      let argv: string;
      try {
        argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      } catch {
        continue;
      }
      if (SECRETS.some((secret) => argv.includes(secret))) leaks.push(argv.replace(/glpat-\w+/g, 'glpat-…'));
    }
  }, 50);
  return {
    stop: () => {
      clearInterval(timer);
      return { samples, leaks };
    },
  };
}

describe('GitLab flow through bin/, against the documented REST API v4 stand-in (HTTPS, git http-backend)', function () {
  this.timeout(120_000);
  let standIn: GitLabStandIn;
  let work: string;
  let sampler: ReturnType<typeof startArgvSampler>;
  const outputs: { args: string; text: string }[] = [];
  const repositories = new Set<string>();
  const arrivals = new Map<GitLabRecordedRequest, number>();
  const project = 'acme/platform/kafka';
  const repo = () => join(work, 'p');
  const bare = () => standIn.project(project)!.bareDir;

  const env = (overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => gitlabStandInEnv(standIn, overrides);

  async function cli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
    const result = await runCli(args, { cwd: options.cwd ?? work, env: options.env ?? env() });
    outputs.push({ args: args.join(' '), text: `${result.stdout}\n${result.stderr}` });
    expectNoSecret(`${result.stdout}\n${result.stderr}`, `the output of ${args.join(' ')}`);
    return result;
  }

  async function initGitLab(dir: string, path: string, options: { env?: NodeJS.ProcessEnv; extra?: readonly string[] } = {}): Promise<CliResult> {
    repositories.add(join(work, dir));
    return cli(['init', dir, '--components', 'kafka', '--envs', 'dev,staging', '--gitlab', path, ...(options.extra ?? [])], options);
  }

  const statuses = (route: string, path?: string) =>
    standIn
      .requestsTo(route)
      .filter((request) => path === undefined || request.path === path)
      .map((request) => request.status);
  const mergeRequests = (branch: string) => standIn.mergeRequestsOf(project).filter((mr) => mr.sourceBranch === branch);

  before(async () => {
    standIn = await GitLabStandIn.start({ token: TOKEN, username: 'root', groups: ['acme', 'acme/platform'] });
    const push = standIn.requests.push.bind(standIn.requests);
    standIn.requests.push = (...items: GitLabRecordedRequest[]) => {
      for (const item of items) arrivals.set(item, Date.now());
      return push(...items);
    };
    work = makeTempDir('cp-gitops-gitlab-e2e-');
    sampler = startArgvSampler();
  });

  afterEach(() => {
    // Every request any run sent must be one GitLab documents, with documented attributes.
    expect(standIn.violations).to.deep.equal([]);
  });

  after(async () => {
    sampler?.stop();
    await standIn?.close();
    removeTempDirs();
  });

  describe('init --gitlab acme/platform/kafka (a nested group)', () => {
    let first: CliResult;

    before(async () => {
      first = await initGitLab('p', project);
    });

    it('exit 0: creates the private project in the subgroup (looked up by full path), and origin and Argo CD use its http_url_to_repo', () => {
      expectExit(first, 0);
      expect(standIn.requests[0]).to.include({ method: 'GET', path: '/projects/acme%2Fplatform%2Fkafka', status: 404 });
      expect(statuses('GET /groups/:id')).to.deep.equal([200]);
      expect(standIn.requestsTo('GET /groups/:id')[0]!.path).to.equal('/groups/acme%2Fplatform');
      const create = standIn.requestsTo('POST /projects');
      expect(create.map((request) => request.status)).to.deep.equal([201]);
      expect(create[0]!.body).to.deep.include({ name: 'kafka', path: 'kafka', visibility: 'private', initialize_with_readme: false });
      expect((create[0]!.body as { namespace_id: number }).namespace_id).to.be.a('number');
      const created = standIn.project(project)!;
      expect(created.visibility).to.equal('private');
      expect(first.stdout).to.include(`Created GitLab project ${project} (private): ${standIn.url}/${project}`);
      const cloneUrl = `${standIn.url}/${project}.git`;
      const model = parseYaml(readFileSync(join(repo(), 'cp-gitops.yaml'), 'utf8')) as { repoURL: string; gitProvider: unknown };
      expect(model.repoURL).to.equal(cloneUrl);
      expect(model.gitProvider).to.deep.equal({ type: 'gitlab', repository: project, apiUrl: `${standIn.url}/api/v4` });
      expect(gitRun(['remote', 'get-url', 'origin'], repo())).to.equal(cloneUrl);
    });

    it('pushes main over HTTPS, the token going to git as a Basic header (user oauth2) and to the API as PRIVATE-TOKEN', () => {
      expect(first.stdout).to.include(`Pushed main to ${standIn.url}/${project}.git`);
      expect(branchSha(bare(), 'main')).to.equal(gitRun(['rev-parse', 'HEAD'], repo()));
      const git = standIn.requestsTo('git');
      expect(git.some((request) => request.path.endsWith('/git-receive-pack') && request.status === 200), 'a receive-pack').to.equal(true);
      expect(git.every((request) => request.headers.authorization === 'Basic <redacted>'), 'every git request carried the header').to.equal(true);
      const api = standIn.requests.filter((request) => request.route !== 'git');
      expect(api.every((request) => request.headers['private-token'] === '<redacted>' && request.headers.authorization === undefined)).to.equal(true);
    });

    it('the clone URL really wants the token: git without it is refused (401)', async () => {
      // Asynchronous: the stand-in answers from this very process.
      const refused = await run('git', ['ls-remote', `${standIn.url}/${project}.git`], { env: { ...process.env, ...NEUTRAL_ENV, GIT_SSL_CAINFO: standIn.caFile, GIT_TERMINAL_PROMPT: '0' } }).then(
        () => '',
        (error: { stderr?: string }) => error.stderr ?? 'failed',
      );
      expect(refused).to.match(/could not read Username|Authentication failed/);
      expect(standIn.requestsTo('git').at(-1)!.status).to.equal(401);
    });
  });

  describe('change commands follow the recorded gitProvider and open merge requests', () => {
    const connect = 'cp-gitops/add-connect-dev';

    it('add-component (no --gitlab): opens the merge request, scoped labels, remove_source_branch, the diff in the description', async () => {
      const result = await cli(['add-component', 'connect', '--env', 'dev'], { cwd: repo() });
      expectExit(result, 0);
      expect(mergeRequests(connect)).to.have.length(1);
      const mr = mergeRequests(connect)[0]!;
      expect(mr).to.include({ state: 'opened', targetBranch: 'main', title: 'Add connect to dev', removeSourceBranch: true });
      expect(mr.description).to.include('| dev | connect | enabled | no | yes |').and.include('```diff');
      expect(mr.labels).to.have.members(['env::dev', 'component::connect']);
      expect([...standIn.project(project)!.labels]).to.include.members(['env::dev', 'component::connect']);
      expect(result.stdout).to.include(`Merge request !${mr.iid}: ${standIn.url}/${project}/-/merge_requests/${mr.iid}`);
      expect(branchSha(bare(), connect), 'branch pushed').to.equal(branchSha(join(repo(), '.git'), connect));
      expect(gitRun(['status', '--porcelain'], repo())).to.equal('');
    });

    it('a re-run after a new commit on main rebuilds the branch and updates the same merge request (PUT, no second POST)', async () => {
      gitRun(['commit', '--quiet', '--allow-empty', '-m', 'Notes for the on-call team'], repo());
      gitRun(['push', '--quiet', bare(), 'main'], repo());
      const posts = standIn.requestsTo('POST /projects/:id/merge_requests').length;
      const before = branchSha(bare(), connect);
      const result = await cli(['add-component', 'connect', '--env', 'dev'], { cwd: repo() });
      expectExit(result, 0);
      expect(branchSha(bare(), connect)).not.to.equal(before);
      expect(mergeRequests(connect), 'still one merge request').to.have.length(1);
      expect(standIn.requestsTo('POST /projects/:id/merge_requests')).to.have.length(posts);
      const put = standIn.requestsTo('PUT /projects/:id/merge_requests/:merge_request_iid').at(-1)!;
      expect(put.path).to.equal(`/projects/acme%2Fplatform%2Fkafka/merge_requests/${mergeRequests(connect)[0]!.iid}`);
      expect(put.body).to.deep.include({ add_labels: 'env::dev,component::connect', remove_source_branch: true });
    });

    it('promote, after the first merge request is merged: a second merge request for staging', async () => {
      mergeOnRemote(bare(), connect);
      const result = await cli(['promote', '--from', 'dev', '--to', 'staging'], { cwd: repo() });
      expectExit(result, 0);
      const mr = mergeRequests('cp-gitops/promote-dev-to-staging');
      expect(mr).to.have.length(1);
      expect(mr[0]!.labels).to.include('env::staging');
      expect(result.stdout).to.include(`Merge request !${mr[0]!.iid}:`);
    });

    it('scale (day 2), whose merge request another run opened a moment ago (409 on create): that one is updated', async () => {
      const branch = 'cp-gitops/scale-kafka-dev';
      const seeded = standIn.seedMergeRequest(project, { sourceBranch: branch, targetBranch: 'main', title: 'stale' });
      // The list does not show it yet: the create meets GitLab's 409 "Another open merge request already exists".
      standIn.script('GET /projects/:id/merge_requests', { status: 200, body: [] });
      const result = await cli(['scale', 'kafka', '--env', 'dev', '--replicas', '4'], { cwd: repo() });
      expectExit(result, 0);
      expect(statuses('POST /projects/:id/merge_requests').at(-1)).to.equal(409);
      expect(mergeRequests(branch)).to.have.length(1);
      expect(seeded.title).to.match(/kafka/i);
      expect(seeded.labels).to.include.members(['env::dev', 'component::kafka', 'day2::scale']);
      expect(result.stderr).to.include('already exists');
      expect(result.stdout).to.include(`Merge request !${seeded.iid}:`);
    });
  });

  describe('faults', () => {
    it('--github and --gitlab together: usage error, exit 2, no request', async () => {
      const requests = standIn.requests.length;
      const result = await cli(['init', 'p-both', '--github', 'acme/p', '--gitlab', 'acme/p']);
      expectExit(result, 2);
      expect(result.stderr).to.include('--github and --gitlab');
      expect(standIn.requests).to.have.length(requests);
    });

    it('GITLAB_TOKEN and GL_TOKEN unset: exit 1 with the hint, before any request, nothing written', async () => {
      const requests = standIn.requests.length;
      const result = await initGitLab('p-token', 'acme/tokenless', { env: env({ GITLAB_TOKEN: undefined, GL_TOKEN: undefined }) });
      expectExit(result, 1);
      expect(result.stderr).to.include('neither GITLAB_TOKEN nor GL_TOKEN is set').and.include('api scope');
      expect(standIn.requests).to.have.length(requests);
      expect(existsSync(join(work, 'p-token'))).to.equal(false);
    });

    it('401: exit 1, the token was refused, nothing created or written', async () => {
      const result = await initGitLab('p-401', 'acme/refused', { env: env({ GITLAB_TOKEN: WRONG_TOKEN }) });
      expectExit(result, 1);
      expect(result.stderr).to.include('the token was refused').and.include('401').and.include('GITLAB_TOKEN');
      expect(standIn.project('acme/refused')).to.equal(undefined);
      expect(existsSync(join(work, 'p-401'))).to.equal(false);
    });

    it('403: exit 1, the message names the missing permission', async () => {
      standIn.script('GET /projects/:id', gitlabFaults.forbidden());
      const result = await initGitLab('p-403', 'acme/forbidden');
      expectExit(result, 1);
      expect(result.stderr).to.include('GitLab refused GET /projects/acme/forbidden (403').and.include('api scope');
      expect(existsSync(join(work, 'p-403'))).to.equal(false);
    });

    it('404: a group that does not exist is named, with what to do', async () => {
      const result = await initGitLab('p-404', 'acme/missing/kafka');
      expectExit(result, 1);
      expect(result.stderr).to.include('GitLab found no group acme/missing').and.include('create the group');
      expect(standIn.project('acme/missing/kafka')).to.equal(undefined);
    });

    it('422: GitLab\'s rejection is shown; nothing written', async () => {
      standIn.script('POST /projects', gitlabFaults.unprocessable());
      const result = await initGitLab('p-422', 'acme/unprocessable');
      expectExit(result, 1);
      expect(result.stderr).to.include('GitLab rejected POST /projects (422 Unprocessable Entity)');
      expect(existsSync(join(work, 'p-422'))).to.equal(false);
    });

    describe('429 with Retry-After: 1, then 500 once, then success (token from GL_TOKEN)', () => {
      let result: CliResult;

      before(async () => {
        await standIn.seedProject('acme/limited');
        standIn.script('GET /projects/:id', gitlabFaults.rateLimited(1));
        standIn.script('GET /projects/:id', gitlabFaults.serverError(500));
        result = await initGitLab('p-limited', 'acme/limited', { env: env({ GITLAB_TOKEN: undefined, GL_TOKEN: TOKEN }) });
      });

      it('waits as Retry-After asks, retries the 500, then uses the existing project and pushes', () => {
        expectExit(result, 0);
        const gets = standIn.requestsTo('GET /projects/:id').filter((request) => request.path === '/projects/acme%2Flimited');
        expect(gets.map((request) => request.status)).to.deep.equal([429, 500, 200]);
        expect(arrivals.get(gets[1]!)! - arrivals.get(gets[0]!)!, 'the retry waited for Retry-After').to.be.at.least(990);
        expect(result.stderr).to.include("GitLab's rate limit; trying again in 1 s").and.include('GitLab answered 500; trying again');
        expect(result.stdout).to.include('Using GitLab project acme/limited');
        expect(branchSha(standIn.project('acme/limited')!.bareDir, 'main')).to.equal(gitRun(['rev-parse', 'HEAD'], join(work, 'p-limited')));
      });
    });

    it('429 asking for an hour: no wait, exit 1 with when it resets', async () => {
      standIn.script('GET /projects/:id', gitlabFaults.rateLimited(3600));
      const result = await initGitLab('p-429', 'acme/throttled');
      expectExit(result, 1);
      expect(result.stderr).to.include("GitLab's rate limit stopped GET /projects/acme/throttled (429 Retry later)").and.include('resets at');
    });

    it('500 on every try: exit 1 after three tries, code gitlab-unavailable in --json, nothing written', async () => {
      standIn.script('GET /projects/:id', gitlabFaults.serverError(500), 3);
      const result = await initGitLab('p-down', 'acme/down', { extra: ['--json'] });
      expectExit(result, 1);
      expect(statuses('GET /projects/:id', '/projects/acme%2Fdown')).to.deep.equal([500, 500, 500]);
      const document = JSON.parse(result.stdout) as { ok: boolean; error: { code: string; message: string } };
      expect(document.ok).to.equal(false);
      expect(document.error.code).to.equal('gitlab-unavailable');
      expect(document.error.message).to.include('GitLab answered 500 on GET /projects/acme/down 3 times');
      expect(existsSync(join(work, 'p-down'))).to.equal(false);
    });
  });

  describe('the token never leaks', () => {
    it('is in no output, no process argument, no recorded request', () => {
      const { samples, leaks } = sampler.stop();
      expect(samples, 'argv samples taken').to.be.greaterThan(10);
      expect(leaks, 'process arguments holding the token').to.deep.equal([]);
      expect(outputs.length).to.be.greaterThan(8);
      for (const { args, text } of outputs) expectNoSecret(text, `the output of ${args}`);
      expectNoSecret(JSON.stringify(standIn.requests), 'the requests the stand-in recorded');
    });

    it('is in no .git/config, remote URL, commit or file, locally or in the hosted bare repositories', () => {
      const checked: string[] = [];
      for (const dir of repositories) {
        if (!existsSync(join(dir, '.git'))) continue;
        checked.push(dir);
        expectNoSecret(readFileSync(join(dir, '.git', 'config'), 'utf8'), `${dir}/.git/config`);
        expectNoSecret(gitRun(['remote', '-v'], dir), `git remote -v in ${dir}`);
        expectNoSecret(gitRun(['log', '--all', '--format=%H%n%B', '-p'], dir), `the commits of ${dir}`);
        for (const [path, content] of snapshotFiles(dir)) expectNoSecret(content, `${dir}/${path}`);
      }
      expect(checked.length, 'repositories checked').to.be.at.least(2);
      for (const path of [project, 'acme/limited']) {
        const hosted = standIn.project(path)!;
        expectNoSecret(readFileSync(join(hosted.bareDir, 'config'), 'utf8'), `${path} config`);
        if (refsOf(hosted.bareDir) !== '') expectNoSecret(gitRun(['--git-dir', hosted.bareDir, 'log', '--all', '--format=%H%n%B', '-p'], work), `the commits of ${path}`);
      }
    });
  });
});
