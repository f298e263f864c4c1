import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTree } from '../../src/adapters/fs.js';
import type { FileTree } from '../../src/generator/file-tree.js';
import { renderKustomization, type KubeResource } from './kustomize.js';

/**
 * Every Argo CD Application of a generated repository and what it renders, computed from the rendered
 * manifests: Kustomize sources with the real renderer, the CFK Helm chart from a model of what it
 * installs (below), Applications inside rendered output followed as app of apps from argocd/bootstrap.
 */
export interface RenderedApp {
  readonly name: string;
  readonly object: KubeResource;
  /** Resource ids: group/Kind/namespace/name ('' namespace for cluster-scoped kinds). */
  readonly resources: readonly string[];
  /** Child Applications (app of apps). */
  readonly children: readonly string[];
  /** Resource ids Argo CD never deletes when this Application is deleted (Delete=false on the app or the resource). */
  readonly retained: ReadonlySet<string>;
  /** Resource ids Argo CD never prunes (Prune=false on the app or the resource, or no automated prune). */
  readonly unprunable: ReadonlySet<string>;
}

export const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace',
  'CustomResourceDefinition',
  'StorageClass',
  'ClusterRole',
  'ClusterRoleBinding',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ClusterIssuer',
  'ClusterSecretStore',
]);

/** The CFK CRDs (the kinds of CFK 3.3.0's schemas in /work/shared/reference): their ids are all that matters here. */
const CFK_KINDS = ['ClusterLink', 'ConfluentRolebinding', 'Connect', 'Connector', 'ControlCenter', 'Kafka', 'KafkaRestClass', 'KafkaRestProxy', 'KafkaTopic', 'KRaftController', 'KsqlDB', 'Schema', 'SchemaRegistry', 'Zookeeper'];
export const CFK_CRD_IDS = CFK_KINDS.map((kind) => `apiextensions.k8s.io/CustomResourceDefinition//${kind.toLowerCase()}s.platform.confluent.io`);

/**
 * What the confluent-for-kubernetes chart installs for one release, as far as ownership goes: the
 * CRDs from crds/ unless skipCrds; in the release namespace the operator Deployment, its
 * ServiceAccount and (namespaced: true) Role and RoleBinding; with kRaftEnabled a ClusterRole and
 * ClusterRoleBinding. Modelled, not rendered (no helm and no network here): the cluster-scoped names
 * are taken as release-and-namespace specific, which is an assumption about the chart's templates.
 */
function helmChartResources(app: KubeResource): string[] {
  const spec = app.spec as { source: { helm?: { releaseName?: string; skipCrds?: boolean; valuesObject?: Record<string, unknown> } }; destination: { namespace: string } };
  const helm = spec.source.helm ?? {};
  const release = helm.releaseName ?? String(app.metadata?.name);
  const namespace = spec.destination.namespace;
  const ids = [`apps/Deployment/${namespace}/${release}`, `/ServiceAccount/${namespace}/${release}`, `rbac.authorization.k8s.io/Role/${namespace}/${release}`, `rbac.authorization.k8s.io/RoleBinding/${namespace}/${release}`];
  if (helm.skipCrds !== true) ids.push(...CFK_CRD_IDS);
  if (helm.valuesObject?.kRaftEnabled === true) ids.push(`rbac.authorization.k8s.io/ClusterRole//${release}-${namespace}`, `rbac.authorization.k8s.io/ClusterRoleBinding//${release}-${namespace}`);
  return ids;
}

export function resourceId(resource: KubeResource, defaultNamespace: string): string {
  const apiVersion = resource.apiVersion ?? '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const namespace = CLUSTER_SCOPED_KINDS.has(String(resource.kind)) ? '' : (resource.metadata?.namespace ?? defaultNamespace);
  return `${group}/${String(resource.kind)}/${namespace}/${resource.metadata?.name ?? ''}`;
}

function syncOptions(object: { metadata?: { annotations?: Record<string, string> } }): string[] {
  return (object.metadata?.annotations?.['argocd.argoproj.io/sync-options'] ?? '').split(',').map((option) => option.trim());
}

/** Renders every Application reachable from argocd/bootstrap (which a person applies with kubectl). */
export function renderApplications(tree: FileTree): Map<string, RenderedApp> {
  const dir = mkdtempSync(join(tmpdir(), 'cp-gitops-apps-'));
  try {
    writeTree(dir, tree);
    const apps = new Map<string, RenderedApp>();
    const queue = renderKustomization(join(dir, 'argocd/bootstrap')).filter((resource) => resource.kind === 'Application');
    while (queue.length > 0) {
      const object = queue.shift()!;
      const name = String(object.metadata?.name);
      if (apps.has(name)) continue;
      const spec = object.spec as { source: { chart?: string; path?: string }; destination: { namespace: string }; syncPolicy?: { automated?: { prune?: boolean }; syncOptions?: string[] } };
      const appOptions = spec.syncPolicy?.syncOptions ?? [];
      const rendered = spec.source.chart ? [] : renderKustomization(join(dir, String(spec.source.path)));
      const resources = spec.source.chart ? helmChartResources(object) : rendered.map((resource) => resourceId(resource, spec.destination.namespace));
      const children = rendered.filter((resource) => resource.kind === 'Application');
      queue.push(...children);
      const retained = new Set<string>();
      const unprunable = new Set<string>();
      const autoPrune = spec.syncPolicy?.automated?.prune === true;
      resources.forEach((id, index) => {
        const own = rendered[index] ? syncOptions(rendered[index] as { metadata?: { annotations?: Record<string, string> } }) : [];
        if (own.includes('Delete=false') || (appOptions.includes('Delete=false') && !own.includes('Delete=true'))) retained.add(id);
        if (!autoPrune || own.includes('Prune=false') || (appOptions.includes('Prune=false') && !own.includes('Prune=true'))) unprunable.add(id);
      });
      apps.set(name, { name, object, resources, children: children.map((child) => String(child.metadata?.name)), retained, unprunable });
    }
    return apps;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Argo CD's cascading delete of an Application, at its widest: the Application and every one below it
 * (app of apps) are deleted with all they render, whether or not they carry the resources finalizer
 * (`argocd app delete` cascades by default), except what Delete=false retains. Returns the removed ids.
 */
export function cascadeDelete(apps: ReadonlyMap<string, RenderedApp>, root: string): Set<string> {
  const removed = new Set<string>();
  const visit = (name: string) => {
    const app = apps.get(name);
    if (!app) return;
    removed.add(`argoproj.io/Application/argocd/${name}`);
    for (const id of app.resources) if (!app.retained.has(id)) removed.add(id);
    for (const child of app.children) visit(child);
  };
  visit(root);
  return removed;
}

/** The Applications below (and including) a root. */
export function subtree(apps: ReadonlyMap<string, RenderedApp>, root: string): Set<string> {
  const names = new Set<string>();
  const visit = (name: string) => {
    if (names.has(name) || !apps.has(name)) return;
    names.add(name);
    for (const child of apps.get(name)!.children) visit(child);
  };
  visit(root);
  return names;
}
