import { COMPONENT_NAMES, CONTROLLER_MODES, GIT_PROVIDERS, MODEL_API_VERSION, MODEL_KIND, SIZE_PROFILES } from './types.js';
import { DNS1123_LABEL, MAX_ENV_NAME, MAX_KAFKA_CLUSTER_NAME, MAX_NAMESPACE, MAX_PLATFORM_NAME } from './names.js';
import { OPTIONS_SCHEMA } from './options-schema.js';

/** Kafka's legal topic characters; "." and ".." alone are not topics. */
export const TOPIC_NAME = '^(?!\\.{1,2}$)[a-zA-Z0-9._-]+$';
/** Integer quantities (and millicores) only: what canonicalQuantity writes back. */
export const QUANTITY_PATTERN = '^\\d+(m|Ki|Mi|Gi|Ti|k|M|G|T)?$';
const QUANTITY_FIELD = { type: 'string', pattern: QUANTITY_PATTERN } as const;
/** A CFK kind, e.g. Kafka, KRaftController. */
const KIND_NAME = '^[A-Z][A-Za-z]+$';
/** key=value, as configOverrides.server takes it. */
export const CONFIG_LINE = '^[A-Za-z0-9._-]+=.*$';
/** owner/name as GitHub spells them (the same rule as --github). */
export const GITHUB_REPOSITORY = '^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$';
/** A GitLab project's full path: a group, any subgroups, the project (GitLab's path characters). */
export const GITLAB_PROJECT_PATH = '^[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)+$';
const SEMVER = '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)$';

/** The platform's versions, and an environment's own (all optional there). */
const VERSION_PROPERTIES = {
  confluentPlatform: { type: 'string', pattern: SEMVER },
  operator: { type: 'string', pattern: SEMVER },
  operatorChart: { type: 'string', pattern: SEMVER },
  controlCenter: { type: 'string', pattern: SEMVER },
} as const;

const COMPONENTS_SCHEMA = { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...COMPONENT_NAMES] } } as const;

/** Sizes over the profile, per CFK kind (set by `cp-gitops scale`). */
const OVERRIDES_SCHEMA = {
  type: 'object',
  minProperties: 1,
  propertyNames: { pattern: KIND_NAME },
  additionalProperties: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: {
      replicas: { type: 'integer', minimum: 1, maximum: 100 },
      cpu: QUANTITY_FIELD,
      memory: QUANTITY_FIELD,
      storage: QUANTITY_FIELD,
    },
  },
} as const;

/** configOverrides.server lines per component (set by `cp-gitops config`). */
const CONFIG_SCHEMA = {
  type: 'object',
  minProperties: 1,
  additionalProperties: false,
  properties: Object.fromEntries(COMPONENT_NAMES.map((name) => [name, { type: 'array', minItems: 1, items: { type: 'string', pattern: CONFIG_LINE } }])),
} as const;

const TOPICS_SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'partitions'],
    properties: {
      name: { type: 'string', pattern: TOPIC_NAME, maxLength: 249 },
      partitions: { type: 'integer', minimum: 1, maximum: 100000 },
      replicas: { type: 'integer', minimum: 1, maximum: 32767 },
      configs: { type: 'object', additionalProperties: { type: 'string' } },
    },
  },
} as const;

/**
 * JSON Schema (draft 2020-12 subset that ajv supports by default) of cp-gitops.yaml. Closed objects
 * everywhere: a typo in a key is an error, not a silently ignored setting.
 */
export const PLATFORM_MODEL_SCHEMA = {
  $id: 'https://cp-gitops.io/schemas/platform-v1alpha1.json',
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'name', 'repoURL', 'targetRevision', 'controller', 'versions', 'environments'],
  properties: {
    apiVersion: { const: MODEL_API_VERSION },
    kind: { const: MODEL_KIND },
    name: { type: 'string', pattern: DNS1123_LABEL, maxLength: MAX_PLATFORM_NAME },
    repoURL: { type: 'string', minLength: 1, pattern: '^\\S+$' },
    targetRevision: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9._/-]+$' },
    gitProvider: {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'repository'],
      properties: {
        type: { enum: [...GIT_PROVIDERS] },
        repository: { type: 'string' },
        apiUrl: { type: 'string', pattern: '^https?://\\S+$' },
      },
      // The repository's shape is the provider's: owner/name on GitHub, nested groups on GitLab.
      allOf: [
        { if: { properties: { type: { const: 'github' } } }, then: { properties: { repository: { type: 'string', pattern: GITHUB_REPOSITORY } } } },
        { if: { properties: { type: { const: 'gitlab' } } }, then: { properties: { repository: { type: 'string', pattern: GITLAB_PROJECT_PATH } } } },
      ],
    },
    controller: { enum: [...CONTROLLER_MODES] },
    versions: {
      type: 'object',
      additionalProperties: false,
      required: ['confluentPlatform', 'operator', 'operatorChart', 'controlCenter'],
      properties: VERSION_PROPERTIES,
    },
    options: OPTIONS_SCHEMA,
    environments: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'namespace', 'cluster', 'size', 'components'],
        properties: {
          name: { type: 'string', pattern: DNS1123_LABEL, maxLength: MAX_ENV_NAME },
          namespace: { type: 'string', pattern: DNS1123_LABEL, maxLength: MAX_NAMESPACE },
          cluster: { type: 'string', pattern: '^https?://\\S+$' },
          size: { enum: [...SIZE_PROFILES] },
          components: COMPONENTS_SCHEMA,
          options: OPTIONS_SCHEMA,
          overrides: OVERRIDES_SCHEMA,
          config: CONFIG_SCHEMA,
          versions: {
            type: 'object',
            additionalProperties: false,
            minProperties: 1,
            properties: VERSION_PROPERTIES,
          },
          topics: TOPICS_SCHEMA,
          kafkaClusters: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['name', 'namespace', 'components'],
              properties: {
                name: { type: 'string', pattern: DNS1123_LABEL, maxLength: MAX_KAFKA_CLUSTER_NAME },
                namespace: { type: 'string', pattern: DNS1123_LABEL, maxLength: MAX_NAMESPACE },
                size: { enum: [...SIZE_PROFILES] },
                components: COMPONENTS_SCHEMA,
                options: OPTIONS_SCHEMA,
                overrides: OVERRIDES_SCHEMA,
                config: CONFIG_SCHEMA,
                topics: TOPICS_SCHEMA,
              },
            },
          },
        },
      },
    },
  },
} as const;
