import { optionsOf } from '../../model/options.js';
import type { PlainObject } from '../object-path.js';
import type { OptionModule } from './option-module.js';

const STORAGE_KINDS = new Set(['KRaftController', 'Zookeeper', 'Kafka', 'KsqlDB', 'ControlCenter']);

/**
 * storage: the StorageClass of every persistent volume, and optionally the StorageClass itself
 * (Retain, so deleting a resource never deletes data; expansion allowed; bound where the pod runs).
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
  manifests({ model, env, options }) {
    const storage = options.storage;
    if (!storage?.storageClass || !storage.createStorageClass) return [];
    // A StorageClass is cluster-wide: the first environment on a cluster manages it, as with the CRDs.
    const owner = model.environments.find((candidate) => candidate.cluster === env.cluster && optionsOf(model, candidate).storage?.storageClass === storage.storageClass && optionsOf(model, candidate).storage?.createStorageClass);
    if (owner && owner.name !== env.name) return [];
    return [
      {
        file: 'storage/storageclass.yaml',
        description: `StorageClass ${storage.storageClass}: Retain, expandable, WaitForFirstConsumer`,
        clusterScoped: { group: 'storage.k8s.io', kind: 'StorageClass' },
        object: {
          apiVersion: 'storage.k8s.io/v1',
          kind: 'StorageClass',
          metadata: { name: storage.storageClass, annotations: { 'argocd.argoproj.io/sync-wave': '-1' } },
          provisioner: storage.createStorageClass.provisioner,
          ...(storage.createStorageClass.parameters ? { parameters: storage.createStorageClass.parameters } : {}),
          reclaimPolicy: 'Retain',
          allowVolumeExpansion: true,
          volumeBindingMode: 'WaitForFirstConsumer',
        },
      },
    ];
  },
  readme({ options, env }) {
    const name = options.storage?.storageClass;
    if (!name) return [];
    return [`- ${env.name}: persistent volumes use the StorageClass \`${name}\`${options.storage?.createStorageClass ? ' (managed here: Retain, expandable, WaitForFirstConsumer)' : ' (it must exist in the cluster)'}.`];
  },
};
