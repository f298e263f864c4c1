import type { Environment, PlatformModel } from '../model/types.js';
import { describeEnvironment, splitKafkaClusterKey } from '../model/kafka-clusters.js';
import { versionsOf } from '../model/versions.js';
import { stringifyYaml } from '../yaml/stringify.js';
import { healthCheckEntries } from './argocd-health.js';
import { kubernetesClusters, type KubernetesCluster } from './cluster-shared.js';
import {
  ARGOCD_NAMESPACE,
  CFK_HELM_CHART,
  CFK_HELM_REPO,
  CRD_RELEASE_NAME,
  GENERATED_MARKER,
  IN_CLUSTER_SERVER,
  layout,
  names,
  OPERATOR_RELEASE_NAME,
} from './layout.js';
import { optionContext, optionManifests } from './options/index.js';
import { dynamicQuorumConfigMap } from './options/kraft-quorum.js';
import type { OptionContext } from './options/option-module.js';
import { indexUnits, SYNC_WAVE_ANNOTATION } from './resources.js';
import type { Templates } from './templates.js';
import { unitsOfEnvironment } from './units.js';

const ARGO_API_VERSION = 'argoproj.io/v1alpha1';
const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

/** Retry with backoff: 10s, doubling, at most 5m apart, 10 tries (CFK CRDs and webhooks take a while). */
const RETRY = { limit: 10, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } };

/**
 * Cluster-scoped kinds an environment's operator release renders besides CRDs: the ClusterRole(Binding)
 * for KRaft, the Namespace, and (CFK ≥ 3.2.3 on Kubernetes ≥ 1.30) its ValidatingAdmissionPolicy and
 * binding. No CustomResourceDefinition: the cluster's CRD Application owns the CRDs, so an environment
 * whose operator Application ever installed them again (a revert of skipCrds) fails to sync instead of
 * taking them over. Nothing else cluster-wide, and no wildcards.
 */
const CLUSTER_RESOURCE_WHITELIST = [
  { group: '', kind: 'Namespace' },
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicy' },
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicyBinding' },
  { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
  { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
];

/** The cluster's own project also installs the CRDs and managed StorageClasses. */
const CRD_KIND = { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' };
const STORAGE_CLASS_KIND = { group: 'storage.k8s.io', kind: 'StorageClass' };

/**
 * Argo CD never prunes nor deletes what these Applications sync, whatever path deletes them (UI,
 * `argocd app delete`, a finalizer, a root's prune): app-level sync options, read for every resource,
 * including the CRDs that Helm renders from the chart's crds/ folder (which no annotation can reach).
 */
const NEVER_REMOVE = ['Prune=false', 'Delete=false'];

/** argocd/<env>/ (project and apps of one environment) and argocd/bootstrap/ (what a person applies once). */
export function generateArgoCd(model: PlatformModel, templates: Templates): [string, string][] {
  const files: [string, string][] = [];
  const clusters = kubernetesClusters(model);
  const rootEnvironments = model.environments.filter((env) => splitKafkaClusterKey(env.name).kafkaCluster === undefined);
  for (const env of model.environments) {
    const header = (what: string) => ({ header: [`${what} of ${describeEnvironment(env.name)}.`, GENERATED_MARKER] });
    files.push([layout.argocdEnvFile(env.name, 'project.yaml'), stringifyYaml(environmentProject(model, env, optionClusterKinds(model, templates, env)), header('Argo CD AppProject'))]);
    files.push([layout.argocdEnvFile(env.name, 'operator.yaml'), stringifyYaml(operatorApplication(model, env), header('The Confluent for Kubernetes operator (Helm chart, without CRDs)'))]);
    files.push([layout.argocdEnvFile(env.name, 'platform.yaml'), stringifyYaml(platformApplication(model, env, dynamicQuorumConfigMap(environmentContext(model, templates, env))), header(`The Confluent Platform (${layout.overlayDir(env.name)})`))]);
  }
  for (const env of rootEnvironments) {
    const header = (what: string) => ({ header: [`${what} of ${describeEnvironment(env.name)}.`, GENERATED_MARKER] });
    // A Kafka cluster's project and apps sync with its environment's root Application: adding one needs no bootstrap step.
    const clusterFiles = model.environments
      .filter((candidate) => {
        const { environment, kafkaCluster } = splitKafkaClusterKey(candidate.name);
        return kafkaCluster !== undefined && environment === env.name;
      })
      .flatMap((candidate) => APP_FILES.map((file) => relativeTo(layout.argocdEnvDir(env.name), layout.argocdEnvFile(candidate.name, file))));
    files.push([
      layout.argocdEnvFile(env.name, 'kustomization.yaml'),
      stringifyYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [...APP_FILES, ...clusterFiles] }, header('What the root Application syncs')),
    ]);
    files.push([layout.argocdBootstrapFile(`root-${env.name}.yaml`), stringifyYaml(rootApplication(model, env), header('Root Application (app of apps)'))]);
  }
  for (const cluster of clusters) files.push(...clusterFiles(model, cluster));
  files.push([layout.argocdBootstrapFile('project.yaml'), stringifyYaml(bootstrapProject(model), { header: ['The project of the root Applications: they may only create Applications and AppProjects in the argocd namespace.', GENERATED_MARKER] })]);
  files.push([
    layout.argocdBootstrapFile('kustomization.yaml'),
    stringifyYaml(
      {
        apiVersion: 'kustomize.config.k8s.io/v1beta1',
        kind: 'Kustomization',
        // The clusters' roots first: the CRDs the environments' Applications need come from them.
        resources: ['project.yaml', ...clusters.map((cluster) => `root-cluster-${cluster.key}.yaml`), ...rootEnvironments.map((env) => `root-${env.name}.yaml`)],
      },
      { header: ['Apply once: kubectl apply -k argocd/bootstrap (after patching argocd-cm, see README.md).', GENERATED_MARKER] },
    ),
  ]);
  files.push([layout.argocdBootstrapFile('argocd-cm-patch.yaml'), stringifyYaml(argocdConfigPatch(), { header: argocdConfigHeader() })]);
  return files;
}

const APP_FILES = ['project.yaml', 'operator.yaml', 'platform.yaml'];

function relativeTo(dir: string, path: string): string {
  return path.slice(dir.length + 1);
}

/**
 * argocd/clusters/<key>/: what a Kubernetes cluster shares, with one owner each. The CRD Application
 * installs the CFK CRDs from the newest chart any operator on the cluster runs; the shared Application
 * holds the managed StorageClasses. Both never prune nor delete, and have no resources finalizer.
 */
function clusterFiles(model: PlatformModel, cluster: KubernetesCluster): [string, string][] {
  const where = `Kubernetes cluster ${cluster.server}`;
  const header = (what: string) => ({ header: [`${what} of ${where}, shared by every environment on it.`, GENERATED_MARKER] });
  const shared = cluster.storageClasses.length > 0;
  const files: [string, string][] = [
    [layout.argocdClusterFile(cluster.key, 'project.yaml'), stringifyYaml(clusterProject(model, cluster), header('Argo CD AppProject'))],
    [layout.argocdClusterFile(cluster.key, 'crds.yaml'), stringifyYaml(crdApplication(model, cluster), header(`The CFK CRDs (chart ${cluster.crdChart}, the newest any operator here runs)`))],
  ];
  if (shared) {
    files.push([layout.argocdClusterFile(cluster.key, 'shared.yaml'), stringifyYaml(sharedApplication(model, cluster), header('Cluster-wide objects (managed StorageClasses)'))]);
    const storageFiles = cluster.storageClasses.map((storageClass) => `storageclass-${String((storageClass.metadata as { name: string }).name)}.yaml`);
    cluster.storageClasses.forEach((storageClass, index) => {
      files.push([layout.argocdClusterFile(cluster.key, `shared/${storageFiles[index]}`), stringifyYaml(storageClass, header(`StorageClass ${String((storageClass.metadata as { name: string }).name)}: Retain, expandable, WaitForFirstConsumer`))]);
    });
    files.push([layout.argocdClusterFile(cluster.key, 'shared/kustomization.yaml'), stringifyYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: storageFiles }, header('What the shared Application syncs'))]);
  }
  files.push([
    layout.argocdClusterFile(cluster.key, 'kustomization.yaml'),
    stringifyYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['project.yaml', 'crds.yaml', ...(shared ? ['shared.yaml'] : [])] }, header("What the cluster's root Application syncs")),
  ]);
  files.push([layout.argocdBootstrapFile(`root-cluster-${cluster.key}.yaml`), stringifyYaml(clusterRootApplication(model, cluster), header('Root Application (app of apps)'))]);
  return files;
}

function clusterProject(model: PlatformModel, cluster: KubernetesCluster): Record<string, unknown> {
  const whitelist = [...CLUSTER_RESOURCE_WHITELIST, CRD_KIND, ...(cluster.storageClasses.length > 0 ? [STORAGE_CLASS_KIND] : [])];
  whitelist.sort((a, b) => (a.group === b.group ? (a.kind < b.kind ? -1 : 1) : a.group < b.group ? -1 : 1));
  return {
    apiVersion: ARGO_API_VERSION,
    kind: 'AppProject',
    metadata: metadata(names.clusterProject(model.name, cluster.key), -2),
    spec: {
      description: `Confluent Platform ${model.name}: what Kubernetes cluster ${cluster.server} shares (CFK CRDs, StorageClasses)`,
      sourceRepos: [model.repoURL, CFK_HELM_REPO],
      destinations: [{ server: cluster.server, namespace: names.crdNamespace(model.name) }],
      clusterResourceWhitelist: whitelist,
    },
  };
}

function crdApplication(model: PlatformModel, cluster: KubernetesCluster): Record<string, unknown> {
  return clusterOwnedApplication(
    model,
    cluster,
    names.clusterCrdsApp(model.name, cluster.key),
    {
      repoURL: CFK_HELM_REPO,
      chart: CFK_HELM_CHART,
      targetRevision: cluster.crdChart,
      // The chart's release here only carries the CRDs; its operator watches this otherwise empty namespace.
      helm: { releaseName: CRD_RELEASE_NAME, skipCrds: false, valuesObject: { namespaced: true } },
    },
    // The CFK CRDs are larger than the 262,144-byte annotation that client-side apply writes.
    ['CreateNamespace=true', 'ServerSideApply=true', ...NEVER_REMOVE],
  );
}

function sharedApplication(model: PlatformModel, cluster: KubernetesCluster): Record<string, unknown> {
  const source = { repoURL: model.repoURL, targetRevision: model.targetRevision, path: layout.argocdClusterFile(cluster.key, 'shared') };
  return clusterOwnedApplication(model, cluster, names.clusterSharedApp(model.name, cluster.key), source, ['ServerSideApply=true', ...NEVER_REMOVE]);
}

/**
 * What a Kubernetes cluster's owner syncs (the CFK CRDs, the shared StorageClasses). No resources
 * finalizer, no automated prune, and Prune=false/Delete=false: these outlive every Application
 * (deleting a CRD deletes every custom resource of its kind).
 */
function clusterOwnedApplication(model: PlatformModel, cluster: KubernetesCluster, name: string, source: Record<string, unknown>, syncOptions: readonly string[]): Record<string, unknown> {
  return {
    apiVersion: ARGO_API_VERSION,
    kind: 'Application',
    metadata: metadata(name, -1),
    spec: {
      project: names.clusterProject(model.name, cluster.key),
      source,
      destination: { server: cluster.server, namespace: names.crdNamespace(model.name) },
      syncPolicy: {
        automated: { prune: false, selfHeal: true, allowEmpty: false },
        syncOptions: [...syncOptions],
        retry: RETRY,
      },
    },
  };
}

function clusterRootApplication(model: PlatformModel, cluster: KubernetesCluster): Record<string, unknown> {
  // Deleting this root leaves its Applications (no finalizer), and they never delete what they hold.
  return bootstrapRoot(model, names.clusterRootApp(model.name, cluster.key), layout.argocdClusterDir(cluster.key));
}

function metadata(name: string, wave: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, namespace: ARGOCD_NAMESPACE, annotations: { [SYNC_WAVE_ANNOTATION]: String(wave) }, ...extra };
}

/** Cluster-scoped kinds that the environment's options add (e.g. a StorageClass), for its project's whitelist. */
function optionClusterKinds(model: PlatformModel, templates: Templates, env: Environment): { group: string; kind: string }[] {
  const context = environmentContext(model, templates, env);
  return optionManifests(context).flatMap((manifest) => (manifest.clusterScoped ? [manifest.clusterScoped] : []));
}

function environmentContext(model: PlatformModel, templates: Templates, env: Environment): OptionContext {
  return optionContext(model, env, indexUnits(unitsOfEnvironment(model, templates, env)), templates);
}

function environmentProject(model: PlatformModel, env: Environment, extraClusterKinds: readonly { group: string; kind: string }[]): Record<string, unknown> {
  const whitelist = [...CLUSTER_RESOURCE_WHITELIST];
  for (const extra of extraClusterKinds) if (!whitelist.some((entry) => entry.group === extra.group && entry.kind === extra.kind)) whitelist.push(extra);
  whitelist.sort((a, b) => (a.group === b.group ? (a.kind < b.kind ? -1 : 1) : a.group < b.group ? -1 : 1));
  return {
    apiVersion: ARGO_API_VERSION,
    kind: 'AppProject',
    metadata: metadata(names.project(model.name, env.name), -2),
    spec: {
      description: `Confluent Platform ${model.name}, ${describeEnvironment(env.name, { quoted: false })}`,
      sourceRepos: [model.repoURL, CFK_HELM_REPO],
      destinations: [{ server: env.cluster, namespace: env.namespace }],
      clusterResourceWhitelist: whitelist,
    },
  };
}

function operatorApplication(model: PlatformModel, env: Environment): Record<string, unknown> {
  // No kRaftEnabled: KRaft runs without it (CFK ≥ 2.8); it turns on KRaft data recovery, which needs a
  // ClusterRole and so "does not support namespace-scoped deployment" (CFK docs, Configure KRaft).
  const values: Record<string, unknown> = { namespaced: true };
  return {
    apiVersion: ARGO_API_VERSION,
    kind: 'Application',
    // No resources finalizer: deleting this app must not delete the operator before the platform (CFK finalizers).
    metadata: metadata(names.operatorApp(model.name, env.name), -1),
    spec: {
      project: names.project(model.name, env.name),
      source: {
        repoURL: CFK_HELM_REPO,
        chart: CFK_HELM_CHART,
        targetRevision: versionsOf(model, env).operatorChart,
        // skipCrds: the CRDs come from the cluster's CRD Application (argocd/clusters/<cluster>/crds.yaml), never from an environment.
        helm: { releaseName: OPERATOR_RELEASE_NAME, skipCrds: true, valuesObject: values },
      },
      destination: { server: env.cluster, namespace: env.namespace },
      syncPolicy: {
        automated: { prune: true, selfHeal: true, allowEmpty: false },
        // The CFK CRDs are larger than the 262,144-byte annotation that client-side apply writes.
        syncOptions: ['CreateNamespace=true', 'ServerSideApply=true'],
        retry: RETRY,
      },
    },
  };
}

/**
 * quorumConfigMap: the dynamic quorum's bootstrap ConfigMap, whose data CFK rewrites once the quorum is
 * formatted. Argo CD must neither report nor (self-heal) undo that: reset to false, a controller that
 * lost its volume would format a second quorum. RespectIgnoreDifferences keeps the live data on sync.
 */
function platformApplication(model: PlatformModel, env: Environment, quorumConfigMap: string | undefined): Record<string, unknown> {
  const syncOptions = ['CreateNamespace=true', 'ServerSideApply=true', 'SkipDryRunOnMissingResource=true', 'PruneLast=true'];
  if (quorumConfigMap) syncOptions.push('RespectIgnoreDifferences=true');
  return {
    apiVersion: ARGO_API_VERSION,
    kind: 'Application',
    metadata: metadata(names.platformApp(model.name, env.name), 0, { finalizers: [RESOURCES_FINALIZER] }),
    spec: {
      project: names.project(model.name, env.name),
      source: { repoURL: model.repoURL, targetRevision: model.targetRevision, path: layout.overlayDir(env.name) },
      destination: { server: env.cluster, namespace: env.namespace },
      ...(quorumConfigMap ? { ignoreDifferences: [{ group: '', kind: 'ConfigMap', name: quorumConfigMap, namespace: env.namespace, jsonPointers: ['/data'] }] } : {}),
      syncPolicy: {
        // allowEmpty false: a broken render never prunes the whole platform.
        automated: { prune: true, selfHeal: true, allowEmpty: false },
        syncOptions,
        retry: RETRY,
      },
    },
  };
}

function rootApplication(model: PlatformModel, env: Environment): Record<string, unknown> {
  return bootstrapRoot(model, names.rootApp(model.name, env.name), layout.argocdEnvDir(env.name));
}

/**
 * An app-of-apps root in Argo CD's namespace. No prune: removing Applications must be a deliberate
 * `kubectl delete`, never a side effect of a commit.
 */
function bootstrapRoot(model: PlatformModel, name: string, path: string): Record<string, unknown> {
  return {
    apiVersion: ARGO_API_VERSION,
    kind: 'Application',
    metadata: { name, namespace: ARGOCD_NAMESPACE },
    spec: {
      project: names.bootstrapProject(model.name),
      source: { repoURL: model.repoURL, targetRevision: model.targetRevision, path },
      destination: { server: IN_CLUSTER_SERVER, namespace: ARGOCD_NAMESPACE },
      syncPolicy: {
        automated: { prune: false, selfHeal: true, allowEmpty: false },
        retry: RETRY,
      },
    },
  };
}

function bootstrapProject(model: PlatformModel): Record<string, unknown> {
  return {
    apiVersion: ARGO_API_VERSION,
    kind: 'AppProject',
    metadata: { name: names.bootstrapProject(model.name), namespace: ARGOCD_NAMESPACE },
    spec: {
      description: `Root Applications of Confluent Platform ${model.name}`,
      sourceRepos: [model.repoURL],
      destinations: [{ server: IN_CLUSTER_SERVER, namespace: ARGOCD_NAMESPACE }],
      clusterResourceWhitelist: [],
      namespaceResourceWhitelist: [
        { group: 'argoproj.io', kind: 'AppProject' },
        { group: 'argoproj.io', kind: 'Application' },
      ],
    },
  };
}

function argocdConfigHeader(): string[] {
  return [
    'Health checks Argo CD lacks for CFK kinds, and the Application check that lets sync waves gate',
    'across the app of apps. Merge into argocd-cm once, before the bootstrap:',
    '  kubectl -n argocd patch configmap argocd-cm --type merge --patch-file argocd/bootstrap/argocd-cm-patch.yaml',
    GENERATED_MARKER,
  ];
}

function argocdConfigPatch(): Record<string, unknown> {
  return { data: healthCheckEntries() };
}
