import { autoJoins, isDynamic, quorumOf } from '../../model/kraft-quorum.js';
import { versionsOf } from '../../model/versions.js';
import type { PlainObject } from '../object-path.js';
import { SYNC_WAVE_ANNOTATION, type UnitIndex } from '../resources.js';
import type { ResourceTemplate } from '../templates.js';
import type { ExtraManifest, OptionContext, OptionModule } from './option-module.js';
import { RBAC_API_VERSION, RBAC_GROUP, RBAC_SYNC_WAVE } from './scheduling.js';

/** The bootstrap status CFK's init container reads, and rewrites to true once the bootstrap pod formatted. */
export const BOOTSTRAP_STATUS_KEY = 'bootstrap-status';
const UNFORMATTED = '{"bootstrap_formatted": false}';

export interface DynamicQuorumNames {
  /** CFK derives it from the KRaftController's name: <name>-dynamic-quorum. */
  readonly configMap: string;
  readonly serviceAccount: string;
  readonly role: string;
}

export function dynamicQuorumNames(kraft: ResourceTemplate): DynamicQuorumNames {
  return { configMap: `${kraft.name}-dynamic-quorum`, serviceAccount: `${kraft.name}-dynamic-quorum`, role: `${kraft.name}-dynamic-quorum` };
}

/** The KRaftController of an environment's units, if it runs KRaft. */
export function kraftControllerResource(units: UnitIndex): ResourceTemplate | undefined {
  for (const unit of units.values()) {
    const kraft = unit.resources.find((resource) => resource.kind === 'KRaftController');
    if (kraft) return kraft;
  }
  return undefined;
}

/** The dynamic quorum's bootstrap ConfigMap of an environment, when it has one (for Argo CD's ignoreDifferences). */
export function dynamicQuorumConfigMap(context: OptionContext): string | undefined {
  const kraft = kraftControllerResource(context.units);
  return kraft && quorumOf(context.model, context.env) === 'dynamic' ? dynamicQuorumNames(kraft).configMap : undefined;
}

/**
 * kraft.quorum dynamic (KIP-853), as Confluent's greenfield example sets it up
 * (confluent-kubernetes-examples kraft/dynamic-quorum/greenfield): spec.dynamicQuorumConfig with pod 0
 * formatting the quorum (--standalone) and the others joining, the bootstrap ConfigMap that records
 * whether pod 0 has formatted (so it never formats a second quorum), and a ServiceAccount that may
 * update that one ConfigMap.
 */
export const kraftQuorumOption: OptionModule = {
  name: 'kraft',
  resourcePatch(resource, { model, env }) {
    if (resource.kind !== 'KRaftController') return undefined;
    const mode = quorumOf(model, env);
    if (mode === 'migrated') return { dynamicQuorumConfig: { enabled: true } }; // formatted long ago: no bootstrap pod
    if (mode !== 'dynamic') return undefined;
    return { dynamicQuorumConfig: { enabled: true, bootstrapPod: 0 }, podTemplate: { serviceAccountName: dynamicQuorumNames(resource).serviceAccount } };
  },
  manifests(context) {
    const kraft = kraftControllerResource(context.units);
    if (!kraft || quorumOf(context.model, context.env) !== 'dynamic') return [];
    return dynamicQuorumManifests(kraft, context);
  },
  readme(context) {
    const kraft = kraftControllerResource(context.units);
    const mode = quorumOf(context.model, context.env);
    if (!kraft || !isDynamic(mode)) return [];
    const join = autoJoins(versionsOf(context.model, context.env))
      ? 'new controllers join as voters by themselves (CP 8.2+)'
      : 'promote each new controller with `kafka-metadata-quorum --bootstrap-controller <controller>:9074 add-controller` (CP before 8.2)';
    const bootstrap = mode === 'dynamic' ? ` CFK records in the ConfigMap \`${dynamicQuorumNames(kraft).configMap}\` that the quorum was formatted; Argo CD ignores its data. Never reset it on a running quorum.` : '';
    return [`- ${context.env.name}: the KRaft quorum is dynamic (KIP-853): \`cp-gitops scale kraftcontroller --replicas <odd>\` grows it in place and ${join}.${bootstrap}`];
  },
};

function dynamicQuorumManifests(kraft: ResourceTemplate, context: OptionContext): ExtraManifest[] {
  const names = dynamicQuorumNames(kraft);
  const metadata = (name: string): PlainObject => ({ name, annotations: { [SYNC_WAVE_ANNOTATION]: RBAC_SYNC_WAVE } });
  return [
    {
      file: 'kraft/dynamic-quorum-configmap.yaml',
      description: 'ConfigMap: whether the bootstrap controller formatted the dynamic quorum (CFK writes it; Argo CD ignores its data)',
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(names.configMap), data: { [BOOTSTRAP_STATUS_KEY]: UNFORMATTED } },
    },
    {
      file: 'kraft/dynamic-quorum-serviceaccount.yaml',
      description: 'ServiceAccount of the KRaft controllers',
      object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: metadata(names.serviceAccount) },
    },
    {
      file: 'kraft/dynamic-quorum-role.yaml',
      description: `Role: read and update the ConfigMap ${names.configMap}, and nothing else`,
      object: {
        apiVersion: RBAC_API_VERSION,
        kind: 'Role',
        metadata: metadata(names.role),
        rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: [names.configMap], verbs: ['get', 'update', 'patch'] }],
      },
    },
    {
      file: 'kraft/dynamic-quorum-rolebinding.yaml',
      description: `RoleBinding: the KRaft controllers' ServiceAccount may update ${names.configMap}`,
      object: {
        apiVersion: RBAC_API_VERSION,
        kind: 'RoleBinding',
        metadata: metadata(names.role),
        subjects: [{ kind: 'ServiceAccount', name: names.serviceAccount, namespace: context.env.namespace }],
        roleRef: { apiGroup: RBAC_GROUP, kind: 'Role', name: names.role },
      },
    },
  ];
}
