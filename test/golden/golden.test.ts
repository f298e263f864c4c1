import { expect } from 'chai';
import { join } from 'node:path';
import { readTree, removeDirectory, writeTree } from '../../src/adapters/fs.js';
import { loadTemplates } from '../../src/adapters/templates.js';
import { fileTree } from '../../src/generator/file-tree.js';
import { generateRepository } from '../../src/generator/repository.js';
import { validateTree } from '../../src/validator/full-validation.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { deployedModel } from '../../src/model/kafka-clusters.js';
import { GOLDEN_SCENARIOS, goldenModel } from './scenarios.js';

/**
 * Whole generated trees, byte for byte. A generator change that alters output fails here until the
 * golden files are rewritten on purpose: `UPDATE_GOLDEN=1 npm test`, then review the diff.
 */
const GOLDEN_DIR = join(REPO_ROOT, 'test', 'golden');
const update = process.env.UPDATE_GOLDEN === '1';

describe('golden trees', () => {
  const templates = loadTemplates();

  for (const scenario of Object.keys(GOLDEN_SCENARIOS)) {
    it(`${scenario}: the generated tree equals test/golden/${scenario}`, () => {
      const tree = generateRepository(goldenModel(scenario), templates);
      const dir = join(GOLDEN_DIR, scenario);
      if (update) {
        removeDirectory(dir);
        writeTree(dir, tree);
      }
      const golden = readTree(dir);
      expect([...tree.keys()], 'file list').to.deep.equal([...golden.keys()].sort());
      for (const [path, content] of tree) {
        expect(content, `${scenario}/${path} (UPDATE_GOLDEN=1 npm test rewrites it)`).to.equal(golden.get(path));
      }
    });

    it(`${scenario}: generating twice gives the same bytes`, () => {
      const first = generateRepository(goldenModel(scenario), templates);
      const second = generateRepository(goldenModel(scenario), templates);
      expect([...second]).to.deep.equal([...first]);
    });
  }
});

/** The security trade-offs a scenario makes on purpose (issue 11): validate must show them, as warnings. */
const INTENDED_WARNINGS: Readonly<Record<string, RegExp>> = {
  'external-nodeport': /^cp-gitops\.yaml:\d+:\d+: model\/security: environment "staging": security\.allowInsecure is set/,
  'tls-sasl': /^cp-gitops\.yaml:\d+:\d+: model\/security: environment "prod": authorization simple in production/,
};

describe('generated repositories validate clean', () => {
  const templates = loadTemplates();
  for (const scenario of Object.keys(GOLDEN_SCENARIOS)) {
    it(`${scenario}: no errors and no warnings from every rule family${INTENDED_WARNINGS[scenario] ? ' but its intended security warning' : ''}`, () => {
      const report = validateTree(generateRepository(goldenModel(scenario), templates));
      const found = report.violations.map((violation) => `${violation.file}:${violation.line}:${violation.column}: ${violation.rule}: ${violation.message}`);
      const intended = INTENDED_WARNINGS[scenario];
      if (intended) {
        expect(found.filter((line) => intended.test(line)), 'the intended warning').to.have.length(1);
        expect(report.violations.filter((violation) => violation.rule === 'model/security').every((violation) => violation.severity === 'warning')).to.equal(true);
      }
      expect(found.filter((line) => !intended?.test(line))).to.deep.equal([]);
      expect(report.stats.overlays).to.equal(deployedModel(goldenModel(scenario)).environments.length);
    });
  }

  it('a broken overlay: every mistake is reported in one run, at its file, line and column', () => {
    const tree = new Map(generateRepository(goldenModel('minimal'), templates));
    tree.set(
      'overlays/dev/kustomization.yaml',
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'namespace: mini-dev',
        'resources:',
        '  - ../../base/kraftcontroller',
        '  - ../../base/kafka',
        'patches:',
        '  - path: patches/kafka.yaml',
        '  - path: patches/kraftcontroller.yaml',
        '  - path: patches/missing.yaml',
        '  - target:',
        '      kind: Kafka',
        '      name: kafka',
        '    patch: |',
        '      - op: replace',
        '        path: spec/replicas',
        '        value: 5',
        '',
      ].join('\n'),
    );
    tree.set(
      'overlays/dev/patches/kafka.yaml',
      [
        'apiVersion: platform.confluent.io/v1beta1',
        'kind: Kafka',
        'metadata:',
        '  name: kafka',
        'spec:',
        '  replicas: "five"',
        '  replica: 3',
        '  podTemplate:',
        '    resources:',
        '      requests:',
        '        memory: 2Gi',
        '',
      ].join('\n'),
    );
    tree.set('overlays/dev/patches/kraftcontroller.yaml', 'apiVersion: platform.confluent.io/v1beta1\nkind: KRaftController\nmetadata:\n  name: kraft-controller\nspec:\n  replicas: 1\n');
    const found = validateTree(fileTree(tree)).violations.map((violation) => `${violation.rule}@${violation.file}:${violation.line}:${violation.column}`);
    expect(found).to.include.members([
      'kustomize/missing-resource@overlays/dev/kustomization.yaml:10:11',
      'kustomize/json6902@overlays/dev/kustomization.yaml:16:15',
      'kustomize/patch-target-missing@overlays/dev/patches/kraftcontroller.yaml:1:1',
      'schema/patch@overlays/dev/patches/kafka.yaml:6:13',
      'schema/patch@overlays/dev/patches/kafka.yaml:7:3',
    ]);
  });
});
