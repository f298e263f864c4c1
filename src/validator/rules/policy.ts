import { splitKafkaClusterKey } from '../../model/kafka-clusters.js';
import { isPlainObject, type PlainObject } from '../../generator/object-path.js';
import { annotationKeys, layout } from '../../generator/layout.js';
import { PLACEHOLDER_REPO_HOST } from '../../model/build.js';
import { MODEL_FILE } from '../../model/types.js';
import { atLeast, DYNAMIC_QUORUM_MIN_CP } from '../../model/kraft-quorum.js';
import type { YamlPath } from '../../yaml/positions.js';
import { blameOf, escapePointer, unescapePointer, type BuiltResource, type KustomizationBuild, type SourceRef } from '../kustomize/types.js';
import { locate, type SourceDocument, type SourceSet } from '../sources.js';
import type { RuleContext, RuleFamily } from '../validate.js';
import type { Severity, Violation } from '../violation.js';
import { modelFacts, type ModelFacts } from './model.js';
import { INTERNAL_TOPIC_DEFAULT_FACTOR, internalTopicKeys, isMinInsyncKey, isReplicationFactorKey, KSQLDB_FACTOR_FIELD, maxMinInsync, maxReplicationFactor } from '../../generator/replication.js';
import { duplicateServerKeys, parseServerLine, serverValue } from '../../generator/server-config.js';
import { secretSettingProblem } from '../../model/secret-settings.js';

/**
 * Rule family `policy/`: what a production Confluent Platform needs beyond a valid schema. Rules on
 * custom resources read the built overlays (what Argo CD would apply) and blame the patch or base
 * that set the value; repository-wide rules (secrets, placeholder URLs) read every YAML file.
 * Each can be silenced per file: `# cp-gitops:ignore <rule> <reason>`.
 */
export const POLICY_RULES: Readonly<Record<string, string>> = {
  'policy/prod-broker-replicas': 'A production environment runs at least 3 Kafka brokers',
  'policy/prod-controller-replicas': 'A production environment runs at least 3 KRaft controllers (or ZooKeeper servers)',
  'policy/min-insync-replicas': 'In production, 2 ≤ min.insync.replicas < default.replication.factor',
  'policy/replication-factor': 'No replication factor (broker, internal topics, KafkaTopic replicas) above the broker count, and min.insync.replicas below it',
  'policy/static-quorum-size': 'A static KRaft quorum (controller.quorum.voters) keeps the size it was created with',
  'policy/dynamic-quorum-version': 'A dynamic KRaft quorum (spec.dynamicQuorumConfig) runs Confluent Platform 7.9 or later',
  'policy/duplicate-config-key': 'A key appears once in configOverrides.server (a second line silently wins)',
  'policy/prod-pdb': 'In production, brokers and controllers have a PodDisruptionBudget',
  'policy/image-tag': 'Images are pinned to a version tag or a digest, never latest or untagged',
  'policy/memory-request': 'Every Confluent Platform component sets podTemplate.resources.requests.memory (CFK sizes the heap from it)',
  'policy/external-authentication': 'Kafka exposed outside the cluster (listeners.external.externalAccess) authenticates its external listener, unless security.allowInsecure',
  'policy/plaintext-secret': 'No Secret with data or stringData (and no secretGenerator) in the repository: secrets come by reference',
  'policy/placeholder-repo-url': 'No placeholder repository URL left in Argo CD manifests or cp-gitops.yaml',
};

const CFK_GROUP = 'platform.confluent.io/';
const BROKER_KINDS = new Set(['Kafka']);
const CONTROLLER_KINDS = new Set(['KRaftController', 'Zookeeper']);
/** The CFK kinds that run pods (the others, such as KafkaTopic or KafkaRestClass, are API objects). */
const COMPONENT_KINDS = new Set(['Kafka', 'KRaftController', 'Zookeeper', 'SchemaRegistry', 'Connect', 'KsqlDB', 'ControlCenter', 'KafkaRestProxy']);
const MIN_PROD_REPLICAS = 3;
const MIN_INSYNC = 'min.insync.replicas';
const REPLICATION_FACTOR = 'default.replication.factor';
/** Kafka's own default for both settings when configOverrides does not set them. */
const KAFKA_DEFAULT = 1;

export const policyRules: RuleFamily = (context: RuleContext): Violation[] => {
  const facts = modelFacts(context.sources);
  return [...builtResourceRules(context.builds, facts), ...plaintextSecrets(context.sources), ...placeholderRepoUrls(context.sources)];
};

/** prod-like: the model says size large or the name is prod; an overlay the model does not know counts by its name. */
export function isProdLike(overlayDir: string, facts: ModelFacts | undefined): boolean {
  const env = facts?.environments.find((candidate) => layout.overlayDir(candidate.name) === overlayDir);
  if (env) return env.size === 'large' || splitKafkaClusterKey(env.name).environment === 'prod';
  return overlayDir.split('/')[1] === 'prod';
}

// ---------------------------------------------------------------------------------------------------
// Rules on built resources

interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly document: SourceDocument;
  readonly path: YamlPath;
  /** Without the overlay: the same base value found through several overlays is one violation. */
  readonly message: string;
  readonly fix: string;
}

function builtResourceRules(builds: ReadonlyMap<string, KustomizationBuild>, facts: ModelFacts | undefined): Violation[] {
  const merged = new Map<string, { violation: Omit<Violation, 'message'>; message: string; overlays: string[] }>();
  for (const [dir, build] of [...builds].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const prod = isProdLike(dir, facts);
    const kafka = brokersOf(build);
    const insecureAllowed = facts?.environments.find((candidate) => layout.overlayDir(candidate.name) === dir)?.allowInsecure === true;
    for (const resource of build.resources) {
      for (const finding of [
        ...resourceFindings(resource, prod, build),
        ...(kafka ? replicationFactorFindings(resource, build, kafka) : []),
        ...duplicateKeyFindings(resource),
        ...staticQuorumFindings(resource),
        ...dynamicQuorumVersionFindings(resource),
        ...(insecureAllowed ? [] : exposureFindings(resource)),
      ]) {
        const where = locate(finding.document, finding.path);
        const key = [finding.rule, where.file, where.line, where.column, finding.message].join('\u0000');
        const entry = merged.get(key);
        if (entry) {
          if (!entry.overlays.includes(dir)) entry.overlays.push(dir);
        } else {
          merged.set(key, { violation: { rule: finding.rule, severity: finding.severity, ...where, fix: finding.fix }, message: finding.message, overlays: [dir] });
        }
      }
    }
  }
  return [...merged.values()].map(({ violation, message, overlays }) => ({ ...violation, message: `${message} (in ${overlays.join(', ')})` }));
}

/**
 * Where to report a production setting that is absent: the overlay's own patch of the resource (where
 * the environment's settings live and the fix belongs), else wherever blame leads (the base).
 */
function absentAt(resource: BuiltResource, build: KustomizationBuild, pointer: string): SourceRef {
  const own = build.patches.filter(
    (patch) =>
      patch.kind === 'strategic-merge' &&
      patch.kustomization.file.startsWith(`${build.dir}/`) &&
      patch.targets.some((target) => target.kind === resource.originalId.kind && target.name === resource.originalId.name),
  );
  const patch = own[own.length - 1];
  if (!patch) return blameOf(resource, pointer);
  return { document: patch.document, path: pointer.slice(1).split('/').map(unescapePointer) };
}

function resourceFindings(resource: BuiltResource, prod: boolean, build: KustomizationBuild): Finding[] {
  const object = resource.object;
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
  const kind = typeof object.kind === 'string' ? object.kind : '';
  if (!apiVersion.startsWith(CFK_GROUP)) return [];
  const spec = isPlainObject(object.spec) ? object.spec : {};
  const subject = `${kind} "${resource.originalId.name}"`;
  const findings: Finding[] = [];
  const report = (ref: SourceRef, rule: string, message: string, fix: string) => findings.push({ rule, severity: 'error', document: ref.document, path: ref.path, message, fix });
  /** A value that is there but wrong: blamed on whatever set it. */
  const add = (rule: string, pointer: string, message: string, fix: string) => report(blameOf(resource, pointer), rule, message, fix);
  /** A production setting that is missing: on the overlay's own patch. */
  const addAbsent = (rule: string, pointer: string, message: string, fix: string) => report(absentAt(resource, build, pointer), rule, message, fix);

  if (prod && (BROKER_KINDS.has(kind) || CONTROLLER_KINDS.has(kind))) {
    const broker = BROKER_KINDS.has(kind);
    const rule = broker ? 'policy/prod-broker-replicas' : 'policy/prod-controller-replicas';
    const what = broker ? 'brokers' : kind === 'Zookeeper' ? 'ZooKeeper servers' : 'KRaft controllers';
    const replicas = spec.replicas;
    if (replicas === undefined) {
      addAbsent(rule, '/spec/replicas', `${subject} sets no spec.replicas in a production environment`, `set spec.replicas to ${MIN_PROD_REPLICAS} or more`);
    } else if (typeof replicas === 'number' && replicas < MIN_PROD_REPLICAS) {
      const why = broker ? 'a broker restart or loss must not stop writes' : 'the quorum must survive losing one of them';
      add(rule, '/spec/replicas', `${subject} runs ${replicas} ${what} in a production environment: ${why}`, `set spec.replicas to ${MIN_PROD_REPLICAS} or more`);
    }
    const pdb = isPlainObject(spec.pdb) ? spec.pdb : undefined;
    if (pdb === undefined || pdb.enabled === undefined) {
      addAbsent('policy/prod-pdb', '/spec/pdb/enabled', `${subject} has no PodDisruptionBudget in a production environment: a node drain can take down several ${what} at once`, 'set spec.pdb.enabled: true and spec.pdb.maxUnavailable: 1');
    } else if (pdb.enabled !== true) {
      add(
        'policy/prod-pdb',
        '/spec/pdb/enabled',
        `${subject} has no PodDisruptionBudget in a production environment: a node drain can take down several ${what} at once`,
        'set spec.pdb.enabled: true and spec.pdb.maxUnavailable: 1',
      );
    }
    if (broker) findings.push(...replicationFindings(resource, build, spec, subject));
  }

  const images = imageFields(spec);
  for (const { pointer, image } of images) {
    const problem = unpinned(image);
    if (problem) {
      add('policy/image-tag', pointer, `${subject} uses image "${image}", ${problem}: every sync may run a different version`, 'pin a version tag (for example :8.2.0) or a digest (@sha256:…)');
    }
  }

  if (COMPONENT_KINDS.has(kind)) {
    const memory = pathValue(spec, ['podTemplate', 'resources', 'requests', 'memory']);
    if (memory === undefined || memory === null || memory === '') {
      add(
        'policy/memory-request',
        '/spec/podTemplate/resources/requests/memory',
        `${subject} sets no podTemplate.resources.requests.memory: CFK sizes the JVM heap from it, and the scheduler cannot place the pod sensibly`,
        'set spec.podTemplate.resources.requests.memory (and the same limits.memory), for example 4Gi',
      );
    }
  }
  return findings;
}

/**
 * A hand edit of an overlay that publishes Kafka (listeners.external.externalAccess) without
 * authentication on that listener: the same refusal the model check gives cp-gitops.yaml (issue 11).
 */
function exposureFindings(resource: BuiltResource): Finding[] {
  const object = resource.object;
  if (object.kind !== 'Kafka' || typeof object.apiVersion !== 'string' || !object.apiVersion.startsWith(CFK_GROUP)) return [];
  const external = pathValue(isPlainObject(object.spec) ? object.spec : {}, ['listeners', 'external']);
  if (!isPlainObject(external) || !isPlainObject(external.externalAccess) || isPlainObject(external.authentication)) return [];
  const ref = blameOf(resource, '/spec/listeners/external/externalAccess');
  return [
    {
      rule: 'policy/external-authentication',
      severity: 'error',
      document: ref.document,
      path: ref.path,
      message: `Kafka "${resource.originalId.name}" is exposed outside the cluster (listeners.external.externalAccess) without authentication on its external listener: anyone who reaches the address can produce, consume and delete topics`,
      fix: 'set authentication.kafka=mtls (with tls.mode=auto) or plain with TLS in cp-gitops.yaml and regenerate, or add listeners.external.authentication; or, for a lab only, set security.allowInsecure=true',
    },
  ];
}

/** min.insync.replicas ≥ 2 and < default.replication.factor, from configOverrides.server (last entry wins, as in a properties file). */
function replicationFindings(resource: BuiltResource, build: KustomizationBuild, spec: PlainObject, subject: string): Finding[] {
  const server = pathValue(spec, ['configOverrides', 'server']);
  const entries = Array.isArray(server) ? server : [];
  const setting = (name: string) => {
    let found: { index: number; value: number | undefined; raw: string } | undefined;
    entries.forEach((entry, index) => {
      if (typeof entry !== 'string') return;
      const separator = entry.indexOf('=');
      if (separator < 0 || entry.slice(0, separator).trim() !== name) return;
      const raw = entry.slice(separator + 1).trim();
      found = { index, value: /^\d+$/.test(raw) ? Number(raw) : undefined, raw };
    });
    return found;
  };
  const minInsync = setting(MIN_INSYNC);
  const factor = setting(REPLICATION_FACTOR);
  const serverPointer = '/spec/configOverrides/server';
  const ref = minInsync ? blameOf(resource, `${serverPointer}/${minInsync.index}`) : entries.length > 0 ? blameOf(resource, serverPointer) : absentAt(resource, build, serverPointer);
  const finding = (message: string, fix: string): Finding => ({ rule: 'policy/min-insync-replicas', severity: 'error', document: ref.document, path: ref.path, message, fix });
  if (minInsync && minInsync.value === undefined) {
    return [finding(`${subject} sets ${MIN_INSYNC}=${minInsync.raw}, which is not a number`, `set ${MIN_INSYNC}=2 in spec.configOverrides.server`)];
  }
  const minValue = minInsync?.value ?? KAFKA_DEFAULT;
  if (minValue < 2) {
    const what = minInsync ? `sets ${MIN_INSYNC}=${minValue}` : `does not set ${MIN_INSYNC} (Kafka's default is ${KAFKA_DEFAULT})`;
    return [finding(`${subject} ${what} in a production environment: an acknowledged write may live on one broker only`, `set ${MIN_INSYNC}=2 in spec.configOverrides.server`)];
  }
  const fix = `set ${REPLICATION_FACTOR} above ${MIN_INSYNC} (for example ${REPLICATION_FACTOR}=3 and ${MIN_INSYNC}=2) in spec.configOverrides.server`;
  if (!factor) {
    return [finding(`${subject} sets ${MIN_INSYNC}=${minValue} but not ${REPLICATION_FACTOR}: Kafka's own default is ${KAFKA_DEFAULT}, under which writes with acks=all fail`, fix)];
  }
  if (factor.value !== undefined && minValue >= factor.value) {
    return [finding(`${subject} sets ${MIN_INSYNC}=${minValue} with ${REPLICATION_FACTOR}=${factor.value}: with one replica down, writes with acks=all fail`, fix)];
  }
  return [];
}

// ---------------------------------------------------------------------------------------------------
// Replication against the broker count, and one line per configOverrides key (every environment)

interface Brokers {
  readonly count: number;
  readonly name: string;
}

/** The Kafka cluster of an overlay: its name and spec.replicas (undefined without a Kafka, or replicas not a number). */
function brokersOf(build: KustomizationBuild): Brokers | undefined {
  const kafka = build.resources.find((resource) => resource.object.kind === 'Kafka' && typeof resource.object.apiVersion === 'string' && resource.object.apiVersion.startsWith(CFK_GROUP));
  const replicas = kafka && isPlainObject(kafka.object.spec) ? kafka.object.spec.replicas : undefined;
  return kafka && typeof replicas === 'number' ? { count: replicas, name: kafka.originalId.name } : undefined;
}

/**
 * Every replication factor of the overlay's CFK resources against its brokers: configOverrides.server
 * lines of every component, KafkaTopic spec.replicas, KsqlDB spec.internalTopicReplicationFactor, and
 * the internal topics a component needs whose default (3) is above the brokers.
 */
function replicationFactorFindings(resource: BuiltResource, build: KustomizationBuild, brokers: Brokers): Finding[] {
  const object = resource.object;
  if (typeof object.apiVersion !== 'string' || !object.apiVersion.startsWith(CFK_GROUP) || typeof object.kind !== 'string') return [];
  const kind = object.kind;
  const spec = isPlainObject(object.spec) ? object.spec : {};
  const subject = `${kind} "${resource.originalId.name}"`;
  const have = `${brokers.count} broker${brokers.count === 1 ? '' : 's'} (spec.replicas of Kafka "${brokers.name}")`;
  const more = (wanted: number) => `or run ${wanted} brokers or more (cp-gitops scale kafka --replicas ${wanted})`;
  const findings: Finding[] = [];
  const report = (ref: SourceRef, message: string, fix: string) => findings.push({ rule: 'policy/replication-factor', severity: 'error', document: ref.document, path: ref.path, message, fix });
  const server = pathValue(spec, ['configOverrides', 'server']);
  const lines = Array.isArray(server) ? server : [];
  lines.forEach((line, index) => {
    const setting = typeof line === 'string' ? parseServerLine(line) : undefined;
    if (!setting || !/^\d+$/.test(setting.value)) return;
    const value = Number(setting.value);
    const at = blameOf(resource, `/spec/configOverrides/server/${index}`);
    if (isMinInsyncKey(setting.key) && value > maxMinInsync(brokers.count)) {
      report(at, `${subject} sets ${setting.key}=${value} with ${have}: with one broker down, writes with acks=all fail`, `set ${setting.key}=${maxMinInsync(brokers.count)} or less, ${more(value + 1)}`);
    } else if (isReplicationFactorKey(setting.key) && value > maxReplicationFactor(brokers.count)) {
      report(at, `${subject} sets ${setting.key}=${value} with ${have}: Kafka cannot place ${value} replicas, so creating these topics fails`, `set ${setting.key}=${maxReplicationFactor(brokers.count)} or less, ${more(value)}`);
    }
  });
  const legacyControlCenter = kind === 'ControlCenter' && !isPlainObject(spec.services);
  if (brokers.count < INTERNAL_TOPIC_DEFAULT_FACTOR) {
    for (const key of internalTopicKeys(kind, legacyControlCenter)) {
      if (kind === 'Kafka' || serverValue(lines, key) !== undefined) continue; // CFK sets the broker's own below 3 brokers
      report(
        absentAt(resource, build, '/spec/configOverrides/server'),
        `${subject} does not set ${key}, whose default ${INTERNAL_TOPIC_DEFAULT_FACTOR} is above ${have}: creating its internal topic fails`,
        `add ${key}=${maxReplicationFactor(brokers.count)} to spec.configOverrides.server, ${more(INTERNAL_TOPIC_DEFAULT_FACTOR)}`,
      );
    }
  }
  if (kind === 'KafkaTopic' && typeof spec.replicas === 'number' && spec.replicas > maxReplicationFactor(brokers.count)) {
    report(blameOf(resource, '/spec/replicas'), `${subject} asks for ${spec.replicas} replicas with ${have}: CFK cannot create the topic`, `set spec.replicas to ${maxReplicationFactor(brokers.count)} or less (the topic's replicas in cp-gitops.yaml), ${more(spec.replicas)}`);
  }
  if (kind === 'KsqlDB') {
    const factor = spec[KSQLDB_FACTOR_FIELD];
    if (typeof factor === 'number' ? factor > maxReplicationFactor(brokers.count) : brokers.count < INTERNAL_TOPIC_DEFAULT_FACTOR) {
      const ref = typeof factor === 'number' ? blameOf(resource, `/spec/${KSQLDB_FACTOR_FIELD}`) : absentAt(resource, build, `/spec/${KSQLDB_FACTOR_FIELD}`);
      const what = typeof factor === 'number' ? `sets ${KSQLDB_FACTOR_FIELD}: ${factor}` : `does not set ${KSQLDB_FACTOR_FIELD} (CFK's default is ${INTERNAL_TOPIC_DEFAULT_FACTOR})`;
      report(ref, `${subject} ${what} with ${have}: ksqlDB cannot create its internal topics`, `set spec.${KSQLDB_FACTOR_FIELD}: ${maxReplicationFactor(brokers.count)}, ${more(typeof factor === 'number' ? factor : INTERNAL_TOPIC_DEFAULT_FACTOR)}`);
    }
  }
  return findings;
}

/**
 * A KRaftController without spec.dynamicQuorumConfig.enabled runs a static quorum: CFK writes every
 * controller into controller.quorum.voters, and KRaft cannot change that set in place (KIP-853 needs
 * kraft.version 1, a dynamic quorum). The generator records the size in an annotation; a spec.replicas
 * that differs from it is a hand edit that would break the quorum.
 */
function staticQuorumFindings(resource: BuiltResource): Finding[] {
  const object = resource.object;
  if (object.kind !== 'KRaftController' || typeof object.apiVersion !== 'string' || !object.apiVersion.startsWith(CFK_GROUP)) return [];
  const annotations = isPlainObject(object.metadata) && isPlainObject(object.metadata.annotations) ? object.metadata.annotations : {};
  const recorded = annotations[annotationKeys.staticQuorumVoters];
  const spec = isPlainObject(object.spec) ? object.spec : {};
  const dynamic = isPlainObject(spec.dynamicQuorumConfig) && spec.dynamicQuorumConfig.enabled === true;
  if (dynamic || typeof recorded !== 'string' || !/^\d+$/.test(recorded) || typeof spec.replicas !== 'number' || spec.replicas === Number(recorded)) return [];
  const ref = blameOf(resource, '/spec/replicas');
  return [
    {
      rule: 'policy/static-quorum-size',
      severity: 'error',
      document: ref.document,
      path: ref.path,
      message: `KRaftController "${resource.originalId.name}" runs ${spec.replicas} controllers, but its static quorum (controller.quorum.voters) was created with ${recorded} (${annotationKeys.staticQuorumVoters}): the voter set of a running static quorum cannot change in place`,
      fix: `set spec.replicas back to ${recorded}; to resize the quorum, migrate it to a dynamic quorum first (kafka-features upgrade --feature kraft.version=1, then cp-gitops set kraft.quorum=migrated; see docs/decisions.md 19)`,
    },
  ];
}

/** KIP-853 dynamic quorums start with CP 7.9: an older cp-server with dynamicQuorumConfig does not form a quorum. */
function dynamicQuorumVersionFindings(resource: BuiltResource): Finding[] {
  const object = resource.object;
  if (object.kind !== 'KRaftController' || typeof object.apiVersion !== 'string' || !object.apiVersion.startsWith(CFK_GROUP)) return [];
  const spec = isPlainObject(object.spec) ? object.spec : {};
  if (!isPlainObject(spec.dynamicQuorumConfig) || spec.dynamicQuorumConfig.enabled !== true) return [];
  const image = isPlainObject(spec.image) && typeof spec.image.application === 'string' ? spec.image.application : '';
  const tag = /:(\d+\.\d+\.\d+)(?:[^:/]*)$/.exec(image)?.[1];
  if (!tag || atLeast(tag, DYNAMIC_QUORUM_MIN_CP)) return [];
  const ref = blameOf(resource, '/spec/dynamicQuorumConfig/enabled');
  return [
    {
      rule: 'policy/dynamic-quorum-version',
      severity: 'error',
      document: ref.document,
      path: ref.path,
      message: `KRaftController "${resource.originalId.name}" enables a dynamic quorum on ${image}: KIP-853 dynamic quorums need Confluent Platform 7.9 or later`,
      fix: 'remove spec.dynamicQuorumConfig (kraft.quorum: static in cp-gitops.yaml), or upgrade Confluent Platform first',
    },
  ];
}

/** A key on two lines of configOverrides.server: reported at the later line (the one that wins). */
function duplicateKeyFindings(resource: BuiltResource): Finding[] {
  const object = resource.object;
  if (typeof object.apiVersion !== 'string' || !object.apiVersion.startsWith(CFK_GROUP)) return [];
  const server = isPlainObject(object.spec) ? pathValue(object.spec, ['configOverrides', 'server']) : undefined;
  if (!Array.isArray(server)) return [];
  const subject = `${String(object.kind)} "${resource.originalId.name}"`;
  return duplicateServerKeys(server).map(({ key, index, first }) => {
    const ref = blameOf(resource, `/spec/configOverrides/server/${index}`);
    return {
      rule: 'policy/duplicate-config-key',
      severity: 'error' as const,
      document: ref.document,
      path: ref.path,
      message: `${subject} sets ${key} twice in configOverrides.server (entries ${first + 1} and ${index + 1}): the component silently takes "${parseServerLine(String(server[index]))!.value}", and a reviewer may read the other`,
      fix: `keep one ${key}= line (cp-gitops config … set ${key}=<value> replaces a key in place)`,
    };
  });
}

/** spec.image.application / init and spec.services.<name>.image (Control Center next-gen). */
function imageFields(spec: PlainObject): { pointer: string; image: string }[] {
  const found: { pointer: string; image: string }[] = [];
  const image = isPlainObject(spec.image) ? spec.image : {};
  for (const field of ['application', 'init']) {
    if (typeof image[field] === 'string') found.push({ pointer: `/spec/image/${field}`, image: image[field] as string });
  }
  const services = isPlainObject(spec.services) ? spec.services : {};
  for (const [name, service] of Object.entries(services)) {
    if (isPlainObject(service) && typeof service.image === 'string') found.push({ pointer: `/spec/services/${escapePointer(name)}/image`, image: service.image });
  }
  return found;
}

/** Why an image reference is not pinned, or undefined when it is (a tag other than latest, or a digest). */
export function unpinned(image: string): string | undefined {
  if (image.includes('@')) return undefined;
  // The tag follows the last colon after the last slash; a colon before it is a registry port.
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  if (colon < 0) return 'which has no tag (so it means latest)';
  const tag = lastSegment.slice(colon + 1);
  if (tag === '') return 'which has an empty tag';
  if (tag === 'latest') return 'tagged latest';
  return undefined;
}

function pathValue(object: PlainObject, path: readonly string[]): unknown {
  let node: unknown = object;
  for (const key of path) {
    if (!isPlainObject(node)) return undefined;
    node = node[key];
  }
  return node;
}

// ---------------------------------------------------------------------------------------------------
// Repository-wide rules on the sources

const SECRET_FIELDS = ['data', 'stringData'] as const;
const GENERATOR_SOURCES = ['literals', 'files', 'envs'] as const;

/** Every YAML document of the repository: a Secret carrying values, or a secretGenerator that makes one. */
function plaintextSecrets(sources: SourceSet): Violation[] {
  const violations: Violation[] = [];
  for (const file of sources.yaml.values()) {
    for (const document of file.documents) {
      const value = document.value;
      if (!isPlainObject(value)) continue;
      // A `kind: List` (what kubectl get -o yaml prints) is applied item by item: each item counts.
      const items = typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items) ? value.items : [];
      violations.push(...secretFindings(document, value, []));
      items.forEach((item, index) => {
        if (isPlainObject(item)) violations.push(...secretFindings(document, item, ['items', index]));
      });
      // A Component's generators are merged into every overlay that uses it: the same rule.
      if (value.kind === 'Kustomization' || value.kind === 'Component') violations.push(...generatorFindings(document, value));
    }
  }
  return violations;
}

function secretFindings(document: SourceDocument, value: PlainObject, at: YamlPath): Violation[] {
  // SOPS-encrypted Secrets carry a top-level `sops` block: their values are ciphertext.
  if (value.kind !== 'Secret' || (value.apiVersion !== undefined && value.apiVersion !== 'v1') || value.sops !== undefined) return [];
  return SECRET_FIELDS.filter((field) => hasContent(value[field])).map((field) => ({
    rule: 'policy/plaintext-secret',
    severity: 'error',
    ...locate(document, [...at, field], { key: true }),
    message: `Secret "${secretName(value)}" carries its values in ${field}: anyone who can read the repository can read them (base64 is not encryption)`,
    fix: 'remove the Secret from the repository and create it in the cluster (External Secrets, Sealed Secrets, SOPS, or kubectl create secret); reference it by name',
  }));
}

function generatorFindings(document: SourceDocument, value: PlainObject): Violation[] {
  const violations: Violation[] = [];
  const generators = (key: string) => (Array.isArray(value[key]) ? (value[key] as unknown[]) : []);
  generators('secretGenerator').forEach((generator, index) => {
    if (!isPlainObject(generator)) return;
    for (const source of GENERATOR_SOURCES) {
      if (!hasContent(generator[source])) continue;
      violations.push({
        rule: 'policy/plaintext-secret',
        severity: 'error',
        ...locate(document, ['secretGenerator', index, source], { key: true }),
        message: `secretGenerator "${typeof generator.name === 'string' ? generator.name : index}" builds a Secret from ${source} kept in the repository`,
        fix: 'create the Secret in the cluster (External Secrets, Sealed Secrets, SOPS, or kubectl create secret) and reference it by name',
      });
    }
  });
  // A ConfigMap is no place for a password either: its literals are checked like `cp-gitops config` settings.
  generators('configMapGenerator').forEach((generator, index) => {
    if (!isPlainObject(generator) || !Array.isArray(generator.literals)) return;
    generator.literals.forEach((literal, literalIndex) => {
      if (typeof literal !== 'string') return;
      const split = literal.indexOf('=');
      const key = split === -1 ? literal : literal.slice(0, split);
      const problem = secretSettingProblem(key, split === -1 ? '' : literal.slice(split + 1));
      if (!problem) return;
      violations.push({
        rule: 'policy/plaintext-secret',
        severity: 'error',
        ...locate(document, ['configMapGenerator', index, 'literals', literalIndex]),
        message: `configMapGenerator "${typeof generator.name === 'string' ? generator.name : index}": ${problem}, kept in the repository in plain text`,
        fix: 'create a Secret in the cluster (External Secrets, Sealed Secrets, SOPS, or kubectl create secret) and reference it by name',
      });
    });
  });
  return violations;
}

function hasContent(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (isPlainObject(value)) return Object.keys(value).length > 0;
  return value !== undefined && value !== null && value !== '';
}

function secretName(value: PlainObject): string {
  return isPlainObject(value.metadata) && typeof value.metadata.name === 'string' ? value.metadata.name : '(unnamed)';
}

/** Argo CD Applications, ApplicationSets and AppProjects anywhere in the repository, and cp-gitops.yaml. */
function placeholderRepoUrls(sources: SourceSet): Violation[] {
  const violations: Violation[] = [];
  // The message names no file or resource: the same URL everywhere is one finding with many places.
  const flag = (document: SourceDocument, path: YamlPath, url: string) => {
    violations.push({
      rule: 'policy/placeholder-repo-url',
      severity: 'warning',
      ...locate(document, path),
      message: `placeholder repository URL ${url}: Argo CD cannot pull from it`,
      fix: `replace ${url} with the real Git URL here and everywhere else (repoURL in ${MODEL_FILE}, sourceRepos and repoURL under argocd/)`,
    });
  };
  for (const file of sources.yaml.values()) {
    for (const document of file.documents) {
      const value = document.value;
      if (!isPlainObject(value)) continue;
      if (file.path === MODEL_FILE && typeof value.repoURL === 'string' && isPlaceholderUrl(value.repoURL)) {
        flag(document, ['repoURL'], value.repoURL);
        continue;
      }
      if (typeof value.apiVersion !== 'string' || !value.apiVersion.startsWith('argoproj.io/') || !isPlainObject(value.spec)) continue;
      for (const { path, url } of repoUrls(value.kind, value.spec)) {
        if (isPlaceholderUrl(url)) flag(document, path, url);
      }
    }
  }
  return violations;
}

function repoUrls(kind: unknown, spec: PlainObject): { path: YamlPath; url: string }[] {
  const found: { path: YamlPath; url: string }[] = [];
  const fromSources = (applicationSpec: unknown, prefix: YamlPath) => {
    if (!isPlainObject(applicationSpec)) return;
    const source = applicationSpec.source;
    if (isPlainObject(source) && typeof source.repoURL === 'string') found.push({ path: [...prefix, 'source', 'repoURL'], url: source.repoURL });
    if (Array.isArray(applicationSpec.sources)) {
      applicationSpec.sources.forEach((entry, index) => {
        if (isPlainObject(entry) && typeof entry.repoURL === 'string') found.push({ path: [...prefix, 'sources', index, 'repoURL'], url: entry.repoURL });
      });
    }
  };
  if (kind === 'Application') fromSources(spec, ['spec']);
  if (kind === 'ApplicationSet' && isPlainObject(spec.template)) fromSources(spec.template.spec, ['spec', 'template', 'spec']);
  if (kind === 'AppProject' && Array.isArray(spec.sourceRepos)) {
    spec.sourceRepos.forEach((url, index) => {
      if (typeof url === 'string') found.push({ path: ['spec', 'sourceRepos', index], url });
    });
  }
  return found;
}

/** https://git.example.com/…, ssh://git@git.example.com/…, git@git.example.com:… */
export function isPlaceholderUrl(url: string): boolean {
  const match = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[^@/]+@)?([^/:]+)/i.exec(url.trim());
  return match !== null && match[1]!.toLowerCase() === PLACEHOLDER_REPO_HOST;
}
