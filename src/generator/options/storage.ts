import type { StorageOptions } from '../../model/options.js';
import type { PlainObject } from '../object-path.js';
import type { OptionModule } from './option-module.js';

const STORAGE_KINDS = new Set(['KRaftController', 'Zookeeper', 'Kafka', 'KsqlDB', 'ControlCenter']);

/**
 * storage: the StorageClass of every persistent volume. A managed StorageClass (createStorageClass) is
 * cluster-wide, so it is not in the environment's overlay: the Kubernetes cluster's shared Application
 * owns it (src/generator/cluster-shared.ts), and deleting one environment never removes it.
 */
export const storageOption: OptionModule = {
  name: 'storage',
  resourcePatch(resource, { options }) {
    const name = options.storage?.storageClass;
    if (!name || !STORAGE_KINDS.has(resource.kind)) return undefined;
    const patch: PlainObject = { storageClass: { name } };
    if (resource.images.some((image) => image.path === 'spec.services.prometheus.image')) {
      patch.services = { prometheus: { pvc: { storageClass: { name } } } };
    }
    return patch;
  },
  readme({ options, env }) {
    const name = options.storage?.storageClass;
    if (!name) return [];
    return [`- ${env.name}: persistent volumes use the StorageClass \`${name}\`${options.storage?.createStorageClass ? ' (managed by the Kubernetes cluster\'s shared Application under argocd/clusters/: Retain, expandable, WaitForFirstConsumer)' : ' (it must exist in the cluster)'}.`];
  },
};

/** The StorageClass createStorageClass asks for: Retain (deleting a volume's claim never deletes data), expandable, bound where the pod runs. */
export function managedStorageClass(storage: StorageOptions): PlainObject | undefined {
  if (!storage.storageClass || !storage.createStorageClass) return undefined;
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: storage.storageClass },
    provisioner: storage.createStorageClass.provisioner,
    ...(storage.createStorageClass.parameters ? { parameters: storage.createStorageClass.parameters } : {}),
    reclaimPolicy: 'Retain',
    allowVolumeExpansion: true,
    volumeBindingMode: 'WaitForFirstConsumer',
  };
}
