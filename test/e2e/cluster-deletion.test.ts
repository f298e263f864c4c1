import { expect } from 'chai';
import { loadTemplates } from '../../src/adapters/templates.js';
import { generateRepository } from '../../src/generator/repository.js';
import type { PlatformModel } from '../../src/model/types.js';
import { goldenModel } from '../golden/scenarios.js';
import { cascadeDelete, CFK_CRD_IDS, renderApplications, subtree, type RenderedApp } from '../helpers/argocd-apps.js';

/**
 * Issue 10 ("done when"): deleting one environment's Applications, by any of Argo CD's documented paths,
 * leaves the CFK CRDs, the StorageClasses and every other environment's resources in place. Computed
 * from the rendered manifests (kubectl kustomize; the CFK chart modelled in test/helpers/argocd-apps.ts).
 */
describe('deleting one environment leaves the cluster and the others running', function () {
  this.timeout(600_000);
  const templates = loadTemplates();

  const scenarios: Record<string, () => PlatformModel> = {
    default: () => goldenModel('default'),
    'multi-cluster': () => goldenModel('multi-cluster'),
    // A managed StorageClass shared by two environments (it used to live in the first one's platform).
    monitoring: () => goldenModel('monitoring'),
  };

  for (const [scenario, build] of Object.entries(scenarios)) {
    describe(scenario, () => {
      const model = build();
      let apps: Map<string, RenderedApp>;
      before(() => {
        apps = renderApplications(generateRepository(model, templates));
      });

      it('the CRDs are installed, by exactly one Application', () => {
        const installers = [...apps.values()].filter((app) => CFK_CRD_IDS.every((id) => app.resources.includes(id)));
        expect(installers.map((app) => app.name)).to.deep.equal([`${model.name}-cluster-in-cluster-crds`]);
      });

      for (const env of model.environments.map((candidate) => candidate.name)) {
        it(`cascade-deleting ${env}'s root (argocd app delete, UI, finalizers) keeps the CRDs, StorageClasses and every other environment`, () => {
          const root = `${model.name}-${env}-root`;
          const removed = cascadeDelete(apps, root);
          const deleted = subtree(apps, root);
          expect(deleted.size, 'the root, the operator and the platform Application at least').to.be.at.least(3);
          const survivors = [...apps.values()].filter((app) => !deleted.has(app.name));
          const lost = survivors.flatMap((app) => app.resources.filter((id) => removed.has(id)).map((id) => `${id} (of ${app.name})`));
          expect(lost, 'resources of Applications that were not deleted').to.deep.equal([]);
          expect(CFK_CRD_IDS.filter((id) => removed.has(id)), 'CRDs removed').to.deep.equal([]);
          const storageClasses = [...apps.values()].flatMap((app) => app.resources.filter((id) => id.startsWith('storage.k8s.io/StorageClass/')));
          expect(storageClasses.filter((id) => removed.has(id)), 'StorageClasses removed').to.deep.equal([]);
          if (scenario === 'monitoring') expect(storageClasses).to.have.length.greaterThan(0);
        });

        it(`deleting ${env}'s Applications one by one (each with cascade) keeps the CRDs and every other environment`, () => {
          for (const name of subtree(apps, `${model.name}-${env}-root`)) {
            const removed = cascadeDelete(apps, name);
            const gone = subtree(apps, name);
            const outside = [...apps.values()].filter((app) => !gone.has(app.name));
            // The deleted Applications themselves are resources of their parent root: those go, nothing else.
            const lost = outside.flatMap((app) => app.resources.filter((id) => removed.has(id) && ![...gone].some((deleted) => id === `argoproj.io/Application/argocd/${deleted}`)));
            expect(lost, `deleting ${name}`).to.deep.equal([]);
            expect(CFK_CRD_IDS.filter((id) => removed.has(id)), `CRDs removed by deleting ${name}`).to.deep.equal([]);
          }
        });
      }

      it('removing the first environment from the model (a regeneration) prunes nothing the others or the cluster need', () => {
        const first = model.environments[0]!.name;
        const without: PlatformModel = { ...model, environments: model.environments.filter((env) => env.name !== first) };
        const after = renderApplications(generateRepository(without, templates));
        const pruned = new Set<string>();
        for (const [name, app] of after) {
          const before = apps.get(name);
          if (!before) continue;
          for (const id of before.resources) if (!app.resources.includes(id) && !before.unprunable.has(id)) pruned.add(id);
        }
        const stillWanted = [...after.values()].flatMap((app) => app.resources);
        expect(stillWanted.filter((id) => pruned.has(id))).to.deep.equal([]);
        expect(CFK_CRD_IDS.every((id) => stillWanted.includes(id)), 'the CRDs are still installed').to.equal(true);
        expect(CFK_CRD_IDS.filter((id) => pruned.has(id))).to.deep.equal([]);
      });
    });
  }
});
