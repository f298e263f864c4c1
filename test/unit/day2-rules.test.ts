import { expect } from 'chai';
import { loadTemplates } from '../../src/adapters/templates.js';
import type { FileTree } from '../../src/generator/file-tree.js';
import { generateRepository } from '../../src/generator/repository.js';
import { buildNewModel } from '../../src/model/build.js';
import { planConfig, planScale } from '../../src/promotion/day2.js';
import { planAddTopic } from '../../src/promotion/plan.js';
import { policyRules } from '../../src/validator/rules/policy.js';
import { validateRepository } from '../../src/validator/validate.js';
import type { Violation } from '../../src/validator/violation.js';

// The day-2 guards of validate on real generated repositories, edited by hand the way a reviewer
// might: every finding must name the edited file, the line and column of the offending value, and a fix.

const DAY2_RULES = new Set(['policy/replication-factor', 'policy/duplicate-config-key', 'policy/static-quorum-size', 'policy/dynamic-quorum-version']);

describe('validate: day-2 guards (replication, static quorum, duplicate keys)', () => {
  const templates = loadTemplates();
  const model = buildNewModel({ name: 'p', components: ['kafka', 'schemaregistry', 'connect', 'ksqldb'], repoURL: 'https://github.com/acme/p.git' });
  const tree = generateRepository(model, templates);
  const findings = (files: FileTree): Violation[] => validateRepository(files, [policyRules]).violations.filter((violation) => DAY2_RULES.has(violation.rule));
  const edit = (files: FileTree, path: string, from: string | RegExp, to: string): FileTree => {
    const content = files.get(path)!;
    const next = content.replace(from, to);
    expect(next, `${path} holds ${String(from)}`).to.not.equal(content);
    return new Map([...files, [path, next]]);
  };
  /** 1-based line and column of `text` in a file. */
  const at = (files: FileTree, path: string, text: string) => {
    const content = files.get(path)!;
    const index = content.indexOf(text);
    expect(index, `${path} holds ${text}`).to.be.greaterThan(-1);
    const before = content.slice(0, index).split('\n');
    return { file: path, line: before.length, column: before[before.length - 1]!.length + 1 };
  };
  const where = (violation: Violation) => ({ file: violation.file, line: violation.line, column: violation.column });

  it('finds nothing in a generated repository, nor after scale and config through cp-gitops', () => {
    expect(findings(tree)).to.deep.equal([]);
    const scaled = planScale(model, templates, { component: 'kafka', env: 'dev', replicas: 1 }).model;
    const configured = planConfig(scaled, templates, { env: 'dev', component: 'kafka', settings: ['log.retention.hours=72'] }).model;
    expect(findings(generateRepository(configured, templates))).to.deep.equal([]);
  });

  it('reports brokers scaled by hand below the replication factors, at each offending line', () => {
    const patch = 'overlays/dev/patches/kafka.yaml';
    const edited = edit(tree, patch, /^ {2}replicas: 3$/m, '  replicas: 2');
    const found = findings(edited);
    const factor = found.find((violation) => violation.message.includes('default.replication.factor=3'));
    expect(factor, JSON.stringify(found, null, 1)).to.not.equal(undefined);
    expect(where(factor!)).to.deep.equal(at(edited, patch, 'default.replication.factor=3'));
    expect(factor!.severity).to.equal('error');
    expect(factor!.message).to.match(/2 brokers \(spec\.replicas of Kafka "kafka"\)/);
    expect(factor!.fix).to.match(/default\.replication\.factor=2 or less/).and.match(/cp-gitops scale kafka --replicas 3/);
    const minInsync = found.find((violation) => violation.message.includes('min.insync.replicas=2'));
    expect(where(minInsync!)).to.deep.equal(at(edited, patch, 'min.insync.replicas=2'));
    expect(minInsync!.fix).to.match(/min\.insync\.replicas=1 or less/);
    // Components whose internal topics default to 3 replicas, at their own patch.
    const rules = found.map((violation) => `${violation.file}: ${violation.message.split(':')[0]}`);
    expect(rules).to.include('overlays/dev/patches/schemaregistry.yaml: SchemaRegistry "schemaregistry" does not set kafkastore.topic.replication.factor, whose default 3 is above 2 brokers (spec.replicas of Kafka "kafka")');
    expect(rules.filter((rule) => rule.startsWith('overlays/dev/patches/connect.yaml'))).to.have.length(3);
    expect(rules.some((rule) => rule.startsWith('overlays/dev/patches/ksqldb.yaml: KsqlDB "ksqldb" does not set internalTopicReplicationFactor'))).to.equal(true);
  });

  it('reports min.insync.replicas at the broker count and a replication factor above it, set by hand', () => {
    const patch = 'overlays/staging/patches/kafka.yaml';
    const edited = edit(edit(tree, patch, 'min.insync.replicas=2', 'min.insync.replicas=3'), 'overlays/staging/patches/connect.yaml', /^spec:\n/m, 'spec:\n  configOverrides:\n    server:\n      - offset.storage.replication.factor=4\n');
    const found = findings(edited);
    expect(found.map(where)).to.deep.include.members([at(edited, patch, 'min.insync.replicas=3'), at(edited, 'overlays/staging/patches/connect.yaml', 'offset.storage.replication.factor=4')]);
    expect(found.find((violation) => violation.file === patch)!.message).to.match(/with one broker down, writes with acks=all fail/);
  });

  it('reports a KafkaTopic asking for more replicas than there are brokers', () => {
    const withTopic = generateRepository(planAddTopic(model, { env: 'dev', topic: { name: 'orders', partitions: 6, replicas: 3 } }).model, templates);
    expect(findings(withTopic)).to.deep.equal([]);
    const edited = edit(withTopic, 'overlays/dev/patches/kafka.yaml', /^ {2}replicas: 3$/m, '  replicas: 2');
    const topic = findings(edited).find((violation) => violation.file === 'overlays/dev/topics/orders.yaml');
    expect(topic!.message).to.match(/asks for 3 replicas with 2 brokers/);
    expect(where(topic!)).to.deep.equal(at(edited, 'overlays/dev/topics/orders.yaml', '3\n  kafkaRestClassRef'));
  });

  it('reports a key written twice in configOverrides.server, at the line that wins', () => {
    const patch = 'overlays/dev/patches/kafka.yaml';
    const edited = edit(tree, patch, '      - min.insync.replicas=2\n', '      - min.insync.replicas=2\n      - min.insync.replicas=1\n');
    const duplicate = findings(edited).filter((violation) => violation.rule === 'policy/duplicate-config-key');
    expect(duplicate).to.have.length(1);
    expect(where(duplicate[0]!)).to.deep.equal(at(edited, patch, 'min.insync.replicas=1'));
    expect(duplicate[0]!.message).to.match(/sets min\.insync\.replicas twice.*takes "1"/);
  });

  it('reports a static KRaft quorum resized by hand', () => {
    const patch = 'overlays/staging/patches/kraftcontroller.yaml';
    const staticTree = generateRepository(buildNewModel({ name: 'p', components: ['kafka'], repoURL: 'https://github.com/acme/p.git', settings: ['kraft.quorum=static'] }), templates);
    expect(staticTree.get(patch)).to.match(/cp-gitops\.io\/static-quorum-voters: "3"/);
    const edited = edit(staticTree, patch, /^ {2}replicas: 3$/m, '  replicas: 5');
    const found = findings(edited);
    expect(found.map((violation) => violation.rule)).to.deep.equal(['policy/static-quorum-size']);
    expect(where(found[0]!)).to.deep.equal(at(edited, patch, '5\n'));
    expect(found[0]!.fix).to.match(/set spec\.replicas back to 3/).and.match(/kraft\.quorum=migrated/);
    // A dynamic quorum may change size.
    const dynamic = edit(edited, patch, /^spec:\n/m, 'spec:\n  dynamicQuorumConfig:\n    enabled: true\n');
    expect(findings(dynamic)).to.deep.equal([]);
  });

  it('lets a dynamic quorum (the default) change size, and reports one enabled by hand below CP 7.9', () => {
    const patch = 'overlays/staging/patches/kraftcontroller.yaml';
    expect(tree.get(patch)).to.match(/dynamicQuorumConfig:/).and.not.match(/static-quorum-voters/);
    expect(findings(edit(tree, patch, /^ {2}replicas: 3$/m, '  replicas: 5'))).to.deep.equal([]);

    const cp78 = generateRepository(buildNewModel({ name: 'p', components: ['kafka'], repoURL: 'https://github.com/acme/p.git', cpVersion: '7.8.0' }), templates);
    const kraftPatch = 'overlays/staging/patches/kraftcontroller.yaml';
    expect(cp78.get(kraftPatch)).to.not.match(/dynamicQuorumConfig/);
    const edited = edit(cp78, kraftPatch, /^spec:\n/m, 'spec:\n  dynamicQuorumConfig:\n    enabled: true\n');
    const found = findings(edited).filter((violation) => violation.rule === 'policy/dynamic-quorum-version');
    expect(found).to.have.length(1);
    expect(where(found[0]!)).to.deep.equal(at(edited, kraftPatch, 'true\n'));
    expect(found[0]!.message).to.match(/cp-server:7\.8\.0: KIP-853 dynamic quorums need Confluent Platform 7\.9 or later/);
  });
});
