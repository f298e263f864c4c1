import { expect } from 'chai';
import { join } from 'node:path';
import { readTree } from '../../src/adapters/fs.js';
import { fileTree } from '../../src/generator/file-tree.js';
import { isPlainObject, mergePlain, type PlainObject } from '../../src/generator/object-path.js';
import { escapePointer, type AppliedPatch, type BuiltResource, type KustomizationBuild, type SourceRef } from '../../src/validator/kustomize/types.js';
import { isPlaceholderUrl, isProdLike, policyRules, unpinned } from '../../src/validator/rules/policy.js';
import { buildNewModel } from '../../src/model/build.js';
import { serializePlatformModel } from '../../src/model/serialize.js';
import { modelFacts, modelRules } from '../../src/validator/rules/model.js';
import { parseSources, type SourceSet } from '../../src/validator/sources.js';
import type { Violation } from '../../src/validator/violation.js';
import { REPO_ROOT } from '../helpers/paths.js';

// Policy rules on hand-built BuiltResource objects: a base document, a patch document, and the blame
// a Kustomize build would record (every leaf and list the patch sets → the patch).

const MODEL = `apiVersion: cp-gitops.io/v1alpha1
kind: Platform
name: acme
repoURL: https://github.com/acme/acme.git
targetRevision: main
controller: kraft
versions:
  confluentPlatform: 8.2.0
  operator: 3.3.0
  operatorChart: 0.1718.10
  controlCenter: 2.5.0
environments:
  - name: dev
    namespace: acme-dev
    cluster: https://kubernetes.default.svc
    size: small
    components: [kafka]
  - name: prod
    namespace: acme-prod
    cluster: https://kubernetes.default.svc
    size: large
    components: [kafka]
`;

const KAFKA_BASE = `apiVersion: platform.confluent.io/v1beta1
kind: Kafka
metadata:
  name: kafka
spec:
  replicas: 3
  image:
    application: confluentinc/cp-server:8.2.0
    init: confluentinc/confluent-init-container:3.3.0
  dataVolumeCapacity: 20Gi
  podTemplate:
    resources:
      requests:
        memory: 2Gi
`;

const KAFKA_PROD_PATCH = `apiVersion: platform.confluent.io/v1beta1
kind: Kafka
metadata:
  name: kafka
spec:
  replicas: 3
  pdb:
    enabled: true
    maxUnavailable: 1
  configOverrides:
    server:
      - default.replication.factor=3
      - min.insync.replicas=2
`;

const KRAFT_BASE = `apiVersion: platform.confluent.io/v1beta1
kind: KRaftController
metadata:
  name: kraftcontroller
spec:
  replicas: 1
  image:
    application: confluentinc/cp-server:8.2.0
    init: confluentinc/confluent-init-container:3.3.0
  podTemplate:
    resources:
      requests:
        memory: 1Gi
`;

const KRAFT_PROD_PATCH = `apiVersion: platform.confluent.io/v1beta1
kind: KRaftController
metadata:
  name: kraftcontroller
spec:
  replicas: 3
  pdb:
    enabled: true
`;

const PROD_KUSTOMIZATION = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base/kraftcontroller
  - ../../base/kafka
patches:
  - path: patches/kraftcontroller.yaml
  - path: patches/kafka.yaml
`;

const FILES = {
  model: 'cp-gitops.yaml',
  prodKustomization: 'overlays/prod/kustomization.yaml',
  kafka: 'base/kafka/kafka.yaml',
  kafkaProd: 'overlays/prod/patches/kafka.yaml',
  kraft: 'base/kraftcontroller/kraftcontroller.yaml',
  kraftProd: 'overlays/prod/patches/kraftcontroller.yaml',
} as const;

type Texts = Record<keyof typeof FILES, string>;
const DEFAULT_TEXTS: Texts = { model: MODEL, prodKustomization: PROD_KUSTOMIZATION, kafka: KAFKA_BASE, kafkaProd: KAFKA_PROD_PATCH, kraft: KRAFT_BASE, kraftProd: KRAFT_PROD_PATCH };

/** Every pointer a patch sets: leaves and whole lists (custom resources have no merge keys). */
function patchedPointers(value: unknown, prefix = ''): string[] {
  if (!isPlainObject(value)) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => patchedPointers(child, `${prefix}/${escapePointer(key)}`));
}

function pointerPath(pointer: string): (string | number)[] {
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment.replace(/~1/g, '/').replace(/~0/g, '~')));
}

/** A resource built from a base file and, optionally, one patch file of the same tree. */
function built(sources: SourceSet, base: string, patch?: string): BuiltResource {
  const origin = sources.yaml.get(base)!.documents[0]!;
  const baseObject = origin.value as PlainObject;
  const blame = new Map<string, SourceRef>();
  let object = baseObject;
  if (patch) {
    const document = sources.yaml.get(patch)!.documents[0]!;
    const patchSpec = { spec: (document.value as PlainObject).spec };
    object = mergePlain(baseObject, patchSpec);
    for (const pointer of patchedPointers(patchSpec)) blame.set(pointer, { document, path: pointerPath(pointer) });
  }
  const metadata = baseObject.metadata as PlainObject;
  return { object, origin, originalId: { apiVersion: String(baseObject.apiVersion), kind: String(baseObject.kind), name: String(metadata.name) }, blame };
}

function build(dir: string, resources: BuiltResource[], patches: AppliedPatch[] = []): KustomizationBuild {
  return { dir, resources, violations: [], patches };
}

/** patches[index] of the prod kustomization, applied to the resource its document names. */
function applied(sources: SourceSet, file: string, index: number): AppliedPatch {
  const document = sources.yaml.get(file)!.documents[0]!;
  const value = document.value as PlainObject;
  return {
    kustomization: sources.yaml.get(FILES.prodKustomization)!.documents[0]!,
    entryPath: ['patches', index],
    kind: 'strategic-merge',
    document,
    targets: [{ apiVersion: String(value.apiVersion), kind: String(value.kind), name: String((value.metadata as PlainObject).name) }],
  };
}

/** dev = the bases alone; prod = the bases with the prod patches. */
function run(texts: Partial<Texts> = {}, extraFiles: [string, string][] = []): Violation[] {
  const all = { ...DEFAULT_TEXTS, ...texts };
  const { sources } = parseSources(fileTree([...(Object.keys(FILES) as (keyof typeof FILES)[]).map((key) => [FILES[key], all[key]] as [string, string]), ...extraFiles]));
  const builds = new Map([
    ['overlays/dev', build('overlays/dev', [built(sources, FILES.kraft), built(sources, FILES.kafka)])],
    [
      'overlays/prod',
      build('overlays/prod', [built(sources, FILES.kraft, FILES.kraftProd), built(sources, FILES.kafka, FILES.kafkaProd)], [applied(sources, FILES.kraftProd, 0), applied(sources, FILES.kafkaProd, 1)]),
    ],
  ]);
  return policyRules({ sources, builds, allBuilds: builds });
}

/** 1-based line and column of `needle` in `text`, moved `offset` characters right (to point at a value). */
function at(text: string, needle: string, offset = 0): { line: number; column: number } {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`fixture lacks ${needle}`);
  const before = text.slice(0, index + offset);
  const line = before.split('\n').length;
  return { line, column: index + offset - before.lastIndexOf('\n') };
}

const valueAt = (text: string, needle: string) => at(text, needle, needle.indexOf(': ') + 2);
const itemAt = (text: string, needle: string) => at(text, needle, 2);

interface Case {
  readonly title: string;
  readonly texts?: Partial<Texts>;
  readonly extraFiles?: [string, string][];
  readonly rule: string;
  readonly severity?: 'error' | 'warning';
  readonly file: string;
  readonly position: { line: number; column: number };
  readonly message?: RegExp;
  /** Other rules the same edit rightly breaks (left out of the one-violation check). */
  readonly alsoBreaks?: readonly string[];
}

const KAFKA_ONE_REPLICA = KAFKA_PROD_PATCH.replace('  replicas: 3', '  replicas: 1');
const KAFKA_MIN_ISR_1 = KAFKA_PROD_PATCH.replace('min.insync.replicas=2', 'min.insync.replicas=1');
const KAFKA_RF_2 = KAFKA_PROD_PATCH.replace('default.replication.factor=3', 'default.replication.factor=2');
const KAFKA_NO_RF = KAFKA_PROD_PATCH.replace('      - default.replication.factor=3\n', '');
const KAFKA_NO_MIN_ISR = KAFKA_PROD_PATCH.replace('      - min.insync.replicas=2\n', '');
const KAFKA_PDB_OFF = KAFKA_PROD_PATCH.replace('    enabled: true', '    enabled: false');
const KRAFT_NO_PDB = KRAFT_PROD_PATCH.replace('  pdb:\n    enabled: true\n', '');
const KRAFT_NO_REPLICAS = KRAFT_PROD_PATCH.replace('  replicas: 3\n', '');
const KAFKA_LATEST = KAFKA_BASE.replace('cp-server:8.2.0', 'cp-server:latest');
const KAFKA_UNTAGGED_INIT = KAFKA_BASE.replace('confluent-init-container:3.3.0', 'confluent-init-container');
const KAFKA_NO_MEMORY = KAFKA_BASE.replace('  podTemplate:\n    resources:\n      requests:\n        memory: 2Gi\n', '');
const SECRET = `# A credential committed by mistake.
apiVersion: v1
kind: Secret
metadata:
  name: db-credentials
data:
  password: c2VjcmV0
`;
const TWO_DOCUMENTS = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: fast
---
apiVersion: v1
kind: Secret
metadata:
  name: api
stringData:
  token: abc
`;
const GENERATOR = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base/kafka
secretGenerator:
  - name: jaas
    literals:
      - password=secret
`;
const PLACEHOLDER_APP = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: acme-prod
spec:
  project: acme-prod
  source:
    repoURL: https://git.example.com/change-me/acme.git
    path: overlays/prod
`;
const PLACEHOLDER_PROJECT = `apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: acme-prod
spec:
  sourceRepos:
    - https://packages.confluent.io/helm
    - git@git.example.com:change-me/acme.git
`;

const CASES: Case[] = [
  { title: 'prod brokers below 3, blamed on the patch', texts: { kafkaProd: KAFKA_ONE_REPLICA }, rule: 'policy/prod-broker-replicas', file: FILES.kafkaProd, position: valueAt(KAFKA_ONE_REPLICA, 'replicas: 1'), message: /runs 1 brokers.*overlays\/prod/, alsoBreaks: ['policy/replication-factor'] },
  { title: 'prod controllers below 3, blamed on the base when the patch does not set them', texts: { kraftProd: KRAFT_NO_REPLICAS }, rule: 'policy/prod-controller-replicas', file: FILES.kraft, position: valueAt(KRAFT_BASE, 'replicas: 1') },
  { title: 'min.insync.replicas below 2 in prod', texts: { kafkaProd: KAFKA_MIN_ISR_1 }, rule: 'policy/min-insync-replicas', file: FILES.kafkaProd, position: itemAt(KAFKA_MIN_ISR_1, '- min.insync.replicas=1'), message: /min\.insync\.replicas=1/ },
  { title: 'min.insync.replicas not below the replication factor', texts: { kafkaProd: KAFKA_RF_2 }, rule: 'policy/min-insync-replicas', file: FILES.kafkaProd, position: itemAt(KAFKA_RF_2, '- min.insync.replicas=2'), message: /default\.replication\.factor=2/ },
  { title: 'default.replication.factor unset next to min.insync.replicas=2', texts: { kafkaProd: KAFKA_NO_RF }, rule: 'policy/min-insync-replicas', file: FILES.kafkaProd, position: itemAt(KAFKA_NO_RF, '- min.insync.replicas=2'), message: /but not default\.replication\.factor/ },
  { title: 'min.insync.replicas unset in prod (Kafka default 1), blamed on the server list', texts: { kafkaProd: KAFKA_NO_MIN_ISR }, rule: 'policy/min-insync-replicas', file: FILES.kafkaProd, position: at(KAFKA_NO_MIN_ISR, '- default.replication.factor'), message: /does not set min\.insync\.replicas/ },
  { title: 'PDB disabled in prod', texts: { kafkaProd: KAFKA_PDB_OFF }, rule: 'policy/prod-pdb', file: FILES.kafkaProd, position: valueAt(KAFKA_PDB_OFF, 'enabled: false') },
  { title: "no PDB on the prod controllers, reported on the overlay's own patch of them (where it belongs)", texts: { kraftProd: KRAFT_NO_PDB }, rule: 'policy/prod-pdb', file: FILES.kraftProd, position: at(KRAFT_NO_PDB, 'replicas: 3') },
  { title: 'an image tagged latest, once for every overlay that builds the base', texts: { kafka: KAFKA_LATEST }, rule: 'policy/image-tag', file: FILES.kafka, position: valueAt(KAFKA_LATEST, 'application: confluentinc/cp-server:latest'), message: /tagged latest.*\(in overlays\/dev, overlays\/prod\)$/ },
  { title: 'an init image without a tag', texts: { kafka: KAFKA_UNTAGGED_INIT }, rule: 'policy/image-tag', file: FILES.kafka, position: valueAt(KAFKA_UNTAGGED_INIT, 'init: confluentinc/confluent-init-container'), message: /no tag/ },
  { title: 'no memory request', texts: { kafka: KAFKA_NO_MEMORY }, rule: 'policy/memory-request', file: FILES.kafka, position: at(KAFKA_NO_MEMORY, 'replicas: 3') },
  { title: 'a Secret with data', extraFiles: [['overlays/prod/db-secret.yaml', SECRET]], rule: 'policy/plaintext-secret', file: 'overlays/prod/db-secret.yaml', position: at(SECRET, '\ndata:', 1), message: /Secret "db-credentials" carries its values in data/ },
  { title: 'a Secret with stringData in the second document of a file', extraFiles: [['base/extra/objects.yaml', TWO_DOCUMENTS]], rule: 'policy/plaintext-secret', file: 'base/extra/objects.yaml', position: at(TWO_DOCUMENTS, 'stringData:') },
  { title: 'a secretGenerator with literals', extraFiles: [['overlays/dev/kustomization.yaml', GENERATOR]], rule: 'policy/plaintext-secret', file: 'overlays/dev/kustomization.yaml', position: at(GENERATOR, 'literals:') },
  { title: 'the placeholder repoURL in cp-gitops.yaml', texts: { model: MODEL.replace('github.com/acme', 'git.example.com/change-me') }, rule: 'policy/placeholder-repo-url', severity: 'warning', file: FILES.model, position: { line: 4, column: 10 } },
  { title: 'the placeholder repoURL in an Application', extraFiles: [['argocd/prod/platform.yaml', PLACEHOLDER_APP]], rule: 'policy/placeholder-repo-url', severity: 'warning', file: 'argocd/prod/platform.yaml', position: valueAt(PLACEHOLDER_APP, 'repoURL: https://git.example.com') },
  { title: 'the placeholder repository (scp form) in an AppProject', extraFiles: [['argocd/prod/project.yaml', PLACEHOLDER_PROJECT]], rule: 'policy/placeholder-repo-url', severity: 'warning', file: 'argocd/prod/project.yaml', position: itemAt(PLACEHOLDER_PROJECT, '- git@git.example.com') },
];

describe('policy rules', () => {
  it('a compliant platform gives no violation', () => {
    expect(run()).to.deep.equal([]);
  });

  for (const testCase of CASES) {
    it(`${testCase.rule}: ${testCase.title}`, () => {
      const violations = run(testCase.texts, testCase.extraFiles).filter((violation) => !testCase.alsoBreaks?.includes(violation.rule));
      expect(violations, JSON.stringify(violations, null, 2)).to.have.length(1);
      const [violation] = violations;
      expect(violation).to.include({ rule: testCase.rule, severity: testCase.severity ?? 'error', file: testCase.file, ...testCase.position });
      expect(violation!.fix, 'every violation says what to do').to.be.a('string').and.not.empty;
      if (testCase.message) expect(violation!.message).to.match(testCase.message);
    });
  }

  it('holds development overlays to none of the production rules', () => {
    const dev = run({ kafkaProd: KAFKA_PROD_PATCH }).filter((violation) => violation.message.includes('overlays/dev'));
    expect(dev).to.deep.equal([]);
  });

  it('accepts a SOPS-encrypted Secret, an empty one, and a digest-pinned image', () => {
    const sops = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  password: ENC[AES256_GCM,data:abc]\nsops:\n  version: 3.9.0\n`;
    const empty = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: e\ndata: {}\n`;
    const digest = KAFKA_BASE.replace('cp-server:8.2.0', 'cp-server@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef');
    expect(run({ kafka: digest }, [['a/sops.yaml', sops], ['a/empty.yaml', empty]])).to.deep.equal([]);
  });

  describe('image references', () => {
    const cases: [string, boolean][] = [
      ['confluentinc/cp-server:8.2.0', true],
      ['registry.local:5000/confluentinc/cp-server:8.2.0', true],
      ['confluentinc/cp-server@sha256:abc', true],
      ['confluentinc/cp-server:8.2.0@sha256:abc', true],
      ['confluentinc/cp-server', false],
      ['registry.local:5000/confluentinc/cp-server', false],
      ['confluentinc/cp-server:latest', false],
      ['confluentinc/cp-server:', false],
    ];
    for (const [image, pinned] of cases) {
      it(`${image} is ${pinned ? '' : 'not '}pinned`, () => {
        expect(unpinned(image) === undefined).to.equal(pinned);
      });
    }
  });

  it('recognises the placeholder host in every URL form, and nothing else', () => {
    expect(['https://git.example.com/change-me/a.git', 'ssh://git@git.example.com/a.git', 'git@git.example.com:a/b.git', 'HTTPS://GIT.EXAMPLE.COM/x'].every(isPlaceholderUrl)).to.equal(true);
    expect(['https://git.example.org/a.git', 'https://github.com/git.example.com/a.git', 'https://git.example.com.evil.io/a'].some(isPlaceholderUrl)).to.equal(false);
  });

  it('calls an environment prod-like when the model says size large or the name is prod', () => {
    const text = 'environments:\n  - name: live\n    size: large\n  - name: prod\n    size: small\n  - name: qa\n    size: medium\n';
    const { sources } = parseSources(fileTree([[FILES.model, text]]));
    const facts = modelFacts(sources);
    expect(isProdLike('overlays/live', facts), 'size large').to.equal(true);
    expect(isProdLike('overlays/prod', facts), 'named prod').to.equal(true);
    expect(isProdLike('overlays/qa', facts), 'medium, not named prod').to.equal(false);
    expect(isProdLike('overlays/prod', undefined), 'no model: by the name').to.equal(true);
    expect(isProdLike('overlays/other', undefined), 'no model, another name').to.equal(false);
  });

  it('finds nothing in the golden repositories (sources only: no builds yet)', () => {
    for (const scenario of ['default', 'minimal', 'cp79-zookeeper']) {
      const { sources } = parseSources(readTree(join(REPO_ROOT, 'test', 'golden', scenario)));
      expect(policyRules({ sources, builds: new Map(), allBuilds: new Map() }), scenario).to.deep.equal([]);
    }
  });
});

describe('model rules (cp-gitops.yaml)', () => {
  const text = serializePlatformModel(buildNewModel({ name: 'acme', repoURL: 'https://github.com/acme/acme.git' }));
  const lineOf = (content: string, prefix: string) => content.split('\n').findIndex((line) => line.startsWith(prefix)) + 1;
  const check = (files: [string, string][]) => {
    const { sources, violations } = parseSources(fileTree(files));
    return { yaml: violations, model: modelRules({ sources, builds: new Map(), allBuilds: new Map() }) };
  };

  it('a valid model gives no violation', () => {
    expect(check([[FILES.model, text]]).model).to.deep.equal([]);
  });

  const sise = text.replace('  size: medium', '  size: medium\n    sise: large');
  const zookeeper = text.replace('controller: kraft', 'controller: zookeeper');
  const cases: [string, [string, string][], string, { line: number; column: number }, RegExp][] = [
    ['model/missing: no cp-gitops.yaml', [['README.md', '# not ours\n']], 'model/missing', { line: 1, column: 1 }, /not a cp-gitops repository/],
    ['model/schema: an unknown key, at the key', [[FILES.model, sise]], 'model/schema', { line: lineOf(sise, '    sise:'), column: 5 }, /unknown key "sise"/],
    ['model/semantic: ZooKeeper on CP 8, at the controller', [[FILES.model, zookeeper]], 'model/semantic', { line: lineOf(zookeeper, 'controller:'), column: 13 }, /ZooKeeper/],
  ];
  for (const [title, files, rule, position, message] of cases) {
    it(title, () => {
      const { model } = check(files);
      expect(model, JSON.stringify(model, null, 2)).to.have.length(1);
      expect(model[0]).to.include({ rule, severity: 'error', file: FILES.model, ...position });
      expect(model[0]!.message).to.match(message);
      expect(model[0]!.fix).to.be.a('string').and.not.empty;
    });
  }

  it('leaves YAML errors to the yaml/ rules (reported once)', () => {
    const { yaml, model } = check([[FILES.model, text.replace('name: acme\n', 'name: acme\nname: other\n')]]);
    expect(yaml.map((violation) => violation.rule)).to.deep.equal(['yaml/duplicate-key']);
    expect(model).to.deep.equal([]);
  });
});
