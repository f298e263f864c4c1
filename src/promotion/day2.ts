/**
 * Day-2 plans: scale, upgrade and configure one environment. Pure, like plan.ts: model (and the size
 * profiles) in, ChangePlan out; every unsafe change is refused here, before anything is written.
 */
import { UsageError } from '../errors.js';
import { canonicalQuantity, quantityValue } from '../generator/quantity.js';
import { INTERNAL_TOPIC_DEFAULT_FACTOR, isMinInsyncKey, isReplicationFactorKey, KSQLDB_FACTOR_FIELD, maxMinInsync, maxReplicationFactor } from '../generator/replication.js';
import { brokerCount, CONFIG_KIND, effectiveSize, generatedServerLines } from '../generator/resources.js';
import { mergeServerLines, parseServerLine, serverValue } from '../generator/server-config.js';
import type { Templates } from '../generator/templates.js';
import { firstSchemaProblem } from '../model/build.js';
import { QUANTITY_PATTERN } from '../model/schema.js';
import { COMPONENT_NAMES, type ComponentName, type Environment, type PlatformModel, type PlatformVersions, type SizeOverride } from '../model/types.js';
import {
  CP_LINES,
  defaultControlCenterVersion,
  findOperatorRelease,
  OPERATOR_RELEASES,
  operatorSupportsCp,
  parseSemVer,
  supportedCpRange,
  supportsZooKeeper,
  versionsOf,
} from '../model/versions.js';
import { deployedModel, flatKafkaClusterKey } from '../model/kafka-clusters.js';
import { kubernetesClusters } from '../generator/cluster-shared.js';
import { layout } from '../generator/layout.js';
import { secretSettingFix, secretSettingProblem } from '../model/secret-settings.js';
import { atLeast, autoJoins, isDynamic, quorumOf, ROLL_FREE_SCALE_MIN_OPERATOR } from '../model/kraft-quorum.js';
import { environmentOf, realEnvironmentOf, replaceEnvironment, type ChangePlan, type ChangeRow } from './plan.js';

/** What `scale` accepts: the components, and Kafka's controllers by their own names. */
export const SCALE_TARGETS: Readonly<Record<string, string>> = {
  kafka: 'Kafka',
  kraftcontroller: 'KRaftController',
  zookeeper: 'Zookeeper',
  schemaregistry: 'SchemaRegistry',
  connect: 'Connect',
  ksqldb: 'KsqlDB',
  controlcenter: 'ControlCenter',
  restproxy: 'KafkaRestProxy',
};

/** Quorum members: removing one loses a vote the quorum may need, and CFK cannot do it safely. */
const QUORUM_KINDS = new Set(['KRaftController', 'Zookeeper']);

export interface ScaleRequest {
  readonly component: string;
  readonly env: string;
  readonly replicas?: number;
  readonly cpu?: string;
  readonly memory?: string;
  readonly storage?: string;
}

const SIZE_FIELDS = ['replicas', 'cpu', 'memory', 'storage'] as const;

export function planScale(model: PlatformModel, templates: Templates, request: ScaleRequest): ChangePlan {
  const env = environmentOf(model, request.env);
  const kind = SCALE_TARGETS[request.component];
  if (!kind) throw new UsageError(`cannot scale "${request.component}"`, `choose from: ${Object.keys(SCALE_TARGETS).join(', ')}`);
  const controller = request.component === 'kraftcontroller' ? 'kraft' : request.component === 'zookeeper' ? 'zookeeper' : undefined;
  if (controller && model.controller !== controller) {
    throw new UsageError(`this platform runs ${model.controller === 'kraft' ? 'KRaft controllers' : 'ZooKeeper'}, not ${request.component}`, `cp-gitops scale ${model.controller === 'kraft' ? 'kraftcontroller' : 'zookeeper'} --env ${env.name} …`);
  }
  const component: ComponentName = controller ? 'kafka' : (request.component as ComponentName);
  if (!env.components.includes(component)) {
    throw new UsageError(`${component} does not run in ${env.name}`, `cp-gitops add-component ${component} --env ${env.name}`);
  }
  if (request.replicas === undefined && request.cpu === undefined && request.memory === undefined && request.storage === undefined) {
    throw new UsageError('nothing to scale', 'pass --replicas, --cpu, --memory or --storage');
  }
  if (request.replicas !== undefined && (!Number.isInteger(request.replicas) || request.replicas < 1 || request.replicas > 100)) {
    throw new UsageError(`--replicas ${request.replicas} is not a whole number from 1 to 100`, 'for example --replicas 5');
  }
  const wanted: { -readonly [K in keyof SizeOverride]: SizeOverride[K] } = {};
  if (request.replicas !== undefined) wanted.replicas = request.replicas;
  for (const field of ['cpu', 'memory', 'storage'] as const) {
    const value = request[field];
    if (value === undefined) continue;
    if (!new RegExp(QUANTITY_PATTERN).test(value) || quantityValue(value) === 0n) {
      throw new UsageError(`--${field} "${value}" is not a Kubernetes quantity above zero`, field === 'cpu' ? 'for example --cpu 2 or --cpu 500m' : `for example --${field} 8Gi`);
    }
    wanted[field] = canonicalQuantity(value);
  }

  const profile = templates.sizes[env.size];
  const current = effectiveSize(profile, kind, env.overrides?.[kind]);
  const warnings: string[] = [];
  if (wanted.storage !== undefined) {
    if (current.storage === undefined) throw new UsageError(`${kind} has no data volume, so there is no storage to size`, 'scale it with --replicas, --cpu or --memory');
    if (quantityValue(wanted.storage) < quantityValue(current.storage)) {
      throw new UsageError(
        `${kind} in ${env.name} has ${canonicalQuantity(current.storage)} volumes; Kubernetes cannot shrink a PersistentVolumeClaim`,
        `pass --storage ${canonicalQuantity(current.storage)} or more; to get smaller volumes, add brokers with the new size and move the data`,
      );
    }
    if (quantityValue(wanted.storage) > quantityValue(current.storage)) {
      warnings.push(`growing ${kind} volumes needs a StorageClass with allowVolumeExpansion: true; CFK expands the PersistentVolumeClaims in place`);
    }
  }
  if (kind === 'KRaftController' && wanted.replicas !== undefined && wanted.replicas !== current.replicas && isDynamic(quorumOf(model, env))) {
    warnings.push(...dynamicQuorumScale(env, versionsOf(model, env), current.replicas, wanted.replicas));
  } else if (kind === 'KRaftController' && wanted.replicas !== undefined && wanted.replicas !== current.replicas) {
    throw new UsageError(
      `KRaftController in ${env.name} runs a static quorum of ${current.replicas} (controller.quorum.voters): its membership cannot change in place, so scaling it to ${wanted.replicas} is refused`,
      `keep --replicas ${current.replicas}. To resize it, first migrate it to a dynamic quorum (CP 8.0 or later, CFK 3.2 or later): kafka-features --bootstrap-controller localhost:9074 upgrade --feature kraft.version=1 in a controller pod, then cp-gitops set kraft.quorum=migrated --env ${env.name} (spec.dynamicQuorumConfig.enabled: true; wait for the controllers' roll), then roll Kafka; then scale up (docs/decisions.md 19)`,
    );
  }
  if (wanted.replicas !== undefined && wanted.replicas < current.replicas && QUORUM_KINDS.has(kind)) {
    throw new UsageError(
      `${kind} in ${env.name} runs ${current.replicas} replicas; scaling a ${kind === 'Zookeeper' ? 'ZooKeeper ensemble' : 'KRaft controller quorum'} down is refused (CFK cannot remove voters safely)`,
      `keep --replicas ${current.replicas} or more; to shrink a quorum, follow Confluent's controller removal procedure by hand`,
    );
  }
  if (wanted.replicas !== undefined && QUORUM_KINDS.has(kind) && wanted.replicas % 2 === 0) {
    warnings.push(`${wanted.replicas} ${kind} replicas tolerate no more failures than ${wanted.replicas - 1}; quorums are usually odd`);
  }
  if (kind === 'Kafka' && wanted.replicas !== undefined && wanted.replicas > current.replicas) {
    warnings.push(
      `new brokers start empty: existing partitions stay where they are until they are reassigned. With Self-Balancing Clusters (confluent.balancer.enable=true) that happens by itself; otherwise run kafka-reassign-partitions --generate, then --execute, for the topics to spread`,
    );
  }
  if (kind === 'Kafka' && wanted.replicas !== undefined && wanted.replicas < current.replicas) {
    warnings.push(`removing brokers: CFK moves their partitions off first only with Self-Balancing Clusters; otherwise reassign them away from ${brokerIds(wanted.replicas, current.replicas - 1)} before merging`);
  }

  const rows: ChangeRow[] = [];
  const next: { -readonly [K in keyof SizeOverride]: SizeOverride[K] } = { ...(env.overrides?.[kind] ?? {}) };
  const base = profile.kinds[kind]!;
  for (const field of SIZE_FIELDS) {
    const value = wanted[field];
    if (value === undefined) continue;
    const before = current[field];
    if (before !== undefined && String(value) === (typeof before === 'number' ? String(before) : canonicalQuantity(before))) continue;
    rows.push({ env: env.name, component: request.component, field, from: before === undefined ? '—' : typeof before === 'number' ? String(before) : canonicalQuantity(before), to: String(value) });
    // The same as the profile: no override (the model stays as small as it can be).
    const profileValue = base[field];
    const same = profileValue !== undefined && (typeof profileValue === 'number' ? profileValue === value : canonicalQuantity(profileValue) === value);
    if (same) delete next[field];
    else (next as Record<string, unknown>)[field] = value;
  }
  if (rows.some((row) => row.field === 'cpu' || row.field === 'memory')) {
    warnings.push(`CFK rolls the ${kind} pods one at a time to apply the new resources${kind === 'Kafka' ? ', waiting for under-replicated partitions to reach zero between brokers' : ''}`);
  }
  const overrides = { ...(env.overrides ?? {}) };
  if (Object.keys(next).length > 0) overrides[kind] = next;
  else delete overrides[kind];
  const { overrides: _overrides, ...rest } = env;
  let updated: Environment = { ...rest, ...(Object.keys(overrides).length > 0 ? { overrides } : {}) };
  if (kind === 'Kafka' && wanted.replicas !== undefined && wanted.replicas !== current.replicas) {
    const replication = replicationChanges(model, templates, env, updated, current.replicas, wanted.replicas);
    updated = replication.env;
    rows.push(...replication.rows);
    warnings.push(...replication.warnings);
  }
  const model2 = checked(replaceEnvironment(model, updated));
  const what = rows.map((row) => `${row.field} ${row.to}`).join(', ');
  return {
    model: model2,
    changes: rows,
    branch: `cp-gitops/scale-${request.component}-${flatKafkaClusterKey(env.name)}`,
    title: `Scale ${request.component} in ${env.name}${what ? `: ${what}` : ''}`,
    targetEnv: env.name,
    labels: [`env:${env.name}`, `component:${component}`, 'day2:scale'],
    warnings: rows.length > 0 ? warnings : [],
  };
}

/**
 * A dynamic quorum (KIP-853) grows in place; it never shrinks through Git, since CFK rejects a lower
 * spec.replicas (a voter must be removed with kafka-metadata-quorum first), and it stays odd: an even
 * quorum tolerates no more failures than the odd one below it and needs one more vote.
 */
function dynamicQuorumScale(env: Environment, versions: PlatformVersions, from: number, to: number): string[] {
  if (to < from) {
    throw new UsageError(
      `KRaftController in ${env.name} runs a dynamic quorum of ${from}; scaling it down to ${to} is refused: Confluent for Kubernetes rejects a lower spec.replicas for a dynamic quorum, because the voters must leave the quorum first`,
      `keep --replicas ${from} or more; to shrink it, remove the highest controllers from the quorum with kafka-metadata-quorum remove-controller by hand (Confluent's Configure Dynamic KRaft Quorum), then lower spec.replicas`,
    );
  }
  if (to % 2 === 0) {
    throw new UsageError(
      `a KRaft quorum of ${to} tolerates no more controller failures than ${to - 1} and needs more votes for every commit, so scaling KRaftController in ${env.name} to ${to} is refused`,
      `pass an odd number: --replicas ${to + 1}`,
    );
  }
  const joins = autoJoins(versions)
    ? `Confluent Platform ${versions.confluentPlatform} joins them as voters by itself (controller.quorum.auto.join.enable)`
    : `on Confluent Platform ${versions.confluentPlatform} (before 8.2) they start as observers: promote each with kafka-metadata-quorum --bootstrap-controller <controller>:9074 add-controller, one at a time, from the new pod`;
  const roll = atLeast(versions.operator, ROLL_FREE_SCALE_MIN_OPERATOR)
    ? `Confluent for Kubernetes ${versions.operator} adds controllers ${from}–${to - 1} without rolling the running ones`
    : `Confluent for Kubernetes ${versions.operator} (before 3.3) rolls the running controllers to add ${from}–${to - 1}`;
  return [
    `the dynamic KRaft quorum grows from ${from} to ${to}: ${roll}; ${joins}. Check with kafka-metadata-quorum describe --status that ${to} voters are listed before relying on the larger quorum; it cannot be scaled back down through Git`,
  ];
}

/**
 * Replication follows the brokers: the generator clamps the profile's factors and writes the internal
 * topics' for fewer than 3 brokers; the environment's own config lines above the new count are
 * rewritten here. Every value that changes is a row of the pull request, and why is a warning. Topics
 * of the model asking for more replicas than the new count refuse the scale (Kafka keeps a topic's
 * replicas until its partitions are reassigned).
 */
function replicationChanges(model: PlatformModel, templates: Templates, env: Environment, updated: Environment, from: number, to: number): { env: Environment; rows: ChangeRow[]; warnings: string[] } {
  const tooMany = (updated.topics ?? []).filter((topic) => topic.replicas !== undefined && topic.replicas > maxReplicationFactor(to));
  if (tooMany.length > 0) {
    throw new UsageError(
      `${tooMany.map((topic) => `topic "${topic.name}" has ${topic.replicas} replicas`).join(', ')} in ${env.name}, more than ${to} brokers can hold`,
      `first reassign those topics to ${to} replicas or fewer (kafka-reassign-partitions) and lower their replicas in cp-gitops.yaml, then scale`,
    );
  }
  const legacyControlCenter = parseSemVer(versionsOf(model, env).confluentPlatform)!.major < 8;
  const rows: ChangeRow[] = [];
  const config: Partial<Record<ComponentName, readonly string[]>> = { ...(updated.config ?? {}) };
  for (const component of updated.components) {
    const kind = CONFIG_KIND[component];
    const own = config[component] ?? [];
    const rewritten = own.map((line) => {
      const setting = parseServerLine(line);
      if (!setting || !/^\d+$/.test(setting.value)) return line;
      const limit = isMinInsyncKey(setting.key) ? maxMinInsync(to) : isReplicationFactorKey(setting.key) ? maxReplicationFactor(to) : undefined;
      return limit !== undefined && Number(setting.value) > limit ? `${setting.key}=${limit}` : line;
    });
    if (rewritten.some((line, index) => line !== own[index])) config[component] = rewritten;
    const before = mergeServerLines(generatedServerLines(kind, env, templates, legacyControlCenter), own);
    const after = mergeServerLines(generatedServerLines(kind, updated, templates, legacyControlCenter), rewritten);
    const keys = new Set([...before, ...after].flatMap((line) => parseServerLine(line)?.key ?? []));
    for (const key of keys) {
      if (!isReplicationFactorKey(key) && !isMinInsyncKey(key)) continue;
      const was = serverValue(before, key);
      const now = serverValue(after, key);
      if (was !== now) rows.push({ env: env.name, component, field: `config.${key}`, from: was ?? '—', to: now ?? '—' });
    }
    if (component === 'ksqldb' && Math.min(from, INTERNAL_TOPIC_DEFAULT_FACTOR) !== Math.min(to, INTERNAL_TOPIC_DEFAULT_FACTOR)) {
      rows.push({ env: env.name, component, field: KSQLDB_FACTOR_FIELD, from: from < INTERNAL_TOPIC_DEFAULT_FACTOR ? String(from) : '—', to: to < INTERNAL_TOPIC_DEFAULT_FACTOR ? String(to) : '—' });
    }
  }
  const warnings: string[] = [];
  if (rows.length > 0) {
    warnings.push(
      to < from
        ? `replication follows the brokers: with ${to} broker${to === 1 ? '' : 's'}, new topics (internal ones included) get at most ${maxReplicationFactor(to)} replicas and min.insync.replicas at most ${maxMinInsync(to)}, or creating them fails. Topics that exist keep their replicas: reassign every topic with more than ${to} replicas (kafka-reassign-partitions, internal topics such as __consumer_offsets, _schemas and connect-* included) before merging`
        : `replication follows the brokers: with ${to} brokers, new topics get the profile's replication again. Topics created with fewer replicas keep them until you raise them with kafka-reassign-partitions`,
    );
  }
  const { config: _config, ...rest } = updated;
  return { env: { ...rest, ...(Object.keys(config).length > 0 ? { config } : {}) }, rows, warnings };
}

export interface UpgradeRequest {
  readonly env: string;
  readonly cpVersion: string;
  readonly operatorVersion?: string;
}

const VERSION_FIELDS: readonly (keyof PlatformVersions)[] = ['confluentPlatform', 'operator', 'operatorChart', 'controlCenter'];

/** `cp-gitops upgrade`: a supported CP ↔ CFK ↔ Control Center combination, one CP line at a time. */
export function planUpgrade(model: PlatformModel, request: UpgradeRequest): ChangePlan {
  const env = realEnvironmentOf(model, request.env, 'upgrade');
  const current = versionsOf(model, env);
  const target = parseSemVer(request.cpVersion);
  if (!target) throw new UsageError(`--cp-version "${request.cpVersion}" is not a version like 8.2.1`, 'pass major.minor.patch');
  const from = parseSemVer(current.confluentPlatform)!;
  if (target.major < from.major) {
    throw new UsageError(`${env.name} runs Confluent Platform ${current.confluentPlatform}; going back to ${request.cpVersion} is a major downgrade, which Kafka does not support`, 'restore from a backup into a new cluster instead, or revert the pull request if it is not merged yet');
  }
  const fromLine = CP_LINES.indexOf(`${from.major}.${from.minor}`);
  const toLine = CP_LINES.indexOf(`${target.major}.${target.minor}`);
  if (toLine === -1) throw new UsageError(`Confluent Platform ${request.cpVersion} is not a line cp-gitops knows (${CP_LINES[0]}–${CP_LINES[CP_LINES.length - 1]})`, 'see docs/versions.md for the supported versions');
  if (fromLine !== -1 && toLine - fromLine > 1) {
    throw new UsageError(
      `upgrading ${env.name} from ${current.confluentPlatform} to ${request.cpVersion} jumps over ${CP_LINES.slice(fromLine + 1, toLine).join(', ')}`,
      `upgrade one line at a time: cp-gitops upgrade --env ${env.name} --cp-version ${CP_LINES[fromLine + 1]}.0, merge, let it roll, then continue`,
    );
  }
  if (model.controller === 'zookeeper' && !supportsZooKeeper(target)) {
    throw new UsageError(`${env.name} runs ZooKeeper, which Confluent Platform ${request.cpVersion} no longer has (removed in 8.0)`, 'migrate to KRaft on CP 7.x first; upgrade to the last 7.x line (7.9) until then');
  }
  const operatorVersion = request.operatorVersion ?? current.operator;
  const release = findOperatorRelease(operatorVersion);
  if (!release) throw new UsageError(`Confluent for Kubernetes ${operatorVersion} is not in the compatibility table`, `choose from: ${OPERATOR_RELEASES.map((candidate) => candidate.version).join(', ')}`);
  if (!operatorSupportsCp(release, target)) {
    const fits = OPERATOR_RELEASES.filter((candidate) => operatorSupportsCp(candidate, target)).map((candidate) => candidate.version);
    throw new UsageError(
      `Confluent for Kubernetes ${release.version} supports Confluent Platform ${supportedCpRange(release)}, not ${request.cpVersion}`,
      fits.length > 0 ? `pass --operator-version ${fits[fits.length - 1]}` : `no operator release in the table supports ${request.cpVersion}`,
    );
  }
  const controlCenter = defaultControlCenterVersion(target);
  if (controlCenter === undefined) throw new UsageError(`no Control Center release is known for Confluent Platform ${request.cpVersion}`, 'see docs/versions.md');
  const wanted: PlatformVersions = { confluentPlatform: request.cpVersion, operator: release.version, operatorChart: release.chartVersion, controlCenter };
  const warnings: string[] = [];
  if (toLine < fromLine || (toLine === fromLine && target.patch < from.patch)) {
    warnings.push(`this goes back from ${current.confluentPlatform}: it works only if metadata.version (KRaft) or inter.broker.protocol.version was not raised since`);
  }
  const rows: ChangeRow[] = VERSION_FIELDS.filter((field) => current[field] !== wanted[field]).map((field) => ({
    env: env.name,
    component: field === 'controlCenter' ? 'controlcenter' : field === 'confluentPlatform' ? 'platform' : 'operator',
    field: `version.${field}`,
    from: current[field],
    to: wanted[field],
  }));
  if (rows.some((row) => row.component === 'operator')) warnings.push('the operator Application syncs first; CFK then rolls every component to the new operator, one pod at a time');
  if (rows.some((row) => row.component === 'platform')) warnings.push('CFK rolls the brokers one at a time and waits for under-replicated partitions to reach zero; raise metadata.version only once every broker runs the new version');
  if (rows.some((row) => row.component === 'platform' || row.component === 'controlcenter')) {
    // The order comes from the sync waves, which wait only with the generated checks in argocd-cm (decisions.md, "Upgrades in CFK's order").
    warnings.push(
      `Argo CD rolls ${env.name} in Confluent's upgrade order (controllers, brokers, the other components, Control Center), each sync wave waiting until CFK has finished rolling the previous one, provided argocd-cm has the health checks of argocd/bootstrap/argocd-cm-patch.yaml (re-apply it after updating cp-gitops)`,
    );
  }
  const override = Object.fromEntries(VERSION_FIELDS.filter((field) => wanted[field] !== model.versions[field]).map((field) => [field, wanted[field]]));
  const { versions: _versions, ...rest } = env;
  const next = checked(replaceEnvironment(model, { ...rest, ...(Object.keys(override).length > 0 ? { versions: override } : {}) }));
  const crds = crdMove(model, next, env.cluster);
  if (crds) {
    rows.push({ env: env.name, component: 'operator', field: 'crds.operatorChart', from: crds.from, to: crds.to });
    warnings.unshift(
      `the CFK CRDs of Kubernetes cluster ${env.cluster} move from chart ${crds.from} to ${crds.to} in this change (${crds.file}), for every environment on it: the CRDs are never older than an operator; sync the cluster's root Application (${crds.root}) before ${env.name}'s operator, as Confluent upgrades the CRDs first`,
    );
  }
  return {
    model: next,
    changes: rows,
    branch: `cp-gitops/upgrade-${env.name}-cp-${request.cpVersion}`,
    title: `Upgrade ${env.name} to Confluent Platform ${request.cpVersion}${release.version !== current.operator ? ` and CFK ${release.version}` : ''}`,
    targetEnv: env.name,
    labels: [`env:${env.name}`, 'day2:upgrade'],
    warnings: rows.length > 0 ? warnings : [],
  };
}

/** The cluster's CRD chart before and after a change, when the change moves it (the newest operator chart on the cluster rules). */
function crdMove(before: PlatformModel, after: PlatformModel, server: string): { from: string; to: string; file: string; root: string } | undefined {
  const of = (model: PlatformModel) => kubernetesClusters(deployedModel(model)).find((cluster) => cluster.server === server);
  const from = of(before);
  const to = of(after);
  if (!from || !to || from.crdChart === to.crdChart) return undefined;
  return { from: from.crdChart, to: to.crdChart, file: layout.argocdClusterFile(to.key, 'crds.yaml'), root: `root-cluster-${to.key}` };
}

/**
 * Keys CFK writes itself from the listeners, TLS and authentication of the custom resource: a
 * configOverride of one of them fights the operator (or breaks the cluster). A trailing ".*" is a prefix.
 */
export const OPERATOR_MANAGED_KEYS: readonly string[] = [
  'listeners',
  'listeners.*',
  'listener.name.*',
  'advertised.listeners',
  'broker.id',
  'node.id',
  'process.roles',
  'controller.quorum.voters',
  'controller.quorum.bootstrap.servers',
  'controller.listener.names',
  'log.dirs',
  'zookeeper.connect',
  'ssl.*',
  'sasl.*',
  'inter.broker.listener.name',
  'listener.security.protocol.map',
];

export function isOperatorManagedKey(key: string): boolean {
  return OPERATOR_MANAGED_KEYS.some((managed) => (managed.endsWith('.*') ? key.startsWith(managed.slice(0, -1)) : key === managed));
}

export interface ConfigRequest {
  readonly env: string;
  readonly component: string;
  /** key=value; key= (nothing after =) removes the key. */
  readonly settings: readonly string[];
}

const CONFIG_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * `cp-gitops config`: configOverrides.server lines of one component, refusing keys CFK manages. A key
 * the size profile already sets (min.insync.replicas, …) is replaced, never written twice, and the
 * pull request shows the value it had.
 */
export function planConfig(model: PlatformModel, templates: Templates, request: ConfigRequest): ChangePlan {
  const env = environmentOf(model, request.env);
  if (!(COMPONENT_NAMES as readonly string[]).includes(request.component)) {
    throw new UsageError(`unknown component "${request.component}"`, `choose from: ${COMPONENT_NAMES.join(', ')}`);
  }
  const component = request.component as ComponentName;
  if (!env.components.includes(component)) throw new UsageError(`${component} does not run in ${env.name}`, `cp-gitops add-component ${component} --env ${env.name}`);
  if (request.settings.length === 0) throw new UsageError('no setting given', 'pass key=value, for example log.retention.hours=72');
  const legacyControlCenter = parseSemVer(versionsOf(model, env).confluentPlatform)!.major < 8;
  const generated = generatedServerLines(CONFIG_KIND[component], env, templates, legacyControlCenter);
  const brokers = brokerCount(env, templates);
  const lines = new Map<string, string>((env.config?.[component] ?? []).flatMap((line) => {
    const setting = parseServerLine(line);
    return setting ? [[setting.key, setting.value] as [string, string]] : [];
  }));
  const rows: ChangeRow[] = [];
  for (const setting of request.settings) {
    const at = setting.indexOf('=');
    const key = at === -1 ? setting : setting.slice(0, at);
    if (at === -1 || !CONFIG_KEY.test(key)) throw new UsageError(`"${setting}" is not key=value`, 'for example log.retention.hours=72 (key= removes the key)');
    if (isOperatorManagedKey(key)) {
      throw new UsageError(
        `${key} is managed by Confluent for Kubernetes (listeners, TLS, authentication, node identity and storage come from the custom resource)`,
        key.startsWith('ssl.') || key.startsWith('sasl.') || key.includes('listener') ? 'change listener security with cp-gitops set (see docs/options.md)' : `operator-managed keys: ${OPERATOR_MANAGED_KEYS.join(', ')}`,
      );
    }
    const value = setting.slice(at + 1);
    // Checked before anything is planned: the value would land in cp-gitops.yaml, the patch, the commit and the PR body.
    const secret = secretSettingProblem(key, value);
    if (secret) throw new UsageError(`${secret}: cp-gitops refuses to commit credentials (nothing was written)`, secretSettingFix(key));
    refuseReplicationAboveBrokers(key, value, brokers, env.name);
    const profileValue = serverValue(generated, key);
    const before = lines.get(key) ?? profileValue;
    if (value === '') {
      if (!lines.has(key) && profileValue !== undefined) {
        throw new UsageError(`${key}=${profileValue} comes from the ${env.size} size profile of ${env.name}, so it cannot be removed`, `set another value instead: cp-gitops config ${component} set ${key}=<value> --env ${env.name}`);
      }
      lines.delete(key);
    } else if (value === profileValue) {
      lines.delete(key); // the profile's value already: no line of the environment's own
    } else {
      lines.set(key, value);
    }
    const after = lines.get(key) ?? profileValue;
    if (before !== after) rows.push({ env: env.name, component, field: `config.${key}`, from: before ?? '—', to: after ?? '—' });
  }
  const config = { ...(env.config ?? {}) };
  if (lines.size > 0) config[component] = [...lines].map(([key, value]) => `${key}=${value}`);
  else delete config[component];
  const { config: _config, ...rest } = env;
  const next = checked(replaceEnvironment(model, { ...rest, ...(Object.keys(config).length > 0 ? { config } : {}) }));
  const keys = [...new Set(request.settings.map((setting) => setting.split('=')[0]!))];
  return {
    model: next,
    changes: rows,
    branch: `cp-gitops/config-${component}-${flatKafkaClusterKey(env.name)}-${slug(keys.join('-'))}`,
    title: `Configure ${component} in ${env.name}: ${keys.join(', ')}`,
    targetEnv: env.name,
    labels: [`env:${env.name}`, `component:${component}`, 'day2:config'],
    warnings: rows.length > 0 ? [`CFK rolls the ${component} pods one at a time to apply configOverrides`] : [],
  };
}

/** A replication factor above the brokers fails topic creation; a min.insync.replicas at the brokers stops writes when one is down. */
function refuseReplicationAboveBrokers(key: string, value: string, brokers: number, envName: string): void {
  if (!/^\d+$/.test(value)) return;
  const number = Number(value);
  if (isMinInsyncKey(key) && number > maxMinInsync(brokers)) {
    throw new UsageError(
      `${key}=${number} with ${brokers} broker${brokers === 1 ? '' : 's'} in ${envName}: with one broker down, writes with acks=all would fail`,
      `use ${key}=${maxMinInsync(brokers)} or less, or add brokers first: cp-gitops scale kafka --env ${envName} --replicas ${number + 1}`,
    );
  }
  if (isReplicationFactorKey(key) && number > maxReplicationFactor(brokers)) {
    throw new UsageError(
      `${key}=${number} with ${brokers} broker${brokers === 1 ? '' : 's'} in ${envName}: Kafka cannot place ${number} replicas, so creating the topics fails`,
      `use ${key}=${maxReplicationFactor(brokers)} or less, or add brokers first: cp-gitops scale kafka --env ${envName} --replicas ${number}`,
    );
  }
}

function checked(model: PlatformModel): PlatformModel {
  const problem = firstSchemaProblem(model);
  if (problem) throw new UsageError(problem, 'see docs/model.md');
  return model;
}

function slug(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'settings';
}

/** "broker id 2" or "broker ids 3–5": a range of one is not a range. */
export function brokerIds(first: number, last: number): string {
  return first === last ? `broker id ${first}` : `broker ids ${first}–${last}`;
}
