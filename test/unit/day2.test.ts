import { expect } from 'chai';
import { UsageError } from '../../src/errors.js';
import { loadTemplates } from '../../src/adapters/templates.js';
import { generateRepository } from '../../src/generator/repository.js';
import { buildNewModel } from '../../src/model/build.js';
import { parsePlatformModel } from '../../src/model/parse.js';
import { serializePlatformModel } from '../../src/model/serialize.js';
import { isOperatorManagedKey, planConfig, planScale, planUpgrade } from '../../src/promotion/day2.js';
import { planAddTopic } from '../../src/promotion/plan.js';

describe('day-2 plans', () => {
  const templates = loadTemplates();
  const base = buildNewModel({ name: 'p', components: ['kafka', 'connect'], repoURL: 'https://github.com/acme/p.git' });
  const roundTrips = (model: typeof base) => expect(parsePlatformModel(serializePlatformModel(model), 'cp-gitops.yaml')).to.deep.equal(model);

  describe('scale', () => {
    it('adds brokers as an override, warns about partition reassignment, and the generator applies it', () => {
      const plan = planScale(base, templates, { component: 'kafka', env: 'dev', replicas: 5 });
      expect(plan.model.environments[0]!.overrides).to.deep.equal({ Kafka: { replicas: 5 } });
      expect(plan.changes).to.deep.equal([{ env: 'dev', component: 'kafka', field: 'replicas', from: '3', to: '5' }]);
      expect(plan.branch).to.equal('cp-gitops/scale-kafka-dev');
      expect(plan.warnings!.join('\n')).to.match(/Self-Balancing Clusters/).and.match(/kafka-reassign-partitions/);
      roundTrips(plan.model);
      const patch = generateRepository(plan.model, templates).get('overlays/dev/patches/kafka.yaml')!;
      expect(patch).to.match(/replicas: 5/);
    });

    it('canonicalises quantities and drops an override equal to the profile', () => {
      const plan = planScale(base, templates, { component: 'kafka', env: 'dev', cpu: '2000m', memory: '8192Mi', storage: '20Gi' });
      expect(plan.model.environments[0]!.overrides).to.deep.equal({ Kafka: { cpu: '2', memory: '8Gi' } });
      expect(plan.changes.map((row) => `${row.field}:${row.from}→${row.to}`)).to.deep.equal(['cpu:500m→2', 'memory:2Gi→8Gi']);
      const patch = generateRepository(plan.model, templates).get('overlays/dev/patches/kafka.yaml')!;
      expect(patch).to.match(/cpu: "?2"?\n/).and.match(/memory: 8Gi/);
      const back = planScale(plan.model, templates, { component: 'kafka', env: 'dev', cpu: '500m', memory: '2Gi' });
      expect(back.model.environments[0]!.overrides).to.equal(undefined);
    });

    it('refuses resizing a static KRaft quorum, up or down, with the migration path', () => {
      const staticQuorum = buildNewModel({ name: 'p', components: ['kafka', 'connect'], repoURL: 'https://github.com/acme/p.git', settings: ['kraft.quorum=static'] });
      for (const replicas of [5, 1]) {
        const attempt = () => planScale(staticQuorum, templates, { component: 'kraftcontroller', env: 'staging', replicas });
        expect(attempt).to.throw(UsageError, /static quorum of 3 \(controller\.quorum\.voters\)/);
        try {
          attempt();
        } catch (error) {
          expect((error as UsageError).hint).to.match(/keep --replicas 3/).and.match(/kraft\.version=1/).and.match(/set kraft\.quorum=migrated --env staging/);
        }
      }
      // Sizing the controllers is still allowed; the same count is no change at all.
      expect(planScale(staticQuorum, templates, { component: 'kraftcontroller', env: 'staging', memory: '4Gi' }).changes).to.have.length(1);
      expect(planScale(base, templates, { component: 'kraftcontroller', env: 'staging', memory: '4Gi' }).changes).to.have.length(1);
      expect(planScale(base, templates, { component: 'kraftcontroller', env: 'staging', replicas: 3 }).changes).to.deep.equal([]);
      expect(() => planScale(base, templates, { component: 'zookeeper', env: 'dev', replicas: 3 })).to.throw(UsageError, /runs KRaft controllers, not zookeeper/);
    });

    it('grows a dynamic KRaft quorum in place, with what CFK and CP do, and refuses shrinking it or an even size', () => {
      expect(base.options?.kraft?.quorum).to.equal('dynamic');
      const plan = planScale(base, templates, { component: 'kraftcontroller', env: 'prod', replicas: 5 });
      expect(plan.changes).to.deep.equal([{ env: 'prod', component: 'kraftcontroller', field: 'replicas', from: '3', to: '5' }]);
      expect(plan.branch).to.equal('cp-gitops/scale-kraftcontroller-prod');
      expect(plan.warnings!.join('\n')).to.match(/adds controllers 3–4 without rolling/).and.match(/joins them as voters by itself/);
      roundTrips(plan.model);
      const patch = generateRepository(plan.model, templates).get('overlays/prod/patches/kraftcontroller.yaml')!;
      expect(patch).to.match(/^ {2}replicas: 5$/m).and.match(/dynamicQuorumConfig:\n {4}enabled: true\n {4}bootstrapPod: 0/).and.not.match(/static-quorum-voters/);

      const down = () => planScale(plan.model, templates, { component: 'kraftcontroller', env: 'prod', replicas: 3 });
      expect(down).to.throw(UsageError, /dynamic quorum of 5; scaling it down to 3 is refused: Confluent for Kubernetes rejects a lower spec\.replicas/);
      expect(() => planScale(base, templates, { component: 'kraftcontroller', env: 'prod', replicas: 4 })).to.throw(UsageError, /quorum of 4 tolerates no more controller failures than 3/);

      // Before CP 8.2 each new controller is promoted by hand; CFK 3.2 rolls the running ones.
      const cp81 = buildNewModel({ name: 'p', components: ['kafka'], repoURL: 'https://github.com/acme/p.git', cpVersion: '8.1.0', operatorVersion: '3.2.3', settings: ['kraft.quorum=dynamic'] });
      const warnings = planScale(cp81, templates, { component: 'kraftcontroller', env: 'dev', replicas: 3 }).warnings!.join('\n');
      expect(warnings).to.match(/kafka-metadata-quorum --bootstrap-controller <controller>:9074 add-controller/).and.match(/3\.2\.3 \(before 3\.3\) rolls the running controllers/);
    });

    it('rewrites every replication factor and min.insync.replicas when the brokers go below them, and back', () => {
      const full = buildNewModel({ name: 'p', components: ['kafka', 'schemaregistry', 'connect', 'ksqldb', 'controlcenter'], repoURL: 'https://github.com/acme/p.git' });
      const withConfig = planConfig(full, templates, { env: 'dev', component: 'kafka', settings: ['offsets.topic.replication.factor=3', 'log.retention.hours=72'] }).model;
      const plan = planScale(withConfig, templates, { component: 'kafka', env: 'dev', replicas: 2 });
      const rows = plan.changes.map((row) => `${row.component} ${row.field}:${row.from}→${row.to}`);
      expect(rows).to.include.members([
        'kafka replicas:3→2',
        'kafka config.default.replication.factor:3→2',
        'kafka config.min.insync.replicas:2→1',
        'kafka config.offsets.topic.replication.factor:3→2',
        'kafka config.transaction.state.log.min.isr:—→1',
        'schemaregistry config.kafkastore.topic.replication.factor:—→2',
        'connect config.offset.storage.replication.factor:—→2',
        'ksqldb internalTopicReplicationFactor:—→2',
      ]);
      // The environment's own line is rewritten in the model, not duplicated; the reason is in the PR.
      expect(plan.model.environments[0]!.config).to.deep.equal({ kafka: ['offsets.topic.replication.factor=2', 'log.retention.hours=72'] });
      expect(plan.warnings!.join('\n')).to.match(/replication follows the brokers/).and.match(/__consumer_offsets/);
      const tree = generateRepository(plan.model, templates);
      const kafka = tree.get('overlays/dev/patches/kafka.yaml')!;
      expect(kafka).to.match(/- default\.replication\.factor=2\n/).and.match(/- min\.insync\.replicas=1\n/).and.match(/- confluent\.license\.topic\.replication\.factor=2\n/);
      expect(kafka.match(/offsets\.topic\.replication\.factor=/g)).to.have.length(1);
      expect(tree.get('overlays/dev/patches/schemaregistry.yaml')).to.match(/kafkastore\.topic\.replication\.factor=2/);
      expect(tree.get('overlays/dev/patches/connect.yaml')).to.match(/config\.storage\.replication\.factor=2/).and.match(/status\.storage\.replication\.factor=2/);
      expect(tree.get('overlays/dev/patches/ksqldb.yaml')).to.match(/internalTopicReplicationFactor: 2/);
      const single = planScale(plan.model, templates, { component: 'kafka', env: 'dev', replicas: 1 });
      expect(generateRepository(single.model, templates).get('overlays/dev/patches/kafka.yaml')).to.match(/- default\.replication\.factor=1\n/).and.match(/- min\.insync\.replicas=1\n/);
      // Back to three brokers: the profile's values again, and the generated tree is the original one.
      const back = planScale(plan.model, templates, { component: 'kafka', env: 'dev', replicas: 3 });
      expect(back.changes.map((row) => `${row.field}:${row.to}`)).to.include.members(['replicas:3', 'config.default.replication.factor:3', 'config.min.insync.replicas:2']);
      expect(back.warnings!.join('\n')).to.match(/kafka-reassign-partitions/);
      expect(generateRepository(back.model, templates).get('overlays/dev/patches/schemaregistry.yaml')).to.not.match(/replication\.factor/);
    });

    it('refuses brokers below the replicas of a topic of the model', () => {
      const model = planAddTopic(base, { env: 'dev', topic: { name: 'orders', partitions: 6, replicas: 3 } }).model;
      expect(() => planScale(model, templates, { component: 'kafka', env: 'dev', replicas: 2 })).to.throw(UsageError, /topic "orders" has 3 replicas in dev, more than 2 brokers can hold/);
    });

    it('refuses shrinking volumes and storage on stateless kinds', () => {
      expect(() => planScale(base, templates, { component: 'kafka', env: 'prod', storage: '100Gi' })).to.throw(UsageError, /cannot shrink a PersistentVolumeClaim/);
      expect(() => planScale(base, templates, { component: 'connect', env: 'dev', storage: '10Gi' })).to.throw(UsageError, /no data volume/);
      const grown = planScale(base, templates, { component: 'kafka', env: 'prod', storage: '1Ti' });
      expect(grown.warnings!.join('\n')).to.match(/allowVolumeExpansion/);
    });

    it('refuses bad input', () => {
      expect(() => planScale(base, templates, { component: 'kafka', env: 'dev' })).to.throw(UsageError, /nothing to scale/);
      expect(() => planScale(base, templates, { component: 'kafka', env: 'dev', cpu: 'two' })).to.throw(UsageError, /not a Kubernetes quantity/);
      expect(() => planScale(base, templates, { component: 'kafka', env: 'dev', replicas: 0 })).to.throw(UsageError, /whole number/);
      expect(() => planScale(base, templates, { component: 'ksqldb', env: 'dev', replicas: 2 })).to.throw(UsageError, /does not run in dev/);
      expect(() => planScale(base, templates, { component: 'broker', env: 'dev', replicas: 2 })).to.throw(UsageError, /cannot scale "broker"/);
    });
  });

  describe('upgrade', () => {
    it('moves one environment to the next CP line with its Control Center', () => {
      const plan = planUpgrade(base, { env: 'dev', cpVersion: '8.3.0' });
      expect(plan.model.environments[0]!.versions).to.deep.equal({ confluentPlatform: '8.3.0', controlCenter: '2.6.0' });
      expect(plan.model.environments[1]!.versions).to.equal(undefined);
      expect(plan.branch).to.equal('cp-gitops/upgrade-dev-cp-8.3.0');
      // Versions only: a configuration change never rides with the image change (CFK's upgrade guide).
      expect(plan.changes.map((row) => row.field)).to.deep.equal(['version.confluentPlatform', 'version.controlCenter']);
      expect(plan.warnings!.join('\n')).to.match(/in Confluent's upgrade order \(controllers, brokers, the other components, Control Center\)/).and.match(/argocd-cm-patch\.yaml/);
      roundTrips(plan.model);
    });

    it('refuses unsupported combinations, jumps over a line and major downgrades', () => {
      expect(() => planUpgrade(base, { env: 'dev', cpVersion: '8.2.1', operatorVersion: '3.1.0' })).to.throw(UsageError, /supports Confluent Platform 7\.4\.x–8\.0\.x, not 8\.2\.1/);
      expect(() => planUpgrade(base, { env: 'dev', cpVersion: '8.2.1', operatorVersion: '9.9.9' })).to.throw(UsageError, /not in the compatibility table/);
      expect(() => planUpgrade(base, { env: 'dev', cpVersion: '7.9.0' })).to.throw(UsageError, /major downgrade/);
      const old = { ...base, versions: { confluentPlatform: '8.0.0', operator: '3.3.0', operatorChart: '0.1718.10', controlCenter: '2.5.0' } };
      expect(() => planUpgrade(old, { env: 'dev', cpVersion: '8.2.0' })).to.throw(UsageError, /jumps over 8\.1/);
      expect(() => planUpgrade(base, { env: 'dev', cpVersion: '9.0.0' })).to.throw(UsageError, /not a line cp-gitops knows/);
      expect(() => planUpgrade(base, { env: 'dev', cpVersion: 'latest' })).to.throw(UsageError, /not a version/);
    });
  });

  describe('config', () => {
    it('adds configOverrides.server lines after the profile\'s, and replaces a key the profile sets in place', () => {
      const plan = planConfig(base, templates, { env: 'dev', component: 'kafka', settings: ['log.retention.hours=72', 'min.insync.replicas=1'] });
      expect(plan.model.environments[0]!.config).to.deep.equal({ kafka: ['log.retention.hours=72', 'min.insync.replicas=1'] });
      // The pull request shows the profile's value, not "—".
      expect(plan.changes.map((row) => `${row.field}:${row.from}→${row.to}`)).to.deep.equal(['config.log.retention.hours:—→72', 'config.min.insync.replicas:2→1']);
      roundTrips(plan.model);
      const patch = generateRepository(plan.model, templates).get('overlays/dev/patches/kafka.yaml')!;
      expect(patch.match(/min\.insync\.replicas=/g)).to.have.length(1);
      expect(patch).to.match(/- min\.insync\.replicas=1\n/).and.not.match(/min\.insync\.replicas=2/);
      expect(patch.indexOf('default.replication.factor=3')).to.be.lessThan(patch.indexOf('min.insync.replicas=1'));
      expect(patch.indexOf('min.insync.replicas=1')).to.be.lessThan(patch.indexOf('log.retention.hours=72'));
      const removed = planConfig(plan.model, templates, { env: 'dev', component: 'kafka', settings: ['log.retention.hours=', 'min.insync.replicas='] });
      expect(removed.model.environments[0]!.config).to.equal(undefined);
      expect(removed.changes.map((row) => `${row.field}:${row.from}→${row.to}`)).to.deep.equal(['config.log.retention.hours:72→—', 'config.min.insync.replicas:1→2']);
      expect(planConfig(plan.model, templates, { env: 'dev', component: 'kafka', settings: ['log.retention.hours=72'] }).changes).to.deep.equal([]);
      // The profile's own value is no change, and the profile's key cannot be removed (only changed).
      expect(planConfig(base, templates, { env: 'dev', component: 'kafka', settings: ['min.insync.replicas=2'] }).changes).to.deep.equal([]);
      expect(() => planConfig(base, templates, { env: 'dev', component: 'kafka', settings: ['min.insync.replicas='] })).to.throw(UsageError, /comes from the small size profile/);
    });

    it('refuses replication factors above the brokers and min.insync.replicas at the brokers', () => {
      expect(() => planConfig(base, templates, { env: 'dev', component: 'kafka', settings: ['default.replication.factor=4'] })).to.throw(UsageError, /cannot place 4 replicas/);
      expect(() => planConfig(base, templates, { env: 'dev', component: 'kafka', settings: ['min.insync.replicas=3'] })).to.throw(UsageError, /writes with acks=all would fail/);
      expect(() => planConfig(base, templates, { env: 'dev', component: 'connect', settings: ['offset.storage.replication.factor=5'] })).to.throw(UsageError, /offset\.storage\.replication\.factor=5 with 3 brokers in dev/);
      expect(planConfig(base, templates, { env: 'dev', component: 'kafka', settings: ['offsets.topic.replication.factor=3'] }).changes).to.have.length(1);
    });

    it('goes to the component\'s own resource', () => {
      const plan = planConfig(base, templates, { env: 'dev', component: 'connect', settings: ['offset.flush.interval.ms=5000'] });
      const patch = generateRepository(plan.model, templates).get('overlays/dev/patches/connect.yaml')!;
      expect(patch).to.match(/offset\.flush\.interval\.ms=5000/);
    });

    it('refuses operator-managed keys and malformed settings', () => {
      for (const key of ['listeners', 'listeners.internal', 'advertised.listeners', 'broker.id', 'ssl.keystore.location', 'sasl.enabled.mechanisms', 'listener.security.protocol.map']) {
        expect(isOperatorManagedKey(key), key).to.equal(true);
      }
      expect(isOperatorManagedKey('log.retention.hours')).to.equal(false);
      expect(() => planConfig(base, templates, { env: 'dev', component: 'kafka', settings: ['advertised.listeners=x'] })).to.throw(UsageError, /managed by Confluent for Kubernetes/);
      expect(() => planConfig(base, templates, { env: 'dev', component: 'kafka', settings: ['novalue'] })).to.throw(UsageError, /not key=value/);
      expect(() => planConfig(base, templates, { env: 'dev', component: 'ksqldb', settings: ['a=b'] })).to.throw(UsageError, /does not run in dev/);
    });
  });

  it('the architecture doc follows the model', () => {
    const plan = planScale(base, templates, { component: 'kafka', env: 'dev', replicas: 5 });
    const before = generateRepository(base, templates).get('docs/architecture.md')!;
    const after = generateRepository(plan.model, templates).get('docs/architecture.md')!;
    expect(before).to.match(/\| Kafka \| 3 \| 500m \| 2Gi \| 20Gi \|/).and.match(/ServerSideApply/).and.match(/allowEmpty: false/);
    expect(after).to.match(/\| Kafka \| 5 \| 500m \| 2Gi \| 20Gi \|/);
  });
});
