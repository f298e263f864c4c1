import { expect } from 'chai';
import { UsageError } from '../../src/errors.js';
import { loadTemplates } from '../../src/adapters/templates.js';
import { generateRepository } from '../../src/generator/repository.js';
import { buildNewModel } from '../../src/model/build.js';
import { parsePlatformModel } from '../../src/model/parse.js';
import { serializePlatformModel } from '../../src/model/serialize.js';
import { unifiedDiff } from '../../src/promotion/diff.js';
import { planAddComponent, planAddTopic, planPromote } from '../../src/promotion/plan.js';
import { commitMessage } from '../../src/promotion/commit-message.js';
import { GITHUB_BODY_LIMIT, pullRequestBody } from '../../src/promotion/pr-body.js';
import { changedOverlays, diffRenders } from '../../src/promotion/rendered-diff.js';
import { planTreeChange } from '../../src/promotion/tree-change.js';
import { planRegeneration } from '../../src/promotion/regenerate.js';
import { contentHash, isRecordPath, readRecord, recordFiles } from '../../src/generator/checksums.js';
import { generateDocs } from '../../src/generator/repository.js';
import { fileTree } from '../../src/generator/file-tree.js';

describe('promotion plans', () => {
  const base = buildNewModel({ name: 'p', components: ['kafka'], repoURL: 'https://github.com/acme/p.git' });

  it('add-component adds to one environment only, with a deterministic branch and labels', () => {
    const plan = planAddComponent(base, { component: 'connect', env: 'dev', withDeps: false });
    expect(plan.model.environments.map((env) => env.components)).to.deep.equal([['kafka', 'connect'], ['kafka'], ['kafka']]);
    expect(plan.branch).to.equal('cp-gitops/add-connect-dev');
    expect(plan.labels).to.deep.equal(['env:dev', 'component:connect']);
    expect(plan.changes).to.deep.equal([{ env: 'dev', component: 'connect', field: 'enabled', from: 'no', to: 'yes' }]);
  });

  it('add-component of what is there changes nothing', () => {
    expect(planAddComponent(base, { component: 'kafka', env: 'dev', withDeps: false }).changes).to.deep.equal([]);
  });

  it('refuses unknown components and environments', () => {
    expect(() => planAddComponent(base, { component: 'zk', env: 'dev', withDeps: false })).to.throw(UsageError, /unknown component "zk"/);
    expect(() => planAddComponent(base, { component: 'connect', env: 'qa', withDeps: false })).to.throw(UsageError, /unknown environment "qa"/);
  });

  it('promote copies components, versions and topics, never namespace, cluster or size', () => {
    let model = planAddComponent(base, { component: 'connect', env: 'dev', withDeps: false }).model;
    model = planAddTopic(model, { env: 'dev', topic: { name: 'orders.v1', partitions: 6 } }).model;
    model = { ...model, environments: model.environments.map((env) => (env.name === 'dev' ? { ...env, versions: { confluentPlatform: '8.2.1' } } : env)) };
    const plan = planPromote(model, { from: 'dev', to: 'staging', skipStage: false });
    const staging = plan.model.environments[1]!;
    expect(staging.components).to.deep.equal(['kafka', 'connect']);
    expect(staging.versions).to.deep.equal({ confluentPlatform: '8.2.1' });
    expect(staging.topics).to.deep.equal([{ name: 'orders.v1', partitions: 6 }]);
    expect([staging.namespace, staging.cluster, staging.size]).to.deep.equal(['p-staging', 'https://kubernetes.default.svc', 'medium']);
    expect(plan.changes.map((row) => `${row.component}:${row.field}:${row.from}→${row.to}`)).to.deep.equal([
      'connect:enabled:no→yes',
      'platform:version.confluentPlatform:8.2.0→8.2.1',
      'topic orders.v1:partitions:—→6',
    ]);
    expect(plan.branch).to.equal('cp-gitops/promote-dev-to-staging');
    // The new model is a valid model.
    expect(parsePlatformModel(serializePlatformModel(plan.model), 'cp-gitops.yaml')).to.deep.equal(plan.model);
  });

  it('promote follows the path: no skipping without --skip-stage, never backwards', () => {
    expect(() => planPromote(base, { from: 'dev', to: 'prod', skipStage: false })).to.throw(UsageError, /skips staging/);
    expect(() => planPromote(base, { from: 'staging', to: 'dev', skipStage: false })).to.throw(UsageError, /comes before/);
    expect(planPromote(base, { from: 'dev', to: 'prod', skipStage: true }).changes).to.deep.equal([]);
  });

  it('refuses to shrink a topic', () => {
    const model = planAddTopic(base, { env: 'dev', topic: { name: 'orders', partitions: 6 } }).model;
    expect(() => planAddTopic(model, { env: 'dev', topic: { name: 'orders', partitions: 3 } })).to.throw(UsageError, /cannot reduce partitions/);
  });
});

describe('tree changes', () => {
  const templates = loadTemplates();
  const before = buildNewModel({ name: 'p', components: ['kafka'], repoURL: 'https://github.com/acme/p.git' });
  const after = planAddComponent(before, { component: 'connect', env: 'dev', withDeps: false }).model;
  const oldTree = generateRepository(before, templates);
  const newTree = generateRepository(after, templates);

  it('touches only what the model change concerns', () => {
    const change = planTreeChange(oldTree, newTree, oldTree);
    expect([...change.writes.keys()]).to.include.members(['cp-gitops.yaml', 'base/connect/connect.yaml', 'overlays/dev/kustomization.yaml', 'overlays/dev/patches/connect.yaml']);
    expect([...change.writes.keys()].some((path) => path.startsWith('overlays/staging/'))).to.equal(false);
    expect(change.conflicts).to.deep.equal([]);
  });

  it('reports a hand edit the change would overwrite as a conflict, and leaves other hand edits alone', () => {
    const disk = new Map(oldTree);
    disk.set('overlays/dev/kustomization.yaml', `${oldTree.get('overlays/dev/kustomization.yaml')}# hand edit\n`);
    disk.set('overlays/prod/kustomization.yaml', `${oldTree.get('overlays/prod/kustomization.yaml')}# hand edit\n`);
    const change = planTreeChange(oldTree, newTree, disk);
    expect(change.conflicts).to.deep.equal(['overlays/dev/kustomization.yaml']);
    expect(change.writes.has('overlays/prod/kustomization.yaml')).to.equal(false);
  });

  it('cp-gitops.yaml edited by hand is no conflict: the change was planned from it and keeps the edit', () => {
    const edited = { ...before, environments: before.environments.map((env) => (env.name === 'prod' ? { ...env, size: 'medium' as const } : env)) };
    const disk = new Map(oldTree);
    disk.set('cp-gitops.yaml', generateRepository(edited, templates).get('cp-gitops.yaml')!);
    const planned = planAddComponent(edited, { component: 'connect', env: 'dev', withDeps: false }).model;
    const change = planTreeChange(generateRepository(edited, templates), generateRepository(planned, templates), disk);
    expect(change.conflicts).to.deep.equal([]);
    expect(change.writes.get('cp-gitops.yaml')).to.include('size: medium').and.include('connect');
  });
});

describe('regeneration (cp-gitops generate, docs and every change command)', () => {
  const templates = loadTemplates();
  const model = buildNewModel({ name: 'p', components: ['kafka'], repoURL: 'https://github.com/acme/p.git' });
  const repository = generateRepository(model, templates);
  /** What cp-gitops generate aims at: everything but the model (the input) and the record. */
  const targetOf = (m: typeof model) => fileTree([...generateRepository(m, templates)].filter(([path]) => path !== 'cp-gitops.yaml' && !isRecordPath(path)));
  const withModel = (m: typeof model) => new Map([...repository, ['cp-gitops.yaml', serializePlatformModel(m)]]);

  it('a repository just generated: nothing to write, not even the record', () => {
    const plan = planRegeneration(targetOf(model), repository);
    expect(plan.changed).to.deep.equal([]);
    expect(plan.writes.size + plan.deletes.length).to.equal(0);
  });

  it('a hand edit of repoURL in cp-gitops.yaml: every Argo CD manifest naming it is rewritten, no conflict, the record follows', () => {
    const moved = { ...model, repoURL: 'https://git.example.org/acme/p.git' };
    const plan = planRegeneration(targetOf(moved), withModel(moved));
    expect(plan.conflicts).to.deep.equal([]);
    const files = plan.changed.map((entry) => entry.file);
    expect(files).to.include.members(['argocd/dev/platform.yaml', 'argocd/dev/project.yaml', 'argocd/bootstrap/root-dev.yaml']);
    expect(files).not.to.include('cp-gitops.yaml');
    expect(plan.writes.get('argocd/dev/platform.yaml')).to.include('https://git.example.org/acme/p.git');
    // Entries are added and deleted, never modified: two branches cannot conflict in them.
    const record = readRecord(new Map([...[...repository].filter(([path]) => !plan.deletes.includes(path)), ...plan.writes]))!;
    expect([...record.get('argocd/dev/platform.yaml')!]).to.deep.equal([contentHash(plan.writes.get('argocd/dev/platform.yaml')!)]);
    for (const path of plan.writes.keys()) if (isRecordPath(path)) expect(repository.has(path), path).to.equal(false);
  });

  it('a hand-added environment gets its overlay, Argo CD apps and root app; a removed one loses them', () => {
    const added = { ...model, environments: [...model.environments, { ...model.environments[0]!, name: 'qa', namespace: 'p-qa' }] };
    const plan = planRegeneration(targetOf(added), withModel(added));
    expect(plan.conflicts).to.deep.equal([]);
    expect(plan.changed.filter((entry) => entry.action === 'create').map((entry) => entry.file)).to.include.members(['overlays/qa/kustomization.yaml', 'argocd/qa/platform.yaml', 'argocd/bootstrap/root-qa.yaml']);
    const removed = { ...model, environments: model.environments.filter((env) => env.name !== 'staging') };
    const removal = planRegeneration(targetOf(removed), withModel(removed));
    expect(removal.deletes).to.include.members(['overlays/staging/kustomization.yaml', 'argocd/staging/platform.yaml', 'argocd/bootstrap/root-staging.yaml']);
    expect(removal.conflicts).to.deep.equal([]);
  });

  it('a hand-edited generated file is a conflict (written only with force); nothing changes in a file that is already right', () => {
    const moved = { ...model, repoURL: 'https://git.example.org/acme/p.git' };
    const disk = withModel(moved);
    disk.set('argocd/dev/platform.yaml', `${repository.get('argocd/dev/platform.yaml')}# tuned by hand\n`);
    expect(planRegeneration(targetOf(moved), disk).conflicts).to.deep.equal(['argocd/dev/platform.yaml']);
    const forced = planRegeneration(targetOf(moved), disk, { force: true });
    expect(forced.conflicts).to.deep.equal([]);
    expect(forced.writes.has('argocd/dev/platform.yaml')).to.equal(true);
  });

  it('a hand edit that carries a drift/stale suppression is kept, not a conflict (force still overwrites it)', () => {
    const moved = { ...model, repoURL: 'https://git.example.org/acme/p.git' };
    const disk = withModel(moved);
    disk.set('argocd/dev/platform.yaml', `# cp-gitops:ignore drift/stale the platform app is patched by the platform team\n${repository.get('argocd/dev/platform.yaml')}`);
    const plan = planRegeneration(targetOf(moved), disk);
    expect(plan.conflicts).to.deep.equal([]);
    expect(plan.kept).to.deep.equal(['argocd/dev/platform.yaml']);
    expect(plan.writes.has('argocd/dev/platform.yaml')).to.equal(false);
    expect(planRegeneration(targetOf(moved), disk, { force: true }).writes.has('argocd/dev/platform.yaml')).to.equal(true);
  });

  it('line endings do not count: a CRLF checkout is current, and its stale files are no hand edits', () => {
    const crlf = new Map([...repository].map(([path, content]) => [path, content.replace(/\n/g, '\r\n')]));
    expect(planRegeneration(targetOf(model), crlf).changed).to.deep.equal([]);
    const moved = { ...model, repoURL: 'https://git.example.org/acme/p.git' };
    crlf.set('cp-gitops.yaml', serializePlatformModel(moved));
    const plan = planRegeneration(targetOf(moved), crlf);
    expect(plan.conflicts).to.deep.equal([]);
    expect(plan.changed.length).to.be.greaterThan(0);
  });

  it('after two merged branches a path has two entries: content the model generates is no hand edit, and the record is left as it is', () => {
    const disk = new Map(repository);
    disk.set('README.md', `${repository.get('README.md')}merged\n`);
    const extra = recordFiles(new Map([['README.md', new Set([contentHash('one branch\n')])]]));
    for (const [path, content] of extra) disk.set(path, content);
    const target = new Map(targetOf(model));
    target.set('README.md', disk.get('README.md')!);
    const plan = planRegeneration(fileTree(target), disk);
    expect(plan.changed).to.deep.equal([]);
    expect(plan.writes.size + plan.deletes.length).to.equal(0);
  });

  it('the change commands share the path: a hand edit they do not concern is kept aside, one they concern is a conflict', () => {
    const after = planAddComponent(model, { component: 'connect', env: 'dev', withDeps: false }).model;
    const disk = new Map(repository);
    disk.set('overlays/prod/kustomization.yaml', `${repository.get('overlays/prod/kustomization.yaml')}# hand edit\n`);
    const change = planTreeChange(repository, generateRepository(after, templates), disk);
    expect(change.kept).to.deep.equal(['overlays/prod/kustomization.yaml']);
    expect(change.conflicts).to.deep.equal([]);
  });

  it('docs scope: only the documents and their entries', () => {
    const edited = { ...model, environments: model.environments.map((env) => (env.name === 'dev' ? { ...env, size: 'large' as const } : env)) };
    const docs = generateDocs(edited, templates);
    const plan = planRegeneration(docs, withModel(edited), { scope: (path) => docs.has(path) });
    expect(plan.changed.map((entry) => entry.file)).to.deep.equal(['README.md', 'docs/architecture.md']);
    expect([...plan.writes.keys()].filter((path) => !isRecordPath(path))).to.deep.equal(['README.md', 'docs/architecture.md']);
    expect(plan.deletes.every(isRecordPath)).to.equal(true);
  });
});

describe('diffs and pull request bodies', () => {
  it('unified diff with hunk headers', () => {
    expect(unifiedDiff('a\nb\nc\n', 'a\nB\nc\n')).to.equal('@@ -1,3 +1,3 @@\n a\n-b\n+B\n c');
  });

  it('rendered diff per resource: added, changed, removed', () => {
    const before = 'kind: A\nmetadata:\n  name: a\nspec: 1\n---\nkind: B\nmetadata:\n  name: b\n';
    const after = 'kind: A\nmetadata:\n  name: a\nspec: 2\n---\nkind: C\nmetadata:\n  name: c\n';
    expect(diffRenders(before, after).map((diff) => `${diff.resource}:${diff.change}`)).to.deep.equal(['A/a:changed', 'B/b:removed', 'C/c:added']);
  });

  it('cuts the body before GitHub\'s limit, with a note', () => {
    const diffs = Array.from({ length: 200 }, (_, index) => ({ resource: `Kafka/k${index}`, change: 'changed' as const, diff: `+${'x'.repeat(1000)}` }));
    const body = pullRequestBody({ title: 't', changes: [], overlays: ['overlays/dev'], diffs, validation: 'no errors', renderer: 'kubectl kustomize' });
    expect(body.length).to.be.at.most(GITHUB_BODY_LIMIT);
    expect(body).to.match(/more resources not shown/);
    expect(body).to.match(/### Validation/);
  });

  describe('warnings of the plan', () => {
    const reassign = 'new brokers start empty: run kafka-reassign-partitions --generate, then --execute';
    const roll = 'CFK rolls the Kafka pods one at a time';
    const input = {
      title: 'Scale kafka in dev: replicas 4',
      changes: [{ env: 'dev', component: 'kafka', field: 'replicas', from: '3', to: '4' }],
      overlays: ['overlays/dev'],
      diffs: [{ resource: 'Kafka/kafka', change: 'changed' as const, diff: '-  replicas: 3\n+  replicas: 4' }],
      validation: 'no errors, no warnings',
      renderer: 'kubectl kustomize',
    };

    it('a Warnings section after the table and before the diff, one quote per warning', () => {
      const body = pullRequestBody({ ...input, warnings: [reassign, roll] });
      expect(body).to.include(`### Warnings\n\n> **Warning**: ${reassign}\n\n> **Warning**: ${roll}\n`);
      const at = (text: string) => body.indexOf(text);
      expect(at('| dev | kafka | replicas | 3 | 4 |')).to.be.below(at('### Warnings'));
      expect(at('### Warnings')).to.be.below(at('### What changes in the cluster'));
      expect(at(roll)).to.be.below(at('```diff'));
    });

    it('no section without warnings', () => {
      expect(pullRequestBody(input)).not.to.include('Warning');
      expect(pullRequestBody({ ...input, warnings: [] })).to.equal(pullRequestBody(input));
    });

    it('a warning with a line break stays inside its quote', () => {
      expect(pullRequestBody({ ...input, warnings: ['first line\n  second line'] })).to.include('> **Warning**: first line second line\n');
    });

    it('count toward the limit; the diff is cut, never the warnings', () => {
      const long = Array.from({ length: 8 }, (_, index) => `${index}: ${'w'.repeat(2000)}`);
      const diffs = Array.from({ length: 60 }, (_, index) => ({ resource: `Kafka/k${index}`, change: 'changed' as const, diff: `+${'x'.repeat(1000)}` }));
      const body = pullRequestBody({ ...input, diffs, warnings: long });
      expect(body.length).to.be.at.most(GITHUB_BODY_LIMIT);
      // Without the warnings every resource fits: the cut is theirs.
      expect(pullRequestBody({ ...input, diffs })).not.to.match(/not shown/);
      expect(body).to.match(/more resources not shown/);
      for (const warning of long) expect(body).to.include(warning);
      expect(body).to.match(/### Validation/);
    });

    it('the commit message lists them after the changed fields', () => {
      expect(commitMessage({ title: input.title, changes: input.changes, warnings: [reassign, roll] })).to.equal(
        `Scale kafka in dev: replicas 4\n\n- dev: kafka replicas 3 → 4\n\nWarnings:\n- ${reassign}\n- ${roll}\n\nMade by cp-gitops.`,
      );
      expect(commitMessage({ title: input.title, changes: input.changes })).to.equal('Scale kafka in dev: replicas 4\n\n- dev: kafka replicas 3 → 4\n\nMade by cp-gitops.');
    });
  });
});

describe('changed overlays', () => {
  it('the target first, then every other overlay or Kafka cluster overlay whose files change; bases and Argo CD files add none', () => {
    const paths = ['cp-gitops.yaml', 'base/connect/connect.yaml', 'overlays/prod/clusters/analytics/topics/clicks.yaml', 'overlays/dev/kustomization.yaml', 'argocd/prod/platform.yaml', 'overlays/prod/patches/kafka.yaml'];
    expect(changedOverlays(paths, 'overlays/prod')).to.deep.equal(['overlays/prod', 'overlays/dev', 'overlays/prod/clusters/analytics']);
    expect(changedOverlays(['base/kafka/kafka.yaml'], 'overlays/dev')).to.deep.equal(['overlays/dev']);
  });
});
