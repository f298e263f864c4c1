import { expect } from 'chai';
import { fileTree } from '../../src/generator/file-tree.js';
import { secretSettingProblem } from '../../src/model/secret-settings.js';
import { redactUrl, urlCredentialProblem } from '../../src/model/url-credentials.js';
import { summarize } from '../../src/validator/printers/text.js';
import { linearRegExp, unsupportedPatterns } from '../../src/validator/schemas/linear-regexp.js';
import { createSchemaRegistry } from '../../src/validator/schemas/registry.js';
import { makeTempDir, removeTempDirs } from '../helpers/cli.js';
import { findSuppressions, suppressViolations } from '../../src/validator/suppressions.js';
import type { Violation } from '../../src/validator/violation.js';

// The pure halves of issue #15's refusals; the end-to-end cases are in test/e2e/hostile-input.test.ts.

describe('hardening (#15): pure checks', () => {
  it('secretSettingProblem: credential keys and literal passwords are refused, config provider references are not', () => {
    const refused: [string, string][] = [
      ['producer.ssl.key.password', 'x'],
      ['consumer.client.secret', 'x'],
      ['confluent.license.key', 'x'],
      ['basic.auth.user.info', 'u:p'],
      ['admin.sasl.jaas.config', 'PlainLoginModule required username="u" password="p";'],
      ['some.setting', 'module required password=p;'],
    ];
    for (const [key, value] of refused) expect(secretSettingProblem(key, value), `${key}=${value}`).to.be.a('string');
    const accepted: [string, string][] = [
      ['log.retention.hours', '72'],
      ['producer.ssl.key.password', '${file:/mnt/secrets/s/c.properties:key.password}'],
      ['admin.sasl.jaas.config', 'PlainLoginModule required username="u" password="${file:/mnt/secrets/s/c.properties:pw}";'],
      ['key.converter', 'org.apache.kafka.connect.json.JsonConverter'],
      ['producer.ssl.key.password', ''],
    ];
    for (const [key, value] of accepted) expect(secretSettingProblem(key, value), `${key}=${value}`).to.equal(undefined);
  });

  it('urlCredentialProblem: user information in http(s) URLs and any password are refused; an ssh user is not', () => {
    expect(urlCredentialProblem('https://u:p@host/x.git')).to.be.a('string');
    expect(urlCredentialProblem('https://tok@host/x.git')).to.be.a('string');
    expect(urlCredentialProblem('ssh://git:pw@host/x.git')).to.be.a('string');
    expect(urlCredentialProblem('ssh://git@host/x.git')).to.equal(undefined);
    expect(urlCredentialProblem('git@github.com:acme/x.git')).to.equal(undefined);
    expect(urlCredentialProblem('/srv/git/x.git')).to.equal(undefined);
    expect(redactUrl('https://u:p@host/x.git')).to.equal('https://***@host/x.git');
  });

  it('suppressions: only real comments count (never inside a string or block scalar)', () => {
    const tree = fileTree([
      ['a.yaml', 'a: "x # cp-gitops:ignore policy/image-tag in a string"\nb: |\n  # cp-gitops:ignore policy/image-tag in a block\nc: 1 # cp-gitops:ignore policy/memory-request trailing comment\n# cp-gitops:ignore policy/prod-pdb own line\n'],
      ['run.sh', 'echo "# cp-gitops:ignore policy/image-tag in a string"\n  # cp-gitops:ignore policy/prod-pdb own line\n'],
    ]);
    const found = findSuppressions(tree).suppressions.map((suppression) => `${suppression.file}:${suppression.line}:${suppression.column} ${suppression.rule}`);
    expect(found).to.deep.equal(['a.yaml:4:6 policy/memory-request', 'a.yaml:5:1 policy/prod-pdb', 'run.sh:2:3 policy/prod-pdb']);
  });

  it('suppressViolations: what is silenced is returned, counted and named by summarize; guarded rules cannot be silenced', () => {
    const violation = (rule: string): Violation => ({ rule, severity: 'error', file: 'a.yaml', line: 2, column: 1, message: 'm', fix: 'f' });
    const tree = fileTree([['a.yaml', '# cp-gitops:ignore policy/image-tag pinned by the release pipeline\n# cp-gitops:ignore kustomize/remote-resource trust me\nx: 1\n']]);
    const result = suppressViolations([violation('policy/image-tag'), violation('kustomize/remote-resource')], tree);
    expect(result.suppressed.map((entry) => entry.rule)).to.deep.equal(['policy/image-tag']);
    expect(result.violations.map((entry) => entry.rule)).to.include.members(['kustomize/remote-resource', 'suppression/missing-reason']);
    expect(summarize([], result.suppressed)).to.equal('no errors or warnings; 1 suppressed (policy/image-tag in a.yaml)');
  });

  it('linearRegExp: RE2 answers like RegExp on the patterns CRDs use, and on nested quantifiers without backtracking', () => {
    const cases: [string, string[]][] = [
      ['^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$', ['kafka.confluent.io', 'Kafka', '-a', 'a..b', '']],
      ['^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE])?$', ['10Gi', '1.5', '.5m', 'Gi', '10GB']],
      ['(?<major>\\d+)\\.\\d+', ['7.9', 'x7.9y', 'v.9']],
      ['^\\/api\\/v[0-9]$', ['/api/v1', 'api/v1']],
      ['^(a+)+$', ['aaaa', 'aaab', '']],
    ];
    for (const [pattern, inputs] of cases) for (const input of inputs) expect(linearRegExp(pattern, '').test(input), `${pattern} on ${JSON.stringify(input)}`).to.equal(new RegExp(pattern).test(input));
    // 100,000 characters that almost match: RegExp would not finish; RE2 is linear in the input.
    expect(linearRegExp('^(a+)+$', '').test(`${'a'.repeat(100_000)}!`)).to.equal(false);
  });

  it('unsupportedPatterns: lookbehind, lookahead and backreferences are named with their JSON pointer; the rest runs', () => {
    const schema = {
      properties: {
        a: { pattern: '(?<=x)y' },
        'b/c': { pattern: '^(?!tmp-)' },
        d: { patternProperties: { '^(x)\\1$': {} } },
        ok: { pattern: '^(a+)+$', enum: [{ pattern: '(?=data, not a schema)' }] },
      },
    };
    expect(unsupportedPatterns(schema).map(({ pointer, feature }) => `${pointer} ${feature.split(',')[0]}`)).to.deep.equal([
      '/properties/a/pattern a lookbehind',
      '/properties/b~1c/pattern a lookahead',
      '/properties/d/patternProperties/^(x)\\1$ a backreference',
    ]);
  });

  it('imported schemas: the compiled code cached on disk runs its patterns on RE2 too (loaded, not recompiled)', () => {
    const cacheDir = makeTempDir('cp-gitops-re2-cache-');
    const schema = { type: 'object', properties: { apiVersion: {}, kind: {}, metadata: {}, spec: { type: 'object', properties: { name: { type: 'string', pattern: '^(a+)+$' } } } } };
    const widget = (name: string) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { name } });
    const registry = () => createSchemaRegistry({ importedSchemas: new Map([['.cp-gitops/schemas/example.com_widget_v1.json', schema]]), cacheDir });
    try {
      const first = registry();
      expect(first.validate('example.com/v1', 'Widget', 'full', widget('aaa'))).to.deep.equal([]);
      expect(first.stats.compiled).to.equal(1);
      const second = registry();
      expect(second.validate('example.com/v1', 'Widget', 'full', widget(`${'a'.repeat(100_000)}!`))?.map((error) => error.pointer)).to.deep.equal(['/spec/name']);
      expect(second.validate('example.com/v1', 'Widget', 'full', widget('a'.repeat(100_000)))).to.deep.equal([]);
      expect(second.stats).to.deep.include({ compiled: 0, cacheHits: 1 });
      expect(second.problems).to.deep.equal([]);
    } finally {
      removeTempDirs();
    }
  });
});
