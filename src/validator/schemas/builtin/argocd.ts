/**
 * Our own schemas of the Argo CD Application and AppProject (argoproj.io/v1alpha1): closed where a typo
 * silently changes behaviour (syncPolicy, retry, destination, source), open for Helm values, plugins,
 * operation and status.
 */
import type { JsonSchema } from '../json-schema.js';
import { boolean, closed, customResource, int64, listOf, nonEmptyString, open, string, stringList, stringMap, url } from './common.js';

export const ARGOCD_API_VERSION = 'argoproj.io/v1alpha1';

/** `Name=value`, e.g. ServerSideApply=true: Argo CD ignores anything else without a word. */
const syncOption: JsonSchema = { type: 'string', pattern: '^[A-Za-z]+=[A-Za-z]+$' };
/** "10s", "5m", "1h30m" or a number of seconds. */
const duration: JsonSchema = { type: 'string', pattern: '^([0-9]+|([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+)$' };
const groupKind = closed({ group: string, kind: string, name: string }, ['group', 'kind']);

const helm = closed({
  apiVersions: stringList,
  fileParameters: listOf(open()),
  ignoreMissingValueFiles: boolean,
  kubeVersion: string,
  namespace: string,
  parameters: listOf(open()),
  passCredentials: boolean,
  releaseName: string,
  skipCrds: boolean,
  skipSchemaValidation: boolean,
  skipTests: boolean,
  valueFiles: stringList,
  values: string,
  valuesObject: open(),
  version: string,
});

const kustomize = closed({
  apiVersions: stringList,
  commonAnnotations: stringMap,
  commonAnnotationsEnvsubst: boolean,
  commonLabels: stringMap,
  components: stringList,
  forceCommonAnnotations: boolean,
  forceCommonLabels: boolean,
  ignoreMissingComponents: boolean,
  images: stringList,
  kubeVersion: string,
  labelIncludeTemplates: boolean,
  labelWithoutSelector: boolean,
  namePrefix: string,
  nameSuffix: string,
  namespace: string,
  patches: listOf(open()),
  replicas: listOf(open()),
  version: string,
});

const source = closed(
  {
    repoURL: nonEmptyString,
    targetRevision: string,
    path: string,
    chart: string,
    ref: string,
    name: string,
    tagPrefix: string,
    directory: open({ recurse: boolean, include: string, exclude: string, jsonnet: open() }),
    helm,
    kustomize,
    plugin: open({ name: string, env: listOf(open()), parameters: listOf(open()) }),
  },
  ['repoURL'],
);

const retry = closed({
  limit: int64,
  refresh: boolean,
  backoff: closed({ duration, factor: int64, maxDuration: duration }),
});

const syncPolicy = closed({
  automated: closed({ prune: boolean, selfHeal: boolean, allowEmpty: boolean, enabled: boolean }),
  syncOptions: listOf(syncOption),
  retry,
  managedNamespaceMetadata: closed({ labels: stringMap, annotations: stringMap }),
});

export const APPLICATION = customResource(
  ARGOCD_API_VERSION,
  'Application',
  closed(
    {
      project: nonEmptyString,
      source,
      sources: listOf(source),
      sourceHydrator: open(),
      destination: closed({ server: url, name: string, namespace: string }),
      syncPolicy,
      ignoreDifferences: listOf(closed({ group: string, kind: string, name: string, namespace: string, jsonPointers: stringList, jqPathExpressions: stringList, managedFieldsManagers: stringList }, ['kind'])),
      info: listOf(closed({ name: string, value: string }, ['name', 'value'])),
      revisionHistoryLimit: int64,
    },
    ['project', 'destination'],
  ),
  // An Application also carries the requested `operation` beside spec and status.
  { extraRoot: { operation: open() } },
);

export const APP_PROJECT = customResource(
  ARGOCD_API_VERSION,
  'AppProject',
  closed({
    description: { type: 'string', maxLength: 255 },
    sourceRepos: stringList,
    sourceNamespaces: stringList,
    destinations: listOf(closed({ server: url, name: string, namespace: string })),
    destinationServiceAccounts: listOf(closed({ server: string, namespace: string, defaultServiceAccount: string }, ['server', 'defaultServiceAccount'])),
    clusterResourceWhitelist: listOf(groupKind),
    clusterResourceBlacklist: listOf(groupKind),
    namespaceResourceWhitelist: listOf(closed({ group: string, kind: string }, ['group', 'kind'])),
    namespaceResourceBlacklist: listOf(closed({ group: string, kind: string }, ['group', 'kind'])),
    orphanedResources: open({ warn: boolean, ignore: listOf(open()) }),
    permitOnlyProjectScopedClusters: boolean,
    roles: listOf(closed({ name: string, description: string, groups: stringList, policies: stringList, jwtTokens: listOf(open()) }, ['name'])),
    signatureKeys: listOf(closed({ keyID: string }, ['keyID'])),
    sourceIntegrity: open(),
    syncWindows: listOf(
      closed({
        kind: { type: 'string', enum: ['allow', 'deny'] },
        schedule: string,
        duration: string,
        applications: stringList,
        namespaces: stringList,
        clusters: stringList,
        manualSync: boolean,
        timeZone: string,
        andOperator: boolean,
        description: string,
        syncOverrun: boolean,
      }),
    ),
  }),
);
