import { join } from 'node:path';
import { expect } from 'chai';
import { makeTempDir, removeTempDirs, runCli, type CliResult } from '../helpers/cli.js';
import { expectExit, expectNoSecret, standInEnv, TOKEN, writeRequests } from '../helpers/github-e2e.js';
import { GitHubStandIn, loadGitHubDescription, type StandInPullRequest } from '../helpers/github-stand-in.js';
import { branchSha, gitRun, refsOf } from '../helpers/git-remotes.js';

// scale, upgrade and config with --github, end to end through the built bin, against the stand-in of
// test/helpers/github-stand-in.ts: each opens a pull request whose body holds the rendered diff (and
// the plan's warnings); a refusal sends GitHub no write and pushes nothing. afterEach holds every
// request to GitHub's OpenAPI description.

describe('day-2 commands with --github, against the OpenAPI-checked stand-in', function () {
  this.timeout(60_000);
  let standIn: GitHubStandIn;
  let repo: string;
  const bare = () => standIn.repository('acme', 'platform')!.bareDir;
  const pullFor = (head: string): StandInPullRequest => {
    const pulls = standIn.pullRequests('acme', 'platform').filter((pull) => pull.head === head);
    expect(pulls, `pull requests from ${head}`).to.have.length(1);
    return pulls[0]!;
  };

  async function cli(args: readonly string[]): Promise<CliResult> {
    const result = await runCli([...args, '--github', 'acme/platform'], { cwd: repo, env: standInEnv(standIn) });
    expectNoSecret(`${result.stdout}\n${result.stderr}`, `the output of ${args.join(' ')}`);
    return result;
  }

  /** The pull request was opened from a pushed branch that holds exactly the local commit, and main moved nowhere. */
  function expectPushed(head: string): void {
    expect(branchSha(bare(), head), `${head} pushed`).to.equal(branchSha(join(repo, '.git'), head));
    expect(branchSha(bare(), 'main'), 'main untouched').to.equal(branchSha(join(repo, '.git'), 'main'));
    expect(gitRun(['rev-parse', `${branchSha(bare(), head)}^`], repo), 'the branch starts from main').to.equal(branchSha(bare(), 'main'));
    expect(gitRun(['symbolic-ref', '--short', 'HEAD'], repo)).to.equal('main');
    expect(gitRun(['status', '--porcelain', '--untracked-files=all'], repo)).to.equal('');
  }

  before(async () => {
    await loadGitHubDescription();
    standIn = await GitHubStandIn.start({ login: 'octocat', organizations: ['acme'], token: TOKEN });
    const work = makeTempDir('cp-gitops-day2-github-');
    expectExit(await runCli(['init', 'p', '--components', 'kafka', '--github', 'acme/platform'], { cwd: work, env: standInEnv(standIn) }), 0);
    repo = join(work, 'p');
  });

  afterEach(() => {
    expect(standIn.violations).to.deep.equal([]);
  });

  after(async () => {
    await standIn?.close();
    removeTempDirs();
  });

  it('scale kafka --env dev --replicas 4: a pull request with the table, the reassignment warning, then the rendered diff', async () => {
    const result = await cli(['scale', 'kafka', '--env', 'dev', '--replicas', '4']);
    expectExit(result, 0);
    const head = 'cp-gitops/scale-kafka-dev';
    const pull = pullFor(head);
    expect(pull).to.include({ state: 'open', base: 'main', title: 'Scale kafka in dev: replicas 4' });
    expect(pull.labels).to.have.members(['env:dev', 'component:kafka', 'day2:scale']);
    const body = pull.body!;
    expect(body).to.include('| dev | kafka | replicas | 3 | 4 |');
    expect(body).to.match(/### Warnings\n\n> \*\*Warning\*\*: new brokers start empty.*kafka-reassign-partitions --generate, then --execute/);
    expect(body).to.include('<summary>Kafka/kafka (changed)</summary>').and.match(/```diff\n[^`]*-  replicas: 3\n\+  replicas: 4\n/);
    expect(body.indexOf('### Warnings'), 'the warnings come before the diff').to.be.below(body.indexOf('```diff'));
    expect(result.stderr).to.include('warning: new brokers start empty');
    expect(result.stdout).to.include(`Pull request #${pull.number}: ${standIn.url}/acme/platform/pull/${pull.number}`);
    expect(gitRun(['log', '-1', '--format=%B', branchSha(bare(), head)!], repo)).to.match(/Warnings:\n- new brokers start empty/);
    expectPushed(head);
  });

  it('upgrade --env dev --cp-version 8.2.1: a pull request moving dev to the new images', async () => {
    const result = await cli(['upgrade', '--env', 'dev', '--cp-version', '8.2.1']);
    expectExit(result, 0);
    const head = 'cp-gitops/upgrade-dev-cp-8.2.1';
    const pull = pullFor(head);
    expect(pull).to.include({ state: 'open', base: 'main', title: 'Upgrade dev to Confluent Platform 8.2.1' });
    expect(pull.labels).to.have.members(['env:dev', 'day2:upgrade']);
    expect(pull.body).to.include('| dev | platform | version.confluentPlatform | 8.2.0 | 8.2.1 |');
    expect(pull.body).to.match(/<summary>Kafka\/kafka \(changed\)<\/summary>\n\n```diff\n[^`]*-\s+application: confluentinc\/cp-server:8\.2\.0\n\+\s+application: confluentinc\/cp-server:8\.2\.1\n/);
    expect(pull.body).to.include('### Warnings');
    expectPushed(head);
  });

  it('config --env dev kafka set log.retention.hours=72: a pull request adding the line to configOverrides', async () => {
    const result = await cli(['config', '--env', 'dev', 'kafka', 'set', 'log.retention.hours=72']);
    expectExit(result, 0);
    const head = 'cp-gitops/config-kafka-dev-log-retention-hours';
    const pull = pullFor(head);
    expect(pull).to.include({ state: 'open', base: 'main', title: 'Configure kafka in dev: log.retention.hours' });
    expect(pull.labels).to.have.members(['env:dev', 'component:kafka', 'day2:config']);
    expect(pull.body).to.include('| dev | kafka | config.log.retention.hours | — | 72 |');
    expect(pull.body).to.match(/```diff\n[^`]*\+\s+- log\.retention\.hours=72\n/);
    expectPushed(head);
  });

  const refusals: [string, string[], RegExp][] = [
    ['a KRaft controller scale-down', ['scale', 'kraftcontroller', '--env', 'prod', '--replicas', '1'], /KRaftController in prod runs a dynamic quorum of 3; scaling it down to 1 is refused: Confluent for Kubernetes rejects a lower spec\.replicas/],
    ['an operator-managed config key', ['config', '--env', 'dev', 'kafka', 'set', 'advertised.listeners=PLAINTEXT://x:9092'], /advertised\.listeners is managed by Confluent for Kubernetes/],
  ];
  for (const [title, args, message] of refusals) {
    it(`refuses ${title}: exit 2 with the reason, no write to GitHub, nothing pushed`, async () => {
      const requests = standIn.requests.length;
      const pulls = standIn.pullRequests('acme', 'platform').length;
      const remote = refsOf(bare());
      const local = refsOf(join(repo, '.git'));
      const result = await cli(args);
      expectExit(result, 2);
      expect(result.stderr).to.match(message);
      expect(writeRequests(standIn.requests.slice(requests)), 'write requests').to.deep.equal([]);
      expect(standIn.pullRequests('acme', 'platform')).to.have.length(pulls);
      expect(refsOf(bare()), 'branches on the remote').to.equal(remote);
      expect(refsOf(join(repo, '.git')), 'local branches').to.equal(local);
      expect(gitRun(['status', '--porcelain', '--untracked-files=all'], repo)).to.equal('');
    });
  }
});
