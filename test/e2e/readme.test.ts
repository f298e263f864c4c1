import { spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';
import { git, makeTempDir, removeTempDirs } from '../helpers/cli.js';
import { expectNoSecret, standInEnv, TOKEN } from '../helpers/github-e2e.js';
import { GitHubStandIn, loadGitHubDescription } from '../helpers/github-stand-in.js';
import { expectNoSecret as expectNoGitLabSecret, gitlabStandInVariables, TOKEN as GITLAB_TOKEN } from '../helpers/gitlab-e2e.js';
import { GitLabStandIn } from '../helpers/gitlab-stand-in.js';
import { REPO_ROOT } from '../helpers/paths.js';

// README.md, run as a reader runs it: every line of its ```sh blocks, in order, in one shell session
// (cd and export carry over) started in a fresh clone of this repository, `npx cp-gitops` included.
// npm reads a registry on a dead 127.0.0.1 port, so nothing leaves the machine: `npx cp-gitops` in the
// clone runs the clone's own bin (npm exec's "local package bin"), and in the generated repository the
// copy its `npm ci` installed. GitHub is the OpenAPI-checked stand-in (GITHUB_API_URL); GitLab is the
// stand-in of gitlab-flow.test.ts (HTTPS on 127.0.0.1, git http-backend), a self-managed instance as
// the README's GitLab block allows (GITLAB_URL, its certificate trusted through NODE_EXTRA_CA_CERTS and
// GIT_SSL_CAINFO). Placeholders are filled in by substitute(); whatever cannot run here is in SKIPPED
// below, with the reason, and the test prints it.

/** The README's command lines, in order, with the block each one is in (comments and blank lines dropped). */
export function readmeCommands(markdown: string): { block: number; line: string }[] {
  const commands: { block: number; line: string }[] = [];
  const blocks = markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm);
  let block = 0;
  for (const match of blocks) {
    block += 1;
    for (const raw of match[1]!.split('\n')) {
      const line = raw.trim();
      if (line !== '' && !line.startsWith('#')) commands.push({ block, line });
    }
  }
  return commands;
}

/**
 * `npm ci` installs from a registry (and, in the clone, builds through `prepare`). Here it becomes what
 * it leaves behind, made from this checkout: the clone gets this checkout's node_modules and dist, a
 * generated repository gets its pinned cp-gitops in node_modules/ with its bin linked. The real
 * `npm ci` of a generated repository, against a registry on 127.0.0.1, is proven by distribution.test.ts.
 */
const NPM_CI = /^npm ci(?: && |\s+#.*$|$)/;
/** `cd kafka-gitlab && npm ci`: what comes before runs as written, then `npm ci` as above, where it left us. */
const THEN_NPM_CI = /^(.+?) && npm ci(?:\s+#.*)?$/;

/** Lines that cannot run here, word for word as in README.md, and why. */
const SKIPPED: Record<string, string> = {
  'npm ci && npm test': 'npm test is the whole suite, this test included; the lead and CI run it',
  'git push -u origin move-staging && gh pr create --fill':
    'my-platform was made without --remote (no origin), and gh talks to github.com; the GitHub path is the --github lines below, against the stand-in. The test merges the branch into main instead, as the review would',
};

/**
 * Change commands without a remote leave their branch unmerged; the README's flow merges each pull
 * request after review before the next change (remove-env qa needs add-env qa on main). The test
 * merges the branch the command names into main, as that review would.
 */
const CHANGE_COMMAND = /^npx cp-gitops (set|add-component|promote|scale|upgrade|config|add-cluster|remove-component|add-env|remove-env|remove-cluster) /;

function mergeAsReviewed(repo: string, branch: string): void {
  git(['switch', '--quiet', 'main'], repo);
  git(['-c', 'user.name=Reviewer', '-c', 'user.email=reviewer@example.org', 'merge', '--quiet', '--no-edit', branch], repo);
}

/** The branch a change command reports (`…: committed <sha> on <branch> (no remote: not pushed).`). */
function reportedBranch(output: string): string {
  const match = /(?:committed [0-9a-f]+|already holds this change) on (\S+?)[.,]?(?:\s|$)/m.exec(output);
  if (!match) throw new Error(`no branch in the output:\n${output}`);
  return match[1]!;
}

/** Placeholders a reader fills in, and what this test puts there. */
function substitute(line: string, work: string): string {
  return line
    .replace('export GITHUB_TOKEN=...', `export GITHUB_TOKEN=${TOKEN}`)
    .replace('export GITLAB_TOKEN=...', `export GITLAB_TOKEN=${GITLAB_TOKEN}`)
    .replace('/srv/git/p.git', join(work, 'srv', 'git', 'p.git'));
}

interface Session {
  cwd: string;
  env: NodeJS.ProcessEnv;
}

interface LineResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * One line in bash, in the session's folder and environment; the folder and environment it leaves
 * carry over. Asynchronous: the GitHub stand-in answers from this very process.
 */
async function runLine(line: string, session: Session, state: string): Promise<LineResult> {
  const script = `${line}\n__rc=$?\npwd > '${state}/cwd'\nenv -0 > '${state}/env'\nexit $__rc\n`;
  const result = await new Promise<LineResult>((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-c', script], { cwd: session.cwd, env: session.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }));
  });
  session.cwd = readFileSync(join(state, 'cwd'), 'utf8').trim();
  session.env = Object.fromEntries(
    readFileSync(join(state, 'env'), 'utf8')
      .split('\0')
      .filter((entry) => entry.includes('='))
      .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
  );
  return result;
}

/** What `npm ci` leaves in `dir` (see NPM_CI). */
function installAsNpmCiWould(dir: string): void {
  if (existsSync(join(dir, 'cp-gitops.yaml'))) {
    // A generated repository: its devDependency, with the bin npm links.
    const pinned = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies['cp-gitops'];
    const ours = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect(pinned, 'the generated repository pins this very cp-gitops').to.equal(ours);
    mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(REPO_ROOT, join(dir, 'node_modules', 'cp-gitops'));
    symlinkSync('../cp-gitops/bin/cp-gitops.js', join(dir, 'node_modules', '.bin', 'cp-gitops'));
  } else {
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
    // A copy, not a link: the first `npx cp-gitops` in the clone runs its prepare script (a build, as
    // for a reader), which through a link would rewrite this checkout's dist while other test files load it.
    cpSync(join(REPO_ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  }
}

const COMMANDS = readmeCommands(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'));

describe('README.md, every sh block in order from a fresh clone', function () {
  this.timeout(300_000);
  let standIn: GitHubStandIn;
  let gitlab: GitLabStandIn;
  let work: string;
  let clone: string;
  let state: string;
  const session: Session = { cwd: '', env: {} };
  let last: LineResult = { code: 0, stdout: '', stderr: '' };

  before(async function () {
    await loadGitHubDescription();
    [standIn, gitlab] = await Promise.all([
      GitHubStandIn.start({ login: 'octocat', organizations: ['acme'], token: TOKEN }),
      GitLabStandIn.start({ token: GITLAB_TOKEN, groups: ['acme', 'acme/platform'] }),
    ]);
    work = makeTempDir('cp-gitops-readme-');
    clone = join(work, 'cp-gitops');
    git(['clone', '--quiet', REPO_ROOT, clone], work);
    state = join(work, 'session');
    const home = join(work, 'home');
    mkdirSync(state);
    mkdirSync(home);
    // The reader's registry, here a closed port: a command that would download something fails.
    const npmrc = join(home, '.npmrc');
    writeFileSync(npmrc, ['registry=http://127.0.0.1:9/', 'audit=false', 'fund=false', 'update-notifier=false', 'engine-strict=false', 'loglevel=error', ''].join('\n'));
    // $EDITOR: the edit the README's comment describes, made by a script.
    const editor = join(work, 'editor.sh');
    writeFileSync(editor, "#!/bin/sh\nsed -i '/- name: staging/,/cluster:/ s#cluster: .*#cluster: https://staging.k8s.example.org:6443#' \"$1\"\n");
    chmodSync(editor, 0o755);
    // The CRDs a reader downloaded for `schemas import ./crds/`.
    mkdirSync(join(clone, 'crds'));
    writeFileSync(join(clone, 'crds', 'widgets.yaml'), WIDGET_CRD);
    // The server behind `--remote /srv/git/p.git`.
    mkdirSync(join(work, 'srv', 'git'), { recursive: true });
    git(['init', '--quiet', '--bare', join(work, 'srv', 'git', 'p.git')], work);
    session.cwd = clone;
    session.env = {
      ...process.env,
      ...standInEnv(standIn),
      // The self-managed GitLab the reader's shell points at; the token comes from the README's export.
      ...gitlabStandInVariables(gitlab),
      GITHUB_TOKEN: undefined,
      GITLAB_TOKEN: undefined,
      HOME: home,
      EDITOR: editor,
      npm_config_userconfig: npmrc,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'Reader',
      GIT_AUTHOR_EMAIL: 'reader@example.org',
      GIT_COMMITTER_NAME: 'Reader',
      GIT_COMMITTER_EMAIL: 'reader@example.org',
    };
    for (const key of Object.keys(session.env)) if (session.env[key] === undefined) delete session.env[key];
  });

  after(async () => {
    await Promise.all([standIn?.close(), gitlab?.close()]);
    removeTempDirs();
  });

  afterEach(() => {
    expect(standIn.violations, 'requests GitHub would refuse').to.deep.equal([]);
    expect(gitlab.violations, 'requests GitLab would refuse').to.deep.equal([]);
  });

  it('has sh blocks to run, and every skip names a line the README still has', () => {
    expect(COMMANDS.length).to.be.greaterThan(20);
    const lines = COMMANDS.map((command) => command.line);
    for (const skipped of Object.keys(SKIPPED)) expect(lines, 'a stale SKIPPED entry').to.include(skipped);
  });

  for (const { block, line } of COMMANDS) {
    it(`block ${block}: ${line}`, async function () {
      const skip = SKIPPED[line];
      if (skip) {
        process.stdout.write(`      skipped: ${skip}\n`);
        if (line.startsWith('git push -u origin move-staging')) mergeAsReviewed(session.cwd, 'move-staging');
        this.skip();
      }
      let command = substitute(line, work);
      const thenNpmCi = THEN_NPM_CI.exec(command);
      if (thenNpmCi) {
        last = await runLine(thenNpmCi[1]!, session, state);
        expect(last.code, `${thenNpmCi[1]} exited ${last.code}\n${last.stderr}`).to.equal(0);
        command = 'npm ci';
      }
      if (NPM_CI.test(command)) {
        installAsNpmCiWould(session.cwd);
        command = command.replace(NPM_CI, '');
        if (command === '') return;
      }
      last = await runLine(command, session, state);
      const output = `${last.stdout}\n${last.stderr}`;
      expect(last.code, `${command} exited ${last.code}\n--- stdout\n${last.stdout}\n--- stderr\n${last.stderr}`).to.equal(0);
      expectNoSecret(output, `the output of ${line}`);
      expectNoGitLabSecret(output, `the output of ${line}`);
      checkComment(line, session, last);
      if (CHANGE_COMMAND.test(line) && !line.includes('--github') && session.cwd === join(clone, 'my-platform')) {
        mergeAsReviewed(session.cwd, reportedBranch(`${last.stdout}\n${last.stderr}`));
      }
    });
  }

  /** What a line's comment promises, where that is cheap to see. */
  function checkComment(line: string, now: Session, result: LineResult): void {
    const repo = join(clone, 'my-platform');
    const head = () => git(['log', '-1', '--format=%s'], now.cwd);
    if (line.endsWith('init ./my-platform')) {
      expect(existsSync(join(repo, 'cp-gitops.yaml'))).to.equal(true);
      expect(git(['rev-list', '--count', 'HEAD'], repo)).to.equal('1');
    } else if (line.includes('--format sarif > r.sarif')) {
      expect((JSON.parse(readFileSync(join(now.cwd, 'r.sarif'), 'utf8')) as { version: string }).version).to.equal('2.1.0');
    } else if (line.includes('schemas import ./crds/')) {
      expect(existsSync(join(repo, '.cp-gitops', 'schemas', 'example.com_widget_v1.json'))).to.equal(true);
    } else if (line.startsWith('$EDITOR')) {
      expect(readFileSync(join(now.cwd, 'cp-gitops.yaml'), 'utf8')).to.include('cluster: https://staging.k8s.example.org:6443');
    } else if (line.startsWith('npx cp-gitops generate') && now.cwd === repo && git(['branch', '--show-current'], repo) === 'move-staging') {
      expect(git(['grep', '-l', '--untracked', 'staging.k8s.example.org', '--', 'argocd'], repo)).to.include('argocd/');
    } else if (line.includes('git commit -m "staging on its own cluster"')) {
      expect(head()).to.equal('staging on its own cluster');
      expect(git(['status', '--porcelain'], now.cwd), 'nothing left out of the commit (node_modules ignored)').to.equal('');
    } else if (line.includes('set monitoring.podMonitors=true')) {
      expect(result.stdout, 'the PR body on stdout').to.match(/podMonitors|PodMonitor/);
    } else if (line.includes('init ./kafka-platform') && line.includes('--github acme/kafka-platform')) {
      expect(standIn.repository('acme', 'kafka-platform'), 'the repository on GitHub').to.not.equal(undefined);
    } else if (line.includes('npx cp-gitops add-component schemaregistry') && line.includes('the PR on acme/kafka-platform')) {
      expect(standIn.pullRequests('acme', 'kafka-platform').filter((pull) => pull.state === 'open')).to.have.length(1);
    } else if (line.includes('--gitlab acme/platform/kafka')) {
      checkGitLabInit(join(now.cwd, 'kafka-gitlab'), result);
    } else if (line.includes('npx cp-gitops add-component schemaregistry') && line.includes('merge request !1')) {
      checkGitLabMergeRequest(now.cwd, result);
    }
  }

  /** "creates the private project in the subgroup acme/platform and pushes", recorded as gitProvider. */
  function checkGitLabInit(repo: string, result: LineResult): void {
    const project = gitlab.project('acme/platform/kafka');
    expect(project, 'the project on GitLab').to.not.equal(undefined);
    expect(project!.visibility).to.equal('private');
    expect(gitlab.requestsTo('GET /groups/:id').map((request) => request.path), 'the subgroup looked up').to.include('/groups/acme%2Fplatform');
    expect(result.stdout).to.include(`Created GitLab project acme/platform/kafka (private): ${gitlab.url}/acme/platform/kafka`);
    expect(git(['--git-dir', project!.bareDir, 'rev-parse', 'main'], repo), 'main pushed').to.equal(git(['rev-parse', 'HEAD'], repo));
    const model = parseYaml(readFileSync(join(repo, 'cp-gitops.yaml'), 'utf8')) as { repoURL: string; gitProvider: unknown };
    expect(model.repoURL).to.equal(`${gitlab.url}/acme/platform/kafka.git`);
    expect(model.gitProvider, 'recorded, never the token').to.deep.equal({ type: 'gitlab', repository: 'acme/platform/kafka', apiUrl: `${gitlab.url}/api/v4` });
    expect(git(['remote', 'get-url', 'origin'], repo)).to.equal(`${gitlab.url}/acme/platform/kafka.git`);
  }

  /** "opens or updates merge request !1 (labels env::dev, component::schemaregistry; source branch removed on merge)". */
  function checkGitLabMergeRequest(repo: string, result: LineResult): void {
    const project = gitlab.project('acme/platform/kafka')!;
    const opened = gitlab.mergeRequestsOf('acme/platform/kafka').filter((mr) => mr.state === 'opened');
    expect(opened).to.have.length(1);
    const mr = opened[0]!;
    expect(mr).to.include({ iid: 1, targetBranch: 'main', removeSourceBranch: true });
    expect(mr.labels).to.have.members(['env::dev', 'component::schemaregistry']);
    expect(result.stdout).to.include(`Merge request !1: ${gitlab.url}/acme/platform/kafka/-/merge_requests/1`);
    expect(git(['--git-dir', project.bareDir, 'rev-parse', mr.sourceBranch], repo), 'the source branch pushed').to.equal(git(['rev-parse', mr.sourceBranch], repo));
    // The token went to git as a header only: nothing of it in the clone's config or the remote URL.
    expectNoGitLabSecret(readFileSync(join(repo, '.git', 'config'), 'utf8'), 'kafka-gitlab/.git/config');
  }
});

const WIDGET_CRD = `# A handmade CRD, as downloaded for schemas import.
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: { kind: Widget, plural: widgets, singular: widget }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: { type: integer, minimum: 1 }
`;
