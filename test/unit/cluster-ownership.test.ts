import { expect } from 'chai';
import { parse } from 'yaml';
import { loadTemplates } from '../../src/adapters/templates.js';
import { fileTree, type FileTree } from '../../src/generator/file-tree.js';
import { generateRepository } from '../../src/generator/repository.js';
import { buildNewModel } from '../../src/model/build.js';
import { checkModelSemantics } from '../../src/model/check.js';
import type { PlatformModel } from '../../src/model/types.js';
import { OPERATOR_RELEASES } from '../../src/model/versions.js';
import { planUpgrade } from '../../src/promotion/day2.js';
import { argocdRules } from '../../src/validator/rules/argocd.js';
import { parseSources } from '../../src/validator/sources.js';
import type { Violation } from '../../src/validator/violation.js';
import { goldenModel } from '../golden/scenarios.js';
import { at, refused } from '../helpers/values.js';

/** Issue 10, points 1, 2 and 6: what a Kubernetes cluster shares has one owner, and CRDs are never older than an operator. */
describe('one owner per Kubernetes cluster', () => {
  const templates = loadTemplates();
  const yamlAt = (tree: FileTree, path: string): unknown => {
    const text = tree.get(path);
    if (text === undefined) throw new Error(`${path} is not generated`);
    return parse(text);
  };
  const argocdViolations = (tree: FileTree): Violation[] => argocdRules({ sources: parseSources(tree).sources, builds: new Map(), allBuilds: new Map() });
  const edit = (tree: FileTree, path: string, from: string, to: string): FileTree => {
    const text = tree.get(path)!;
    if (!text.includes(from)) throw new Error(`${path} lacks ${from}`);
    return fileTree([...tree].map(([file, content]): [string, string] => [file, file === path ? text.replace(from, to) : content]));
  };
  const chartApps = (tree: FileTree) =>
    [...tree]
      .filter(([path]) => path.startsWith('argocd/') && path.endsWith('.yaml'))
      .map(([path, text]) => ({ path, object: parse(text) as Record<string, unknown> }))
      .filter(({ object }) => object?.kind === 'Application' && at(object, 'spec.source.chart') === 'confluent-for-kubernetes');

  describe('the CFK CRDs', () => {
    const tree = generateRepository(buildNewModel({ name: 'p', repoURL: 'https://github.com/acme/p.git' }), templates);

    it('come from one Application per cluster, never from an environment (every operator sets skipCrds)', () => {
      const installers = chartApps(tree).filter(({ object }) => at(object, 'spec.source.helm.skipCrds') !== true);
      expect(installers.map(({ path }) => path)).to.deep.equal(['argocd/clusters/in-cluster/crds.yaml']);
      for (const env of ['dev', 'staging', 'prod']) expect(at(yamlAt(tree, `argocd/${env}/operator.yaml`), 'spec.source.helm.skipCrds'), env).to.equal(true);
    });

    it('survive any deletion and any prune: Prune=false and Delete=false on the Application, no resources finalizer, roots that never prune', () => {
      const crds = yamlAt(tree, 'argocd/clusters/in-cluster/crds.yaml');
      expect(at(crds, 'spec.syncPolicy.syncOptions')).to.include.members(['Prune=false', 'Delete=false', 'ServerSideApply=true']);
      expect(at(crds, 'spec.syncPolicy.automated.prune')).to.equal(false);
      expect(at(crds, 'metadata.finalizers')).to.equal(undefined);
      expect(at(yamlAt(tree, 'argocd/bootstrap/root-cluster-in-cluster.yaml'), 'spec.syncPolicy.automated.prune')).to.equal(false);
      expect(at(yamlAt(tree, 'argocd/bootstrap/kustomization.yaml'), 'resources')).to.include('root-cluster-in-cluster.yaml');
    });

    it("an environment's AppProject no longer allows CustomResourceDefinitions (a reverted skipCrds fails to sync instead of taking them over)", () => {
      for (const env of ['dev', 'staging', 'prod']) {
        const kinds = (at(yamlAt(tree, `argocd/${env}/project.yaml`), 'spec.clusterResourceWhitelist') as { kind: string }[]).map((entry) => entry.kind);
        expect(kinds, env).to.not.include('CustomResourceDefinition');
      }
      const clusterKinds = (at(yamlAt(tree, 'argocd/clusters/in-cluster/project.yaml'), 'spec.clusterResourceWhitelist') as { kind: string }[]).map((entry) => entry.kind);
      expect(clusterKinds).to.include('CustomResourceDefinition');
    });

    it('are at the newest chart any operator on the cluster runs; other clusters keep their own', () => {
      const model = buildNewModel({ name: 'p', cpVersion: '8.1.0', operatorVersion: '3.2.3', repoURL: 'https://github.com/acme/p.git' });
      const envs = model.environments.map((env) => (env.name === 'prod' ? { ...env, cluster: 'https://prod.k8s.example.com:6443' } : env));
      const mixed: PlatformModel = { ...model, environments: envs.map((env) => (env.name === 'staging' ? { ...env, versions: { operator: '3.3.0', operatorChart: '0.1718.10' } } : env)) };
      const generated = generateRepository(mixed, templates);
      expect(at(yamlAt(generated, 'argocd/clusters/in-cluster/crds.yaml'), 'spec.source.targetRevision')).to.equal('0.1718.10');
      expect(at(yamlAt(generated, 'argocd/clusters/prod-k8s-example-com/crds.yaml'), 'spec.source.targetRevision')).to.equal('0.1514.76');
      expect(at(yamlAt(generated, 'argocd/clusters/prod-k8s-example-com/crds.yaml'), 'spec.destination.server')).to.equal('https://prod.k8s.example.com:6443');
      expect(argocdViolations(generated)).to.deep.equal([]);
    });

    it('on the multi-cluster golden: one installer, every Kafka cluster operator with skipCrds', () => {
      const generated = generateRepository(goldenModel('multi-cluster'), templates);
      const apps = chartApps(generated);
      expect(apps.filter(({ object }) => at(object, 'spec.source.helm.skipCrds') === true)).to.have.length(4);
      expect(apps.filter(({ object }) => at(object, 'spec.source.helm.skipCrds') !== true).map(({ path }) => path)).to.deep.equal(['argocd/clusters/in-cluster/crds.yaml']);
    });
  });

  it("refuses an environment whose Argo CD names would be a cluster's (cluster-in-cluster)", () => {
    const error = refused(() => buildNewModel({ name: 'p', environments: ['dev', 'cluster-in-cluster'] }));
    expect(error.message).to.match(/environment "cluster-in-cluster" would name .*"Application\/p-cluster-in-cluster-root", already the name of an Argo CD object of Kubernetes cluster https:\/\/kubernetes\.default\.svc/);
  });

  describe('a managed StorageClass', () => {
    const tree = generateRepository(goldenModel('monitoring'), templates);

    it("is owned by the cluster's shared Application, not by the first environment's platform", () => {
      expect([...tree.keys()].filter((path) => path.startsWith('overlays/') && path.includes('storageclass'))).to.deep.equal([]);
      expect(at(yamlAt(tree, 'argocd/clusters/in-cluster/shared/storageclass-fast-ssd.yaml'), 'reclaimPolicy')).to.equal('Retain');
      const shared = yamlAt(tree, 'argocd/clusters/in-cluster/shared.yaml');
      expect(at(shared, 'spec.source.path')).to.equal('argocd/clusters/in-cluster/shared');
      expect(at(shared, 'spec.syncPolicy.syncOptions')).to.include.members(['Prune=false', 'Delete=false']);
      expect(at(shared, 'metadata.finalizers')).to.equal(undefined);
      for (const env of ['dev', 'prod']) {
        const kinds = (at(yamlAt(tree, `argocd/${env}/project.yaml`), 'spec.clusterResourceWhitelist') as { kind: string }[]).map((entry) => entry.kind);
        expect(kinds, env).to.not.include('StorageClass');
      }
    });
  });

  describe('upgrade keeps the CRDs at least at the operator (point 2)', () => {
    const model = buildNewModel({ name: 'p', cpVersion: '8.1.0', operatorVersion: '3.2.3', repoURL: 'https://github.com/acme/p.git' });

    it("upgrading prod's operator to 3.3.0 moves the cluster's CRDs to its chart in the same change, and says so", () => {
      const plan = planUpgrade(model, { env: 'prod', cpVersion: '8.1.0', operatorVersion: '3.3.0' });
      const tree = generateRepository(plan.model, templates);
      expect(at(yamlAt(tree, 'argocd/clusters/in-cluster/crds.yaml'), 'spec.source.targetRevision')).to.equal('0.1718.10');
      expect(at(yamlAt(tree, 'argocd/prod/operator.yaml'), 'spec.source.targetRevision')).to.equal('0.1718.10');
      expect(at(yamlAt(tree, 'argocd/dev/operator.yaml'), 'spec.source.targetRevision')).to.equal('0.1514.76');
      expect(plan.changes).to.deep.include({ env: 'prod', component: 'operator', field: 'crds.operatorChart', from: '0.1514.76', to: '0.1718.10' });
      expect(plan.warnings?.[0]).to.match(/CFK CRDs of Kubernetes cluster https:\/\/kubernetes\.default\.svc move from chart 0\.1514\.76 to 0\.1718\.10 .*argocd\/clusters\/in-cluster\/crds\.yaml/);
      expect(argocdViolations(tree)).to.deep.equal([]);
    });

    it('a CP-only upgrade leaves the CRDs alone and says nothing about them', () => {
      const plan = planUpgrade(model, { env: 'dev', cpVersion: '8.1.1' });
      expect(plan.changes.map((row) => row.field)).to.not.include('crds.operatorChart');
      expect((plan.warnings ?? []).join('\n')).to.not.match(/CRDs/);
    });
  });

  describe('validate (hand edits)', () => {
    const model = buildNewModel({ name: 'p', cpVersion: '8.1.0', operatorVersion: '3.2.3', repoURL: 'https://github.com/acme/p.git' });
    const upgraded = generateRepository(planUpgrade(model, { env: 'prod', cpVersion: '8.1.0', operatorVersion: '3.3.0' }).model, templates);

    it('reports an operator newer than its cluster\'s CRDs at the operator\'s targetRevision, with the hand edit that fixes it', () => {
      const tree = edit(upgraded, 'argocd/clusters/in-cluster/crds.yaml', 'targetRevision: 0.1718.10', 'targetRevision: 0.1514.76');
      const violations = argocdViolations(tree);
      expect(violations).to.have.length(1);
      const text = tree.get('argocd/prod/operator.yaml')!;
      const line = text.split('\n').findIndex((row) => row.includes('targetRevision: 0.1718.10')) + 1;
      expect(violations[0]).to.include({ rule: 'argocd/operator-newer-than-crds', severity: 'error', file: 'argocd/prod/operator.yaml', line, column: text.split('\n')[line - 1]!.indexOf('0.1718.10') + 1 });
      expect(violations[0]!.message).to.match(/0\.1718\.10.*newer than the CRDs installed there \(chart 0\.1514\.76, argocd\/clusters\/in-cluster\/crds\.yaml\)/);
      expect(violations[0]!.fix).to.equal('set spec.source.targetRevision: 0.1718.10 in argocd/clusters/in-cluster/crds.yaml (CRDs first, as Confluent\'s upgrade procedure does), or run cp-gitops upgrade, which moves both');
    });

    it('reports a second owner of the CRDs (an environment operator without skipCrds)', () => {
      const tree = edit(upgraded, 'argocd/dev/operator.yaml', 'skipCrds: true', 'skipCrds: false');
      const violations = argocdViolations(tree);
      expect(violations.map((violation) => [violation.rule, violation.file])).to.deep.equal([['argocd/crds-owner', 'argocd/dev/operator.yaml']]);
    });

    it('reports operators whose cluster has no CRD owner', () => {
      const tree = fileTree([...upgraded].filter(([path]) => path !== 'argocd/clusters/in-cluster/crds.yaml'));
      expect(argocdViolations(tree).map((violation) => violation.rule)).to.deep.equal(['argocd/crds-owner', 'argocd/crds-owner', 'argocd/crds-owner']);
    });
  });

  describe('version pairs need a source (docs/versions.md)', () => {
    it('every operator release in the table names its source', () => {
      for (const release of OPERATOR_RELEASES) expect(release.source, release.version).to.match(/^https:\/\/docs\.confluent\.io\//);
    });

    it('init refuses an operator the table has no source for, even with --chart-version', () => {
      const error = refused(() => buildNewModel({ name: 'p', operatorVersion: '3.4.0', chartVersion: '0.2038.1' }));
      expect(error.message).to.match(/3\.4\.0 is not in the version table \(docs\/versions\.md\)/);
      expect(error.hint).to.match(/3\.3\.0/);
    });

    it('init refuses a Control Center release the table does not pair with the CP line', () => {
      const error = refused(() => buildNewModel({ name: 'p', cpVersion: '8.2.0', controlCenterVersion: '2.6.0' }));
      expect(error.message).to.match(/Control Center 2\.6\.0 is not the release docs\/versions\.md pairs with Confluent Platform 8\.2\.0/);
      expect(buildNewModel({ name: 'p', cpVersion: '8.2.0', controlCenterVersion: '2.5.1' }).versions.controlCenter).to.equal('2.5.1');
    });

    it('validate reports a hand-edited operator without a source at versions.operator', () => {
      const model = buildNewModel({ name: 'p' });
      const problems = checkModelSemantics({ ...model, versions: { ...model.versions, operator: '3.4.0' } });
      expect(problems.map((problem) => problem.path)).to.deep.include(['versions', 'operator']);
    });
  });
});
