import { expect } from 'chai';
import { join } from 'node:path';
import { readTree } from '../../src/adapters/fs.js';
import { fileTree, type FileTree } from '../../src/generator/file-tree.js';
import { allRuleFamilies } from '../../src/validator/full-validation.js';
import { buildKustomization } from '../../src/validator/kustomize/build.js';
import type { KustomizationBuild } from '../../src/validator/kustomize/types.js';
import { parseSources } from '../../src/validator/sources.js';
import { kustomizationDirs, validateRepository, type RuleContext } from '../../src/validator/validate.js';
import { GOLDEN_SCENARIOS } from '../golden/scenarios.js';
import { REPO_ROOT } from '../helpers/paths.js';

/**
 * The Kustomize emulation shares objects instead of copying them: built resources share parts with
 * the parsed files and with other builds (copy on write), and a folder listed by 50 overlays is built
 * once. That is only right if nothing is ever changed in place: here every parsed value is frozen
 * (a write throws in strict mode) and the results must equal those of an unfrozen run.
 */
function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}

function frozenRun(tree: FileTree): { builds: Map<string, KustomizationBuild>; rules: string[] } {
  const { sources } = parseSources(tree);
  for (const file of sources.yaml.values()) for (const document of file.documents) deepFreeze(document.value);
  const allBuilds = new Map(kustomizationDirs(tree).map((dir) => [dir, buildKustomization(sources, dir)]));
  for (const build of allBuilds.values()) for (const resource of build.resources) deepFreeze(resource.object);
  const context: RuleContext = { sources, builds: new Map([...allBuilds].filter(([dir]) => dir.startsWith('overlays/'))), allBuilds };
  const rules = allRuleFamilies().flatMap((family) => family(context)).map((violation) => `${violation.file}:${violation.line}:${violation.column} ${violation.rule}`);
  return { builds: allBuilds, rules };
}

const SHARED = fileTree([
  ['base/kustomization.yaml', 'resources:\n  - app.yaml\nconfigurations:\n  - config.yaml\n'],
  ['base/config.yaml', 'images:\n  - path: spec/image\n    kind: Widget\nnameReference:\n  - kind: ConfigMap\n    fieldSpecs:\n      - path: spec/configRef\n        kind: Widget\n'],
  [
    'base/app.yaml',
    [
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n        - name: app\n          image: example/app:1\n',
      '---\napiVersion: example.io/v1\nkind: Widget\nmetadata:\n  name: widget\nspec:\n  image: example/widget:1\n  configRef: settings\n',
      '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  labels:\n    tier: base\ndata:\n  a: "1"\n',
    ].join(''),
  ],
  [
    'overlays/dev/kustomization.yaml',
    'resources:\n  - ../../base\nnamespace: dev\nnamePrefix: dev-\ncommonAnnotations:\n  owner: dev\nlabels:\n  - pairs:\n      env: dev\nimages:\n  - name: example/app\n    newTag: "2"\n  - name: example/widget\n    newTag: "3"\nreplicas:\n  - name: app\n    count: 3\npatches:\n  - path: patch.yaml\n  - target:\n      kind: ConfigMap\n      name: settings\n    patch: |\n      - op: add\n        path: /data/b\n        value: "2"\n',
  ],
  ['overlays/dev/patch.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          env:\n            - name: MODE\n              value: dev\n'],
  ['overlays/prod/kustomization.yaml', 'resources:\n  - ../../base\nnamespace: prod\nimages:\n  - name: example/app\n    newTag: "9"\n'],
]);

describe('Kustomize emulation: shared objects are never changed in place', () => {
  it('builds overlays that share a base from frozen values, each with its own transformations, the base untouched', () => {
    const { builds, rules } = frozenRun(SHARED);
    const objects = (dir: string) => builds.get(dir)!.resources.map((resource) => resource.object);
    const [devApp, devWidget, devSettings] = objects('overlays/dev') as Record<string, any>[];
    expect(devApp!.metadata).to.deep.equal({ name: 'dev-app', namespace: 'dev', labels: { env: 'dev' }, annotations: { owner: 'dev' } });
    expect(devApp!.spec.replicas).to.equal(3);
    expect(devApp!.spec.template.spec.containers).to.deep.equal([{ name: 'app', image: 'example/app:2', env: [{ name: 'MODE', value: 'dev' }] }]);
    expect(devWidget!.spec).to.deep.equal({ image: 'example/widget:3', configRef: 'dev-settings' });
    expect(devSettings!.data).to.deep.equal({ a: '1', b: '2' });
    expect(devSettings!.metadata.labels).to.deep.equal({ tier: 'base', env: 'dev' });
    const [prodApp, prodWidget] = objects('overlays/prod') as Record<string, any>[];
    expect(prodApp!.metadata).to.deep.equal({ name: 'app', namespace: 'prod' });
    expect(prodApp!.spec.replicas).to.equal(1);
    expect(prodApp!.spec.template.spec.containers).to.deep.equal([{ name: 'app', image: 'example/app:9' }]);
    expect(prodWidget!.spec).to.deep.equal({ image: 'example/widget:1', configRef: 'settings' });
    const [baseApp] = objects('base') as Record<string, any>[];
    expect(baseApp!.metadata).to.deep.equal({ name: 'app' });
    expect(baseApp!.spec.template.spec.containers[0].image).to.equal('example/app:1');
    // Blame follows each overlay: the image of dev came from its images: entry, prod's from its own.
    expect(builds.get('overlays/dev')!.resources[0]!.blame.get('/spec/template/spec/containers/0/image')?.document.file).to.equal('overlays/dev/kustomization.yaml');
    expect(builds.get('overlays/prod')!.resources[0]!.blame.get('/spec/template/spec/containers/0/image')?.document.file).to.equal('overlays/prod/kustomization.yaml');
    expect(builds.get('base')!.resources[0]!.blame.size).to.equal(0);
    expect(rules).to.be.an('array');
  });

  for (const scenario of Object.keys(GOLDEN_SCENARIOS)) {
    it(`${scenario}: the frozen run finds what validateRepository finds`, () => {
      const tree = readTree(join(REPO_ROOT, 'test', 'golden', scenario));
      const { rules, builds } = frozenRun(tree);
      const report = validateRepository(tree, allRuleFamilies());
      const expected = report.violations.filter((violation) => !violation.rule.startsWith('yaml/') && !violation.rule.startsWith('kustomize/')).map((violation) => `${violation.file}:${violation.line}:${violation.column} ${violation.rule}`);
      expect([...new Set(rules)].sort()).to.deep.equal([...new Set(expected)].sort());
      expect([...builds.keys()].filter((dir) => dir.startsWith('overlays/')).length).to.be.greaterThan(0);
    });
  }
});
