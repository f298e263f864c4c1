/** The fields of a Kustomization (Kustomize 5.5) and which of them are deprecated, with the replacement. */
export const KUSTOMIZATION_KEYS = new Set([
  'apiVersion',
  'kind',
  'metadata',
  'resources',
  'components',
  'crds',
  'configurations',
  'generators',
  'transformers',
  'validators',
  'openapi',
  'namespace',
  'namePrefix',
  'nameSuffix',
  'labels',
  'commonLabels',
  'commonAnnotations',
  'patches',
  'patchesStrategicMerge',
  'patchesJson6902',
  'images',
  'imageTags',
  'replicas',
  'replacements',
  'configMapGenerator',
  'secretGenerator',
  'generatorOptions',
  'helmCharts',
  'helmGlobals',
  'vars',
  'bases',
  'buildMetadata',
  'sortOptions',
]);

export const DEPRECATED_KEYS: ReadonlyMap<string, string> = new Map([
  ['patchesStrategicMerge', 'move each entry to `patches:` as `- path: <file>`'],
  ['patchesJson6902', 'move each entry to `patches:` as `- path: <file>` with its `target:`'],
  ['commonLabels', 'use `labels:` with `pairs:` (and includeSelectors: false unless you mean it: selectors are immutable)'],
  ['bases', 'list the folders under `resources:`'],
  ['vars', 'use `replacements:`'],
  ['imageTags', 'use `images:`'],
]);

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** Cluster-scoped kinds: the namespace transformer leaves them alone. */
export const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleBinding',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'APIService',
  'IngressClass',
  'RuntimeClass',
]);

/** Kinds with a replicas field Kustomize knows without configuration. */
export const BUILTIN_REPLICA_KINDS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'ReplicationController']);
