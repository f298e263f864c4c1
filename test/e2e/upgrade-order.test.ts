import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { removeDirectory, writeTree } from '../../src/adapters/fs.js';
import { loadTemplates } from '../../src/adapters/templates.js';
import { healthKey, ROLLING_CONDITION } from '../../src/generator/argocd-health.js';
import { layout } from '../../src/generator/layout.js';
import { generateRepository } from '../../src/generator/repository.js';
import { SYNC_WAVE_ANNOTATION } from '../../src/generator/resources.js';
import { buildNewModel } from '../../src/model/build.js';
import { planUpgrade } from '../../src/promotion/day2.js';
import { renderKustomization, type KubeResource } from '../helpers/kustomize.js';
import { requireLua, runHealthChecks } from '../helpers/lua.js';

/**
 * Confluent's upgrade order (KRaft controllers → Kafka → the other components → Control Center) comes
 * from one pull request only if each sync wave holds the next back until CFK has rolled it. This test
 * replays an `upgrade` the way Argo CD syncs it (docs/user-guide/sync-waves.md: apply the lowest wave
 * that is out of sync or unhealthy, wait, repeat), on the manifests Kustomize renders, with a small
 * stand-in for CFK (it first writes the new generation with the rolling condition True, then finishes
 * the roll) and the generated health checks run under lua5.1 deciding when a wave is done.
 */
const CFK_GROUP = 'platform.confluent.io';

interface LiveObject {
  kind: string;
  name: string;
  wave: number;
  spec: unknown;
  generation: number;
  status: { observedGeneration: number; phase?: string; state?: string; appState?: string; conditions: { type: string; status: string; message: string }[] };
}

function waveOf(resource: KubeResource): number {
  const annotations = (resource.metadata as { annotations?: Record<string, string> } | undefined)?.annotations;
  return Number(annotations?.[SYNC_WAVE_ANNOTATION] ?? '0');
}

function isCfk(resource: KubeResource): boolean {
  return (resource.apiVersion ?? '').startsWith(`${CFK_GROUP}/`);
}

/** A platform that has been running at `resources`: every CFK object reconciled, not rolling. */
function runningCluster(resources: readonly KubeResource[]): Map<string, LiveObject> {
  const live = new Map<string, LiveObject>();
  for (const resource of resources.filter(isCfk)) {
    const kind = resource.kind!;
    live.set(`${kind}/${resource.metadata!.name}`, {
      kind,
      name: resource.metadata!.name!,
      wave: waveOf(resource),
      spec: resource.spec,
      generation: 1,
      status: {
        observedGeneration: 1,
        ...(kind === 'KafkaRestClass' ? {} : kind === 'KafkaTopic' || kind === 'ConfluentRolebinding' ? { state: 'CREATED', appState: 'Created' } : { phase: 'RUNNING' }),
        conditions: [{ type: ROLLING_CONDITION, status: 'False', message: 'Cluster is not rolling' }],
      },
    });
  }
  return live;
}

function imageOf(spec: unknown): string {
  return String((spec as { image?: { application?: string } } | undefined)?.image?.application ?? '');
}

describe('upgrade: the sync waves roll the platform in CFK’s order', function () {
  const templates = loadTemplates();
  const dirs: string[] = [];

  before(function () {
    requireLua(this);
  });

  after(() => {
    for (const dir of dirs) removeDirectory(dir);
  });

  function render(tree: ReadonlyMap<string, string>, env: string): KubeResource[] {
    const dir = mkdtempSync(join(tmpdir(), 'cp-gitops-upgrade-'));
    dirs.push(dir);
    writeTree(dir, tree);
    return renderKustomization(join(dir, layout.overlayDir(env)));
  }

  const model = buildNewModel({ name: 'acme', repoURL: 'https://github.com/acme/acme.git' });
  const plan = planUpgrade(model, { env: 'prod', cpVersion: '8.3.0' });
  const current = generateRepository(model, templates);
  const upgraded = generateRepository(plan.model, templates);

  it('an upgrade pull request changes images only: no configuration rides with it', () => {
    const old = new Map(render(current, 'prod').map((resource) => [`${resource.kind}/${resource.metadata!.name}`, resource]));
    const changedImages: string[] = [];
    for (const resource of render(upgraded, 'prod')) {
      const key = `${resource.kind}/${resource.metadata!.name}`;
      const previous = old.get(key);
      expect(previous, `${key} exists before the upgrade`).to.not.equal(undefined);
      const withoutImages = (value: KubeResource) => JSON.parse(JSON.stringify(value, (field, member) => (field === 'image' && typeof member === 'string' ? '<image>' : field === 'image' && typeof member === 'object' ? '<images>' : member)));
      expect(withoutImages(resource), `${key}: only image fields differ`).to.deep.equal(withoutImages(previous!));
      if (JSON.stringify(resource) !== JSON.stringify(previous)) changedImages.push(resource.kind!);
    }
    expect(changedImages).to.have.members(['KRaftController', 'Kafka', 'SchemaRegistry', 'Connect', 'KsqlDB', 'KafkaRestProxy', 'ControlCenter']);
  });

  it('each wave waits until CFK has rolled the previous one: KRaft → Kafka → the other components → Control Center', () => {
    const patch = parse(upgraded.get(layout.argocdBootstrapFile('argocd-cm-patch.yaml'))!) as { data: Record<string, string> };
    const healthScript = (kind: string) => patch.data[healthKey(CFK_GROUP, kind)];
    const live = runningCluster(render(current, 'prod'));
    const desired = render(upgraded, 'prod').filter(isCfk);
    const events: string[] = [];

    const health = (objects: readonly LiveObject[]) =>
      runHealthChecks(
        objects.map((object) => {
          const script = healthScript(object.kind);
          if (!script) throw new Error(`no health check for ${object.kind}: its wave would not wait for it`);
          return { script, obj: { apiVersion: `${CFK_GROUP}/v1beta1`, kind: object.kind, metadata: { name: object.name, generation: object.generation }, spec: object.spec, status: object.status } };
        }),
      ).map((result) => result.status);

    /** One reconcile of CFK on one object: pick up the new generation and start rolling, then finish. */
    const reconcile = (object: LiveObject) => {
      const rolling = object.status.conditions.find((condition) => condition.type === ROLLING_CONDITION)!;
      if (object.status.observedGeneration < object.generation) {
        object.status.observedGeneration = object.generation;
        if (object.status.phase) {
          rolling.status = 'True';
          rolling.message = `Cluster is rolling to ${imageOf(object.spec)}`;
        }
        events.push(`roll-start ${object.kind}`);
      } else if (rolling.status === 'True') {
        rolling.status = 'False';
        rolling.message = 'Cluster is not rolling';
        events.push(`roll-done ${object.kind}`);
      }
    };

    const waves = [...new Set(desired.map(waveOf))].sort((a, b) => a - b);
    for (const wave of waves) {
      // Argo CD applies the wave: the API server raises metadata.generation of every changed spec.
      const inWave: LiveObject[] = [];
      for (const resource of desired.filter((candidate) => waveOf(candidate) === wave)) {
        const object = live.get(`${resource.kind}/${resource.metadata!.name}`)!;
        if (JSON.stringify(object.spec) !== JSON.stringify(resource.spec)) {
          object.spec = resource.spec;
          object.generation += 1;
          events.push(`apply ${object.kind}`);
        }
        inWave.push(object);
      }
      const changed = inWave.filter((object) => object.status.observedGeneration < object.generation);
      // Right after the apply, CFK's status still says RUNNING for the old spec: the wave must not count as done.
      if (changed.length > 0) expect(health(changed), `wave ${wave} right after the apply (${changed.map((object) => object.kind).join(', ')})`).to.not.include('Healthy');
      // Argo CD waits for every resource of the wave to be Healthy; CFK works meanwhile.
      for (let step = 0; !health(inWave).every((status) => status === 'Healthy'); step += 1) {
        if (step > 10) throw new Error(`wave ${wave} never became Healthy: ${health(inWave).join(', ')}`);
        for (const object of inWave) reconcile(object);
      }
    }

    const at = (event: string) => {
      const index = events.indexOf(event);
      expect(index, `${event} in ${events.join(' → ')}`).to.be.at.least(0);
      return index;
    };
    const order = [['KRaftController'], ['Kafka'], ['SchemaRegistry', 'Connect', 'KsqlDB', 'KafkaRestProxy'], ['ControlCenter']];
    for (let step = 1; step < order.length; step += 1) {
      for (const earlier of order[step - 1]!) {
        for (const later of order[step]!) {
          expect(at(`roll-done ${earlier}`), `${earlier} has finished rolling before ${later} gets its new image`).to.be.below(at(`apply ${later}`));
        }
      }
    }
  });
});
