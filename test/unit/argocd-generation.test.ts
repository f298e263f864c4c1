import { expect } from 'chai';
import { parse } from 'yaml';
import { loadTemplates } from '../../src/adapters/templates.js';
import { layout } from '../../src/generator/layout.js';
import { generateRepository } from '../../src/generator/repository.js';
import { buildNewModel, type NewModelOptions } from '../../src/model/build.js';

const templates = loadTemplates();

function operatorValues(options: Partial<NewModelOptions>): Record<string, unknown> {
  const model = buildNewModel({ name: 'acme', repoURL: 'https://github.com/acme/acme.git', environments: ['dev'], ...options });
  const operator = parse(generateRepository(model, templates).get(layout.argocdEnvFile('dev', 'operator.yaml'))!) as { spec: { source: { helm: { valuesObject: Record<string, unknown> } } } };
  return operator.spec.source.helm.valuesObject;
}

describe('the operator Application (argocd/<env>/operator.yaml)', () => {
  it('KRaft: a namespaced operator without kRaftEnabled (KRaft data recovery does not support namespace-scoped CFK)', () => {
    expect(operatorValues({})).to.deep.equal({ namespaced: true });
  });

  it('ZooKeeper on CP 7.9: the same values', () => {
    expect(operatorValues({ cpVersion: '7.9.0', controller: 'zookeeper' })).to.deep.equal({ namespaced: true });
  });
});
