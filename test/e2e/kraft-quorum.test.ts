import { join } from 'node:path';
import { expect } from 'chai';
import { writeTree } from '../../src/adapters/fs.js';
import { loadTemplates } from '../../src/adapters/templates.js';
import { generateRepository } from '../../src/generator/repository.js';
import { buildNewModel, type NewModelOptions } from '../../src/model/build.js';
import { makeTempDir, removeTempDirs } from '../helpers/cli.js';
import { renderKustomization, type KubeResource } from '../helpers/kustomize.js';
import { skipWithoutUpstreamSchemas, validateAgainstUpstream } from '../helpers/upstream-schemas.js';

// Dynamic KRaft quorums (decision 19) rendered for real with Kustomize and checked against CFK 3.3.0's
// and Argo CD's upstream schemas: what Argo CD would apply, not what cp-gitops thinks it wrote.

describe('KRaft quorum mode, rendered (kubectl kustomize) and checked against the upstream schemas', function () {
  this.timeout(120000);
  const templates = loadTemplates();
  const render = (options: Omit<NewModelOptions, 'name' | 'repoURL'>, what: string): KubeResource[] => {
    const dir = makeTempDir('cp-gitops-quorum-');
    writeTree(dir, generateRepository(buildNewModel({ name: 'p', repoURL: 'https://github.com/acme/p.git', ...options }), templates));
    return renderKustomization(join(dir, what));
  };
  const find = (resources: KubeResource[], kind: string, name?: string) => resources.find((resource) => resource.kind === kind && (name === undefined || resource.metadata?.name === name));
  const schemaProblems = (resources: KubeResource[]) =>
    resources.filter((resource) => resource.apiVersion?.startsWith('platform.confluent.io/') || resource.kind === 'Application').flatMap((resource) => validateAgainstUpstream(resource).map((message) => `${resource.kind}/${resource.metadata?.name}: ${message}`));

  before(function () {
    skipWithoutUpstreamSchemas(this);
  });
  after(removeTempDirs);

  it('the default prod repository runs a dynamic quorum: dynamicQuorumConfig, the bootstrap ConfigMap and its RBAC, valid for CFK 3.3.0', () => {
    const prod = render({}, 'overlays/prod');
    const kraft = find(prod, 'KRaftController')!;
    expect(kraft.spec!.dynamicQuorumConfig).to.deep.equal({ enabled: true, bootstrapPod: 0 });
    expect((kraft.spec!.podTemplate as Record<string, unknown>).serviceAccountName).to.equal('kraftcontroller-dynamic-quorum');
    expect((kraft.metadata as Record<string, unknown>).annotations).to.not.have.property('cp-gitops.io/static-quorum-voters');
    const configMap = find(prod, 'ConfigMap', 'kraftcontroller-dynamic-quorum') as unknown as { metadata: { namespace: string }; data: Record<string, string> };
    expect(configMap.metadata.namespace).to.equal('p-prod');
    expect(configMap.data).to.deep.equal({ 'bootstrap-status': '{"bootstrap_formatted": false}' });
    expect(find(prod, 'ServiceAccount', 'kraftcontroller-dynamic-quorum')).to.not.equal(undefined);
    const role = find(prod, 'Role', 'kraftcontroller-dynamic-quorum') as unknown as { rules: unknown[] };
    expect(role.rules).to.deep.equal([{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['kraftcontroller-dynamic-quorum'], verbs: ['get', 'update', 'patch'] }]);
    const binding = find(prod, 'RoleBinding', 'kraftcontroller-dynamic-quorum') as unknown as { subjects: unknown[] };
    expect(binding.subjects).to.deep.equal([{ kind: 'ServiceAccount', name: 'kraftcontroller-dynamic-quorum', namespace: 'p-prod' }]);
    expect(schemaProblems(prod)).to.deep.equal([]);

    const apps = render({}, 'argocd/prod');
    const platform = find(apps, 'Application', 'p-prod')!;
    expect(platform.spec!.ignoreDifferences).to.deep.equal([{ group: '', kind: 'ConfigMap', name: 'kraftcontroller-dynamic-quorum', namespace: 'p-prod', jsonPointers: ['/data'] }]);
    expect((platform.spec!.syncPolicy as { syncOptions: string[] }).syncOptions).to.include('RespectIgnoreDifferences=true');
    expect(schemaProblems(apps)).to.deep.equal([]);
  });

  for (const [label, options] of [
    ['CP 7.9 (default static below CP 8.2)', { cpVersion: '7.9.0', components: ['kafka'] }],
    ['an explicit kraft.quorum=static', { settings: ['kraft.quorum=static'], components: ['kafka'] }],
  ] as const) {
    it(`${label}: a static quorum with its recorded size, no ConfigMap, no ignoreDifferences`, () => {
      const prod = render(options, 'overlays/prod');
      const kraft = find(prod, 'KRaftController')!;
      expect(kraft.spec).to.not.have.property('dynamicQuorumConfig');
      expect((kraft.metadata as { annotations: Record<string, string> }).annotations['cp-gitops.io/static-quorum-voters']).to.equal('3');
      expect(prod.filter((resource) => resource.kind === 'ConfigMap' || resource.kind === 'Role')).to.deep.equal([]);
      expect(schemaProblems(prod)).to.deep.equal([]);
      const platform = find(render(options, 'argocd/prod'), 'Application', 'p-prod')!;
      expect(platform.spec).to.not.have.property('ignoreDifferences');
      expect((platform.spec!.syncPolicy as { syncOptions: string[] }).syncOptions).to.not.include('RespectIgnoreDifferences=true');
    });
  }

  it('a migrated quorum enables dynamicQuorumConfig without a bootstrap pod, ConfigMap or RBAC (already formatted)', () => {
    const prod = render({ settings: ['kraft.quorum=migrated'], components: ['kafka'] }, 'overlays/prod');
    const kraft = find(prod, 'KRaftController')!;
    expect(kraft.spec!.dynamicQuorumConfig).to.deep.equal({ enabled: true });
    expect(prod.filter((resource) => resource.kind === 'ConfigMap' || resource.kind === 'ServiceAccount')).to.deep.equal([]);
    expect(schemaProblems(prod)).to.deep.equal([]);
  });
});
