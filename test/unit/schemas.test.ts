import { expect } from 'chai';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { readSchemaSources } from '../../src/adapters/schema-sources.js';
import { schemaCacheFile } from '../../src/adapters/schema-cache.js';
import { writeStandaloneModules } from '../../src/validator/schemas/build-standalone.js';
import { BUILTIN_SCHEMAS } from '../../src/validator/schemas/builtin/index.js';
import { ENGINE_TAG } from '../../src/validator/schemas/ajv.js';
import { convertSchemaSource, convertSchemaSources, importedSchemaFiles, importedSchemasFromTree, SOURCE_FIELD } from '../../src/validator/schemas/import.js';
import { isSchemaObject, sha256, type JsonSchema } from '../../src/validator/schemas/json-schema.js';
import { patchForm, withoutPatchDirectives } from '../../src/validator/schemas/patch-form.js';
import { createSchemaRegistry, DEFAULT_GENERATED_DIR, MANIFEST_FILE, type SchemaRegistry } from '../../src/validator/schemas/registry.js';
import { makeTempDir, removeTempDirs, runCli } from '../helpers/cli.js';
import { renderKustomization, type KubeResource } from '../helpers/kustomize.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { UPSTREAM_REFERENCE_DIR, upstreamSchemaPath } from '../helpers/upstream-schemas.js';

const GOLDEN_DIR = join(REPO_ROOT, 'test', 'golden');
const CFK = 'platform.confluent.io/v1beta1';
const CFK_REFERENCE = join(UPSTREAM_REFERENCE_DIR, 'cfk-3.3.0');
const ARGOCD_REFERENCE = join(UPSTREAM_REFERENCE_DIR, 'argocd-3.5');

/** Every kustomization folder of every golden scenario that deploys something: overlays/<env>, argocd/<env>, argocd/clusters/<cluster> (and its shared/). */
function goldenRenders(): { label: string; resources: KubeResource[] }[] {
  const renders: { label: string; resources: KubeResource[] }[] = [];
  for (const scenario of readdirSync(GOLDEN_DIR).filter((name) => existsSync(join(GOLDEN_DIR, name, 'cp-gitops.yaml'))).sort()) {
    for (const top of ['overlays', 'argocd']) {
      for (const env of readdirSync(join(GOLDEN_DIR, scenario, top)).sort()) {
        const dirs = env === 'clusters' ? readdirSync(join(GOLDEN_DIR, scenario, top, env)).sort().flatMap((cluster) => [`${env}/${cluster}`, ...(existsSync(join(GOLDEN_DIR, scenario, top, env, cluster, 'shared')) ? [`${env}/${cluster}/shared`] : [])]) : [env];
        for (const dir of dirs) renders.push({ label: `${scenario}/${top}/${dir}`, resources: renderKustomization(join(GOLDEN_DIR, scenario, top, dir)) });
      }
    }
  }
  return renders;
}

function kafkaResource(): Record<string, unknown> {
  return {
    apiVersion: CFK,
    kind: 'Kafka',
    metadata: { name: 'kafka', namespace: 'acme-dev', annotations: { 'argocd.argoproj.io/sync-wave': '1' } },
    spec: {
      replicas: 3,
      image: { application: 'confluentinc/cp-server:8.2.0', init: 'confluentinc/confluent-init-container:3.3.0' },
      dataVolumeCapacity: '20Gi',
      tls: { secretRef: 'kafka-tls' },
      podTemplate: { resources: { requests: { cpu: '500m', memory: '2Gi' } } },
      dependencies: { metricsClient: { url: 'http://controlcenter:9090' }, kRaftController: { clusterRef: { name: 'kraftcontroller' } } },
    },
  };
}

/** A deep copy with `change` applied to it. */
function changed(value: Record<string, unknown>, change: (copy: any) => void): Record<string, unknown> {
  const copy = structuredClone(value);
  change(copy);
  return copy;
}

describe('schemas: patch form', () => {
  const schema: JsonSchema = {
    type: 'object',
    required: ['spec'],
    properties: {
      spec: {
        type: 'object',
        additionalProperties: false,
        required: ['image', 'replicas'],
        properties: {
          replicas: { type: 'integer', minimum: 0 },
          mode: { type: 'string', enum: ['a', 'b'] },
          url: { type: 'string', pattern: '^https?://' },
          size: { anyOf: [{ type: 'integer' }, { type: 'string' }] },
          image: { type: 'object', required: ['application'], properties: { application: { type: 'string' } } },
          items: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } },
        },
      },
    },
  };
  const form = patchForm(schema);
  const spec = (form.properties as Record<string, JsonSchema>).spec!;
  const specProperties = spec.properties as Record<string, JsonSchema>;

  const cases: [string, () => void][] = [
    ['drops required at the root', () => expect(form.required).to.equal(undefined)],
    ['drops required in nested objects', () => expect(spec.required).to.equal(undefined)],
    ['drops required deeper down', () => expect(specProperties.image!.required).to.equal(undefined)],
    ['drops required in list items', () => expect(((specProperties.items!.items as JsonSchema).required)).to.equal(undefined)],
    ['keeps closed objects closed', () => expect(spec.additionalProperties).to.equal(false)],
    ['closes the root too', () => expect(form.additionalProperties).to.equal(false)],
    ['keeps types, letting null delete a field', () => expect(specProperties.replicas!.type).to.deep.equal(['integer', 'null'])],
    ['keeps minimum', () => expect(specProperties.replicas!.minimum).to.equal(0)],
    ['keeps enums, with null', () => expect(specProperties.mode!.enum).to.deep.equal(['a', 'b', null])],
    ['keeps patterns', () => expect(specProperties.url!.pattern).to.equal('^https?://')],
    ['appends (never prepends) a null branch to anyOf, so schema paths stay', () => expect(specProperties.size!.anyOf).to.deep.equal([{ type: 'integer' }, { type: 'string' }, { type: 'null' }])],
    ['leaves the input alone', () => expect(schema.required).to.deep.equal(['spec'])],
  ];
  for (const [title, check] of cases) it(title, check);

  it('takes strategic-merge directives out of a patch, and reports malformed ones', () => {
    const { value, errors } = withoutPatchDirectives({ spec: { $patch: 'replace', tls: { $patch: 'remove' }, list: [{ $retainKeys: 'x', name: 'a' }] } });
    expect(value).to.deep.equal({ spec: { tls: {}, list: [{ name: 'a' }] } });
    expect(errors.map((error) => [error.pointer, error.keyword])).to.deep.equal([
      ['/spec/tls/$patch', 'enum'],
      ['/spec/list/0/$retainKeys', 'type'],
    ]);
  });
});

describe('schemas: built-in', function () {
  let registry: SchemaRegistry;
  before(() => {
    registry = createSchemaRegistry({ importedSchemas: new Map() });
  });

  it('has a schema for every kind cp-gitops generates or users commonly add', () => {
    const kinds = ['KRaftController', 'Zookeeper', 'Kafka', 'KafkaRestClass', 'SchemaRegistry', 'Connect', 'KsqlDB', 'ControlCenter', 'KafkaRestProxy', 'KafkaTopic'];
    for (const kind of kinds) expect(registry.sourceOf(CFK, kind), kind).to.equal('builtin');
    expect(registry.sourceOf('argoproj.io/v1alpha1', 'Application')).to.equal('builtin');
    expect(registry.sourceOf('argoproj.io/v1alpha1', 'AppProject')).to.equal('builtin');
    expect(registry.validate('v1', 'ConfigMap', 'full', {})).to.equal(undefined);
  });

  it('accepts every resource of every golden tree, as kubectl kustomize renders it', () => {
    let checked = 0;
    for (const { label, resources } of goldenRenders()) {
      for (const resource of resources) {
        const errors = registry.validate(resource.apiVersion ?? '', resource.kind, 'full', resource);
        if (errors === undefined) continue;
        expect(errors, `${label} ${resource.kind}/${resource.metadata?.name}`).to.deep.equal([]);
        checked += 1;
      }
    }
    expect(checked).to.be.greaterThan(40);
  });

  it('accepts every golden overlay patch in the patch form', () => {
    let checked = 0;
    for (const scenario of readdirSync(GOLDEN_DIR).filter((name) => existsSync(join(GOLDEN_DIR, name, 'overlays')))) {
      for (const env of readdirSync(join(GOLDEN_DIR, scenario, 'overlays'))) {
        const dir = join(GOLDEN_DIR, scenario, 'overlays', env, 'patches');
        if (!existsSync(dir)) continue;
        for (const file of readdirSync(dir)) {
          const patch = parseYaml(readFileSync(join(dir, file), 'utf8')) as KubeResource;
          expect(registry.validate(patch.apiVersion ?? '', patch.kind, 'patch', patch), `${scenario}/${env}/${file}`).to.deep.equal([]);
          checked += 1;
        }
      }
    }
    expect(checked).to.be.greaterThan(10);
  });

  const rejections: { title: string; form: 'full' | 'patch'; value: Record<string, unknown>; pointer: string; keyword: string; key?: string; message: RegExp }[] = [
    { title: 'an unknown field', form: 'full', value: changed(kafkaResource(), (k) => (k.spec.replica = 3)), pointer: '/spec', keyword: 'additionalProperties', key: 'replica', message: /spec\.replica is not a known field/ },
    { title: 'an unknown field at the root', form: 'full', value: changed(kafkaResource(), (k) => (k.specs = {})), pointer: '', keyword: 'additionalProperties', key: 'specs', message: /specs is not a known field/ },
    { title: 'an unknown field in metadata', form: 'patch', value: changed(kafkaResource(), (k) => (k.metadata.label = {})), pointer: '/metadata', keyword: 'additionalProperties', key: 'label', message: /metadata\.label/ },
    { title: 'replicas: "five"', form: 'full', value: changed(kafkaResource(), (k) => (k.spec.replicas = 'five')), pointer: '/spec/replicas', keyword: 'type', message: /spec\.replicas must be an integer, not "five"/ },
    { title: 'replicas: "five" in a patch', form: 'patch', value: changed(kafkaResource(), (k) => (k.spec.replicas = 'five')), pointer: '/spec/replicas', keyword: 'type', message: /must be an integer/ },
    { title: 'negative replicas', form: 'full', value: changed(kafkaResource(), (k) => (k.spec.replicas = -1)), pointer: '/spec/replicas', keyword: 'minimum', message: />= 0/ },
    { title: 'a secretRef of 31 characters', form: 'full', value: changed(kafkaResource(), (k) => (k.spec.tls.secretRef = 'a'.repeat(31))), pointer: '/spec/tls/secretRef', keyword: 'maxLength', message: /31 characters long, at most 30/ },
    { title: 'a secretRef that is not DNS-1123', form: 'patch', value: changed(kafkaResource(), (k) => (k.spec.tls.secretRef = 'Kafka_TLS')), pointer: '/spec/tls/secretRef', keyword: 'pattern', message: /DNS-1123/ },
    { title: 'a URL without http(s)://', form: 'full', value: changed(kafkaResource(), (k) => (k.spec.dependencies.metricsClient.url = 'controlcenter:9090')), pointer: '/spec/dependencies/metricsClient/url', keyword: 'pattern', message: /http:\/\/ or https:\/\/ URL/ },
    { title: 'a quantity that is not one', form: 'full', value: changed(kafkaResource(), (k) => (k.spec.dataVolumeCapacity = '20 GB')), pointer: '/spec/dataVolumeCapacity', keyword: 'pattern', message: /Kubernetes quantity/ },
    { title: 'an image without a tag', form: 'full', value: changed(kafkaResource(), (k) => (k.spec.image.application = 'confluentinc/cp-server')), pointer: '/spec/image/application', keyword: 'pattern', message: /tag/ },
    { title: 'a value outside an enum', form: 'full', value: changed(kafkaResource(), (k) => (k.spec.image.pullPolicy = 'Sometimes')), pointer: '/spec/image/pullPolicy', keyword: 'enum', message: /"Always", "Never", "IfNotPresent"/ },
    { title: 'a missing required field', form: 'full', value: changed(kafkaResource(), (k) => delete k.spec.image.init), pointer: '/spec/image', keyword: 'required', message: /spec\.image\.init is required/ },
    { title: 'a number as an annotation value', form: 'full', value: changed(kafkaResource(), (k) => (k.metadata.annotations['argocd.argoproj.io/sync-wave'] = 1)), pointer: '/metadata/annotations/argocd.argoproj.io~1sync-wave', keyword: 'type', message: /metadata\.annotations\["argocd.argoproj.io\/sync-wave"\] must be a string/ },
  ];
  for (const rejection of rejections) {
    it(`rejects ${rejection.title}${rejection.form === 'patch' ? ' (patch form)' : ''}`, () => {
      const errors = registry.validate(CFK, 'Kafka', rejection.form, rejection.value) ?? [];
      expect(errors.map((error) => ({ pointer: error.pointer, keyword: error.keyword, key: error.key }))).to.deep.equal([{ pointer: rejection.pointer, keyword: rejection.keyword, key: rejection.key }]);
      expect(errors[0]!.message).to.match(rejection.message);
      expect(errors[0]!.fix).to.be.a('string').and.not.equal('');
    });
  }

  it('suggests the field a typo meant', () => {
    const [error] = registry.validate(CFK, 'Kafka', 'patch', { spec: { podTemplate: { resourcez: {} } } })!;
    expect(error!.fix).to.match(/did you mean "resources"/);
  });

  const patchAcceptances: [string, Record<string, unknown>][] = [
    ['a patch without the required fields', { apiVersion: CFK, kind: 'Kafka', metadata: { name: 'kafka' }, spec: { replicas: 5 } }],
    ['null, which deletes a field', { apiVersion: CFK, kind: 'Kafka', metadata: { name: 'kafka' }, spec: { tls: null, replicas: null } }],
    ['strategic-merge directives', { apiVersion: CFK, kind: 'Kafka', metadata: { name: 'kafka' }, spec: { podTemplate: { $patch: 'replace', resources: { requests: { cpu: 1 } } } } }],
  ];
  for (const [title, value] of patchAcceptances) {
    it(`accepts ${title} in the patch form`, () => expect(registry.validate(CFK, 'Kafka', 'patch', value)).to.deep.equal([]));
  }

  it('is never stricter than the upstream CFK and Argo CD CRDs where it models a field', function () {
    if (!existsSync(CFK_REFERENCE) || !existsSync(ARGOCD_REFERENCE)) this.skip();
    const problems: string[] = [];
    for (const { kind, schema } of BUILTIN_SCHEMAS) {
      const upstream = JSON.parse(readFileSync(upstreamSchemaPath(kind), 'utf8')) as JsonSchema;
      compareWithUpstream(schema, upstream, kind, problems, true);
    }
    expect(problems).to.deep.equal([]);
  });

  it('(that comparison does catch a closed object missing a field, an extra required field, a narrower enum)', () => {
    const problems: string[] = [];
    compareWithUpstream(
      { type: 'object', additionalProperties: false, required: ['a', 'b'], properties: { a: { type: 'string', enum: ['x'] }, b: { type: 'integer' } } },
      { type: 'object', required: ['a'], properties: { a: { type: 'string', enum: ['x', 'y'] }, b: { type: 'string' }, c: {} } },
      'spec',
      problems,
    );
    expect(problems).to.deep.equal(['spec.c: upstream field missing from a closed object', 'spec.b: required here, not upstream', 'spec.a: upstream allows "y"', 'spec.b: upstream allows type string']);
  });
});

describe('schemas: standalone modules', function () {
  // Generated into a folder of its own under dist/ (so the modules resolve ajv from node_modules), not
  // into dist/generated, which belongs to the build.
  const dir = join(REPO_ROOT, 'dist', `.test-generated-${process.pid}`);
  before(function () {
    this.timeout(120_000);
    writeStandaloneModules(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one ES module per kind and form, with real imports instead of require()', () => {
    const manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as { engine: string; entries: { file: string }[] };
    expect(manifest.engine).to.equal(ENGINE_TAG);
    expect(manifest.entries).to.have.length(BUILTIN_SCHEMAS.length * 2);
    for (const { file } of manifest.entries) {
      const code = readFileSync(join(dir, file), 'utf8');
      expect(code, file).not.to.match(/\brequire\(/);
      expect(code, file).to.match(/^import \S+ from "ajv-formats\/dist\/formats\.js";$/m);
    }
  });

  it('loads a kind only when a resource of that kind is validated, without compiling', () => {
    const registry = createSchemaRegistry({ importedSchemas: new Map(), generatedDir: pathToFileURL(`${dir}/`) });
    expect(registry.stats).to.deep.equal({ compiled: 0, standaloneLoaded: 0, cacheHits: 0 });
    expect(registry.validate(CFK, 'Kafka', 'full', kafkaResource())).to.deep.equal([]);
    expect(registry.validate(CFK, 'Kafka', 'full', changed(kafkaResource(), (k) => (k.spec.replicas = 'five')))).to.have.length(1);
    expect(registry.stats).to.deep.equal({ compiled: 0, standaloneLoaded: 1, cacheHits: 0 });
  });

  it('falls back to compiling when the modules are missing, with the same findings', () => {
    const empty = makeTempDir('cp-gitops-no-generated-');
    const registry = createSchemaRegistry({ importedSchemas: new Map(), generatedDir: pathToFileURL(`${empty}/`) });
    const generated = createSchemaRegistry({ importedSchemas: new Map(), generatedDir: pathToFileURL(`${dir}/`) });
    const broken = changed(kafkaResource(), (k) => {
      k.spec.replicas = 'five';
      k.spec.tls.secretRef = 'x'.repeat(31);
    });
    expect(registry.validate(CFK, 'Kafka', 'patch', broken)).to.deep.equal(generated.validate(CFK, 'Kafka', 'patch', broken));
    expect(registry.stats.compiled).to.equal(1);
  });

  it('is what the build wrote to dist/generated/schemas (npm run build)', function () {
    const manifestFile = join(DEFAULT_GENERATED_DIR.pathname, MANIFEST_FILE);
    if (!existsSync(manifestFile)) {
      process.stderr.write('      skipped: no dist/generated/schemas: run npm run build\n');
      this.skip();
    }
    expect(readFileSync(manifestFile, 'utf8')).to.equal(readFileSync(join(dir, MANIFEST_FILE), 'utf8'));
  });

  after(removeTempDirs);
});

describe('schemas: imported CFK catalog schemas', function () {
  this.timeout(180_000);
  let cacheDir: string;
  let imported: Map<string, object>;

  before(async function () {
    if (!existsSync(CFK_REFERENCE) || !existsSync(ARGOCD_REFERENCE)) {
      process.stderr.write(`      skipped: no upstream schemas in ${UPSTREAM_REFERENCE_DIR}\n`);
      this.skip();
    }
    cacheDir = makeTempDir('cp-gitops-schema-cache-');
    const sources = await readSchemaSources([CFK_REFERENCE, ARGOCD_REFERENCE], { cwd: REPO_ROOT, repoDir: REPO_ROOT });
    imported = importedSchemasFromTree(importedSchemaFiles(convertSchemaSources(sources))).schemas;
  });
  after(removeTempDirs);

  it('takes precedence over the built-in schemas', () => {
    const registry = createSchemaRegistry({ importedSchemas: imported });
    expect(registry.sourceOf(CFK, 'Kafka')).to.equal('imported');
    expect(registry.sourceOf(CFK, 'Connector')).to.equal('imported');
    expect(registry.sourceOf('argoproj.io/v1alpha1', 'Application')).to.equal('imported');
  });

  it('accept every resource of every golden tree (compiling once, into the cache)', () => {
    const registry = createSchemaRegistry({ importedSchemas: imported, cacheDir });
    for (const { label, resources } of goldenRenders()) {
      for (const resource of resources) {
        const errors = registry.validate(resource.apiVersion ?? '', resource.kind, 'full', resource);
        if (errors !== undefined) expect(errors, `${label} ${resource.kind}/${resource.metadata?.name}`).to.deep.equal([]);
      }
    }
    expect(registry.stats.compiled).to.be.greaterThan(5);
    expect(registry.stats.cacheHits).to.equal(0);
  });

  it('reject an unknown field, at the root too (the catalog leaves the root open)', () => {
    const registry = createSchemaRegistry({ importedSchemas: imported, cacheDir });
    const errors = registry.validate(CFK, 'Kafka', 'full', changed(kafkaResource(), (k) => {
      k.spec.replica = 3;
      k.specs = {};
    }));
    expect(errors?.map((error) => `${error.pointer} ${error.key}`)).to.have.members(['/spec replica', ' specs']);
  });

  it('are loaded from the cache by the next registry, without compiling', () => {
    const registry = createSchemaRegistry({ importedSchemas: imported, cacheDir });
    const kafka = imported.get('.cp-gitops/schemas/platform.confluent.io_kafka_v1beta1.json')!;
    const file = schemaCacheFile(cacheDir, `${sha256(JSON.stringify(kafka))}.full.${ENGINE_TAG}`);
    expect(existsSync(file), file).to.equal(true);
    expect(registry.validate(CFK, 'Kafka', 'full', kafkaResource())).to.deep.equal([]);
    expect(registry.validate(CFK, 'Kafka', 'full', changed(kafkaResource(), (k) => (k.spec.replicas = 'five')))?.map((error) => error.pointer)).to.deep.equal(['/spec/replicas']);
    expect(registry.stats).to.deep.equal({ compiled: 0, standaloneLoaded: 0, cacheHits: 1 });
  });

  it('recompile over a damaged cache entry', () => {
    const kafka = imported.get('.cp-gitops/schemas/platform.confluent.io_kafkarestclass_v1beta1.json')!;
    const key = `${sha256(JSON.stringify(kafka))}.full.${ENGINE_TAG}`;
    mkdirSync(join(cacheDir, 'schemas'), { recursive: true });
    writeFileSync(schemaCacheFile(cacheDir, key), 'this is not JavaScript');
    const registry = createSchemaRegistry({ importedSchemas: imported, cacheDir });
    expect(registry.validate(CFK, 'KafkaRestClass', 'full', { apiVersion: CFK, kind: 'KafkaRestClass', metadata: { name: 'default' }, spec: {} })).to.deep.equal([]);
    expect(registry.stats.compiled).to.equal(1);
    expect(readFileSync(schemaCacheFile(cacheDir, key), 'utf8')).to.match(/module\.exports/);
  });
});

const WIDGET_CRD = `# A handmade CRD: group example.com, two versions.
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names:
    kind: Widget
    plural: widgets
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          description: A widget.
          properties:
            spec:
              type: object
              required: [size]
              properties:
                size:
                  x-kubernetes-int-or-string: true
                mode:
                  type: string
                  enum: [fast, slow]
                tags:
                  type: array
                  x-kubernetes-list-type: set
                  items:
                    type: string
                ports:
                  type: array
                  x-kubernetes-list-type: map
                  x-kubernetes-list-map-keys: [name]
                  items:
                    type: object
                    required: [name]
                    properties:
                      name:
                        type: string
                      port:
                        type: integer
                extra:
                  type: object
                  x-kubernetes-preserve-unknown-fields: true
                  properties:
                    known:
                      type: string
    - name: v2
      served: true
      storage: false
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size:
                  type: integer
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: not-a-crd
`;

describe('schemas: CRD YAML import', () => {
  const [v1, v2] = convertSchemaSource({ origin: 'widgets.yaml', location: '/somewhere/widgets.yaml', content: WIDGET_CRD });
  const registry = createSchemaRegistry({ importedSchemas: new Map([[v1!.path, v1!.schema], [v2!.path, v2!.schema]]) });
  const widget = (spec: Record<string, unknown>): Record<string, unknown> => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec });
  const pointersOf = (value: Record<string, unknown>, form: 'full' | 'patch' = 'full') => registry.validate('example.com/v1', 'Widget', form, value)?.map((error) => `${error.keyword} ${error.pointer}${error.key ? ` ${error.key}` : ''}`);

  it('writes one pinned file per group/kind/version', () => {
    expect([v1!.path, v2!.path]).to.deep.equal(['.cp-gitops/schemas/example.com_widget_v1.json', '.cp-gitops/schemas/example.com_widget_v2.json']);
    expect(v1!.schema[SOURCE_FIELD]).to.deep.equal({ group: 'example.com', kind: 'Widget', version: 'v1', source: 'widgets.yaml', sha256: sha256(WIDGET_CRD) });
    const files = importedSchemaFiles([v1!, v2!]);
    expect(files.get(v1!.path)).to.match(/\n$/);
    expect(JSON.parse(files.get(v1!.path)!)).to.deep.equal(v1!.schema);
  });

  it('closes the root and the objects, except preserve-unknown-fields ones; drops descriptions', () => {
    expect(v1!.schema.additionalProperties).to.equal(false);
    expect(v1!.schema.description).to.equal(undefined);
    const spec = (v1!.schema.properties as Record<string, JsonSchema>).spec!;
    expect(spec.additionalProperties).to.equal(false);
    expect((spec.properties as Record<string, JsonSchema>).extra!.additionalProperties).to.equal(undefined);
  });

  const cases: [string, Record<string, unknown>, string[] | undefined][] = [
    ['a valid widget', widget({ size: 3, mode: 'fast', tags: ['a', 'b'], ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] }), []],
    ['int-or-string as a string', widget({ size: '50%' }), []],
    ['anything below preserve-unknown-fields', widget({ size: 1, extra: { whatever: { deep: [1, 2] } } }), []],
    ['int-or-string as a boolean', widget({ size: true }), ['type /spec/size']],
    ['an unknown field', widget({ size: 1, colour: 'red' }), ['additionalProperties /spec colour']],
    ['an unknown root field', { ...widget({ size: 1 }), extra: 1 }, ['additionalProperties  extra']],
    ['a missing required field', widget({ mode: 'fast' }), ['required /spec']],
    ['a value outside the enum', widget({ size: 1, mode: 'medium' }), ['enum /spec/mode']],
    ['a repeated item of a set list', widget({ size: 1, tags: ['a', 'a'] }), ['x-kubernetes-list-type /spec/tags']],
    ['two items of a map list with one key', widget({ size: 1, ports: [{ name: 'http', port: 80 }, { name: 'http', port: 8080 }] }), ['x-kubernetes-list-type /spec/ports']],
  ];
  for (const [title, value, expected] of cases) it(`validates ${title}`, () => expect(pointersOf(value)).to.deep.equal(expected));

  it('names the duplicate key of a map list', () => {
    const [error] = registry.validate('example.com/v1', 'Widget', 'full', widget({ size: 1, ports: [{ name: 'a' }, { name: 'a' }] }))!;
    expect(error!.message).to.match(/duplicate items \(same name\)/);
  });

  it('has a patch form without required fields', () => expect(pointersOf(widget({ mode: 'fast' }), 'patch')).to.deep.equal([]));

  it('reports an imported schema that does not compile, and lets the built-in one stand in', () => {
    const broken = { type: 'object', properties: { spec: { type: 'object', properties: { replicas: { type: 'string', pattern: '(' } } } } };
    const withBroken = createSchemaRegistry({ importedSchemas: new Map([['.cp-gitops/schemas/platform.confluent.io_kafka_v1beta1.json', broken]]) });
    expect(withBroken.sourceOf(CFK, 'Kafka')).to.equal('imported');
    expect(withBroken.validate(CFK, 'Kafka', 'full', changed(kafkaResource(), (k) => (k.spec.replicas = 'five')))?.map((error) => error.pointer)).to.deep.equal(['/spec/replicas']);
    expect(withBroken.sourceOf(CFK, 'Kafka')).to.equal('builtin');
    expect(withBroken.problems.map((problem) => problem.key)).to.deep.equal(['.cp-gitops/schemas/platform.confluent.io_kafka_v1beta1.json']);
    expect(withBroken.problems[0]!.message).to.match(/does not compile/);
  });

  it('refuses a file that holds no schema', () => {
    expect(() => convertSchemaSource({ origin: 'cm.yaml', location: 'cm.yaml', content: 'apiVersion: v1\nkind: ConfigMap\n' })).to.throw(/holds no CustomResourceDefinition/);
  });

  it('needs the group of a catalog schema whose folder does not name it', () => {
    const content = JSON.stringify({ type: 'object', properties: { spec: { type: 'object' } } });
    expect(() => convertSchemaSource({ origin: 'gadget_v1.json', location: '/x/cfk-3.3.0/gadget_v1.json', content })).to.throw(/cannot tell the API group/);
    expect(convertSchemaSource({ origin: 'gadget_v1.json', location: '/x/example.org/gadget_v1.json', content })[0]!.path).to.equal('.cp-gitops/schemas/example.org_gadget_v1.json');
    expect(convertSchemaSource({ origin: 'gadget_v1.json', location: '/x/gadget_v1.json', content }, { group: 'acme.io' })[0]!.path).to.equal('.cp-gitops/schemas/acme.io_gadget_v1.json');
  });
});

describe('schemas import (the built bin)', function () {
  this.timeout(60_000);
  let server: Server;
  let baseUrl: string;

  before(async () => {
    server = createServer((request, response) => {
      if (request.url === '/crds/widgets.yaml') {
        response.writeHead(200, { 'content-type': 'application/yaml' });
        response.end(WIDGET_CRD);
      } else {
        response.writeHead(404);
        response.end('not found');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    removeTempDirs();
  });

  it('writes the files from a local CRD, and reports them unchanged the second time', async () => {
    const repo = makeTempDir('cp-gitops-import-');
    const crd = join(makeTempDir('cp-gitops-crds-'), 'widgets.yaml');
    writeFileSync(crd, WIDGET_CRD);
    const first = await runCli(['schemas', 'import', crd, '--dir', repo]);
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stdout).to.match(/wrote +\.cp-gitops\/schemas\/example\.com_widget_v1\.json/);
    const written = JSON.parse(readFileSync(join(repo, '.cp-gitops', 'schemas', 'example.com_widget_v1.json'), 'utf8')) as JsonSchema;
    expect(written[SOURCE_FIELD]).to.deep.include({ source: 'widgets.yaml', sha256: sha256(WIDGET_CRD) });
    const second = await runCli(['schemas', 'import', crd, '--dir', repo, '--json']);
    expect(second.code, second.stderr).to.equal(0);
    const result = JSON.parse(second.stdout) as { schemas: { path: string; changed: boolean }[] };
    expect(result.schemas.map((schema) => [schema.path, schema.changed])).to.deep.equal([
      ['.cp-gitops/schemas/example.com_widget_v1.json', false],
      ['.cp-gitops/schemas/example.com_widget_v2.json', false],
    ]);
  });

  it('fetches a URL (from a local server) and records the URL as the source', async () => {
    const repo = makeTempDir('cp-gitops-import-url-');
    const result = await runCli(['schemas', 'import', `${baseUrl}/crds/widgets.yaml`, '--dir', repo]);
    expect(result.code, result.stderr).to.equal(0);
    const written = JSON.parse(readFileSync(join(repo, '.cp-gitops', 'schemas', 'example.com_widget_v2.json'), 'utf8')) as JsonSchema;
    expect((written[SOURCE_FIELD] as JsonSchema).source).to.equal(`${baseUrl}/crds/widgets.yaml`);
  });

  it('fails on a URL that answers 404, and writes nothing', async () => {
    const repo = makeTempDir('cp-gitops-import-404-');
    const result = await runCli(['schemas', 'import', `${baseUrl}/missing.yaml`, '--dir', repo]);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.match(/HTTP 404/);
    expect(existsSync(join(repo, '.cp-gitops'))).to.equal(false);
  });

  it('is a usage error for a path that does not exist', async () => {
    const result = await runCli(['schemas', 'import', '/nonexistent/crds.yaml', '--dir', makeTempDir('cp-gitops-import-none-')]);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.match(/does not exist/);
  });
});

/**
 * Our schema may be stricter than upstream only where it means to (closed root and metadata, patterns):
 * every closed object lists every upstream field, requires nothing upstream does not, and allows every
 * upstream enum value and type.
 */
function compareWithUpstream(mine: unknown, upstream: unknown, path: string, problems: string[], isRoot = false): void {
  if (!isSchemaObject(mine) || !isSchemaObject(upstream)) return;
  const mineProperties = isSchemaObject(mine.properties) ? mine.properties : {};
  const upstreamProperties = isSchemaObject(upstream.properties) ? upstream.properties : {};
  if (mine.additionalProperties === false) {
    for (const key of Object.keys(upstreamProperties)) if (!(key in mineProperties)) problems.push(`${path}.${key}: upstream field missing from a closed object`);
  }
  const upstreamRequired = Array.isArray(upstream.required) ? upstream.required : [];
  for (const key of Array.isArray(mine.required) ? mine.required : []) {
    if (isRoot && ['apiVersion', 'kind', 'metadata'].includes(key as string)) continue;
    if (!upstreamRequired.includes(key)) problems.push(`${path}.${String(key)}: required here, not upstream`);
  }
  if (Array.isArray(mine.enum) && Array.isArray(upstream.enum)) {
    for (const value of upstream.enum) if (!mine.enum.includes(value)) problems.push(`${path}: upstream allows ${JSON.stringify(value)}`);
  }
  if (mine.type !== undefined && upstream.type !== undefined) {
    const mineTypes = new Set([mine.type].flat());
    for (const type of [upstream.type].flat()) if (!mineTypes.has(type)) problems.push(`${path}: upstream allows type ${String(type)}`);
  }
  for (const [key, sub] of Object.entries(mineProperties)) compareWithUpstream(sub, upstreamProperties[key], `${path}.${key}`, problems);
  compareWithUpstream(mine.items, upstream.items, `${path}[]`, problems);
  if (isSchemaObject(mine.additionalProperties)) compareWithUpstream(mine.additionalProperties, upstream.additionalProperties, `${path}.*`, problems);
}
