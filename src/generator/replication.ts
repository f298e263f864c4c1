/**
 * Replication factors follow the broker count. A topic (internal ones included) cannot have more
 * replicas than there are brokers: its creation fails, and with it the component that needs it
 * (Schema Registry's _schemas, Connect's config/offset/status topics, __consumer_offsets, …). And
 * min.insync.replicas must stay below the broker count, or one broker down stops every acks=all write.
 * Pure data and arithmetic, shared by the generator, the day-2 plans and the validator.
 */
import { parseServerLine } from './server-config.js';

export const MIN_INSYNC_REPLICAS = 'min.insync.replicas';
export const DEFAULT_REPLICATION_FACTOR = 'default.replication.factor';

/** What Kafka and Confluent Platform default the internal topics' replication to. */
const PLATFORM_DEFAULT_FACTOR = 3;

/**
 * Internal topics whose replication factor defaults to 3, per CFK kind: the broker's (Kafka and
 * Confluent Server documentation, and Confluent's single-node CFK example
 * quickstart-deploy/confluent-platform-singlenode.yaml), Schema Registry's _schemas, Connect's three
 * storage topics, and the legacy Control Center's (CP 7). Control Center next-gen keeps its data in
 * Prometheus; ksqlDB's come from spec.internalTopicReplicationFactor (KSQLDB_FACTOR_FIELD).
 */
export const INTERNAL_TOPIC_FACTORS: Readonly<Record<string, readonly string[]>> = {
  Kafka: [
    'offsets.topic.replication.factor',
    'transaction.state.log.replication.factor',
    'confluent.license.topic.replication.factor',
    'confluent.metadata.topic.replication.factor',
    'confluent.balancer.topic.replication.factor',
    'confluent.tier.metadata.replication.factor',
    'confluent.cluster.link.metadata.topic.replication.factor',
    'confluent.metrics.reporter.topic.replicas',
    'confluent.security.event.logger.exporter.kafka.topic.replicas',
    'event.logger.exporter.kafka.topic.replicas',
  ],
  SchemaRegistry: ['kafkastore.topic.replication.factor'],
  Connect: ['config.storage.replication.factor', 'offset.storage.replication.factor', 'status.storage.replication.factor'],
  ControlCenterLegacy: [
    'confluent.controlcenter.internal.topics.replication',
    'confluent.controlcenter.command.topic.replication',
    'confluent.controlcenter.replication.factor',
    'confluent.metrics.topic.replication',
    'confluent.monitoring.interceptor.topic.replication',
    'confluent.metrics.reporter.topic.replicas',
  ],
};

/** The KsqlDB field CFK derives ksqlDB's internal and Streams topics' replication from. */
export const KSQLDB_FACTOR_FIELD = 'internalTopicReplicationFactor';

/** Min-ISR settings of internal topics that default to 2 (the transaction log's). */
const INTERNAL_MIN_ISR: Readonly<Record<string, readonly string[]>> = { Kafka: ['transaction.state.log.min.isr'] };

/** A setting that is a replication factor (a topic's number of replicas). */
export function isReplicationFactorKey(key: string): boolean {
  if (isMinInsyncKey(key) || key.includes('standby')) return false;
  return /(?:^|\.)(?:replication\.factor|replicas|replication)$/.test(key);
}

/** A setting that is a minimum in-sync replica count. */
export function isMinInsyncKey(key: string): boolean {
  return key.endsWith(MIN_INSYNC_REPLICAS) || key.endsWith('.min.isr');
}

/** The highest replication factor a cluster of `brokers` can create topics with. */
export function maxReplicationFactor(brokers: number): number {
  return Math.max(1, brokers);
}

/** The highest min.insync.replicas that survives one broker down (1 for a single broker). */
export function maxMinInsync(brokers: number): number {
  return Math.max(1, brokers - 1);
}

/**
 * The size profile's broker settings for `brokers` brokers: replication factors no higher than the
 * brokers, min-ISR settings below them. With fewer brokers than the internal topics' default of 3,
 * the internal topics' factors are written too (for `kind`, the CFK kind these lines go to).
 */
export function replicationLines(kind: string, brokers: number, profileLines: readonly string[], legacyControlCenter = false): string[] {
  const lines = profileLines.map((line) => clampLine(line, brokers));
  if (brokers >= PLATFORM_DEFAULT_FACTOR) return lines;
  const keys = internalTopicKeys(kind, legacyControlCenter);
  const present = new Set(lines.map((line) => parseServerLine(line)?.key));
  for (const key of keys) if (!present.has(key)) lines.push(`${key}=${maxReplicationFactor(brokers)}`);
  for (const key of INTERNAL_MIN_ISR[kind] ?? []) if (!present.has(key)) lines.push(`${key}=${maxMinInsync(brokers)}`);
  return lines;
}

/** The internal topics' replication keys of a kind (each defaults to INTERNAL_TOPIC_DEFAULT_FACTOR). */
export function internalTopicKeys(kind: string, legacyControlCenter: boolean): readonly string[] {
  return INTERNAL_TOPIC_FACTORS[kind === 'ControlCenter' ? (legacyControlCenter ? 'ControlCenterLegacy' : '') : kind] ?? [];
}

export const INTERNAL_TOPIC_DEFAULT_FACTOR = PLATFORM_DEFAULT_FACTOR;

function clampLine(line: string, brokers: number): string {
  const setting = parseServerLine(line);
  if (!setting || !/^\d+$/.test(setting.value)) return line;
  const value = Number(setting.value);
  const limit = isMinInsyncKey(setting.key) ? maxMinInsync(brokers) : isReplicationFactorKey(setting.key) ? maxReplicationFactor(brokers) : undefined;
  return limit !== undefined && value > limit ? `${setting.key}=${limit}` : line;
}
