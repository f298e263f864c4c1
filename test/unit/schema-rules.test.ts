import { expect } from 'chai';
import { join } from 'node:path';
import { readTree } from '../../src/adapters/fs.js';
import { fileTree } from '../../src/generator/file-tree.js';
import { isPlainObject, mergePlain, type PlainObject } from '../../src/generator/object-path.js';
import { escapePointer, type AppliedPatch, type BuiltResource, type KustomizationBuild, type SourceRef } from '../../src/validator/kustomize/types.js';
import { repositorySchemaRules, schemaRules } from '../../src/validator/rules/schema-rules.js';
import { createSchemaRegistry, type SchemaRegistry } from '../../src/validator/schemas/registry.js';
import { parseSources, type SourceDocument, type SourceSet } from '../../src/validator/sources.js';
import { validateRepository, type RuleContext } from '../../src/validator/validate.js';
import type { Violation } from '../../src/validator/violation.js';
import type { YamlPath } from '../../src/yaml/positions.js';
import { REPO_ROOT } from '../helpers/paths.js';

// Schema rules on hand-built builds: base and patch documents parsed with positions, the merged
// object, and the blame a Kustomize build records (every leaf and list a patch sets → that patch).

const KAFKA_BASE = `apiVersion: platform.confluent.io/v1beta1
kind: Kafka
metadata:
  name: kafka
spec:
  replicas: 3
  image:
    application: confluentinc/cp-server:8.2.0
  dataVolumeCapacity: 20Gi
  tls:
    secretRef: kafka-tls
`;

const KAFKA_DEV_PATCH = `apiVersion: platform.confluent.io/v1beta1
kind: Kafka
metadata:
  name: kafka
spec:
  replicas: "five"
  podTemplate:
    resourcez: {}
  dependencies:
    metricsClient:
      url: controlcenter:9090
`;

const KAFKA_PROD_PATCH = `apiVersion: platform.confluent.io/v1beta1
kind: Kafka
metadata:
  name: kafka
spec:
  replicas: 3
`;

const CONTROL_CENTER_BASE = `apiVersion: platform.confluent.io/v1beta1
kind: ControlCenter
metadata:
  name: controlcenter
spec:
  image:
    application: confluentinc/cp-enterprise-control-center-next-gen:2.5.0
    init: confluentinc/confluent-init-container:3.3.0
  dataVolumeCapacity: 10Gi
`;

const CONTROL_CENTER_PATCH = `apiVersion: platform.confluent.io/v1beta1
kind: ControlCenter
metadata:
  name: controlcenter
spec:
  services:
    prometheus:
      pvc:
        dataVolumeCapacity: 10Gi
`;

const APPLICATION = `# An Argo CD Application with two mistakes.
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: acme-dev
  namespace: argocd
spec:
  project: acme-dev
  source:
    repoURL: https://github.com/acme/acme.git
    path: overlays/dev
  destination:
    server: kubernetes.default.svc
    namespace: acme-dev
  syncPolicy:
    automated:
      selfheal: true
`;

const CONFIG_MAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  replicas: five
`;

interface Fixture {
  readonly sources: SourceSet;
  readonly builds: Map<string, KustomizationBuild>;
}

function documentOf(sources: SourceSet, file: string): SourceDocument {
  const document = sources.yaml.get(file)?.documents[0];
  if (!document) throw new Error(`fixture bug: ${file} has no document`);
  return document;
}

/** Every leaf and list a patch sets, as a Kustomize build would record it. */
function blameFromPatch(patch: SourceDocument): Map<string, SourceRef> {
  const blame = new Map<string, SourceRef>();
  const walk = (value: unknown, path: YamlPath): void => {
    if (isPlainObject(value) && Object.keys(value).length > 0) {
      for (const [key, child] of Object.entries(value)) walk(child, [...path, key]);
      return;
    }
    if (path.length > 0 && path[0] !== 'apiVersion' && path[0] !== 'kind' && path[0] !== 'metadata') {
      blame.set(`/${path.map((segment) => escapePointer(String(segment))).join('/')}`, { document: patch, path });
    }
  };
  walk(patch.value, []);
  return blame;
}

function built(base: SourceDocument, patch: SourceDocument | undefined): BuiltResource {
  const object = patch ? mergePlain(base.value as PlainObject, patch.value as PlainObject) : (base.value as PlainObject);
  const metadata = object.metadata as PlainObject;
  return {
    object,
    origin: base,
    originalId: { apiVersion: String(object.apiVersion), kind: String(object.kind), name: String(metadata.name) },
    blame: patch ? blameFromPatch(patch) : new Map(),
  };
}

function build(sources: SourceSet, dir: string, resources: [string, string | undefined][]): KustomizationBuild {
  const kustomization = documentOf(sources, `${dir}/kustomization.yaml`);
  const patches: AppliedPatch[] = [];
  const builtResources = resources.map(([baseFile, patchFile], index) => {
    const base = documentOf(sources, baseFile);
    const patch = patchFile === undefined ? undefined : documentOf(sources, patchFile);
    const resource = built(base, patch);
    if (patch) patches.push({ kustomization, entryPath: ['patches', index], kind: 'strategic-merge', document: patch, targets: [resource.originalId] });
    return resource;
  });
  return { dir, resources: builtResources, violations: [], patches };
}

function fixture(): Fixture {
  const kustomization = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n';
  const tree = fileTree([
    ['base/kafka/kafka.yaml', KAFKA_BASE],
    ['base/controlcenter/controlcenter.yaml', CONTROL_CENTER_BASE],
    ['overlays/dev/kustomization.yaml', kustomization],
    ['overlays/dev/patches/kafka.yaml', KAFKA_DEV_PATCH],
    ['overlays/dev/patches/controlcenter.yaml', CONTROL_CENTER_PATCH],
    ['overlays/prod/kustomization.yaml', kustomization],
    ['overlays/prod/patches/kafka.yaml', KAFKA_PROD_PATCH],
    ['overlays/dev/configmap.yaml', CONFIG_MAP],
    ['argocd/dev/platform.yaml', APPLICATION],
    ['docs/example-application.yaml', APPLICATION],
  ]);
  const { sources } = parseSources(tree);
  const builds = new Map<string, KustomizationBuild>([
    [
      'overlays/dev',
      build(sources, 'overlays/dev', [
        ['base/kafka/kafka.yaml', 'overlays/dev/patches/kafka.yaml'],
        ['base/controlcenter/controlcenter.yaml', 'overlays/dev/patches/controlcenter.yaml'],
        ['overlays/dev/configmap.yaml', undefined],
      ]),
    ],
    ['overlays/prod', build(sources, 'overlays/prod', [['base/kafka/kafka.yaml', 'overlays/prod/patches/kafka.yaml']])],
  ]);
  return { sources, builds };
}

describe('schema rules', () => {
  let registry: SchemaRegistry;
  let violations: Violation[];
  before(() => {
    registry = createSchemaRegistry({ importedSchemas: new Map() });
    const { sources, builds } = fixture();
    const context: RuleContext = { sources, builds, allBuilds: builds };
    violations = schemaRules(registry)(context);
  });

  const cases: { title: string; rule: string; file: string; line: number; column: number; message: RegExp; fix: RegExp }[] = [
    { title: 'a string where a patch needs an integer: at the value', rule: 'schema/patch', file: 'overlays/dev/patches/kafka.yaml', line: 6, column: 13, message: /^patch of Kafka "kafka": spec\.replicas must be an integer, not "five"$/, fix: /use an integer/ },
    { title: 'an unknown field in a patch: at the key', rule: 'schema/patch', file: 'overlays/dev/patches/kafka.yaml', line: 8, column: 5, message: /spec\.podTemplate\.resourcez is not a known field/, fix: /did you mean "resources"/ },
    { title: 'a URL without a scheme in a patch', rule: 'schema/patch', file: 'overlays/dev/patches/kafka.yaml', line: 11, column: 12, message: /spec\.dependencies\.metricsClient\.url must be an http:\/\/ or https:\/\/ URL/, fix: /http:\/\/ or https:\/\// },
    { title: 'a required field the base lacks: on the base, once for both overlays', rule: 'schema/resource', file: 'base/kafka/kafka.yaml', line: 8, column: 5, message: /^Kafka "kafka": spec\.image\.init is required \(in the build of overlays\/dev, overlays\/prod\)$/, fix: /add spec\.image\.init/ },
    { title: 'a required field missing from an object a patch brought in: on the patch', rule: 'schema/resource', file: 'overlays/dev/patches/controlcenter.yaml', line: 7, column: 5, message: /^ControlCenter "controlcenter": spec\.services\.alertmanager is required$/, fix: /add spec\.services\.alertmanager/ },
    { title: 'a required field missing deeper in that object', rule: 'schema/resource', file: 'overlays/dev/patches/controlcenter.yaml', line: 8, column: 7, message: /spec\.services\.prometheus\.image is required/, fix: /add/ },
    { title: 'a URL that is not one in an Argo CD Application under argocd/', rule: 'schema/argocd', file: 'argocd/dev/platform.yaml', line: 13, column: 13, message: /^Application "acme-dev": spec\.destination\.server must be an http:\/\/ or https:\/\/ URL/, fix: /https/ },
    { title: 'a misspelt field in an Argo CD Application: at the key', rule: 'schema/argocd', file: 'argocd/dev/platform.yaml', line: 17, column: 7, message: /spec\.syncPolicy\.automated\.selfheal is not a known field/, fix: /did you mean "selfHeal"/ },
  ];

  for (const expected of cases) {
    it(`${expected.rule}: ${expected.title}`, () => {
      const found = violations.filter((violation) => violation.file === expected.file && violation.line === expected.line && violation.column === expected.column && violation.rule === expected.rule);
      expect(found, JSON.stringify(violations, null, 2)).to.have.length(1);
      expect(found[0]!.severity).to.equal('error');
      expect(found[0]!.message).to.match(expected.message);
      expect(found[0]!.fix).to.match(expected.fix);
    });
  }

  it('reports nothing else: no repeat on the merged result of what a patch shows, nothing for kinds without a schema or outside argocd/', () => {
    expect(violations.map((violation) => `${violation.rule} ${violation.file}:${violation.line}:${violation.column}`).sort()).to.deep.equal(
      cases.map((expected) => `${expected.rule} ${expected.file}:${expected.line}:${expected.column}`).sort(),
    );
  });

  it('schema/imported: an imported schema file that cannot be used, at its first line', () => {
    const { sources, builds } = fixture();
    const found = schemaRules(registry, { importProblems: [{ file: '.cp-gitops/schemas/platform.confluent.io_kafka_v1beta1.json', message: 'Unexpected token' }] })({ sources, builds, allBuilds: builds });
    const imported = found.filter((violation) => violation.rule === 'schema/imported');
    expect(imported.map((violation) => `${violation.file}:${violation.line}:${violation.column}`)).to.deep.equal(['.cp-gitops/schemas/platform.confluent.io_kafka_v1beta1.json:1:1']);
    expect(imported[0]!.message).to.match(/Unexpected token; validation used the built-in schema/);
  });

  it('for a repository: its imported schemas come from the tree itself', () => {
    const tree = new Map(readTree(join(REPO_ROOT, 'test', 'golden', 'minimal')));
    tree.set('.cp-gitops/schemas/platform.confluent.io_kafka_v1beta1.json', '{ not json');
    const report = validateRepository(tree, [repositorySchemaRules()]);
    const found = report.violations.filter((violation) => violation.rule.startsWith('schema/'));
    expect(found.map((violation) => `${violation.rule} ${violation.file}:${violation.line}:${violation.column}`)).to.deep.equal(['schema/imported .cp-gitops/schemas/platform.confluent.io_kafka_v1beta1.json:1:1']);
  });

  it('finds nothing in the golden repositories, built for real', () => {
    for (const scenario of ['default', 'minimal', 'cp79-zookeeper']) {
      const report = validateRepository(readTree(join(REPO_ROOT, 'test', 'golden', scenario)), [schemaRules(registry)]);
      expect(report.violations.filter((violation) => violation.rule.startsWith('schema/')), scenario).to.deep.equal([]);
      expect(report.stats.resources, scenario).to.be.greaterThan(0);
    }
  });

  it('locates mistakes in a golden repository built for real', () => {
    const tree = new Map(readTree(join(REPO_ROOT, 'test', 'golden', 'default')));
    const patch = 'overlays/staging/patches/kafka.yaml';
    tree.set(patch, tree.get(patch)!.replace('  replicas: 3\n', '  replicas: "3"\n  replica: 3\n'));
    tree.set('base/connect/connect.yaml', tree.get('base/connect/connect.yaml')!.replace('    init: confluentinc/confluent-init-container:3.3.0\n', ''));
    const report = validateRepository(tree, [schemaRules(registry)]);
    const found = report.violations.filter((violation) => violation.rule.startsWith('schema/')).map((violation) => `${violation.rule} ${violation.file}:${violation.line}:${violation.column}`);
    const patchLines = tree.get(patch)!.split('\n');
    const replicasLine = patchLines.indexOf('  replicas: "3"') + 1;
    const connectLines = tree.get('base/connect/connect.yaml')!.split('\n');
    const imageLine = connectLines.indexOf('  image:') + 2;
    expect(found).to.deep.equal([`schema/resource base/connect/connect.yaml:${imageLine}:5`, `schema/patch ${patch}:${replicasLine}:13`, `schema/patch ${patch}:${replicasLine + 1}:3`]);
    const init = report.violations.find((violation) => violation.file === 'base/connect/connect.yaml')!;
    expect(init.message).to.equal('Connect "connect": spec.image.init is required (in the build of overlays/dev, overlays/prod, overlays/staging)');
  });
});
