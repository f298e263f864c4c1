import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import { type CliResult, expectExit, git, makeTempDir, removeTempDirs, runCli, snapshotFiles } from '../helpers/cli.js';
import { parseManifests, renderKustomization, type KubeResource } from '../helpers/kustomize.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { skipWithoutUpstreamSchemas, validateAgainstUpstream } from '../helpers/upstream-schemas.js';

// End to end through the built bin only (bin/cp-gitops.js → dist/), with real git and a real kustomize.

const REPO_URL = 'https://git.example.org/acme/p.git';
const CFK_API_VERSION = 'platform.confluent.io/v1beta1';
const ARGOCD_KINDS = new Set(['Application', 'AppProject']);

interface InitScenario {
  /** The temp folder the CLI runs in; the target is a child of it. */
  work: string;
  dir: string;
  result: CliResult;
}

/** Runs `init <work>/<dirName> ...args` once, in a `before` hook of the enclosing describe. */
function initOnce(prefix: string, dirName: string, args: (work: string) => string[]): InitScenario {
  const scenario = {} as InitScenario;
  before(async function () {
    scenario.work = makeTempDir(prefix);
    scenario.dir = join(scenario.work, dirName);
    scenario.result = await runCli(['init', scenario.dir, ...args(scenario.work)], { cwd: scenario.work });
  });
  return scenario;
}

function label(resource: KubeResource): string {
  return `${resource.kind}/${resource.metadata?.name ?? '?'}`;
}

function byKind(resources: readonly KubeResource[], kind: string): KubeResource[] {
  return resources.filter((resource) => resource.kind === kind);
}

function getPath(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Every container image a resource names: `image: <ref>` strings and the values of `image: {application, init}`. */
function imagesOf(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const item of value) imagesOf(item, found);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'image' && typeof child === 'string') found.push(child);
      else if (key === 'image' && child !== null && typeof child === 'object') {
        for (const ref of Object.values(child)) if (typeof ref === 'string') found.push(ref);
      } else imagesOf(child, found);
    }
  }
  return found;
}

/** Pinned: a digest, or a tag other than `latest` (the tag is after the last `/`, so a registry port is not one). */
function isPinned(image: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  return colon > 0 && colon < lastSegment.length - 1 && lastSegment.slice(colon + 1) !== 'latest';
}

function yamlFilesUnder(root: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.ya?ml$/.test(entry.name)) files.push(join(entry.parentPath, entry.name));
  }
  return files.sort();
}

/** Names in `dir` that an interrupted init would leave: `.<name>.cp-gitops-<pid>-<time>` staging folders. */
function stagingLeftovers(dir: string): string[] {
  return readdirSync(dir).filter((name) => /^\..+\.cp-gitops-/.test(name));
}

/**
 * The checks every generated repository must pass: real renders of overlays/<env>, argocd/<env> and
 * argocd/bootstrap, upstream schemas, pinned images. Returns the memoised renderer for more checks.
 */
function itRendersAndValidates(scenario: InitScenario, envs: readonly string[]): (path: string) => KubeResource[] {
  const renders = new Map<string, KubeResource[]>();
  const render = (path: string): KubeResource[] => {
    let resources = renders.get(path);
    if (!resources) {
      resources = renderKustomization(join(scenario.dir, path));
      renders.set(path, resources);
    }
    return resources;
  };

  for (const env of envs) {
    it(`renders overlays/${env}: CFK resources and the NetworkPolicies that fence them, all in one namespace of ${env}`, () => {
      const resources = render(`overlays/${env}`);
      expect(resources.map(label)).to.include('Kafka/kafka').and.include('NetworkPolicy/default-deny-ingress');
      // Besides CFK's kinds: NetworkPolicies, and what a dynamic KRaft quorum needs (decision 19: CP 8.2 KRaft yes, CP 7.9 ZooKeeper no).
      const dynamicQuorum = resources.some((resource) => resource.kind === 'KRaftController' && resource.spec?.dynamicQuorumConfig !== undefined);
      expect(resources.filter((resource) => resource.apiVersion !== CFK_API_VERSION && resource.kind !== 'NetworkPolicy').map(label).sort()).to.deep.equal(
        dynamicQuorum ? ['ConfigMap', 'Role', 'RoleBinding', 'ServiceAccount'].map((kind) => `${kind}/kraftcontroller-dynamic-quorum`) : [],
      );
      for (const resource of resources.filter((candidate) => candidate.kind === 'NetworkPolicy')) expect(resource.apiVersion, label(resource)).to.equal('networking.k8s.io/v1');
      const namespaces = new Set(resources.map((resource) => resource.metadata?.namespace));
      expect([...namespaces]).to.have.lengthOf(1);
      expect([...namespaces][0]).to.match(new RegExp(`-${env}$`));
    });

    it(`validates every resource of overlays/${env} against the upstream CFK 3.3.0 schema of its kind`, function () {
      skipWithoutUpstreamSchemas(this);
      // NetworkPolicies are core Kubernetes: the upstream schemas here are CFK's.
      const problems = render(`overlays/${env}`).filter((resource) => resource.apiVersion === CFK_API_VERSION).flatMap((resource) =>
        validateAgainstUpstream(resource).map((message) => `${label(resource)}: ${message}`),
      );
      expect(problems).to.deep.equal([]);
    });

    it(`pins every image of overlays/${env} to a tag other than latest`, () => {
      const images = render(`overlays/${env}`).flatMap((resource) => imagesOf(resource).map((image) => ({ resource: label(resource), image })));
      expect(images).to.not.be.empty;
      expect(images.filter(({ image }) => !isPinned(image))).to.deep.equal([]);
    });

    it(`renders argocd/${env}: its AppProject and Applications`, () => {
      const kinds = render(`argocd/${env}`).map((resource) => resource.kind);
      expect(kinds).to.include('AppProject');
      expect(kinds).to.include('Application');
    });
  }

  it('renders argocd/bootstrap: one root Application per environment, and one per Kubernetes cluster (its CRDs)', () => {
    const roots = byKind(render('argocd/bootstrap'), 'Application');
    const paths = roots.map((app) => String(getPath(app, ['spec', 'source', 'path'])));
    expect(paths.filter((path) => !path.startsWith('argocd/clusters/')).sort()).to.deep.equal(envs.map((env) => `argocd/${env}`).sort());
    const clusterRoots = paths.filter((path) => path.startsWith('argocd/clusters/'));
    expect(clusterRoots).to.have.lengthOf(1);
    const crds = byKind(render(clusterRoots[0]!), 'Application');
    expect(crds.map((app) => getPath(app, ['spec', 'source', 'helm', 'skipCrds']))).to.deep.equal([false]);
  });

  it('validates every Application and AppProject file under argocd/ against the upstream Argo CD 3.5 schema', function () {
    skipWithoutUpstreamSchemas(this);
    const argocd = join(scenario.dir, 'argocd');
    const checked: string[] = [];
    const problems: string[] = [];
    for (const file of yamlFilesUnder(argocd)) {
      const name = relative(scenario.dir, file);
      for (const doc of parseManifests(readFileSync(file, 'utf8'), name)) {
        if (!ARGOCD_KINDS.has(doc.kind)) continue;
        checked.push(`${name} ${label(doc)}`);
        for (const message of validateAgainstUpstream(doc)) problems.push(`${name} ${label(doc)}: ${message}`);
      }
    }
    // Per environment an AppProject, the operator and the platform Application; plus the bootstrap project and roots.
    expect(checked.length, checked.join('\n')).to.be.at.least(3 * envs.length + 1 + envs.length);
    expect(problems).to.deep.equal([]);
  });

  return render;
}

describe('cp-gitops init (end to end, built bin)', function () {
  after(removeTempDirs);

  describe('default init, pushed to a bare remote', function () {
    const scenario = initOnce('cp-gitops-e2e-default-', 'acme-platform', (work) => {
      const remote = join(work, 'remote.git');
      git(['init', '--bare', '--quiet', remote], work);
      return ['--remote', remote, '--repo-url', REPO_URL];
    });
    const remoteDir = () => join(scenario.work, 'remote.git');

    it('exits 0 and says it committed and pushed', () => {
      expectExit(scenario.result, 0);
      expect(scenario.result.stdout).to.match(/Committed \d+ files as [0-9a-f]{12} on main\./);
      expect(scenario.result.stdout).to.include(`Pushed main to ${remoteDir()}.`);
    });

    it('leaves the same commit on main in the bare remote as in the new repository', () => {
      const local = git(['rev-parse', 'main'], scenario.dir);
      expect(local).to.match(/^[0-9a-f]{40}$/);
      expect(git(['rev-parse', 'main'], remoteDir())).to.equal(local);
      expect(git(['rev-parse', 'HEAD'], scenario.dir)).to.equal(local);
    });

    it('leaves a clean working tree, without staging folders beside it', () => {
      expect(git(['status', '--porcelain', '--untracked-files=all'], scenario.dir)).to.equal('');
      expect(stagingLeftovers(scenario.work)).to.deep.equal([]);
    });

    it('turns the pre-push hook on once pushed (core.hooksPath), with origin the only remote', () => {
      expect(git(['config', 'core.hooksPath'], scenario.dir)).to.equal('.githooks');
      expect(git(['remote'], scenario.dir)).to.equal('origin');
    });

    it('points Argo CD at --repo-url', () => {
      expect(readFileSync(join(scenario.dir, 'cp-gitops.yaml'), 'utf8')).to.include(REPO_URL);
      expect(readFileSync(join(scenario.dir, 'argocd/prod/platform.yaml'), 'utf8')).to.include(`repoURL: ${REPO_URL}`);
    });

    const render = itRendersAndValidates(scenario, ['dev', 'staging', 'prod']);

    it('sizes prod for production: >= 3 KRaft controllers and brokers, min.insync.replicas=2, default.replication.factor=3', () => {
      const prod = render('overlays/prod');
      for (const kind of ['Kafka', 'KRaftController']) {
        const [resource, ...more] = byKind(prod, kind);
        expect(resource, kind).to.not.equal(undefined);
        expect(more, kind).to.be.empty;
        expect(getPath(resource, ['spec', 'replicas']), `${kind} replicas`).to.be.a('number').at.least(3);
      }
      const server = getPath(byKind(prod, 'Kafka')[0], ['spec', 'configOverrides', 'server']);
      expect(server).to.be.an('array').that.includes.members(['min.insync.replicas=2', 'default.replication.factor=3']);
    });

    it('requests memory for every sized resource of prod (CFK derives the heap from it)', () => {
      const sized = render('overlays/prod').filter((resource) => getPath(resource, ['spec', 'image']) !== undefined);
      expect(sized.map(label)).to.include.members(['Kafka/kafka', 'KRaftController/kraftcontroller']);
      const missing = sized.filter((resource) => getPath(resource, ['spec', 'podTemplate', 'resources', 'requests', 'memory']) === undefined);
      expect(missing.map(label)).to.deep.equal([]);
    });

    describe('run again on the generated repository', function () {
      it('exits 0, says nothing changed, and keeps HEAD and every file', async () => {
        const head = git(['rev-parse', 'HEAD'], scenario.dir);
        const before = snapshotFiles(scenario.dir);
        const result = await runCli(['init', scenario.dir], { cwd: scenario.work });
        expectExit(result, 0);
        expect(result.stdout).to.include('nothing changed');
        expect(result.stdout).to.not.match(/differ/);
        expect(git(['rev-parse', 'HEAD'], scenario.dir)).to.equal(head);
        expect(snapshotFiles(scenario.dir)).to.deep.equal(before);
        expect(git(['status', '--porcelain', '--untracked-files=all'], scenario.dir)).to.equal('');
      });

      it('refuses a conflicting --name with exit 2 and changes nothing', async () => {
        const head = git(['rev-parse', 'HEAD'], scenario.dir);
        const before = snapshotFiles(scenario.dir);
        const result = await runCli(['init', scenario.dir, '--name', 'other-name'], { cwd: scenario.work });
        expectExit(result, 2);
        expect(result.stderr).to.match(/already a cp-gitops repository/);
        expect(result.stderr).to.include('--name other-name');
        expect(git(['rev-parse', 'HEAD'], scenario.dir)).to.equal(head);
        expect(snapshotFiles(scenario.dir)).to.deep.equal(before);
      });
    });
  });

  describe('minimal init: --components kafka --envs dev', function () {
    const scenario = initOnce('cp-gitops-e2e-minimal-', 'mini', () => ['--components', 'kafka', '--envs', 'dev']);

    it('exits 0 and generates only dev', () => {
      expectExit(scenario.result, 0);
      expect(readdirSync(join(scenario.dir, 'overlays'))).to.deep.equal(['dev']);
      expect(readdirSync(join(scenario.dir, 'argocd')).sort()).to.deep.equal(['bootstrap', 'clusters', 'dev']);
    });

    const render = itRendersAndValidates(scenario, ['dev']);

    it('renders Kafka with its KRaft controllers and none of the other components', () => {
      const kinds = new Set(render('overlays/dev').map((resource) => resource.kind));
      expect(kinds).to.include('Kafka').and.to.include('KRaftController');
      for (const kind of ['SchemaRegistry', 'Connect', 'KsqlDB', 'ControlCenter', 'KafkaRestProxy', 'Zookeeper']) expect(kinds, kind).to.not.include(kind);
    });
  });

  describe('legacy init: --cp-version 7.9.0 --controller zookeeper', function () {
    const envs = ['dev', 'staging', 'prod'];
    const scenario = initOnce('cp-gitops-e2e-zookeeper-', 'legacy', () => ['--cp-version', '7.9.0', '--controller', 'zookeeper']);

    it('exits 0', () => {
      expectExit(scenario.result, 0);
      expect(scenario.result.stdout).to.include('ZooKeeper');
    });

    const render = itRendersAndValidates(scenario, envs);

    for (const env of envs) {
      it(`renders ZooKeeper and the legacy Control Center 7.9.0 in ${env}, and no KRaftController`, () => {
        const resources = render(`overlays/${env}`);
        expect(byKind(resources, 'Zookeeper')).to.have.lengthOf(1);
        expect(byKind(resources, 'KRaftController')).to.deep.equal([]);
        const controlCenters = byKind(resources, 'ControlCenter');
        expect(controlCenters).to.have.lengthOf(1);
        expect(getPath(controlCenters[0], ['spec', 'image', 'application'])).to.match(/(^|\/)cp-enterprise-control-center:7\.9\.0$/);
      });
    }
  });

  describe('--dry-run', function () {
    it('writes nothing', async () => {
      const work = makeTempDir('cp-gitops-e2e-dry-');
      const result = await runCli(['init', join(work, 'p'), '--dry-run'], { cwd: work });
      expectExit(result, 0);
      expect(result.stdout).to.include('nothing was written');
      expect(existsSync(join(work, 'p'))).to.equal(false);
      expect(readdirSync(work)).to.deep.equal([]);
    });

    it('with --json prints one JSON document whose files include cp-gitops.yaml, and writes nothing', async () => {
      const work = makeTempDir('cp-gitops-e2e-dry-json-');
      const result = await runCli(['init', join(work, 'p'), '--dry-run', '--json'], { cwd: work });
      expectExit(result, 0);
      const json = JSON.parse(result.stdout) as { ok: boolean; dryRun: boolean; files: string[] };
      expect(json.ok).to.equal(true);
      expect(json.dryRun).to.equal(true);
      expect(json.files).to.include('cp-gitops.yaml');
      expect(json.files).to.include('overlays/prod/kustomization.yaml');
      expect(readdirSync(work)).to.deep.equal([]);
    });
  });

  describe('bad input: exit code, a message naming the problem, nothing written', function () {
    const cases: ReadonlyArray<{ title: string; args: string[]; code: number; messages: RegExp[] }> = [
      { title: 'an invalid name (--name Bad_Name)', args: ['--name', 'Bad_Name'], code: 2, messages: [/invalid platform name "Bad_Name"/, /DNS-1123/] },
      { title: 'a path-traversal-like environment (--envs dev,../x)', args: ['--envs', 'dev,../x'], code: 2, messages: [/invalid environment name "\.\.\/x"/] },
      { title: 'an unknown component (--components kafka,zookeeper2)', args: ['--components', 'kafka,zookeeper2'], code: 2, messages: [/unknown component: zookeeper2/] },
      {
        title: 'ZooKeeper with Confluent Platform 8.2.0',
        args: ['--controller', 'zookeeper', '--cp-version', '8.2.0'],
        code: 2,
        messages: [/ZooKeeper/, /8\.2\.0|CP 8/],
      },
      { title: 'an unknown flag (--nope)', args: ['--nope'], code: 2, messages: [/Unknown argument: nope/] },
      { title: 'a version that is not MAJOR.MINOR.PATCH (--cp-version 8.x)', args: ['--cp-version', '8.x'], code: 2, messages: [/invalid --cp-version "8\.x"/] },
    ];

    for (const { title, args, code, messages } of cases) {
      it(`refuses ${title} with exit ${code}`, async () => {
        const work = makeTempDir('cp-gitops-e2e-bad-');
        const result = await runCli(['init', join(work, 'p'), ...args], { cwd: work });
        expectExit(result, code);
        for (const message of messages) expect(result.stderr).to.match(message);
        expect(result.stdout).to.equal('');
        expect(readdirSync(work)).to.deep.equal([]);
      });
    }

    it('refuses a non-empty folder that is not a cp-gitops repository with exit 1, and keeps exactly its files', async () => {
      const work = makeTempDir('cp-gitops-e2e-nonempty-');
      const target = join(work, 'p');
      mkdirSync(join(target, '.config'), { recursive: true });
      writeFileSync(join(target, 'notes.txt'), 'mine\n');
      writeFileSync(join(target, '.config', 'settings'), 'x=1\n');
      const before = snapshotFiles(target);
      const result = await runCli(['init', target], { cwd: work });
      expectExit(result, 1);
      expect(result.stderr).to.match(/is not empty and is not a cp-gitops repository/);
      expect(snapshotFiles(target)).to.deep.equal(before);
      expect(readdirSync(target).sort()).to.deep.equal(['.config', 'notes.txt']);
      expect(readdirSync(work)).to.deep.equal(['p']);
    });
  });

  describe('a remote that rejects the push', function () {
    const scenario = initOnce('cp-gitops-e2e-rejected-', 'p', (work) => {
      const remote = join(work, 'remote.git');
      git(['init', '--bare', '--quiet', remote], work);
      const hook = join(remote, 'hooks', 'pre-receive');
      writeFileSync(hook, '#!/bin/sh\necho "rejected by the e2e test" >&2\nexit 1\n');
      chmodSync(hook, 0o755);
      return ['--remote', remote];
    });

    it('exits 1, names the push and a command to retry it', () => {
      expectExit(scenario.result, 1);
      expect(scenario.result.stderr).to.match(/push/i);
      expect(scenario.result.stderr).to.include(`git -C ${scenario.dir} push`);
    });

    it('keeps the local repository with its commit and files', () => {
      const head = git(['rev-parse', 'HEAD'], scenario.dir);
      expect(head).to.match(/^[0-9a-f]{40}$/);
      expect(git(['rev-parse', 'main'], scenario.dir)).to.equal(head);
      expect(existsSync(join(scenario.dir, 'cp-gitops.yaml'))).to.equal(true);
      expect(existsSync(join(scenario.dir, 'overlays', 'prod', 'kustomization.yaml'))).to.equal(true);
      expect(git(['status', '--porcelain', '--untracked-files=all'], scenario.dir)).to.equal('');
      expect(git(['for-each-ref', 'refs/heads'], join(scenario.work, 'remote.git'))).to.equal('');
      expect(stagingLeftovers(scenario.work)).to.deep.equal([]);
    });

    it('prints a retry command that works once the remote accepts', () => {
      const retry = /git -C (\S+) push (.+)$/m.exec(scenario.result.stderr);
      expect(retry, scenario.result.stderr).to.not.equal(null);
      rmSync(join(scenario.work, 'remote.git', 'hooks', 'pre-receive'));
      git(['-C', retry![1]!, 'push', ...retry![2]!.trim().split(/\s+/)], scenario.work);
      expect(git(['rev-parse', 'main'], join(scenario.work, 'remote.git'))).to.equal(git(['rev-parse', 'HEAD'], scenario.dir));
    });
  });

  describe('--json on errors', function () {
    it('prints {ok: false, error: {code}} on stdout for a usage error', async () => {
      const work = makeTempDir('cp-gitops-e2e-json-');
      const result = await runCli(['init', join(work, 'p'), '--name', 'Bad_Name', '--json'], { cwd: work });
      expectExit(result, 2);
      const json = JSON.parse(result.stdout) as { ok: boolean; error: { code: string; message: string; exitCode: number } };
      expect(json.ok).to.equal(false);
      expect(json.error.code).to.equal('usage');
      expect(json.error.message).to.include('Bad_Name');
      expect(json.error.exitCode).to.equal(2);
      expect(readdirSync(work)).to.deep.equal([]);
    });

    it('prints {ok: false, error: {code}} on stdout for a failure (a non-empty folder)', async () => {
      const work = makeTempDir('cp-gitops-e2e-json-');
      mkdirSync(join(work, 'p'));
      writeFileSync(join(work, 'p', 'notes.txt'), 'mine\n');
      const result = await runCli(['init', join(work, 'p'), '--json'], { cwd: work });
      expectExit(result, 1);
      const json = JSON.parse(result.stdout) as { ok: boolean; error: { code: string } };
      expect(json.ok).to.equal(false);
      expect(json.error.code).to.equal('workspace');
    });
  });

  describe('help and version', function () {
    it('cp-gitops --help exits 0 with examples', async () => {
      const result = await runCli(['--help']);
      expectExit(result, 0);
      expect(result.stdout).to.include('Examples');
      expect(result.stdout).to.include('cp-gitops init');
    });

    it('cp-gitops init --help exits 0 with examples and the init options', async () => {
      const result = await runCli(['init', '--help']);
      expectExit(result, 0);
      expect(result.stdout).to.include('Examples');
      expect(result.stdout).to.include('--dry-run');
      expect(result.stdout).to.include('--remote');
    });

    it('cp-gitops --version prints the package.json version', async () => {
      const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
      const result = await runCli(['--version']);
      expectExit(result, 0);
      expect(result.stdout.trim()).to.equal(version);
    });
  });
});
