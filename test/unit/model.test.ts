import { expect } from 'chai';
import { ModelError, UsageError } from '../../src/errors.js';
import { loadTemplates } from '../../src/adapters/templates.js';
import { generateRepository } from '../../src/generator/repository.js';
import { buildNewModel, type NewModelOptions } from '../../src/model/build.js';
import { quorumOf } from '../../src/model/kraft-quorum.js';
import type { PlatformModel } from '../../src/model/types.js';
import { planSetOptions } from '../../src/promotion/plan.js';
import { parsePlatformModel } from '../../src/model/parse.js';
import { serializePlatformModel } from '../../src/model/serialize.js';

const FILE = 'cp-gitops.yaml';

function problemsOf(text: string): ModelError {
  try {
    parsePlatformModel(text, FILE);
  } catch (error) {
    if (error instanceof ModelError) return error;
    throw error;
  }
  throw new Error('expected a ModelError');
}

describe('platform model', () => {
  const model = buildNewModel({ name: 'acme', repoURL: 'https://github.com/acme/acme.git' });
  const text = serializePlatformModel(model);

  it('round-trips: serialize then parse gives the same model', () => {
    expect(parsePlatformModel(text, FILE)).to.deep.equal(model);
  });

  it('defaults: CP 8.2.0, CFK 3.3.0 / chart 0.1718.10, C3 2.5.0, KRaft, dev/staging/prod sized small/medium/large', () => {
    expect(model.versions).to.deep.equal({ confluentPlatform: '8.2.0', operator: '3.3.0', operatorChart: '0.1718.10', controlCenter: '2.5.0' });
    expect(model.controller).to.equal('kraft');
    expect(model.environments.map((env) => [env.name, env.size, env.namespace])).to.deep.equal([
      ['dev', 'small', 'acme-dev'],
      ['staging', 'medium', 'acme-staging'],
      ['prod', 'large', 'acme-prod'],
    ]);
  });

  it('reports an unknown key at its line and column', () => {
    const broken = text.replace('  size: medium', '  size: medium\n    sise: large');
    const error = problemsOf(broken);
    const line = broken.split('\n').findIndex((l) => l.includes('sise:')) + 1;
    expect(error.problems).to.have.length(1);
    expect(error.problems[0]).to.include({ file: FILE, line, column: 5 });
    expect(error.problems[0]!.message).to.match(/unknown key "sise"/);
  });

  it('reports a wrong enum value at the value, with the allowed values as the fix', () => {
    const broken = text.replace('controller: kraft', 'controller: raft');
    const error = problemsOf(broken);
    const line = broken.split('\n').findIndex((l) => l.startsWith('controller:')) + 1;
    expect(error.problems[0]).to.include({ line, column: 13 });
    expect(error.problems[0]!.fix).to.match(/kraft, zookeeper/);
  });

  it('reports host-based routing without a domain, TLS or authentication at the line and column of externalAccess.type, with the fix', () => {
    const withAccess = text.replace(/^options:\n/m, 'options:\n  externalAccess:\n    type: staticForHostBasedRouting\n');
    const error = problemsOf(withAccess);
    const line = withAccess.split('\n').findIndex((l) => l.includes('type: staticForHostBasedRouting')) + 1;
    expect(error.problems.map((problem) => [problem.file, problem.line, problem.column])).to.deep.equal([
      [FILE, line, 11],
      [FILE, line, 11],
      [FILE, line, 11],
    ]);
    expect(error.problems[0]!.message).to.match(/exposed outside the cluster \(externalAccess\) without authentication/);
    expect(error.problems[0]!.fix).to.match(/security\.allowInsecure=true/);
    expect(error.problems[1]!.message).to.match(/needs the DNS domain/);
    expect(error.problems[1]!.fix).to.match(/externalAccess\.domain=/);
    expect(error.problems[2]!.message).to.match(/needs TLS/);
    expect(error.problems[2]!.fix).to.match(/tls\.mode=cert-manager/);
  });

  it('refuses an out-of-range host-routing port where it is written', () => {
    const withAccess = text.replace(/^options:\n/m, 'options:\n  tls: {mode: auto}\n  externalAccess:\n    type: staticForHostBasedRouting\n    domain: kafka.example.com\n    port: 70000\n');
    const error = problemsOf(withAccess);
    const line = withAccess.split('\n').findIndex((l) => l.includes('port: 70000')) + 1;
    expect(error.problems).to.have.length(1);
    expect(error.problems[0]).to.include({ file: FILE, line, column: 11 });
  });

  it('reports duplicate keys as YAML errors with their position', () => {
    const broken = text.replace('name: acme\n', 'name: acme\nname: other\n');
    const error = problemsOf(broken);
    expect(error.message).to.match(/cp-gitops\.yaml:\d+:\d+: YAML: .*[Mm]ap keys must be unique/);
  });

  it('refuses ZooKeeper with CP 8, pointing at the controller line', () => {
    const broken = text.replace('controller: kraft', 'controller: zookeeper');
    const error = problemsOf(broken);
    const line = broken.split('\n').findIndex((l) => l.startsWith('controller:')) + 1;
    expect(error.problems[0]).to.include({ line });
    expect(error.problems[0]!.message).to.match(/ZooKeeper.*8\.2\.0/);
  });

  it('refuses an environment without kafka and duplicate environment names', () => {
    const broken = text.replace('  - name: staging', '  - name: dev').replace(/components:\n(\s+- kafka\n)/, 'components:\n');
    const error = problemsOf(broken);
    const messages = error.problems.map((problem) => problem.message).join('\n');
    expect(messages).to.match(/defined twice/);
    expect(messages).to.match(/has no kafka/);
  });

  it('reports a missing required key on the object that lacks it', () => {
    const broken = text.replace(/ {2}operatorChart: .*\n/, '');
    const error = problemsOf(broken);
    const line = broken.split('\n').findIndex((l) => l.startsWith('  confluentPlatform:')) + 1;
    expect(error.problems[0]!.message).to.match(/lacks the required key "operatorChart"/);
    expect(error.problems[0]).to.include({ line });
  });

  describe('buildNewModel refuses bad flags with a usage error', () => {
    const cases: [string, Parameters<typeof buildNewModel>[0], RegExp][] = [
      ['a name that is not DNS-1123', { name: 'Bad_Name' }, /invalid platform name "Bad_Name"/],
      ['a path in an environment name', { name: 'ok', environments: ['dev', '../x'] }, /invalid environment name "\.\.\/x"/],
      ['an unknown component', { name: 'ok', components: ['kafka', 'zk'] }, /unknown component: zk/],
      ['ZooKeeper on CP 8', { name: 'ok', controller: 'zookeeper' }, /ZooKeeper mode is not available with Confluent Platform 8\.2\.0/],
      ['a CP version outside the operator range', { name: 'ok', cpVersion: '8.4.0' }, /supports Confluent Platform 7\.5\.x–8\.3\.x, not 8\.4\.0/],
      ['an operator release without a source in docs/versions.md', { name: 'ok', operatorVersion: '3.9.0' }, /3\.9\.0 is not in the version table \(docs\/versions\.md\)/],
      ['an environment named clusters', { name: 'ok', environments: ['dev', 'clusters'] }, /"clusters" cannot name an environment: argocd\/clusters\/ holds the Applications shared by a Kubernetes cluster/],
      ['a duplicate environment', { name: 'ok', environments: ['dev', 'dev'] }, /listed twice/],
      ['an environment named bootstrap', { name: 'ok', environments: ['dev', 'bootstrap'] }, /"bootstrap" cannot name an environment/],
      ['environments whose Argo CD names collide', { name: 'ok', environments: ['dev', 'dev-operator'] }, /would name the platform Application of dev-operator "Application\/ok-dev-operator", already the name of the operator Application of dev/],
      ['a branch that is not a ref name', { name: 'ok', targetRevision: 'rel@1' }, /invalid --branch "rel@1"/],
    ];
    for (const [title, options, message] of cases) {
      it(title, () => {
        expect(() => buildNewModel(options)).to.throw(UsageError, message);
      });
    }
  });

  it('always includes kafka, and keeps components in catalogue order', () => {
    const built = buildNewModel({ name: 'ok', components: ['restproxy', 'schemaregistry'] });
    expect(built.environments[0]!.components).to.deep.equal(['kafka', 'schemaregistry', 'restproxy']);
  });

  it('CP 7.9 pairs with the legacy Control Center at the CP version', () => {
    const built = buildNewModel({ name: 'ok', cpVersion: '7.9.0', controller: 'zookeeper' });
    expect(built.versions.controlCenter).to.equal('7.9.0');
  });
});

describe('KRaft quorum mode (kraft.quorum)', () => {
  const templates = loadTemplates();
  const build = (options: Partial<NewModelOptions> = {}) => buildNewModel({ name: 'acme', repoURL: 'https://github.com/acme/acme.git', components: ['kafka'], ...options });
  const staticAnnotation = (model: PlatformModel) => generateRepository(model, templates).get('overlays/prod/patches/kraftcontroller.yaml')!.match(/static-quorum-voters: "(\d+)"/)?.[1];

  it('init writes dynamic for CP 8.2+ with CFK 3.3+, and nothing (static) below or on ZooKeeper, unless told', () => {
    expect(build().options).to.deep.equal({ kraft: { quorum: 'dynamic' } });
    expect(serializePlatformModel(build())).to.match(/^options:\n {2}kraft:\n {4}quorum: dynamic\n/m);
    expect(build({ cpVersion: '8.1.0' }).options).to.equal(undefined);
    expect(build({ cpVersion: '8.1.0', operatorVersion: '3.2.3' }).options).to.equal(undefined);
    expect(build({ cpVersion: '7.9.0', controller: 'zookeeper' }).options).to.equal(undefined);
    expect(build({ settings: ['kraft.quorum=static'] }).options).to.deep.equal({ kraft: { quorum: 'static' } });
    expect(build({ cpVersion: '8.1.0', settings: ['kraft.quorum=dynamic'] }).options).to.deep.equal({ kraft: { quorum: 'dynamic' } });
  });

  it('a cp-gitops.yaml without kraft.quorum keeps its static quorum on CP 8.2 (a regeneration never flips a running quorum)', () => {
    const existing = serializePlatformModel(build()).replace(/^options:\n {2}kraft:\n {4}quorum: dynamic\n/m, '');
    const parsed = parsePlatformModel(existing, FILE);
    expect(parsed.options).to.equal(undefined);
    expect(quorumOf(parsed, parsed.environments[2]!)).to.equal('static');
    expect(staticAnnotation(parsed)).to.equal('3');
    expect(generateRepository(parsed, templates).get('overlays/prod/patches/kraftcontroller.yaml')).to.not.match(/dynamicQuorumConfig/);
    expect(staticAnnotation(build())).to.equal(undefined);
  });

  it('reports a dynamic quorum below CP 7.9, or migrated below CP 8.0, at the kraft.quorum that asks for it', () => {
    const text = serializePlatformModel(build({ cpVersion: '7.8.0' })).replace(/^environments:/m, 'options:\n  kraft:\n    quorum: dynamic\nenvironments:');
    const error = problemsOf(text);
    const line = text.split('\n').findIndex((l) => l.includes('quorum: dynamic')) + 1;
    expect(error.problems.map((problem) => [problem.file, problem.line, problem.column])).to.deep.equal([[FILE, line, 13]]);
    expect(error.problems[0]!.message).to.equal('environments "dev", "staging", "prod": kraft.quorum dynamic needs Confluent Platform 7.9 or later (KIP-853 dynamic quorums), not 7.8.0');
    expect(error.problems[0]!.fix).to.match(/kraft\.quorum: static/);

    // One environment's own value is reported there; migrated needs CP 8.0 (kraft.version=1 on a running quorum).
    const cp79 = serializePlatformModel(build({ cpVersion: '7.9.0' })).replace(/^( {4}options:\n)/m, '$1      kraft:\n        quorum: migrated\n');
    const migrated = problemsOf(cp79);
    const at = cp79.split('\n').findIndex((l) => l.includes('quorum: migrated')) + 1;
    expect(migrated.problems.map((problem) => [problem.line, problem.column, problem.message])).to.deep.equal([[at, 17, 'environment "prod": kraft.quorum migrated needs Confluent Platform 8.0 or later (kraft.version=1 on a running quorum), not 7.9.0']]);
    expect(() => parsePlatformModel(cp79.replace('quorum: migrated', 'quorum: dynamic'), FILE)).to.not.throw();
  });

  it('set changes a quorum only by the migration: static → migrated, never static → dynamic or back to static', () => {
    const staticModel = build({ cpVersion: '8.1.0' });
    const toDynamic = () => planSetOptions(staticModel, { env: 'prod', settings: ['kraft.quorum=dynamic'] });
    expect(toDynamic).to.throw(UsageError, /prod runs a static KRaft quorum; kraft.quorum dynamic would make CFK treat it as a new quorum/);
    try {
      toDynamic();
    } catch (error) {
      expect((error as UsageError).hint).to.match(/upgrade --feature kraft\.version=1/).and.match(/cp-gitops set kraft\.quorum=migrated --env prod/);
    }
    const migrated = planSetOptions(staticModel, { env: 'prod', settings: ['kraft.quorum=migrated'] });
    expect(migrated.changes).to.deep.equal([{ env: 'prod', component: 'options', field: 'kraft.quorum', from: '—', to: '"migrated"' }]);
    expect(staticAnnotation(migrated.model)).to.equal(undefined);
    expect(quorumOf(migrated.model, migrated.model.environments[1]!)).to.equal('static');
    expect(() => planSetOptions(build(), { settings: ['kraft.quorum=static'] })).to.throw(UsageError, /dev runs a dynamic KRaft quorum \(kraft\.version=1\); it cannot become static in place/);
    expect(() => planSetOptions(migrated.model, { env: 'prod', settings: ['kraft.quorum='] })).to.throw(UsageError, /prod runs a migrated \(dynamic\) KRaft quorum/);
  });
});
