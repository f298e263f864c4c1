import { expect } from 'chai';
import { UsageError } from '../../src/errors.js';
import { buildNewModel } from '../../src/model/build.js';
import { githubRepositoryOfRemote, withGitHubProvider } from '../../src/model/git-provider.js';
import { parsePlatformModel } from '../../src/model/parse.js';
import { serializePlatformModel } from '../../src/model/serialize.js';
import { isCpGitopsCommit, commitMessage } from '../../src/promotion/commit-message.js';
import { planAddEnvironment, planRemoveCluster, planRemoveComponent, planRemoveEnvironment } from '../../src/promotion/lifecycle.js';
import { planAddCluster } from '../../src/promotion/add-cluster.js';
import { pullRequestBody } from '../../src/promotion/pr-body.js';

describe('lifecycle plans (remove-component, add-env, remove-env, remove-cluster)', () => {
  const model = buildNewModel({ name: 'p', components: ['kafka', 'connect'], repoURL: 'https://github.com/acme/p.git' });
  const refused = (action: () => unknown, pattern: RegExp) => expect(action).to.throw(UsageError, pattern);

  it('remove-component in reverse promotion order: prod first; dev is refused while staging and prod run it', () => {
    refused(() => planRemoveComponent(model, { component: 'connect', env: 'dev' }), /staging, prod still run connect/);
    const plan = planRemoveComponent(model, { component: 'connect', env: 'prod' });
    expect(plan.model.environments.map((env) => env.components)).to.deep.equal([['kafka', 'connect'], ['kafka', 'connect'], ['kafka']]);
    expect(plan.branch).to.equal('cp-gitops/remove-connect-prod');
    expect(planRemoveComponent(plan.model, { component: 'connect', env: 'prod' }).changes, 'a re-run after the merge').to.deep.equal([]);
  });

  it('remove-component drops the component\'s config lines and size overrides with it', () => {
    const withExtras = { ...model, environments: model.environments.map((env) => (env.name === 'prod' ? { ...env, config: { connect: ['a=1'], kafka: ['b=2'] }, overrides: { Connect: { replicas: 3 } } } : env)) };
    const prod = planRemoveComponent(withExtras, { component: 'connect', env: 'prod' }).model.environments[2]!;
    expect(prod.config).to.deep.equal({ kafka: ['b=2'] });
    expect(prod.overrides).to.equal(undefined);
  });

  it('remove-component kafka is refused with the command that removes the whole environment', () => {
    refused(() => planRemoveComponent(model, { component: 'kafka', env: 'prod' }), /Kafka cannot be removed/);
  });

  it('remove-env then add-env --after gives back the same model file', () => {
    const removed = planRemoveEnvironment(model, { name: 'staging' });
    expect(removed.model.environments.map((env) => env.name)).to.deep.equal(['dev', 'prod']);
    expect(removed.warnings![0]).to.match(/1\. kubectl -n argocd delete application p-staging-root.*2\. kubectl -n p-staging delete kafkatopics.*3\. kubectl -n argocd delete application p-staging --wait.*4\. kubectl -n argocd delete application p-staging-operator.*5\. .*delete namespace p-staging/);
    const added = planAddEnvironment(removed.model, { name: 'staging', after: 'dev' });
    expect(serializePlatformModel(added.model)).to.equal(serializePlatformModel(model));
    // prod comes back large, with tls.mode auto, as init makes it.
    const prodBack = planAddEnvironment(planRemoveEnvironment(model, { name: 'prod' }).model, { name: 'prod' });
    expect(serializePlatformModel(prodBack.model)).to.equal(serializePlatformModel(model));
  });

  it('remove-env refuses the CRD owner of a shared cluster and the last environment; an own cluster is fine', () => {
    refused(() => planRemoveEnvironment(model, { name: 'dev' }), /dev's operator installs the CFK CRDs/);
    const separate = { ...model, environments: model.environments.map((env) => (env.name === 'dev' ? { ...env, cluster: 'https://dev.example.com:6443' } : env)) };
    expect(planRemoveEnvironment(separate, { name: 'dev' }).model.environments.map((env) => env.name)).to.deep.equal(['staging', 'prod']);
    const single = buildNewModel({ name: 'p', environments: ['dev'], components: ['kafka'] });
    refused(() => planRemoveEnvironment(single, { name: 'dev' }), /only environment/);
  });

  it('add-env: before the CRD owner is refused; a new stage gets its predecessor\'s components and versions', () => {
    refused(() => planAddEnvironment(model, { name: 'qa', first: true }), /would come before dev/);
    const upgraded = { ...model, environments: model.environments.map((env) => (env.name === 'dev' ? { ...env, versions: { confluentPlatform: '8.2.1' } } : env)) };
    const qa = planAddEnvironment(upgraded, { name: 'qa', after: 'dev' }).model.environments[1]!;
    expect(qa).to.deep.include({ name: 'qa', namespace: 'p-qa', size: 'medium', components: ['kafka', 'connect'], versions: { confluentPlatform: '8.2.1' } });
    refused(() => planAddEnvironment(model, { name: 'qa', namespace: 'p-dev' }), /already belongs to dev/);
  });

  it('add-cluster then remove-cluster gives back the same model file', () => {
    const added = planAddCluster(model, { name: 'analytics', env: 'dev' });
    const removed = planRemoveCluster(added.model, { name: 'analytics', env: 'dev' });
    expect(serializePlatformModel(removed.model)).to.equal(serializePlatformModel(model));
    expect(removed.warnings![0]).to.include('kubectl -n argocd delete application p-dev-analytics --wait');
  });
});

describe('the Git provider record and the change flow\'s pure parts', () => {
  it('githubRepositoryOfRemote reads github.com remotes as gh does, and nothing else', () => {
    expect(githubRepositoryOfRemote('https://github.com/acme/platform.git')).to.deep.equal({ owner: 'acme', repo: 'platform' });
    expect(githubRepositoryOfRemote('git@github.com:acme/platform.git')).to.deep.equal({ owner: 'acme', repo: 'platform' });
    expect(githubRepositoryOfRemote('ssh://git@github.com/acme/platform')).to.deep.equal({ owner: 'acme', repo: 'platform' });
    expect(githubRepositoryOfRemote('https://git.example.org/acme/platform.git')).to.equal(undefined);
    expect(githubRepositoryOfRemote('/srv/git/platform.git')).to.equal(undefined);
    expect(githubRepositoryOfRemote('https://github.com/acme')).to.equal(undefined);
  });

  it('gitProvider round-trips through cp-gitops.yaml; api.github.com is not recorded', () => {
    const model = buildNewModel({ name: 'p', environments: ['dev'], components: ['kafka'] });
    const enterprise = withGitHubProvider(model, { owner: 'acme', repo: 'p' }, 'https://ghe.example.com/api/v3');
    expect(parsePlatformModel(serializePlatformModel(enterprise), 'cp-gitops.yaml').gitProvider).to.deep.equal({ type: 'github', repository: 'acme/p', apiUrl: 'https://ghe.example.com/api/v3' });
    expect(withGitHubProvider(model, { owner: 'acme', repo: 'p' }, 'https://api.github.com').gitProvider).to.deep.equal({ type: 'github', repository: 'acme/p' });
    expect(() => parsePlatformModel(serializePlatformModel(model).replace('targetRevision: main', 'targetRevision: main\ngitProvider:\n  type: gitea\n  repository: acme/p'), 'cp-gitops.yaml')).to.throw(/gitProvider/);
    expect(parsePlatformModel(serializePlatformModel(model).replace('targetRevision: main', 'targetRevision: main\ngitProvider:\n  type: gitlab\n  repository: acme/kafka/p'), 'cp-gitops.yaml').gitProvider).to.deep.equal({ type: 'gitlab', repository: 'acme/kafka/p' });
    expect(() => parsePlatformModel(serializePlatformModel(model).replace('targetRevision: main', 'targetRevision: main\ngitProvider:\n  type: github\n  repository: acme/kafka/p'), 'cp-gitops.yaml')).to.throw(/gitProvider/);
  });

  it('a commit cp-gitops made ends with its marker; a reviewer\'s does not', () => {
    expect(isCpGitopsCommit(commitMessage({ title: 'Add connect to dev', changes: [] }))).to.equal(true);
    expect(isCpGitopsCommit('Note from the review\n')).to.equal(false);
  });

  it('the PR body says how to refresh it when main moves on', () => {
    const body = pullRequestBody({ title: 'Add connect to dev', changes: [], overlays: ['overlays/dev'], diffs: [], validation: 'no errors', renderer: 'kubectl kustomize', rerun: 'cp-gitops add-component connect --env dev', base: 'main' });
    expect(body).to.include('If `main` moves on before this is merged').and.include('`cp-gitops add-component connect --env dev`');
    expect(pullRequestBody({ title: 't', changes: [], overlays: ['overlays/dev'], diffs: [], validation: 'x', renderer: 'k' })).to.not.include('moves on');
  });
});
