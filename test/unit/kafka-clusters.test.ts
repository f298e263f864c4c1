import { expect } from 'chai';
import { loadTemplates } from '../../src/adapters/templates.js';
import { UsageError } from '../../src/errors.js';
import { buildNewModel } from '../../src/model/build.js';
import { checkModelSemantics } from '../../src/model/check.js';
import { deployedModel, expandKafkaClusters, splitKafkaClusterKey } from '../../src/model/kafka-clusters.js';
import { optionsOf } from '../../src/model/options.js';
import { parsePlatformModel } from '../../src/model/parse.js';
import { serializePlatformModel } from '../../src/model/serialize.js';
import type { KafkaClusterSpec, PlatformModel } from '../../src/model/types.js';
import { planAddCluster } from '../../src/promotion/add-cluster.js';
import { planScale } from '../../src/promotion/day2.js';
import { environmentOf, planAddComponent, planAddTopic, planPromote, planSetOptions } from '../../src/promotion/plan.js';

const base = buildNewModel({ name: 'shop', environments: ['dev', 'prod'], components: ['kafka'], repoURL: 'https://github.com/acme/shop.git' });

function withClusters(model: PlatformModel, env: string, clusters: KafkaClusterSpec[]): PlatformModel {
  return { ...model, environments: model.environments.map((candidate) => (candidate.name === env ? { ...candidate, kafkaClusters: clusters } : candidate)) };
}

const analytics: KafkaClusterSpec = { name: 'analytics', namespace: 'shop-dev-analytics', components: ['kafka'] };

describe('several Kafka clusters: the model', () => {
  it('expands each cluster into an environment "<env>/<cluster>" after the real ones, remembering where it is written', () => {
    const { model, origins } = expandKafkaClusters(withClusters(base, 'dev', [analytics]));
    expect(model.environments.map((env) => [env.name, env.namespace, env.size])).to.deep.equal([
      ['dev', 'shop-dev', 'small'],
      ['prod', 'shop-prod', 'large'],
      ['dev/analytics', 'shop-dev-analytics', 'small'],
    ]);
    expect(origins[2]).to.deep.equal(['environments', 0, 'kafkaClusters', 0]);
    expect(model.environments[0]).to.not.have.property('kafkaClusters');
    expect(splitKafkaClusterKey('dev/analytics')).to.deep.equal({ environment: 'dev', kafkaCluster: 'analytics' });
  });

  it('leaves a model without clusters as it is (the same object)', () => {
    expect(deployedModel(base)).to.equal(base);
  });

  it('layers options: platform, then environment, then cluster', () => {
    const model: PlatformModel = {
      ...withClusters(base, 'prod', [{ name: 'analytics', namespace: 'shop-prod-analytics', components: ['kafka'], options: { logging: { levels: { root: 'WARN' } } } }]),
      options: { monitoring: { prometheus: true } },
    };
    const cluster = deployedModel(model).environments.find((env) => env.name === 'prod/analytics')!;
    const options = optionsOf(model, cluster);
    expect(options.monitoring).to.deep.equal({ prometheus: true });
    expect(options.tls).to.deep.equal({ mode: 'auto' }); // prod's own, inherited
    expect(options.logging).to.deep.equal({ levels: { root: 'WARN' } });
  });

  it('round-trips through cp-gitops.yaml', () => {
    const model = withClusters(base, 'dev', [{ ...analytics, size: 'medium', components: ['kafka', 'connect'], options: { monitoring: { podMonitors: true } } }]);
    expect(parsePlatformModel(serializePlatformModel(model), 'cp-gitops.yaml')).to.deep.equal(model);
  });

  const problems: [string, PlatformModel, (string | number)[], RegExp][] = [
    ['a name used twice in one environment', withClusters(base, 'dev', [analytics, { ...analytics, namespace: 'other' }]), ['environments', 0, 'kafkaClusters', 1, 'name'], /defined twice/],
    ['the namespace of another environment', withClusters(base, 'dev', [{ ...analytics, namespace: 'shop-prod' }]), ['environments', 0, 'kafkaClusters', 0, 'namespace'], /uses namespace "shop-prod".*environments\[1\]/],
    ['no kafka', withClusters(base, 'dev', [{ ...analytics, components: ['connect'] }]), ['environments', 0, 'kafkaClusters', 0, 'components'], /has no kafka/],
    [
      'Argo CD names that an environment already has',
      { ...withClusters(base, 'dev', [analytics]), environments: [...withClusters(base, 'dev', [analytics]).environments, { ...base.environments[0]!, name: 'dev-analytics', namespace: 'x' }] },
      ['environments', 0, 'kafkaClusters', 0, 'name'],
      /shop-dev-analytics/,
    ],
  ];
  for (const [title, model, path, message] of problems) {
    it(`refuses ${title}, at the cluster's own place in cp-gitops.yaml`, () => {
      const found = checkModelSemantics(model);
      expect(found.map((problem) => problem.message).join('\n')).to.match(message);
      expect(found.find((problem) => message.test(problem.message))!.path).to.deep.equal(path);
    });
  }

  it('reports an inherited option at the environment that sets it, naming the cluster', () => {
    // prod's loadBalancer names are inherited by prod/analytics: the same DNS names twice.
    let model = withClusters(base, 'prod', [{ name: 'analytics', namespace: 'shop-prod-analytics', components: ['kafka'] }]);
    model = planSetOptions(model, { env: 'prod', settings: ['externalAccess.type=loadBalancer', 'externalAccess.domain=kafka.shop.example'] }).model;
    const clash = checkModelSemantics(model).find((problem) => /DNS name/.test(problem.message));
    expect(clash?.message).to.match(/"prod\/analytics".*like environment "prod"/);
    expect(clash?.path).to.deep.equal(['environments', 1, 'options', 'externalAccess']);
    expect(clash?.fix).to.include('--env prod/analytics');
    // Its own domain ends the clash.
    model = planSetOptions(model, { env: 'prod/analytics', settings: ['externalAccess.type=loadBalancer', 'externalAccess.domain=analytics.shop.example'] }).model;
    expect(checkModelSemantics(model)).to.deep.equal([]);
  });
});

describe('several Kafka clusters: the plans', () => {
  it('add-cluster: the namespace defaults to <env namespace>-<name>, kafka comes first, the overlay is the PR target', () => {
    const plan = planAddCluster(base, { name: 'analytics', env: 'dev', components: ['connect'] });
    expect(plan.model.environments[0]!.kafkaClusters).to.deep.equal([{ name: 'analytics', namespace: 'shop-dev-analytics', components: ['kafka', 'connect'] }]);
    expect(plan.targetEnv).to.equal('dev/analytics');
    expect(plan.branch).to.equal('cp-gitops/add-cluster-analytics-dev');
    expect(plan.changes.map((row) => `${row.component} ${row.field} ${row.to}`)).to.deep.equal(['kafka cluster namespace shop-dev-analytics', 'kafka enabled yes', 'connect enabled yes']);
  });

  it('add-cluster: the same request again is no change; a different one is refused', () => {
    const once = planAddCluster(base, { name: 'analytics', env: 'dev' }).model;
    expect(planAddCluster(once, { name: 'analytics', env: 'dev' }).changes).to.deep.equal([]);
    expect(() => planAddCluster(once, { name: 'analytics', env: 'dev', size: 'large' })).to.throw(UsageError, /already has a Kafka cluster/);
  });

  const refusals: [string, () => unknown, RegExp][] = [
    ['a name that is not a DNS label', () => planAddCluster(base, { name: 'Analytics', env: 'dev' }), /invalid Kafka cluster name/],
    ['a namespace longer than 63 characters', () => planAddCluster(base, { name: 'a'.repeat(20), env: 'dev', namespace: 'n'.repeat(64) }), /namespace/],
    ['an unknown component', () => planAddCluster(base, { name: 'x', env: 'dev', components: ['zookeeper'] }), /unknown component "zookeeper"/],
    ['a cluster in a cluster', () => planAddCluster(planAddCluster(base, { name: 'x', env: 'dev' }).model, { name: 'y', env: 'dev/x' }), /whole environment/],
    ['an unknown environment', () => planAddCluster(base, { name: 'x', env: 'qa' }), /unknown environment "qa"/],
  ];
  for (const [title, run, message] of refusals) {
    it(`add-cluster refuses ${title}`, () => {
      expect(run).to.throw(UsageError, message);
    });
  }

  it('--env <env>/<cluster>: add-component, scale and set change the cluster, and only it', () => {
    let model = planAddCluster(base, { name: 'analytics', env: 'dev' }).model;
    model = planAddComponent(model, { component: 'schemaregistry', env: 'dev/analytics', withDeps: false }).model;
    model = planScale(model, loadTemplates(), { component: 'kafka', env: 'dev/analytics', replicas: 4 }).model;
    model = planSetOptions(model, { env: 'dev/analytics', settings: ['monitoring.prometheus=true'] }).model;
    const dev = model.environments[0]!;
    expect(dev.components).to.deep.equal(['kafka']);
    expect(dev.overrides).to.equal(undefined);
    expect(dev.options).to.equal(undefined);
    expect(dev.kafkaClusters).to.deep.equal([
      { name: 'analytics', namespace: 'shop-dev-analytics', components: ['kafka', 'schemaregistry'], options: { monitoring: { prometheus: true } }, overrides: { Kafka: { replicas: 4 } } },
    ]);
    expect(environmentOf(model, 'dev/analytics').components).to.deep.equal(['kafka', 'schemaregistry']);
  });

  it('promote moves environments only; a Kafka cluster follows its environment', () => {
    const model = planAddCluster(base, { name: 'analytics', env: 'dev' }).model;
    expect(() => planPromote(model, { from: 'dev/analytics', to: 'prod', skipStage: false })).to.throw(UsageError, /whole environment/);
    // The cluster's entry survives a promotion of its environment.
    const promoted = planPromote(model, { from: 'dev', to: 'prod', skipStage: false }).model;
    expect(promoted.environments[0]!.kafkaClusters).to.have.lengthOf(1);
  });

  it('promote carries a cluster\'s components and topics into the cluster of the same name, and names the clusters it cannot', () => {
    let model = planAddCluster(base, { name: 'analytics', env: 'dev', components: ['connect'] }).model;
    model = planAddCluster(model, { name: 'analytics', env: 'prod' }).model;
    model = planAddCluster(model, { name: 'billing', env: 'dev' }).model;
    model = planAddTopic(model, { env: 'dev/analytics', topic: { name: 'clicks', partitions: 6 } }).model;
    const plan = planPromote(model, { from: 'dev', to: 'prod', skipStage: false });
    expect(plan.changes.map((row) => `${row.env} ${row.component} ${row.field} ${row.to}`)).to.deep.equal(['prod/analytics connect enabled yes', 'prod/analytics topic clicks partitions 6']);
    const prod = plan.model.environments[1]!;
    expect(prod.kafkaClusters).to.deep.equal([{ name: 'analytics', namespace: 'shop-prod-analytics', components: ['kafka', 'connect'], topics: [{ name: 'clicks', partitions: 6 }] }]);
    expect(plan.warnings).to.deep.equal(['Kafka cluster "billing" of dev has no counterpart in prod, so it is not promoted: cp-gitops add-cluster billing --env prod --components kafka']);
  });

  it('add-cluster refuses to inherit the environment\'s external access as it is, and takes the cluster\'s own in the same change', () => {
    const exposed = planSetOptions(base, { env: 'prod', settings: ['externalAccess.type=loadBalancer', 'externalAccess.domain=kafka.shop.example'] }).model;
    expect(() => planAddCluster(exposed, { name: 'analytics', env: 'prod' })).to.throw(UsageError, /inherit environment "prod"'s external access/);
    const plan = planAddCluster(exposed, { name: 'analytics', env: 'prod', settings: ['externalAccess.type=loadBalancer', 'externalAccess.domain=analytics.shop.example'] });
    expect(plan.model.environments[1]!.kafkaClusters![0]!.options).to.deep.equal({ externalAccess: { type: 'loadBalancer', domain: 'analytics.shop.example' } });
    expect(checkModelSemantics(plan.model)).to.deep.equal([]);
  });
});
