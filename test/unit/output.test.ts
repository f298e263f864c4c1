import { expect } from 'chai';
import { loadTemplates } from '../../src/adapters/templates.js';
import { ModelError } from '../../src/errors.js';
import { buildNewModel } from '../../src/model/build.js';
import { parsePlatformModel } from '../../src/model/parse.js';
import { serializePlatformModel } from '../../src/model/serialize.js';
import { planScale } from '../../src/promotion/day2.js';
import { groupViolations, type Violation } from '../../src/validator/violation.js';
import { describePath } from '../../src/yaml/positions.js';

/** Output people read (#13): names instead of indexes, ranges that are ranges, one finding per problem. */
describe('output people read', () => {
  it('names an environment in a model path instead of its index', () => {
    const data = { environments: [{ name: 'dev' }, { name: 'staging' }, { name: 'prod', kafkaClusters: [{ name: 'analytics' }] }], list: [1, 2] };
    expect(describePath(data, ['environments', 2, 'options', 'tls'])).to.equal('environments[prod].options.tls');
    expect(describePath(data, ['environments', '2', 'kafkaClusters', '0', 'size'])).to.equal('environments[prod].kafkaClusters[analytics].size');
    expect(describePath(data, ['list', 1])).to.equal('list[1]');
  });

  it('a schema error in cp-gitops.yaml names the environment (environments[prod].size, not environments.2.size)', () => {
    const model = buildNewModel({ name: 'p', repoURL: 'https://github.com/acme/p.git' });
    const text = serializePlatformModel(model).replace(/size: large/, 'size: huge');
    try {
      parsePlatformModel(text, 'cp-gitops.yaml');
      expect.fail('a size the schema does not know must be refused');
    } catch (error) {
      expect(error).to.be.instanceOf(ModelError);
      const text = (error as ModelError).problems.map((problem) => problem.message).join('\n');
      expect(text).to.include('environments[prod].size');
      expect(text).to.not.match(/environments\.\d/);
    }
  });

  it('removing one broker names one broker id, not the range "2–2"', () => {
    const templates = loadTemplates();
    const base = buildNewModel({ name: 'p', components: ['kafka'], repoURL: 'https://github.com/acme/p.git' });
    const one = planScale(base, templates, { component: 'kafka', env: 'dev', replicas: 2 }).warnings!.join('\n');
    expect(one).to.include('broker id 2 ');
    expect(one).to.not.match(/ids 2–2/);
    const grown = planScale(base, templates, { component: 'kafka', env: 'dev', replicas: 6 }).model;
    expect(planScale(grown, templates, { component: 'kafka', env: 'dev', replicas: 3 }).warnings!.join('\n')).to.include('broker ids 3–5');
  });

  it('groups the same problem in many files into one finding with every place, first place first', () => {
    const at = (file: string, line: number, message = 'placeholder'): Violation => ({ rule: 'policy/placeholder-repo-url', severity: 'warning', file, line, column: 3, message, fix: 'set it' });
    const findings = groupViolations([at('b.yaml', 2), at('a.yaml', 9), at('c.yaml', 1, 'another')]);
    expect(findings).to.deep.equal([
      { rule: 'policy/placeholder-repo-url', severity: 'warning', message: 'placeholder', fix: 'set it', locations: [{ file: 'a.yaml', line: 9, column: 3 }, { file: 'b.yaml', line: 2, column: 3 }] },
      { rule: 'policy/placeholder-repo-url', severity: 'warning', message: 'another', fix: 'set it', locations: [{ file: 'c.yaml', line: 1, column: 3 }] },
    ]);
  });
});
