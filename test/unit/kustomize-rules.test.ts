import { expect } from 'chai';
import { fileTree } from '../../src/generator/file-tree.js';
import { referenceRules } from '../../src/validator/rules/references.js';
import { renderMismatchViolations } from '../../src/validator/kustomize/compare.js';
import { validateRepository } from '../../src/validator/validate.js';
import type { Violation } from '../../src/validator/violation.js';

/** A small KRaft + Kafka base and one overlay; each case changes a file and expects one finding. */
const BASE: Record<string, string> = {
  'base/kafka/kustomization.yaml': 'resources:\n  - kafka.yaml\n  - kraft.yaml\nconfigurations:\n  - kustomizeconfig.yaml\n',
  'base/kafka/kafka.yaml': [
    'apiVersion: platform.confluent.io/v1beta1',
    'kind: Kafka',
    'metadata:',
    '  name: kafka',
    'spec:',
    '  replicas: 3',
    '  image:',
    '    application: confluentinc/cp-server:8.2.0',
    '    init: confluentinc/confluent-init-container:3.3.0',
    '  dataVolumeCapacity: 10Gi',
    '  configOverrides:',
    '    server:',
    '      - auto.create.topics.enable=false',
    '  dependencies:',
    '    kRaftController:',
    '      clusterRef:',
    '        name: kraftcontroller',
    '',
  ].join('\n'),
  'base/kafka/kraft.yaml': 'apiVersion: platform.confluent.io/v1beta1\nkind: KRaftController\nmetadata:\n  name: kraftcontroller\nspec:\n  replicas: 1\n  image:\n    application: confluentinc/cp-server:8.2.0\n    init: confluentinc/confluent-init-container:3.3.0\n  dataVolumeCapacity: 10Gi\n',
  'base/kafka/kustomizeconfig.yaml': 'images:\n  - path: spec/image/application\n    kind: Kafka\n  - path: spec/image/application\n    kind: KRaftController\nreplicas:\n  - path: spec/replicas\n    kind: Kafka\nnameReference:\n  - kind: KRaftController\n    fieldSpecs:\n      - path: spec/dependencies/kRaftController/clusterRef/name\n        kind: Kafka\n',
  'overlays/dev/kustomization.yaml': 'namespace: p-dev\nresources:\n  - ../../base/kafka\npatches:\n  - path: patches/kafka.yaml\n',
  'overlays/dev/patches/kafka.yaml': 'apiVersion: platform.confluent.io/v1beta1\nkind: Kafka\nmetadata:\n  name: kafka\nspec:\n  replicas: 3\n',
};

function run(changes: Record<string, string | undefined>): Violation[] {
  const files = { ...BASE, ...changes };
  const tree = fileTree(Object.entries(files).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return [...validateRepository(tree, [referenceRules]).violations];
}

interface Case {
  readonly title: string;
  readonly changes: Record<string, string | undefined>;
  readonly expected: Pick<Violation, 'rule' | 'file' | 'line' | 'column'> & { severity?: string };
}

const CASES: Case[] = [
  {
    title: 'YAML syntax error',
    changes: { 'overlays/dev/patches/kafka.yaml': 'kind: Kafka\nspec:\n  replicas: [3\n' },
    expected: { rule: 'yaml/syntax', file: 'overlays/dev/patches/kafka.yaml', line: 4, column: 1 },
  },
  {
    title: 'duplicate key',
    changes: { 'overlays/dev/patches/kafka.yaml': 'apiVersion: platform.confluent.io/v1beta1\nkind: Kafka\nmetadata:\n  name: kafka\nspec:\n  replicas: 3\n  replicas: 4\n' },
    expected: { rule: 'yaml/duplicate-key', file: 'overlays/dev/patches/kafka.yaml', line: 7, column: 3 },
  },
  {
    title: 'alias bomb',
    changes: { 'overlays/dev/notes.yaml': `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [${'*a, '.repeat(9)}*a]\nc: &c [${'*b, '.repeat(9)}*b]\nd: [${'*c, '.repeat(9)}*c]\n` },
    expected: { rule: 'yaml/alias-bomb', file: 'overlays/dev/notes.yaml', line: 1, column: 1 },
  },
  {
    title: 'YAML 1.1 boolean-looking scalar',
    changes: { 'overlays/dev/patches/kafka.yaml': 'apiVersion: platform.confluent.io/v1beta1\nkind: Kafka\nmetadata:\n  name: kafka\n  labels:\n    exposed: yes\n' },
    expected: { rule: 'yaml/ambiguous-scalar', file: 'overlays/dev/patches/kafka.yaml', line: 6, column: 14, severity: 'warning' },
  },
  {
    title: 'unknown kustomization key',
    changes: { 'overlays/dev/kustomization.yaml': 'namespace: p-dev\nresource:\n  - ../../base/kafka\n' },
    expected: { rule: 'kustomize/unknown-key', file: 'overlays/dev/kustomization.yaml', line: 2, column: 1 },
  },
  {
    title: 'deprecated key',
    changes: { 'overlays/dev/kustomization.yaml': 'namespace: p-dev\nresources:\n  - ../../base/kafka\npatchesStrategicMerge:\n  - patches/kafka.yaml\n' },
    expected: { rule: 'kustomize/deprecated-key', file: 'overlays/dev/kustomization.yaml', line: 4, column: 1, severity: 'warning' },
  },
  {
    title: 'missing resource',
    changes: { 'overlays/dev/kustomization.yaml': 'namespace: p-dev\nresources:\n  - ../../base/kafka\n  - ../../base/connect\n' },
    expected: { rule: 'kustomize/missing-resource', file: 'overlays/dev/kustomization.yaml', line: 4, column: 5 },
  },
  {
    title: 'missing patch file',
    changes: { 'overlays/dev/kustomization.yaml': 'namespace: p-dev\nresources:\n  - ../../base/kafka\npatches:\n  - path: patches/kafak.yaml\n' },
    expected: { rule: 'kustomize/missing-resource', file: 'overlays/dev/kustomization.yaml', line: 5, column: 11 },
  },
  {
    title: 'a Kustomization listed as a component',
    changes: { 'overlays/dev/kustomization.yaml': 'namespace: p-dev\nresources:\n  - ../../base/kafka\ncomponents:\n  - ../../base/kafka\n' },
    expected: { rule: 'kustomize/not-a-component', file: 'overlays/dev/kustomization.yaml', line: 5, column: 5 },
  },
  {
    title: 'duplicate resource id',
    changes: { 'base/kafka/kustomization.yaml': 'resources:\n  - kafka.yaml\n  - kraft.yaml\n  - kafka-copy.yaml\n', 'base/kafka/kafka-copy.yaml': 'apiVersion: platform.confluent.io/v1beta1\nkind: Kafka\nmetadata:\n  name: kafka\n' },
    expected: { rule: 'kustomize/duplicate-resource-id', file: 'base/kafka/kafka-copy.yaml', line: 4, column: 9 },
  },
  {
    title: 'strategic-merge patch that matches nothing',
    changes: { 'overlays/dev/patches/kafka.yaml': 'apiVersion: platform.confluent.io/v1beta1\nkind: Kafka\nmetadata:\n  name: kafak\nspec:\n  replicas: 3\n' },
    expected: { rule: 'kustomize/patch-target-missing', file: 'overlays/dev/patches/kafka.yaml', line: 1, column: 1 },
  },
  {
    title: 'JSON6902 target that matches nothing',
    changes: {
      'overlays/dev/kustomization.yaml': 'namespace: p-dev\nresources:\n  - ../../base/kafka\npatches:\n  - target:\n      kind: Kafka\n      name: p-dev-kafka\n    patch: |\n      - op: replace\n        path: /spec/replicas\n        value: 5\n',
    },
    expected: { rule: 'kustomize/patch-target-missing', file: 'overlays/dev/kustomization.yaml', line: 6, column: 7 },
  },
  {
    title: 'JSON6902 path without the leading slash, reported at the op (inline patch)',
    changes: {
      'overlays/dev/kustomization.yaml': 'namespace: p-dev\nresources:\n  - ../../base/kafka\npatches:\n  - target:\n      kind: Kafka\n      name: kafka\n    patch: |\n      - op: replace\n        path: spec/replicas\n        value: 5\n',
    },
    expected: { rule: 'kustomize/json6902', file: 'overlays/dev/kustomization.yaml', line: 10, column: 15 },
  },
  {
    title: 'JSON6902 replace of a missing path, at the op line (patch file)',
    changes: {
      'overlays/dev/kustomization.yaml': 'namespace: p-dev\nresources:\n  - ../../base/kafka\npatches:\n  - path: patches/json.yaml\n    target:\n      kind: Kafka\n      name: kafka\n',
      'overlays/dev/patches/json.yaml': '- op: replace\n  path: /spec/replicas\n  value: 4\n- op: replace\n  path: /spec/podTemplate/resources/requests/memory\n  value: 4Gi\n',
    },
    expected: { rule: 'kustomize/json6902', file: 'overlays/dev/patches/json.yaml', line: 5, column: 9 },
  },
  {
    title: 'a list replaced wholesale drops base entries',
    changes: { 'overlays/dev/patches/kafka.yaml': 'apiVersion: platform.confluent.io/v1beta1\nkind: Kafka\nmetadata:\n  name: kafka\nspec:\n  configOverrides:\n    server:\n      - min.insync.replicas=2\n' },
    expected: { rule: 'kustomize/list-replaced', file: 'overlays/dev/patches/kafka.yaml', line: 8, column: 7, severity: 'warning' },
  },
  {
    title: 'replicas: on a kind without a field spec',
    changes: { 'overlays/dev/kustomization.yaml': 'namespace: p-dev\nresources:\n  - ../../base/kafka\nreplicas:\n  - name: kraftcontroller\n    count: 3\n' },
    expected: { rule: 'kustomize/replicas-unsupported', file: 'overlays/dev/kustomization.yaml', line: 5, column: 5 },
  },
  {
    title: 'images: entry that reaches no field',
    changes: { 'overlays/dev/kustomization.yaml': 'namespace: p-dev\nresources:\n  - ../../base/kafka\nimages:\n  - name: confluentinc/confluent-init-container\n    newTag: 3.4.0\n' },
    expected: { rule: 'kustomize/image-unused', file: 'overlays/dev/kustomization.yaml', line: 5, column: 11, severity: 'warning' },
  },
  {
    title: 'clusterRef naming a controller the overlay does not render',
    changes: { 'base/kafka/kustomizeconfig.yaml': 'images: []\n', 'overlays/dev/kustomization.yaml': 'namespace: p-dev\nnamePrefix: dev-\nresources:\n  - ../../base/kafka\n' },
    expected: { rule: 'reference/missing-resource', file: 'base/kafka/kafka.yaml', line: 17, column: 15 },
  },
  {
    title: 'a dependency on a component the environment does not run',
    changes: { 'overlays/dev/patches/kafka.yaml': 'apiVersion: platform.confluent.io/v1beta1\nkind: Kafka\nmetadata:\n  name: kafka\nspec:\n  dependencies:\n    schemaRegistry:\n      url: http://schemaregistry.p-dev.svc.cluster.local:8081\n' },
    expected: { rule: 'reference/missing-component', file: 'overlays/dev/patches/kafka.yaml', line: 8, column: 12 },
  },
];

describe('validator: YAML, Kustomize and reference rules', () => {
  it('the base fixture itself is clean', () => {
    expect(run({})).to.deep.equal([]);
  });

  for (const testCase of CASES) {
    it(`${testCase.expected.rule}: ${testCase.title}`, () => {
      const found = run(testCase.changes);
      const match = found.find((violation) => violation.rule === testCase.expected.rule);
      expect(match, `expected ${testCase.expected.rule}; got ${JSON.stringify(found, null, 1)}`).to.not.equal(undefined);
      expect({ rule: match!.rule, file: match!.file, line: match!.line, column: match!.column }).to.deep.equal({
        rule: testCase.expected.rule,
        file: testCase.expected.file,
        line: testCase.expected.line,
        column: testCase.expected.column,
      });
      expect(match!.severity).to.equal(testCase.expected.severity ?? 'error');
      expect(match!.fix, 'every finding says what to do').to.be.a('string').and.not.equal('');
    });
  }

  it('reports several mistakes of one overlay in one run', () => {
    const found = run({
      'overlays/dev/kustomization.yaml': [
        'namespace: p-dev',
        'commonLabels:',
        '  team: kafka',
        'resources:',
        '  - ../../base/kafka',
        '  - ../../base/ksqldb',
        'patches:',
        '  - path: patches/kafka.yaml',
        '  - target:',
        '      kind: Kafka',
        '      name: kafka',
        '    patch: |',
        '      - op: replace',
        '        path: spec/replicas',
        '        value: 5',
        '',
      ].join('\n'),
      'overlays/dev/patches/kafka.yaml': 'apiVersion: platform.confluent.io/v1beta1\nkind: Kafka\nmetadata:\n  name: kafak\n',
    });
    expect(found.map((violation) => `${violation.rule}@${violation.file}:${violation.line}`)).to.include.members([
      'kustomize/deprecated-key@overlays/dev/kustomization.yaml:2',
      'kustomize/missing-resource@overlays/dev/kustomization.yaml:6',
      'kustomize/patch-target-missing@overlays/dev/patches/kafka.yaml:1',
      'kustomize/json6902@overlays/dev/kustomization.yaml:14',
    ]);
  });
});

describe('validate --render: the emulation against the real output', () => {
  const build = (changes: Record<string, string | undefined>) => {
    const files = { ...BASE, ...changes };
    const tree = fileTree(Object.entries(files).filter((entry): entry is [string, string] => entry[1] !== undefined));
    return validateRepository(tree, []).builds.get('overlays/dev')!;
  };
  const rendered = (replicas: number) =>
    `apiVersion: platform.confluent.io/v1beta1\nkind: Kafka\nmetadata:\n  name: kafka\n  namespace: p-dev\nspec:\n  replicas: ${replicas}\n`;

  it('reports a field the emulation got wrong, on the overlay', () => {
    const clean = build({});
    const found = renderMismatchViolations({ ...clean, resources: clean.resources.filter((resource) => resource.object.kind === 'Kafka') }, rendered(7), 'overlays/dev/kustomization.yaml');
    expect(found.map((violation) => [violation.rule, violation.message.split(':')[0]])).to.deep.equal([['render/mismatch', 'Kafka/kafka (p-dev)']]);
  });

  it('stays silent where the build already reported an error (a JSON6902 op that does not apply)', () => {
    const broken = build({
      'overlays/dev/kustomization.yaml': 'namespace: p-dev\nresources:\n  - ../../base/kafka\npatches:\n  - target:\n      kind: Kafka\n      name: kafka\n    patch: |\n      - op: replace\n        path: /spec/nothing/here\n        value: 5\n',
    });
    expect(broken.violations.map((violation) => violation.rule)).to.include('kustomize/json6902');
    expect(renderMismatchViolations(broken, rendered(7), 'overlays/dev/kustomization.yaml')).to.deep.equal([]);
  });
});
