import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { type CliResult, expectExit, makeTempDir, removeTempDirs, runCli, snapshotFiles } from '../helpers/cli.js';
import { createBareRepository, gitRun, mergeOnRemote, NEUTRAL_ENV } from '../helpers/git-remotes.js';
import { renderKustomization, type KubeResource } from '../helpers/kustomize.js';
import { upstreamSchemasAvailable, validateAgainstUpstream } from '../helpers/upstream-schemas.js';

// cp-gitops.yaml is the one source of truth (issue #12, points 1, 4, 6, 7), through the built bin with
// real git and a bare remote: hand edits of the model fail validate until cp-gitops generate brings
// the manifests to it; two pull requests from one main merge one after the other by plain git merge;
// a core.autocrlf=true clone with CRLF files runs every change command; every command finds the
// repository from a subfolder.

const REPO_URL = 'https://git.example.org/p.git';
const CFK_API_VERSION = 'platform.confluent.io/v1beta1';

function label(resource: KubeResource): string {
  return `${resource.kind}/${resource.metadata?.name ?? '?'}`;
}

/**
 * Renders a folder with the real Kustomize (throws when it does not render) and checks every CFK and
 * Argo CD resource against the upstream schemas, where ../shared/reference holds them.
 */
function upstreamProblems(dir: string): string[] {
  const resources = renderKustomization(dir);
  expect(resources.length, `${dir} renders resources`).to.be.greaterThan(0);
  if (!upstreamSchemasAvailable()) return [];
  return resources.flatMap((resource) =>
    resource.apiVersion === CFK_API_VERSION || resource.apiVersion === 'argoproj.io/v1alpha1' ? validateAgainstUpstream(resource).map((message) => `${label(resource)}: ${message}`) : [],
  );
}

async function initRepository(prefix: string, remote = false): Promise<{ work: string; repo: string; bare?: string }> {
  const work = makeTempDir(prefix);
  const bare = remote ? createBareRepository(join(work, 'remote.git')) : undefined;
  expectExit(await runCli(['init', 'p', '--components', 'kafka', '--repo-url', REPO_URL, ...(bare ? ['--remote', bare] : [])], { cwd: work, env: NEUTRAL_ENV }), 0);
  return { work, repo: join(work, 'p'), ...(bare ? { bare } : {}) };
}

describe('cp-gitops generate: the repository follows cp-gitops.yaml (through bin/)', function () {
  this.timeout(240_000);
  let repo: string;
  const cli = (args: readonly string[], cwd = repo): Promise<CliResult> => runCli(args, { cwd, env: NEUTRAL_ENV });
  const read = (file: string) => readFileSync(join(repo, ...file.split('/')), 'utf8');
  const editModel = (from: RegExp | string, to: string) => {
    const model = read('cp-gitops.yaml');
    const next = model.replace(from, to);
    expect(next, `the model holds ${String(from)}`).not.to.equal(model);
    writeFileSync(join(repo, 'cp-gitops.yaml'), next);
  };

  before(async () => {
    ({ repo } = await initRepository('cp-gitops-generate-'));
  });
  after(() => removeTempDirs());

  it('on a fresh repository: nothing to write, --check passes, nothing changes', async () => {
    const before = snapshotFiles(repo);
    const result = await cli(['generate']);
    expectExit(result, 0);
    expect(result.stdout).to.equal('Every generated file matches cp-gitops.yaml: nothing to write.\n');
    expectExit(await cli(['generate', '--check']), 0);
    expect(snapshotFiles(repo)).to.deep.equal(before);
  });

  const edits: { title: string; edit: () => void; validate: RegExp; files: string[]; render: string[] }[] = [
    {
      title: 'repoURL (the placeholder the README says to replace)',
      edit: () => editModel(`repoURL: ${REPO_URL}`, 'repoURL: https://git.example.org/acme/platform.git'),
      validate: /^argocd\/bootstrap\/root-dev\.yaml:\d+:1: error: drift\/stale: argocd\/bootstrap\/root-dev\.yaml does not match cp-gitops\.yaml from line \d+ on \(cp-gitops\.yaml or cp-gitops changed since it was generated\)\n {2}fix: run cp-gitops generate/m,
      files: ['argocd/bootstrap/root-dev.yaml', 'argocd/dev/platform.yaml', 'argocd/dev/project.yaml', 'argocd/prod/platform.yaml'],
      render: ['argocd/bootstrap', 'argocd/dev', 'argocd/prod'],
    },
    {
      title: "an environment's cluster",
      edit: () => editModel(/(- name: staging\n {4}namespace: p-staging\n {4}cluster: )\S+/, '$1https://staging.k8s.example.org:6443'),
      validate: /^argocd\/staging\/project\.yaml:\d+:1: error: drift\/stale: .*\n {2}fix: run cp-gitops generate/m,
      files: ['argocd/staging/operator.yaml', 'argocd/staging/platform.yaml', 'argocd/staging/project.yaml'],
      render: ['argocd/staging', 'overlays/staging'],
    },
    {
      title: 'a hand-added environment (qa, after staging)',
      edit: () => {
        const model = read('cp-gitops.yaml');
        const dev = /( {2}- name: dev\n(?: {4}.*\n)+)/.exec(model)![1]!;
        editModel(/( {2}- name: prod\n)/, `${dev.replace(/dev/g, 'qa')}$1`);
      },
      validate: /^cp-gitops\.yaml:\d+:\d+: error: drift\/missing: overlays\/qa\/kustomization\.yaml is missing: cp-gitops\.yaml generates it\n {2}fix: run cp-gitops generate/m,
      files: ['argocd/bootstrap/root-qa.yaml', 'argocd/qa/platform.yaml', 'overlays/qa/kustomization.yaml'],
      render: ['argocd/bootstrap', 'argocd/qa', 'overlays/qa'],
    },
  ];
  for (const { title, edit, validate, files, render } of edits) {
    describe(`a hand edit of ${title}`, () => {
      before(edit);

      it('validate fails at the drifting file and line, with "run cp-gitops generate" as the fix; generate --check exits 1 and writes nothing', async () => {
        const result = await cli(['validate']);
        expectExit(result, 1);
        expect(result.stdout).to.match(validate);
        const before = snapshotFiles(repo);
        const check = await cli(['generate', '--check']);
        expectExit(check, 1);
        expect(check.stderr).to.include('no longer match').and.include('hint: run cp-gitops generate');
        expect(snapshotFiles(repo)).to.deep.equal(before);
      });

      it('generate rewrites what the model gives, says what changed, and the result validates, renders and passes the upstream schemas', async () => {
        const dry = await cli(['generate', '--dry-run', '--json']);
        expectExit(dry, 0);
        const planned = (JSON.parse(dry.stdout) as { files: { file: string }[] }).files.map((entry) => entry.file);
        expect(planned).to.include.members(files);
        expect(planned).not.to.include('cp-gitops.yaml');
        const result = await cli(['generate']);
        expectExit(result, 0);
        for (const file of files) expect(result.stdout).to.match(new RegExp(`^(Created|Updated) ${file.replace(/\./g, '\\.')}$`, 'm'));
        expect(result.stdout).to.include('review and commit them');
        expectExit(await cli(['validate']), 0);
        expectExit(await cli(['generate', '--check']), 0);
        for (const dir of render) expect(upstreamProblems(join(repo, dir)), dir).to.deep.equal([]);
      });
    });
  }

  describe('afterwards', () => {
    it('the new environment is wired as generated: its root app, its project and the overlay namespace', () => {
      expect(read('argocd/bootstrap/kustomization.yaml')).to.include('root-qa.yaml');
      expect(read('argocd/qa/platform.yaml')).to.include('path: overlays/qa');
      expect(read('overlays/qa/kustomization.yaml')).to.include('namespace: p-qa');
      expect(read('argocd/dev/platform.yaml')).to.include('repoURL: https://git.example.org/acme/platform.git');
    });

    it('removing the environment from cp-gitops.yaml deletes its files', async () => {
      editModel(/ {2}- name: qa\n(?: {4}.*\n)+/, '');
      const result = await cli(['generate']);
      expectExit(result, 0);
      expect(result.stdout).to.match(/^Deleted overlays\/qa\/kustomization\.yaml$/m).and.match(/^Deleted argocd\/bootstrap\/root-qa\.yaml$/m);
      expect([...snapshotFiles(repo).keys()].filter((file) => /(^|\/)(qa|root-qa\.yaml)(\/|$)/.test(file))).to.deep.equal([]);
      expectExit(await cli(['validate']), 0);
    });

    it('a generated file edited by hand is reported and nothing is written; --force overwrites it', async () => {
      const file = 'argocd/dev/platform.yaml';
      writeFileSync(join(repo, file), `${read(file)}# tuned by hand\n`);
      editModel(/(- name: dev\n {4}namespace: p-dev\n {4}cluster: )\S+/, '$1https://dev.k8s.example.org:6443');
      const validate = await cli(['validate']);
      expect(validate.stdout).to.match(/^argocd\/dev\/platform\.yaml:\d+:1: error: drift\/stale: .*edited by hand since cp-gitops wrote it/m);
      const before = snapshotFiles(repo);
      const refused = await cli(['generate']);
      expectExit(refused, 1);
      expect(refused.stderr).to.include(`error: ${file} was edited by hand since cp-gitops wrote it; nothing was written`).and.include('--force');
      expect(snapshotFiles(repo)).to.deep.equal(before);
      expectExit(await cli(['generate', '--force']), 0);
      expect(read(file)).not.to.include('# tuned by hand');
      expectExit(await cli(['validate']), 0);
    });
  });
});

describe('two cp-gitops pull requests from one main merge one after the other by plain git merge (bare remote)', function () {
  this.timeout(240_000);
  let repo: string;
  let bare: string;
  const cli = (args: readonly string[]) => runCli(args, { cwd: repo, env: NEUTRAL_ENV });

  before(async () => {
    ({ repo, bare } = (await initRepository('cp-gitops-merge-', true)) as { repo: string; bare: string });
  });
  after(() => removeTempDirs());

  it('add-component on dev and config set on staging: both merge without conflict, and main validates clean with nothing to generate', async () => {
    expectExit(await cli(['add-component', 'connect', '--env', 'dev']), 0);
    expectExit(await cli(['config', 'kafka', 'set', 'log.retention.hours=72', '--env', 'staging']), 0);
    // Both branches start from the same main and both touch the record, cp-gitops.yaml and the docs.
    const changed = (branch: string) => gitRun(['diff', '--name-only', 'main', branch], repo).split('\n');
    const first = changed('cp-gitops/add-connect-dev');
    const second = changed('cp-gitops/config-kafka-staging-log-retention-hours');
    const shared = first.filter((file) => second.includes(file));
    expect(shared).to.include.members(['cp-gitops.yaml', 'docs/architecture.md']);
    expect(shared.some((file) => file.startsWith('.cp-gitops/generated/')), 'both replace the same record entries').to.equal(true);
    // mergeOnRemote runs git merge --no-ff and throws on a conflict.
    mergeOnRemote(bare, 'cp-gitops/add-connect-dev');
    mergeOnRemote(bare, 'cp-gitops/config-kafka-staging-log-retention-hours');
    gitRun(['pull', '--quiet', '--ff-only', 'origin', 'main'], repo);
    expect(gitRun(['log', '--merges', '--format=%s', '-2'], repo).split('\n')).to.have.length(2);
    expectExit(await cli(['validate']), 0);
    const check = await cli(['generate', '--check']);
    expectExit(check, 0);
    // And the next change starts from the merged main without a hand-edit complaint.
    expectExit(await cli(['scale', 'kafka', '--env', 'dev', '--replicas', '4']), 0);
  });
});

describe('a clone with core.autocrlf=true and CRLF files runs every change command (through bin/)', function () {
  this.timeout(600_000);
  let work: string;
  let bare: string;
  let clone: string;
  const cli = (args: readonly string[]) => runCli(args, { cwd: clone, env: NEUTRAL_ENV });

  before(async () => {
    let repo: string;
    ({ work, repo, bare } = (await initRepository('cp-gitops-crlf-', true)) as { work: string; repo: string; bare: string });
    // A repository from before .gitattributes: a core.autocrlf=true checkout has CRLF in every file.
    gitRun(['rm', '--quiet', '.gitattributes'], repo);
    gitRun(['commit', '--quiet', '-m', 'as made before .gitattributes'], repo);
    gitRun(['push', '--quiet', 'origin', 'main'], repo);
    clone = join(work, 'clone');
    gitRun(['clone', '--quiet', '-c', 'core.autocrlf=true', bare, clone], work);
    expect(readFileSync(join(clone, 'overlays/dev/kustomization.yaml'), 'utf8')).to.include('\r\n');
    expect(gitRun(['status', '--porcelain'], clone)).to.equal('');
  });
  after(() => removeTempDirs());

  const commands: string[][] = [
    ['add-component', 'connect', '--env', 'dev'],
    ['set', 'monitoring.podMonitors=true', '--env', 'dev'],
    ['scale', 'kafka', '--env', 'dev', '--replicas', '4'],
    ['config', 'kafka', 'set', 'log.retention.hours=72', '--env', 'dev'],
    ['upgrade', '--env', 'dev', '--cp-version', '8.2.1'],
    ['add-cluster', 'analytics', '--env', 'dev'],
    ['promote', '--from', 'dev', '--to', 'staging', '--skip-stage', '--dry-run'],
  ];
  for (const args of commands) {
    it(`cp-gitops ${args.join(' ')}`, async () => {
      const result = await cli(args);
      expectExit(result, 0);
      expect(result.stderr).not.to.include('hand edit');
    });
  }

  it('the change branches bring back .gitattributes; generate finds only that missing, not a CRLF file', async () => {
    expect(gitRun(['diff', '--name-only', 'main', 'cp-gitops/add-connect-dev'], clone).split('\n')).to.include('.gitattributes');
    const result = await cli(['generate', '--dry-run', '--json']);
    expectExit(result, 0);
    expect((JSON.parse(result.stdout) as { files: unknown[] }).files).to.deep.equal([{ file: '.gitattributes', action: 'create' }]);
  });

  it('with the generated .gitattributes, a core.autocrlf=true checkout has LF files', () => {
    const lf = join(work, 'lf');
    gitRun(['clone', '--quiet', '-c', 'core.autocrlf=true', '--branch', 'cp-gitops/add-connect-dev', bare, lf], work);
    expect(readFileSync(join(lf, '.gitattributes'), 'utf8')).to.match(/^\* text=auto eol=lf$/m).and.match(/^\.githooks\/\* text eol=lf$/m);
    expect(readFileSync(join(lf, 'overlays/dev/kustomization.yaml'), 'utf8')).not.to.include('\r');
    expect(readFileSync(join(lf, '.githooks/pre-push'), 'utf8')).not.to.include('\r');
  });
});

describe('every command finds the repository from a subfolder (through bin/)', function () {
  this.timeout(240_000);
  let work: string;
  let repo: string;

  before(async () => {
    ({ work, repo } = await initRepository('cp-gitops-subfolder-', true));
  });
  after(() => removeTempDirs());

  it('validate from overlays/dev reports the same as from the root', async () => {
    writeFileSync(join(repo, 'overlays/dev/kustomization.yaml'), `${readFileSync(join(repo, 'overlays/dev/kustomization.yaml'), 'utf8')}# tuned by hand\n`);
    try {
      const fromRoot = await runCli(['validate'], { cwd: repo, env: NEUTRAL_ENV });
      const fromOverlay = await runCli(['validate'], { cwd: join(repo, 'overlays', 'dev'), env: NEUTRAL_ENV });
      expectExit(fromRoot, 1);
      expect(fromRoot.stdout).to.match(/^overlays\/dev\/kustomization\.yaml:\d+:1: error: drift\/stale/m);
      expect({ code: fromOverlay.code, stdout: fromOverlay.stdout }).to.deep.equal({ code: fromRoot.code, stdout: fromRoot.stdout });
    } finally {
      gitRun(['checkout', '--', 'overlays/dev/kustomization.yaml'], repo);
    }
  });

  it('a change command and generate work from argocd/dev; --dir (or the folder argument) still wins', async () => {
    const added = await runCli(['add-component', 'connect', '--env', 'dev'], { cwd: join(repo, 'argocd', 'dev'), env: NEUTRAL_ENV });
    expectExit(added, 0);
    expect(gitRun(['branch', '--list', 'cp-gitops/add-connect-dev'], repo)).to.include('cp-gitops/add-connect-dev');
    expectExit(await runCli(['generate', '--check'], { cwd: join(repo, 'base', 'kafka'), env: NEUTRAL_ENV }), 0);
    expectExit(await runCli(['docs', '--check'], { cwd: join(repo, 'overlays'), env: NEUTRAL_ENV }), 0);
    // --dir names another folder: that one is used, not the repository around the current folder.
    const elsewhere = await runCli(['validate', work], { cwd: join(repo, 'overlays', 'dev'), env: NEUTRAL_ENV });
    expectExit(elsewhere, 1);
    expect(elsewhere.stdout).to.include('model/missing');
    const refused = await runCli(['add-component', 'ksqldb', '--env', 'dev', '--dir', work], { cwd: repo, env: NEUTRAL_ENV });
    expectExit(refused, 1);
    expect(refused.stderr).to.include(`${work} is not a cp-gitops repository`);
  });

  it('outside any repository, commands say so and name the fix', async () => {
    const empty = makeTempDir('cp-gitops-nowhere-');
    const result = await runCli(['generate'], { cwd: empty, env: NEUTRAL_ENV });
    expectExit(result, 1);
    expect(result.stderr).to.include(`error: ${empty} is not a cp-gitops repository (no cp-gitops.yaml)`).and.include('hint: run cp-gitops generate in a repository made by cp-gitops init');
  });
});
