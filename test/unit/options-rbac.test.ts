import { expect } from 'chai';
import { loadTemplates } from '../../src/adapters/templates.js';
import { ModelError } from '../../src/errors.js';
import type { PlainObject } from '../../src/generator/object-path.js';
import { optionContext, optionManifests, optionPatch } from '../../src/generator/options/index.js';
import type { OptionContext } from '../../src/generator/options/option-module.js';
import { rbacOption, roleBindingName } from '../../src/generator/options/rbac.js';
import { secretsNeeded, secretsOption } from '../../src/generator/options/secrets.js';
import { environmentPatch, indexUnits } from '../../src/generator/resources.js';
import { unitsOfEnvironment } from '../../src/generator/units.js';
import { buildNewModel, type NewModelOptions } from '../../src/model/build.js';
import { optionProblems } from '../../src/model/options-check.js';
import { parsePlatformModel } from '../../src/model/parse.js';
import { serializePlatformModel } from '../../src/model/serialize.js';
import type { PlatformModel } from '../../src/model/types.js';
import { at, refused } from '../helpers/values.js';

const templates = loadTemplates();
const LDAP = 'authorization.ldap.address=ldaps://ldap.example.com:636';
/** The smallest rbac that works: TLS, authenticated listeners, LDAP. */
const RBAC = ['tls.mode=auto', 'authentication.kafka=plain', 'authorization.type=rbac', LDAP];

function model(settings: readonly string[], extra: Partial<NewModelOptions> = {}): PlatformModel {
  return buildNewModel({ name: 'acme', repoURL: 'https://github.com/acme/acme.git', environments: ['dev'], settings, ...extra });
}

function context(platform: PlatformModel): OptionContext {
  const env = platform.environments[0]!;
  return optionContext(platform, env, indexUnits(unitsOfEnvironment(platform, templates, env)), templates);
}

function patchSpec(ctx: OptionContext, kind: string): PlainObject {
  for (const unit of ctx.units.values()) {
    const target = unit.resources.find((candidate) => candidate.kind === kind);
    if (target) return (environmentPatch(target, ctx.env, templates, ctx.units, optionPatch(target, ctx))?.spec ?? {}) as PlainObject;
  }
  throw new Error(`no ${kind} in ${ctx.env.name}`);
}

describe('authorization rbac: generated resources', () => {
  const ctx = context(model([...RBAC, 'authorization.ldap.configurations={userSearchBase: "ou=users,dc=example,dc=com", groupNameAttribute: cn}']));

  it('Kafka: rbac with the brokers and controllers as super users, MDS with the token key pair and LDAP (ldaps: TLS), bearer login of its REST API', () => {
    const kafka = patchSpec(ctx, 'Kafka');
    expect(at(kafka, 'authorization')).to.deep.equal({ type: 'rbac', superUsers: ['User:kraftcontroller', 'User:kafka'] });
    expect(at(kafka, 'services.mds')).to.deep.equal({
      tls: { enabled: true },
      tokenKeyPair: { secretRef: 'mds-token' },
      provider: {
        type: 'ldap',
        ldap: {
          address: 'ldaps://ldap.example.com:636',
          authentication: { type: 'simple', simple: { secretRef: 'mds-ldap-bind' } },
          configurations: { userSearchBase: 'ou=users,dc=example,dc=com', groupNameAttribute: 'cn' },
          tls: { enabled: true },
        },
      },
    });
    expect(at(kafka, 'dependencies.kafkaRest')).to.deep.equal({ authentication: { type: 'bearer', bearer: { secretRef: 'kafka-mds-client' } } });
  });

  it('KRaft controllers: rbac with the same super users, and MDS\'s Kafka cluster reached on the internal listener with their own login', () => {
    const controller = patchSpec(ctx, 'KRaftController');
    expect(at(controller, 'authorization')).to.deep.equal({ type: 'rbac', superUsers: ['User:kraftcontroller', 'User:kafka'] });
    expect(at(controller, 'dependencies.mdsKafkaCluster')).to.deep.equal({
      bootstrapEndpoint: 'kafka.acme-dev.svc.cluster.local:9071',
      authentication: { type: 'plain', jaasConfig: { secretRef: 'kraftcontroller-jaas' } },
      tls: { enabled: true },
    });
  });

  it('every other component: authorization rbac and dependencies.mds with a bearer Secret of its own', () => {
    for (const [kind, name] of [['SchemaRegistry', 'schemaregistry'], ['Connect', 'connect'], ['KsqlDB', 'ksqldb'], ['KafkaRestProxy', 'kafkarestproxy'], ['ControlCenter', 'controlcenter']] as const) {
      const spec = patchSpec(ctx, kind);
      expect(at(spec, 'authorization'), kind).to.deep.equal({ type: 'rbac' });
      expect(at(spec, 'dependencies.mds'), kind).to.deep.equal({
        endpoint: 'https://kafka.acme-dev.svc.cluster.local:8090',
        tokenKeyPair: { secretRef: 'mds-token' },
        authentication: { type: 'bearer', bearer: { secretRef: `${name}-mds-client` } },
        tls: { enabled: true },
      });
    }
  });

  it('the components reach Kafka with MDS tokens: no dependencies.kafka.authentication and no <component>-jaas Secret (CFK ignores them under rbac)', () => {
    for (const kind of ['SchemaRegistry', 'Connect', 'KsqlDB', 'KafkaRestProxy', 'ControlCenter']) {
      expect(at(patchSpec(ctx, kind), 'dependencies.kafka'), kind).to.deep.equal({ bootstrapEndpoint: 'kafka.acme-dev.svc.cluster.local:9071', tls: { enabled: true } });
    }
    const jaas = secretsNeeded(ctx).filter((need) => need.name.endsWith('-jaas'));
    // Kafka and the KRaft controllers keep theirs: their listeners, replication and the controllers' mdsKafkaCluster log in with them.
    expect(jaas.map((need) => need.name)).to.deep.equal(['kraftcontroller-jaas', 'kafka-jaas']);
    const external = context(model([...RBAC, 'secrets.provider=external-secrets', 'secrets.store={kind: SecretStore, name: vault}']));
    const files = secretsOption.manifests!(external).map((manifest) => manifest.file);
    expect(files.filter((file) => file.includes('-jaas'))).to.deep.equal(['secrets/kraftcontroller-jaas-externalsecret.yaml', 'secrets/kafka-jaas-externalsecret.yaml']);
    expect(at(patchSpec(ctx, 'KRaftController'), 'dependencies.mdsKafkaCluster.authentication')).to.deep.equal({ type: 'plain', jaasConfig: { secretRef: 'kraftcontroller-jaas' } });
  });

  it('the KafkaRestClass calls the brokers with bearer credentials', () => {
    expect(patchSpec(ctx, 'KafkaRestClass')).to.deep.equal({ kafkaRest: { authentication: { type: 'bearer', bearer: { secretRef: 'restclass-bearer' } } } });
  });

  it('no role binding unless asked: CFK creates the components\' own', () => {
    expect(optionManifests(ctx).filter((manifest) => manifest.object.kind === 'ConfluentRolebinding')).to.deep.equal([]);
  });

  it('authorization.roleBindings: one ConfluentRolebinding each, on the Kafka cluster, in wave 4', () => {
    const manifests = rbacOption.manifests!(context(model([...RBAC, 'authorization.roleBindings=[{principal: "User:alice", role: ClusterAdmin}, {principal: "Group:Ops Team", role: SystemAdmin}]'])));
    expect(manifests.map((manifest) => manifest.file)).to.deep.equal(['rolebindings/user-alice-clusteradmin.yaml', 'rolebindings/group-ops-team-systemadmin.yaml']);
    expect(manifests[1]!.object).to.deep.equal({
      apiVersion: 'platform.confluent.io/v1beta1',
      kind: 'ConfluentRolebinding',
      metadata: { name: 'group-ops-team-systemadmin', annotations: { 'argocd.argoproj.io/sync-wave': '4' } },
      spec: { principal: { type: 'group', name: 'Ops Team' }, role: 'SystemAdmin' },
    });
    expect(roleBindingName({ principal: `User:${'x'.repeat(80)}`, role: 'Operator' })).to.have.length.at.most(63);
  });

  it('authorization.superUsers are added to the brokers and controllers', () => {
    const spec = patchSpec(context(model([...RBAC, 'authorization.superUsers=[User:admin]'])), 'Kafka');
    expect(at(spec, 'authorization.superUsers')).to.deep.equal(['User:kraftcontroller', 'User:kafka', 'User:admin']);
  });

  it('ldap:// (no TLS to the directory): no tls on the LDAP provider', () => {
    const spec = patchSpec(context(model([...RBAC, 'authorization.ldap.address=ldap://ldap.example.com:389'])), 'Kafka');
    expect(at(spec, 'services.mds.provider.ldap.address')).to.equal('ldap://ldap.example.com:389');
    expect(at(spec, 'services.mds.provider.ldap.tls')).to.equal(undefined);
  });

  it('CP 7.9 with ZooKeeper: the brokers run MDS, there is no controller to configure', () => {
    const zk = context(model(RBAC, { cpVersion: '7.9.0', controller: 'zookeeper' }));
    expect(at(patchSpec(zk, 'Kafka'), 'authorization')).to.deep.equal({ type: 'rbac', superUsers: ['User:kafka'] });
    expect(at(patchSpec(zk, 'Kafka'), 'services.mds.tokenKeyPair')).to.deep.equal({ secretRef: 'mds-token' });
    expect(at(patchSpec(zk, 'Zookeeper'), 'authorization')).to.equal(undefined);
    expect(at(patchSpec(zk, 'SchemaRegistry'), 'dependencies.mds.endpoint')).to.equal('https://kafka.acme-dev.svc.cluster.local:8090');
  });

  it('mtls listeners: the controllers reach MDS\'s Kafka cluster with their certificate', () => {
    const spec = patchSpec(context(model(['tls.mode=auto', 'authentication.kafka=mtls', 'authorization.type=rbac', LDAP])), 'KRaftController');
    expect(at(spec, 'dependencies.mdsKafkaCluster.authentication')).to.deep.equal({ type: 'mtls' });
  });

  it('simple has no MDS; its super users are the brokers, controllers, Schema Registry and Control Center', () => {
    const spec = patchSpec(context(model(['authentication.kafka=plain', 'authorization.type=simple'])), 'Kafka');
    expect(at(spec, 'services')).to.equal(undefined);
    expect(at(spec, 'authorization.superUsers')).to.deep.equal(['User:kraftcontroller', 'User:kafka', 'User:schemaregistry', 'User:controlcenter']);
  });
});

describe('authorization rbac: Secrets by reference', () => {
  it('names every Secret it references, with its keys; the names can be changed', () => {
    const ctx = context(model([...RBAC, 'authorization.tokenKeyPairSecret=cp-mds-keys', 'authorization.ldap.bindSecret=ldap-bind', 'authorization.restClassSecret=rest-admin']));
    const needs = secretsNeeded(ctx);
    const rbac = needs.filter((need) => need.keys.some((key) => ['mdsTokenKeyPair.pem', 'ldap.txt', 'bearer.txt'].includes(key.key)));
    expect(rbac.map((need) => [need.name, need.keys.map((key) => key.key)])).to.deep.equal([
      ['cp-mds-keys', ['mdsTokenKeyPair.pem', 'mdsPublicKey.pem']],
      ['ldap-bind', ['ldap.txt']],
      ['rest-admin', ['bearer.txt']],
      ['kafka-mds-client', ['bearer.txt']],
      ['connect-mds-client', ['bearer.txt']],
      ['ksqldb-mds-client', ['bearer.txt']],
      ['kafkarestproxy-mds-client', ['bearer.txt']],
      ['schemaregistry-mds-client', ['bearer.txt']],
      ['controlcenter-mds-client', ['bearer.txt']],
    ]);
    expect(at(patchSpec(ctx, 'Kafka'), 'services.mds.tokenKeyPair.secretRef')).to.equal('cp-mds-keys');
    expect(at(patchSpec(ctx, 'Kafka'), 'services.mds.provider.ldap.authentication.simple.secretRef')).to.equal('ldap-bind');
    expect(at(patchSpec(ctx, 'KafkaRestClass'), 'kafkaRest.authentication.bearer.secretRef')).to.equal('rest-admin');
    expect(at(patchSpec(ctx, 'Connect'), 'dependencies.mds.tokenKeyPair.secretRef')).to.equal('cp-mds-keys');
  });

  it('follows secrets.provider: ExternalSecrets with external-secrets, kubeseal lines with sealed-secrets', () => {
    const external = context(model([...RBAC, 'secrets.provider=external-secrets', 'secrets.store={kind: ClusterSecretStore, name: vault}']));
    const names = secretsOption.manifests!(external).map((manifest) => manifest.object.metadata && (manifest.object.metadata as { name: string }).name);
    expect(names).to.include.members(['mds-token', 'mds-ldap-bind', 'restclass-bearer', 'controlcenter-mds-client']);
    const sealed = secretsOption.readme!(context(model([...RBAC, 'secrets.provider=sealed-secrets']))).join('\n');
    expect(sealed).to.include('kubectl -n acme-dev create secret generic mds-token --from-file=mdsTokenKeyPair.pem=/path/to/mdsTokenKeyPair.pem --from-file=mdsPublicKey.pem=/path/to/mdsPublicKey.pem --dry-run=client -o yaml | kubeseal');
  });
});

describe('authorization rbac: model checks', () => {
  const cases: ReadonlyArray<{ title: string; settings: string[]; message: RegExp; hint: RegExp }> = [
    { title: 'rbac without TLS', settings: ['authentication.kafka=plain', 'authorization.type=rbac', LDAP], message: /rbac needs TLS/, hint: /tls\.mode=auto/ },
    { title: 'rbac without Kafka authentication', settings: ['tls.mode=auto', 'authorization.type=rbac', LDAP], message: /rbac needs authenticated Kafka listeners/, hint: /authentication\.kafka=plain/ },
    { title: 'rbac without an LDAP directory', settings: ['tls.mode=auto', 'authentication.kafka=plain', 'authorization.type=rbac'], message: /rbac needs the LDAP directory/, hint: /authorization\.ldap=\{address: ldaps:/ },
    { title: 'rbac with authentication.http (CFK ignores it under rbac)', settings: [...RBAC, 'authentication.http=basic'], message: /authentication\.http does not apply with authorization rbac/, hint: /remove authentication\.http/ },
    { title: 'an LDAP address that is no ldap:// or ldaps:// URL', settings: [...RBAC, 'authorization.ldap.address=ldap.example.com'], message: /address/, hint: /.*/ },
    { title: 'a role binding with a role that needs resource patterns', settings: [...RBAC, 'authorization.roleBindings=[{principal: "User:bob", role: ResourceOwner}]'], message: /role/, hint: /.*/ },
    { title: 'a role binding principal without User: or Group:', settings: [...RBAC, 'authorization.roleBindings=[{principal: bob, role: Operator}]'], message: /principal/, hint: /.*/ },
    { title: 'fields (LDAP) under another authorization type', settings: ['authentication.kafka=plain', 'authorization.type=simple', LDAP], message: /authorization\.ldap applies to authorization rbac only/, hint: /authorization\.type=rbac/ },
    { title: 'role bindings without any authorization', settings: ['authorization.roleBindings=[{principal: "User:bob", role: Operator}]'], message: /authorization\.roleBindings applies to authorization rbac only/, hint: /set authorization\.roleBindings=/ },
  ];
  for (const { title, settings, message, hint } of cases) {
    it(`init refuses: ${title}`, () => {
      const error = refused(() => model(settings));
      expect(error.message).to.match(message);
      expect(error.hint).to.match(hint);
    });
  }

  it('the fix of a missing LDAP directory works as written', () => {
    const error = refused(() => model(['tls.mode=auto', 'authentication.kafka=plain', 'authorization.type=rbac']));
    const setting = /--set "([^"]+)"/.exec(error.hint ?? '')?.[1];
    expect(setting).to.be.a('string');
    const fixed = model(['tls.mode=auto', 'authentication.kafka=plain', 'authorization.type=rbac', setting!]);
    expect(fixed.options?.authorization?.ldap?.configurations).to.deep.equal({ userSearchBase: 'ou=users,dc=example,dc=com', groupSearchBase: 'ou=groups,dc=example,dc=com' });
  });

  it('the smallest working rbac is accepted', () => {
    expect(optionProblems(model(RBAC))).to.deep.equal([]);
  });

  it('validate reports a missing LDAP directory at the line that sets rbac, with the fix', () => {
    const base = buildNewModel({ name: 'acme', environments: ['dev'] });
    const text = serializePlatformModel({ ...base, options: { tls: { mode: 'auto' }, authentication: { kafka: 'plain' }, authorization: { type: 'rbac' } } });
    try {
      parsePlatformModel(text, 'cp-gitops.yaml');
      expect.fail('expected a ModelError');
    } catch (error) {
      expect(error).to.be.instanceOf(ModelError);
      const problems = (error as ModelError).problems;
      expect(problems).to.have.lengthOf(1);
      expect(problems[0]!.message).to.match(/rbac needs the LDAP directory/);
      expect(problems[0]!.fix).to.match(/authorization\.ldap/);
      expect(text.split('\n')[problems[0]!.line - 1]).to.match(/type: rbac/);
      expect(problems[0]!.column).to.be.greaterThan(1);
    }
  });
});
