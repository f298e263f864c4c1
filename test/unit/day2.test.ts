import { expect } from 'chai';
import { UsageError } from '../../src/errors.js';
import { loadTemplates } from '../../src/adapters/templates.js';
import { generateRepository } from '../../src/generator/repository.js';
import { buildNewModel } from '../../src/model/build.js';
import { parsePlatformModel } from '../../src/model/parse.js';
import { serializePlatformModel } from '../../src/model/serialize.js';
import { isOperatorManagedKey, planConfig, planScale, planUpgrade } from '../../src/promotion/day2.js';

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

    it('refuses scaling KRaft controllers down', () => {
      const staging = planScale(base, templates, { component: 'kraftcontroller', env: 'staging', replicas: 5 });
      expect(staging.model.environments[1]!.overrides).to.deep.equal({ KRaftController: { replicas: 5 } });
      expect(() => planScale(base, templates, { component: 'kraftcontroller', env: 'staging', replicas: 1 })).to.throw(UsageError, /scaling a KRaft controller quorum down is refused/);
      expect(() => planScale(base, templates, { component: 'zookeeper', env: 'dev', replicas: 3 })).to.throw(UsageError, /runs KRaft controllers, not zookeeper/);
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
    it('adds configOverrides.server lines after the profile\'s', () => {
      const plan = planConfig(base, { env: 'dev', component: 'kafka', settings: ['log.retention.hours=72', 'min.insync.replicas=1'] });
      expect(plan.model.environments[0]!.config).to.deep.equal({ kafka: ['log.retention.hours=72', 'min.insync.replicas=1'] });
      roundTrips(plan.model);
      const patch = generateRepository(plan.model, templates).get('overlays/dev/patches/kafka.yaml')!;
      expect(patch.indexOf('min.insync.replicas=2')).to.be.lessThan(patch.indexOf('min.insync.replicas=1'));
      const removed = planConfig(plan.model, { env: 'dev', component: 'kafka', settings: ['log.retention.hours=', 'min.insync.replicas='] });
      expect(removed.model.environments[0]!.config).to.equal(undefined);
      expect(planConfig(plan.model, { env: 'dev', component: 'kafka', settings: ['log.retention.hours=72'] }).changes).to.deep.equal([]);
    });

    it('goes to the component\'s own resource', () => {
      const plan = planConfig(base, { env: 'dev', component: 'connect', settings: ['offset.flush.interval.ms=5000'] });
      const patch = generateRepository(plan.model, templates).get('overlays/dev/patches/connect.yaml')!;
      expect(patch).to.match(/offset\.flush\.interval\.ms=5000/);
    });

    it('refuses operator-managed keys and malformed settings', () => {
      for (const key of ['listeners', 'listeners.internal', 'advertised.listeners', 'broker.id', 'ssl.keystore.location', 'sasl.enabled.mechanisms', 'listener.security.protocol.map']) {
        expect(isOperatorManagedKey(key), key).to.equal(true);
      }
      expect(isOperatorManagedKey('log.retention.hours')).to.equal(false);
      expect(() => planConfig(base, { env: 'dev', component: 'kafka', settings: ['advertised.listeners=x'] })).to.throw(UsageError, /managed by Confluent for Kubernetes/);
      expect(() => planConfig(base, { env: 'dev', component: 'kafka', settings: ['novalue'] })).to.throw(UsageError, /not key=value/);
      expect(() => planConfig(base, { env: 'dev', component: 'ksqldb', settings: ['a=b'] })).to.throw(UsageError, /does not run in dev/);
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
