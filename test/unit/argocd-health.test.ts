import { expect } from 'chai';
import { parse } from 'yaml';
import { loadTemplates } from '../../src/adapters/templates.js';
import { APPLICATION_KINDS, COMPONENT_KINDS, healthKey, ROLLING_CONDITION } from '../../src/generator/argocd-health.js';
import { layout } from '../../src/generator/layout.js';
import { generateRepository } from '../../src/generator/repository.js';
import { buildNewModel } from '../../src/model/build.js';
import { requireLua, runHealthCheck, runHealthChecks } from '../helpers/lua.js';

const templates = loadTemplates();

/** The health scripts exactly as `init` writes them into argocd/bootstrap/argocd-cm-patch.yaml. */
function generatedHealthChecks(): Record<string, string> {
  const tree = generateRepository(buildNewModel({ name: 'acme', repoURL: 'https://github.com/acme/acme.git' }), templates);
  const patch = parse(tree.get(layout.argocdBootstrapFile('argocd-cm-patch.yaml'))!) as { data: Record<string, string> };
  return patch.data;
}

const checks = generatedHealthChecks();

function cfkScript(kind: string): string {
  const script = checks[healthKey('platform.confluent.io', kind)];
  if (script === undefined) throw new Error(`argocd-cm-patch.yaml has no health check for ${kind}`);
  return script;
}

function condition(type: string, status: 'True' | 'False', message: string, reason: string): Record<string, string> {
  return { lastProbeTime: '2026-11-30T10:06:58Z', lastTransitionTime: '2026-11-30T10:08:42Z', message, reason, status, type };
}

/** A component as CFK reports it (fields of status from the CFK 3.3 CRDs; conditions as in Argo CD's Kafka testdata). */
function component(kind: string, generation: number, status?: { observedGeneration?: number; phase?: string; rolling?: boolean }, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const object: Record<string, unknown> = {
    apiVersion: 'platform.confluent.io/v1beta1',
    kind,
    metadata: { name: kind.toLowerCase(), namespace: 'acme-prod', generation, ...extra },
    spec: { replicas: 3, image: { application: 'confluentinc/cp-server:8.2.0', init: 'confluentinc/confluent-init-container:3.3.0' } },
  };
  if (status) {
    object.status = {
      clusterName: kind.toLowerCase(),
      clusterNamespace: 'acme-prod',
      conditions: [
        condition('platform.confluent.io/statefulset-available', 'True', 'Deployment has minimum availability.', 'MinimumReplicasAvailable'),
        condition(ROLLING_CONDITION, status.rolling ? 'True' : 'False', status.rolling ? 'Cluster is rolling, pod kafka-1 restarting' : 'Cluster is not rolling, ignore=false', status.rolling ? 'ClusterRolling' : 'ClusterNotRolling'),
      ],
      currentReplicas: 3,
      readyReplicas: status.phase === 'RUNNING' ? 3 : 1,
      replicas: 3,
      operatorVersion: 'v0.1718.10',
      ...(status.phase !== undefined ? { phase: status.phase } : {}),
      ...(status.observedGeneration !== undefined ? { observedGeneration: status.observedGeneration } : {}),
    };
  }
  return object;
}

/** KafkaTopic, ConfluentRolebinding, Schema: state (CREATED, ERROR) and appState (Created, Failed). */
function application(kind: string, generation: number, status?: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'platform.confluent.io/v1beta1', kind, metadata: { name: 'orders', namespace: 'acme-prod', generation }, spec: {}, ...(status ? { status } : {}) };
}

describe('Argo CD health checks under Lua 5.1', function () {
  before(function () {
    requireLua(this);
  });

  it('argocd-cm-patch.yaml has a check for every CFK kind the platform can generate, and for ConfluentRolebinding, Schema, Connector, KafkaRestClass', () => {
    const generatedKinds = new Set(templates.units.flatMap((unit) => unit.resources.map((resource) => resource.kind)));
    for (const kind of [...generatedKinds, 'KafkaTopic', 'ConfluentRolebinding', 'Schema', 'Connector']) {
      expect(checks, kind).to.have.property(healthKey('platform.confluent.io', kind));
    }
    expect(Object.keys(checks)).to.include(healthKey('argoproj.io', 'Application'));
  });

  for (const kind of COMPONENT_KINDS) {
    describe(kind, () => {
      const script = cfkScript(kind);
      const cases: [string, Record<string, unknown>, string, RegExp][] = [
        ['no status yet', component(kind, 1), 'Progressing', /Waiting for CFK to report the status/],
        ['RUNNING, but the status is of the previous spec (stale generation)', component(kind, 4, { observedGeneration: 3, phase: 'RUNNING' }), 'Progressing', /generation 4 .*generation 3/],
        ['RUNNING on the new generation while the rolling condition is True', component(kind, 4, { observedGeneration: 4, phase: 'RUNNING', rolling: true }), 'Progressing', /is rolling: Cluster is rolling/],
        ['RUNNING on the new generation, not rolling', component(kind, 4, { observedGeneration: 4, phase: 'RUNNING' }), 'Healthy', new RegExp(`${kind} running`)],
        ['RUNNING, observedGeneration not reported (rolling decides)', component(kind, 2, { phase: 'RUNNING' }), 'Healthy', /running/],
        ['PROVISIONING', component(kind, 1, { observedGeneration: 1, phase: 'PROVISIONING' }), 'Progressing', /phase PROVISIONING/],
        ['status without a phase', component(kind, 1, { observedGeneration: 1 }), 'Progressing', /phase not reported yet/],
        ['ERROR', component(kind, 2, { observedGeneration: 2, phase: 'ERROR' }), 'Degraded', /phase ERROR/],
        ['FAILED', component(kind, 2, { observedGeneration: 2, phase: 'FAILED' }), 'Degraded', /phase FAILED/],
        ['being deleted', component(kind, 2, { observedGeneration: 2, phase: 'RUNNING' }, { deletionTimestamp: '2026-11-30T11:00:00Z' }), 'Progressing', /Pending deletion/],
      ];
      it(cases.map(([name, , status]) => `${name} → ${status}`).join('; '), () => {
        const results = runHealthChecks(cases.map(([, obj]) => ({ script, obj })));
        cases.forEach(([name, , status, message], index) => {
          expect(results[index]!.status, name).to.equal(status);
          expect(results[index]!.message, name).to.match(message);
        });
      });
    });
  }

  for (const kind of APPLICATION_KINDS) {
    describe(kind, () => {
      const script = cfkScript(kind);
      const created = { state: 'CREATED', appState: 'Created', kafkaClusterID: 'aB3dE5fG7hI9', conditions: [condition('platform.confluent.io/app-ready', 'True', 'Application is created', 'Created')] };
      const cases: [string, Record<string, unknown>, string, RegExp][] = [
        ['no status yet', application(kind, 1), 'Progressing', /Waiting for CFK to report the status/],
        ['created for the current generation', application(kind, 2, { ...created, observedGeneration: 2 }), 'Healthy', new RegExp(`${kind} created`)],
        ['created, but for the previous generation', application(kind, 3, { ...created, observedGeneration: 2 }), 'Progressing', /generation 3 .*generation 2/],
        [
          'state ERROR without appState',
          application(kind, 1, { state: 'ERROR', observedGeneration: 1, conditions: [condition('platform.confluent.io/app-ready', 'False', 'kafka rest: 40002 replication factor 3 larger than available brokers 1', 'Failed')] }),
          'Degraded',
          /replication factor 3 larger than available brokers/,
        ],
        ['appState Failed', application(kind, 1, { state: 'ERROR', appState: 'Failed', observedGeneration: 1 }), 'Degraded', new RegExp(`${kind} failed`)],
        ['state ERROR after it was created (an update failed)', application(kind, 2, { ...created, state: 'ERROR', observedGeneration: 2 }), 'Degraded', /Application is created/],
        ['pending', application(kind, 1, { appState: 'Unknown', observedGeneration: 1 }), 'Progressing', new RegExp(`Waiting for CFK to create ${kind}`)],
      ];
      it(cases.map(([name, , status]) => `${name} → ${status}`).join('; '), () => {
        const results = runHealthChecks(cases.map(([, obj]) => ({ script, obj })));
        cases.forEach(([name, , status, message], index) => {
          expect(results[index]!.status, name).to.equal(status);
          expect(results[index]!.message, name).to.match(message);
        });
      });
    });
  }

  it('Connector: running for the current generation → Healthy; failed tasks → Degraded; paused → Suspended; stale → Progressing', () => {
    const script = cfkScript('Connector');
    const running = { state: 'CREATED', appState: 'Created', connectorState: 'RUNNING', tasksReady: '3/3', observedGeneration: 2 };
    const results = runHealthChecks([
      { script, obj: application('Connector', 2, running) },
      { script, obj: application('Connector', 2, { ...running, connectorState: 'RUNNING', failedTasksCount: 1, tasksReady: '2/3' }) },
      { script, obj: application('Connector', 2, { ...running, connectorState: 'PAUSED' }) },
      { script, obj: application('Connector', 3, running) },
      { script, obj: application('Connector', 2, { state: 'ERROR', observedGeneration: 2, conditions: [condition('platform.confluent.io/app-ready', 'False', 'connector class not found', 'Failed')] }) },
    ]);
    expect(results.map((result) => result.status)).to.deep.equal(['Healthy', 'Degraded', 'Suspended', 'Progressing', 'Degraded']);
    expect(results[4]!.message).to.equal('connector class not found');
  });

  it('KafkaRestClass: Healthy unless CFK reports an older generation', () => {
    const script = cfkScript('KafkaRestClass');
    const restClass = (generation: number, status?: Record<string, unknown>) => ({ apiVersion: 'platform.confluent.io/v1beta1', kind: 'KafkaRestClass', metadata: { name: 'default', generation }, spec: { kafkaClusterRef: { name: 'kafka' } }, ...(status ? { status } : {}) });
    const results = runHealthChecks([
      { script, obj: restClass(1) },
      { script, obj: restClass(2, { kafkaClusterID: 'aB3dE5fG7hI9', observedGeneration: 1 }) },
      { script, obj: restClass(2, { kafkaClusterID: 'aB3dE5fG7hI9', observedGeneration: 2, endpoint: 'https://kafka.acme-prod.svc.cluster.local:8090' }) },
    ]);
    expect(results.map((result) => result.status)).to.deep.equal(['Healthy', 'Progressing', 'Healthy']);
  });

  it('Application (app of apps): the child Application’s own health, Progressing until it has one', () => {
    const script = checks[healthKey('argoproj.io', 'Application')]!;
    expect(runHealthCheck(script, { kind: 'Application', metadata: { name: 'acme-prod-platform' } })).to.deep.equal({ status: 'Progressing', message: '' });
    expect(runHealthCheck(script, { kind: 'Application', status: { health: { status: 'Degraded', message: 'Kafka phase ERROR' } } })).to.deep.equal({ status: 'Degraded', message: 'Kafka phase ERROR' });
    expect(runHealthCheck(script, { kind: 'Application', status: { health: { status: 'Healthy' } } })).to.deep.equal({ status: 'Healthy', message: '' });
  });

  it('the harness passes strings and nesting to Lua faithfully (a check that echoes a value)', () => {
    const echo = 'local hs = {}\nhs.status = obj.status.conditions[2].type\nhs.message = obj.metadata.labels["app.kubernetes.io/name"] .. "|" .. #obj.status.conditions\nreturn hs';
    const obj = { metadata: { labels: { 'app.kubernetes.io/name': 'ka"f\\ka é' } }, status: { conditions: [{ type: 'a' }, { type: ROLLING_CONDITION }] } };
    expect(runHealthCheck(echo, obj)).to.deep.equal({ status: ROLLING_CONDITION, message: 'ka"f\\ka é|2' });
  });
});
