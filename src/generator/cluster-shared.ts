import type { Environment, PlatformModel } from '../model/types.js';
import { optionsOf } from '../model/options.js';
import { compareChartVersions, versionsOf } from '../model/versions.js';
import { IN_CLUSTER_SERVER, names } from './layout.js';
import type { PlainObject } from './object-path.js';
import { managedStorageClass } from './options/storage.js';

/**
 * What environments on one Kubernetes cluster share: the CFK CRDs and managed StorageClasses. Each
 * has exactly one owner per cluster, the cluster's own Applications (argocd/clusters/<key>/), so
 * deleting, reverting or pruning any one environment never touches what the others run on.
 */
export interface KubernetesCluster {
  /** The API server URL (Argo CD destination). */
  readonly server: string;
  /** Folder and name part: in-cluster, or the API server's host as a DNS label. */
  readonly key: string;
  /** In promotion order (Kafka clusters after the real environments, as deployedModel has them). */
  readonly environments: readonly Environment[];
  /** The newest confluent-for-kubernetes chart any operator on the cluster runs: CRDs are never older than an operator. */
  readonly crdChart: string;
  /** Managed StorageClasses by name; the first environment (promotion order) that asks for a name defines it. */
  readonly storageClasses: readonly PlainObject[];
}

export function kubernetesClusters(model: PlatformModel): KubernetesCluster[] {
  const byServer = new Map<string, Environment[]>();
  for (const env of model.environments) byServer.set(env.cluster, [...(byServer.get(env.cluster) ?? []), env]);
  const usedKeys = new Set<string>();
  return [...byServer].map(([server, environments]) => {
    let key = clusterKey(server);
    for (let n = 2; usedKeys.has(key); n += 1) key = `${clusterKey(server)}-${n}`;
    usedKeys.add(key);
    const crdChart = environments.map((env) => versionsOf(model, env).operatorChart).reduce((newest, chart) => (compareChartVersions(chart, newest) > 0 ? chart : newest));
    const storageClasses = new Map<string, PlainObject>();
    for (const env of environments) {
      const storage = optionsOf(model, env).storage;
      const storageClass = storage ? managedStorageClass(storage) : undefined;
      if (storage?.storageClass && storageClass && !storageClasses.has(storage.storageClass)) storageClasses.set(storage.storageClass, storageClass);
    }
    return { server, key, environments, crdChart, storageClasses: [...storageClasses.values()] };
  });
}

/** The cluster an environment runs on. */
export function clusterOf(clusters: readonly KubernetesCluster[], env: Environment): KubernetesCluster {
  return clusters.find((cluster) => cluster.server === env.cluster)!;
}

/** https://kubernetes.default.svc → in-cluster (Argo CD's own name for it); https://prod.k8s.example.com:6443 → prod-k8s-example-com. */
export function clusterKey(server: string): string {
  if (server === IN_CLUSTER_SERVER) return 'in-cluster';
  let host = server;
  try {
    host = new URL(server).hostname;
  } catch {
    // not a URL: the model's checks report it; the key still has to be a DNS label
  }
  const label = host.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '');
  return label === '' ? 'cluster' : label;
}

/** Argo CD names the cluster files introduce, for the model's name-clash check. */
export function clusterArgoNames(platform: string, cluster: KubernetesCluster): string[] {
  return [
    `AppProject/${names.clusterProject(platform, cluster.key)}`,
    `Application/${names.clusterCrdsApp(platform, cluster.key)}`,
    `Application/${names.clusterSharedApp(platform, cluster.key)}`,
    `Application/${names.clusterRootApp(platform, cluster.key)}`,
  ];
}
