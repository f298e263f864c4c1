import type { JsonSchema } from '../json-schema.js';
import { APP_PROJECT, APPLICATION, ARGOCD_API_VERSION } from './argocd.js';
import { CFK_API_VERSION, CONNECT, CONTROL_CENTER, KAFKA, KAFKA_REST_CLASS, KAFKA_REST_PROXY, KAFKA_TOPIC, KRAFT_CONTROLLER, KSQLDB, SCHEMA_REGISTRY, ZOOKEEPER } from './cfk.js';

export interface BuiltinSchema {
  readonly apiVersion: string;
  readonly kind: string;
  /** The full form; the patch form is derived from it (patchForm). */
  readonly schema: JsonSchema;
}

/** The kinds cp-gitops knows without any imported schema, in a fixed order (the build script's output order). */
export const BUILTIN_SCHEMAS: readonly BuiltinSchema[] = [
  { apiVersion: CFK_API_VERSION, kind: 'KRaftController', schema: KRAFT_CONTROLLER },
  { apiVersion: CFK_API_VERSION, kind: 'Zookeeper', schema: ZOOKEEPER },
  { apiVersion: CFK_API_VERSION, kind: 'Kafka', schema: KAFKA },
  { apiVersion: CFK_API_VERSION, kind: 'KafkaRestClass', schema: KAFKA_REST_CLASS },
  { apiVersion: CFK_API_VERSION, kind: 'SchemaRegistry', schema: SCHEMA_REGISTRY },
  { apiVersion: CFK_API_VERSION, kind: 'Connect', schema: CONNECT },
  { apiVersion: CFK_API_VERSION, kind: 'KsqlDB', schema: KSQLDB },
  { apiVersion: CFK_API_VERSION, kind: 'ControlCenter', schema: CONTROL_CENTER },
  { apiVersion: CFK_API_VERSION, kind: 'KafkaRestProxy', schema: KAFKA_REST_PROXY },
  { apiVersion: CFK_API_VERSION, kind: 'KafkaTopic', schema: KAFKA_TOPIC },
  { apiVersion: ARGOCD_API_VERSION, kind: 'Application', schema: APPLICATION },
  { apiVersion: ARGOCD_API_VERSION, kind: 'AppProject', schema: APP_PROJECT },
];
