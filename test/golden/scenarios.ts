import { buildNewModel, type NewModelOptions } from '../../src/model/build.js';
import type { PlatformModel } from '../../src/model/types.js';
import { planAddCluster } from '../../src/promotion/add-cluster.js';
import { planSetOptions } from '../../src/promotion/plan.js';

/** The golden scenarios: each is a model; its whole generated tree is kept under test/golden/<name>/. */
export const GOLDEN_SCENARIOS: Readonly<Record<string, NewModelOptions>> = {
  default: { name: 'acme-kafka', repoURL: 'https://github.com/acme/acme-kafka.git' },
  minimal: { name: 'mini', environments: ['dev'], components: ['kafka'], repoURL: 'https://github.com/acme/mini.git' },
  'cp79-zookeeper': {
    name: 'legacy',
    cpVersion: '7.9.0',
    controller: 'zookeeper',
    repoURL: 'git@github.com:acme/legacy.git',
    cluster: 'https://prod.k8s.example.com:6443',
  },
  // Security options (issue 5): TLS from CFK's own CA, SASL/PLAIN, HTTP basic, ACLs, credentials from External Secrets.
  'tls-sasl': {
    name: 'secure',
    environments: ['dev', 'prod'],
    repoURL: 'https://github.com/acme/secure.git',
    settings: [
      'tls.mode=auto',
      'authentication.kafka=plain',
      'authentication.http=basic',
      'authorization.type=simple',
      'secrets.provider=external-secrets',
      'secrets.store={kind: ClusterSecretStore, name: vault}',
      'networkPolicy.clients=[orders]',
    ],
  },
  // One cert-manager Certificate per component, signed by a ClusterIssuer; mutual TLS on the Kafka listeners.
  'mtls-cert-manager': {
    name: 'mutual',
    environments: ['dev', 'prod'],
    repoURL: 'https://github.com/acme/mutual.git',
    settings: ['tls.mode=cert-manager', 'tls.issuer={kind: ClusterIssuer, name: internal-ca}', 'authentication.kafka=mtls'],
  },
  // CP 7.9 with ZooKeeper and auto TLS: ZooKeeper clients on 2182, the legacy Control Center over https.
  'cp79-zookeeper-tls': {
    name: 'legacy-tls',
    cpVersion: '7.9.0',
    controller: 'zookeeper',
    environments: ['dev', 'prod'],
    repoURL: 'https://github.com/acme/legacy-tls.git',
    settings: ['tls.mode=auto'],
  },
  // Confluent RBAC (issue 5): MDS on the brokers with LDAP, bearer logins to MDS, auto TLS, SASL/PLAIN, one role binding; credentials from a SecretStore.
  'rbac-ldap': {
    name: 'guarded',
    environments: ['dev', 'prod'],
    repoURL: 'https://github.com/acme/guarded.git',
    settings: [
      'tls.mode=auto',
      'authentication.kafka=plain',
      'authorization.type=rbac',
      'authorization.ldap.address=ldaps://ldap.acme.example:636',
      'authorization.ldap.caSecret=ldap-ca',
      'authorization.ldap.configurations={userSearchBase: "ou=users,dc=acme,dc=example", userNameAttribute: uid, userObjectClass: inetOrgPerson, groupSearchBase: "ou=groups,dc=acme,dc=example", groupNameAttribute: cn, groupObjectClass: groupOfNames, groupMemberAttribute: member, groupMemberAttributePattern: "uid=(.*),ou=users,dc=acme,dc=example"}',
      'authorization.roleBindings=[{principal: "Group:kafka-admins", role: SystemAdmin}]',
      'secrets.provider=external-secrets',
      'secrets.store={kind: SecretStore, name: vault-guarded}',
    ],
  },
  // Production options, operations side: external access, monitoring, scheduling, logging (docs/options.md).
  // One environment each: external names and node ports cannot be shared by two environments.
  'external-loadbalancer': {
    name: 'edge',
    environments: ['prod'],
    repoURL: 'https://github.com/acme/edge.git',
    settings: ['externalAccess.type=loadBalancer', 'externalAccess.domain=kafka.acme.example', 'monitoring.prometheus=true', 'monitoring.podMonitors=true'],
  },
  'external-nodeport': {
    name: 'np',
    environments: ['staging'],
    repoURL: 'https://github.com/acme/np.git',
    // A lab: node ports without authentication are refused unless security.allowInsecure says so (then README and PRs warn).
    settings: [
      'security.allowInsecure=true',
      'externalAccess.type=nodePort',
      'externalAccess.host=kafka.nodes.acme.example',
      'externalAccess.nodePortOffset=30100',
      'scheduling.tolerations=[{key: dedicated, operator: Equal, value: kafka, effect: NoSchedule}]',
      'scheduling.zoneSpread=true',
      'scheduling.rackAwareness.nodeLabel=topology.kubernetes.io/zone',
      'scheduling.priorityClassName=confluent-platform',
      'logging.levels.root=INFO',
      'logging.levels.kafka.controller=WARN',
      'logging.podAnnotations.fluentbit.io/parser=json',
    ],
  },
  // Monitoring, logging and a managed StorageClass on CP 7.9 with ZooKeeper (CP 8 monitoring and logging are in
  // external-loadbalancer and external-nodeport): PodMonitors for ZooKeeper and the legacy Control Center,
  // Log4j 1 lines with the use-log4j1 annotation, and one StorageClass for two environments on one cluster.
  monitoring: {
    name: 'observed',
    cpVersion: '7.9.0',
    controller: 'zookeeper',
    environments: ['dev', 'prod'],
    repoURL: 'https://github.com/acme/observed.git',
    settings: [
      'monitoring.prometheus=true',
      'monitoring.podMonitors=true',
      'logging.levels.root=WARN',
      'logging.levels.kafka.authorizer.logger=INFO',
      'logging.podAnnotations.fluentbit.io/parser=json',
      'storage.storageClass=fast-ssd',
      'storage.createStorageClass={provisioner: ebs.csi.aws.com, parameters: {type: gp3}}',
    ],
  },
  // Host-based routing through an ingress-nginx controller with SSL passthrough: needs TLS, here cert-manager
  // certificates that also name *.<domain>; the Ingress and the bootstrap Service are generated.
  'external-host-routing': {
    name: 'sni',
    environments: ['prod'],
    repoURL: 'https://github.com/acme/sni.git',
    settings: [
      'tls.mode=cert-manager',
      'tls.issuer={kind: ClusterIssuer, name: public-ca}',
      'externalAccess.type=staticForHostBasedRouting',
      'externalAccess.domain=kafka.acme.example',
      'externalAccess.ingressClassName=nginx-passthrough',
    ],
  },
  'multi-cluster': {
    name: 'fleet',
    environments: ['dev', 'prod'],
    components: ['kafka', 'schemaregistry'],
    repoURL: 'https://github.com/acme/fleet.git',
    settings: ['monitoring.prometheus=true', 'monitoring.podMonitors=true'],
  },
  // A repository on self-managed GitLab (issue 16): .gitlab-ci.yml instead of the GitHub workflow, a README with the merge request flow.
  'gitlab-self-managed': { name: 'lab', environments: ['dev', 'prod'], components: ['kafka', 'schemaregistry'], repoURL: 'https://gitlab.acme.example/platform/kafka/lab.git' },
};

/** Scenarios that start from an init and then change the model the way the commands do (their plans, not hand edits). */
const GOLDEN_CHANGES: Readonly<Record<string, (model: PlatformModel) => PlatformModel>> = {
  // What init --gitlab records: the project's full path (nested groups) and the API root of a self-managed instance.
  'gitlab-self-managed': (model) => ({ ...model, gitProvider: { type: 'gitlab', repository: 'platform/kafka/lab', apiUrl: 'https://gitlab.acme.example/api/v4' } }),
  // Several Kafka clusters (issue 5): each in its own namespace with its own Argo CD apps and external names.
  'multi-cluster': (model) => {
    let next = planAddCluster(model, { name: 'analytics', env: 'dev', components: ['connect'] }).model;
    next = planAddCluster(next, { name: 'analytics', env: 'prod', components: ['connect'], size: 'medium' }).model;
    next = planSetOptions(next, { env: 'prod/analytics', settings: ['externalAccess.type=loadBalancer', 'externalAccess.domain=analytics.fleet.example', 'monitoring.podMonitors=false'] }).model;
    return planSetOptions(next, { env: 'prod', settings: ['externalAccess.type=loadBalancer', 'externalAccess.domain=kafka.fleet.example'] }).model;
  },
};

export function goldenModel(scenario: string): PlatformModel {
  const options = GOLDEN_SCENARIOS[scenario];
  if (!options) throw new Error(`unknown golden scenario ${scenario}`);
  const model = buildNewModel(options);
  return GOLDEN_CHANGES[scenario]?.(model) ?? model;
}
