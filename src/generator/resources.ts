import type { ComponentName, Environment, PlatformModel, SizeOverride } from '../model/types.js';
import { annotationKeys } from './layout.js';
import { clonePlain, isPlainObject, mergeFragments, mergePlain, setPath, type PlainObject } from './object-path.js';
import { canonicalQuantity } from './quantity.js';
import { INTERNAL_TOPIC_DEFAULT_FACTOR, KSQLDB_FACTOR_FIELD, replicationLines } from './replication.js';
import { mergeServerLines } from './server-config.js';
import type { DependencyField, ResourceSize, ResourceTemplate, SizeTemplate, Templates, UnitTemplate } from './templates.js';

export const CFK_API_VERSION = 'platform.confluent.io/v1beta1';
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/** Where the units of a build live: their names, so dependencies resolve to resources. */
export type UnitIndex = ReadonlyMap<string, UnitTemplate>;

export function indexUnits(units: readonly UnitTemplate[]): UnitIndex {
  return new Map(units.map((unit) => [unit.unit, unit]));
}

/** The Kafka resource of a build, which several options patch or name (external access, rack awareness, MDS). */
export function kafkaResource(units: UnitIndex): ResourceTemplate | undefined {
  for (const unit of units.values()) {
    const kafka = unit.resources.find((resource) => resource.kind === 'Kafka');
    if (kafka) return kafka;
  }
  return undefined;
}

/**
 * The base custom resource: static template fields, pinned images, the small profile's size (so the
 * base alone is deployable and requests.memory is always set) and the required dependencies by their
 * short in-namespace names.
 */
export function baseResource(resource: ResourceTemplate, model: PlatformModel, templates: Templates, platformUnits: UnitIndex): PlainObject {
  const spec: PlainObject = {};
  if (resource.sized) Object.assign(spec, sizeFields(resource, templates.sizes.small, undefined));
  for (const image of resource.images) setPath(spec, stripSpec(image.path), `${image.repository}:${model.versions[image.version]}`);
  const templateSpec = isPlainObject(resource.manifest.spec) ? clonePlain(resource.manifest.spec) : {};
  const merged = mergePlain(templateSpec, spec);
  for (const dependency of resource.dependencies) {
    if (!dependency.required) continue;
    const value = dependencyValue(dependency, platformUnits, undefined);
    if (value !== undefined) setPath(merged, stripSpec(dependency.path), value);
  }
  return {
    apiVersion: CFK_API_VERSION,
    kind: resource.kind,
    metadata: {
      name: resource.name,
      annotations: { [SYNC_WAVE_ANNOTATION]: String(resource.syncWave) },
    },
    spec: orderSpec(merged),
  };
}

/**
 * The strategic-merge patch an environment applies to a base resource: its size profile, hardening,
 * and every dependency spelled out with the namespace (optional ones only when the env runs them).
 * Returns undefined when the environment changes nothing.
 */
export function environmentPatch(
  resource: ResourceTemplate,
  env: Environment,
  templates: Templates,
  envUnits: UnitIndex,
  optionFragment: PlainObject = {},
  annotations: Readonly<Record<string, string>> = {},
): PlainObject | undefined {
  let spec: PlainObject = resource.sized ? sizeFields(resource, templates.sizes[env.size], templates.sizes[env.size], env.overrides?.[resource.kind]) : {};
  const legacyControlCenter = resource.kind === 'ControlCenter' && !resource.images.some((image) => image.path === 'spec.services.prometheus.image');
  const server = generatedServerLines(resource.kind, env, templates, legacyControlCenter);
  if (server.length > 0) spec.configOverrides = { server };
  const brokers = brokerCount(env, templates);
  if (resource.kind === 'KsqlDB' && brokers < INTERNAL_TOPIC_DEFAULT_FACTOR) spec[KSQLDB_FACTOR_FIELD] = brokers;
  spec = mergeFragments(spec, optionFragment);
  // The environment's own lines replace the same key where it stands: one line per key, never a duplicate.
  const component = COMPONENT_OF_KIND.get(resource.kind);
  const lines = component ? env.config?.[component] : undefined;
  if (lines && lines.length > 0) {
    const configOverrides = isPlainObject(spec.configOverrides) ? spec.configOverrides : {};
    const current = Array.isArray(configOverrides.server) ? (configOverrides.server as string[]) : [];
    spec = { ...spec, configOverrides: { ...configOverrides, server: mergeServerLines(current, lines) } };
  }
  for (const dependency of resource.dependencies) {
    if (dependency.value === 'name') continue; // names do not depend on the namespace
    // An option that writes a dependency whole (TLS: https://, port 2182, credentials) decides its value.
    if (hasPath(optionFragment, stripSpec(dependency.path))) continue;
    const value = dependencyValue(dependency, envUnits, env.namespace);
    if (value !== undefined) setPath(spec, stripSpec(dependency.path), value);
  }
  // A static KRaft quorum (controller.quorum.voters) keeps the size it was created with: recorded for validate.
  // A dynamic quorum (spec.dynamicQuorumConfig from the kraft option) grows in place and gets no such record.
  const staticQuorum = resource.kind === 'KRaftController' && resource.sized && !isPlainObject(optionFragment.dynamicQuorumConfig);
  const allAnnotations = staticQuorum ? { ...annotations, [annotationKeys.staticQuorumVoters]: String(effectiveSize(templates.sizes[env.size], resource.kind, env.overrides?.[resource.kind]).replicas) } : annotations;
  const hasAnnotations = Object.keys(allAnnotations).length > 0;
  if (Object.keys(spec).length === 0 && !hasAnnotations) return undefined;
  // Annotations merge key by key into the base's (its sync wave stays).
  const metadata: PlainObject = hasAnnotations ? { name: resource.name, annotations: { ...allAnnotations } } : { name: resource.name };
  const patch: PlainObject = { apiVersion: CFK_API_VERSION, kind: resource.kind, metadata };
  if (Object.keys(spec).length > 0) patch.spec = orderSpec(spec);
  return patch;
}

/**
 * The configOverrides.server lines cp-gitops writes for a kind before the environment's own `config`
 * lines: the size profile's broker settings, with replication following the brokers of this
 * environment (a scaled-down dev cluster must still create its topics).
 */
export function generatedServerLines(kind: string, env: Environment, templates: Templates, legacyControlCenter: boolean): string[] {
  return replicationLines(kind, brokerCount(env, templates), kind === 'Kafka' ? templates.sizes[env.size].kafkaServerConfig : [], legacyControlCenter);
}

/** The brokers an environment runs: its size profile's, or what `cp-gitops scale` set. */
export function brokerCount(env: Environment, templates: Templates): number {
  return effectiveSize(templates.sizes[env.size], 'Kafka', env.overrides?.Kafka).replicas;
}

/** The CFK kind whose configOverrides.server a component's `config` lines go to. */
export const CONFIG_KIND: Readonly<Record<ComponentName, string>> = {
  kafka: 'Kafka',
  schemaregistry: 'SchemaRegistry',
  connect: 'Connect',
  ksqldb: 'KsqlDB',
  controlcenter: 'ControlCenter',
  restproxy: 'KafkaRestProxy',
};
const COMPONENT_OF_KIND: ReadonlyMap<string, ComponentName> = new Map(Object.entries(CONFIG_KIND).map(([component, kind]) => [kind, component as ComponentName]));

/** A kind's size in an environment: its profile's, with the environment's overrides on top. */
export function effectiveSize(profile: SizeTemplate, kind: string, override: SizeOverride | undefined): ResourceSize {
  const size: ResourceSize | undefined = profile.kinds[kind];
  if (!size) throw new Error(`overlays-templates/sizes.yaml: profile ${profile.profile} has no size for ${kind}`);
  return override ? { ...size, ...override } : size;
}

function sizeFields(resource: ResourceTemplate, profile: SizeTemplate, hardening: SizeTemplate | undefined, override?: SizeOverride): PlainObject {
  const kind = resource.kind;
  const size = effectiveSize(profile, kind, override);
  const fields: PlainObject = { replicas: size.replicas };
  if (size.storage !== undefined) fields.dataVolumeCapacity = canonicalQuantity(size.storage);
  if (size.logStorage !== undefined) fields.logVolumeCapacity = canonicalQuantity(size.logStorage);
  if (hardening?.oneReplicaPerNode.includes(kind)) fields.oneReplicaPerNode = true;
  if (hardening?.pdb && size.replicas > 1) fields.pdb = { enabled: true, maxUnavailable: 1 };
  fields.podTemplate = {
    resources: {
      // Memory limit = request: predictable heap (CFK sizes the JVM from it); no CPU limit: no throttling.
      requests: { cpu: canonicalQuantity(size.cpu), memory: canonicalQuantity(size.memory) },
      limits: { memory: canonicalQuantity(size.memory) },
    },
  };
  // Only Control Center next-gen has a bundled Prometheus (the legacy one shares the size profile).
  if (size.prometheusStorage !== undefined && resource.images.some((image) => image.path === 'spec.services.prometheus.image')) {
    const container = (cpu: string | undefined, memory: string | undefined): PlainObject =>
      cpu !== undefined && memory !== undefined
        ? { containerTemplate: { resources: { requests: { cpu: canonicalQuantity(cpu), memory: canonicalQuantity(memory) }, limits: { memory: canonicalQuantity(memory) } } } }
        : {};
    fields.services = {
      prometheus: { pvc: { dataVolumeCapacity: canonicalQuantity(size.prometheusStorage) }, ...container(size.prometheusCpu, size.prometheusMemory) },
      ...(size.alertmanagerMemory !== undefined ? { alertmanager: container(size.alertmanagerCpu, size.alertmanagerMemory) } : {}),
    };
  }
  return fields;
}

/** The value a dependency field takes; undefined when its unit is not part of this build. */
export function dependencyValue(dependency: DependencyField, units: UnitIndex, namespace: string | undefined): unknown {
  const unit = units.get(dependency.unit);
  const target = unit?.resources[0];
  if (!target) return undefined;
  if (dependency.value === 'name') return target.name;
  if (!target.endpoint) throw new Error(`base-templates: ${dependency.unit} has no endpoint for ${dependency.path}`);
  const host = namespace === undefined ? target.name : `${target.name}.${namespace}.svc.cluster.local`;
  const port = dependency.port ?? target.endpoint.port;
  const url = `${target.endpoint.scheme ?? 'http'}://${host}:${port}`;
  switch (dependency.value) {
    case 'endpoint':
      return `${host}:${port}`;
    case 'url':
      return url;
    case 'list':
      return [{ name: target.name, url }];
  }
}

/** A readable, fixed key order for specs: identity first, then size, then the rest alphabetically. */
const SPEC_KEY_ORDER = ['replicas', 'image', 'dataVolumeCapacity', 'logVolumeCapacity', 'oneReplicaPerNode', 'pdb', 'podTemplate'];

function orderSpec(spec: PlainObject): PlainObject {
  const keys = Object.keys(spec).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(keys.map((key) => [key, spec[key]]));
}

function rank(key: string): number {
  const index = SPEC_KEY_ORDER.indexOf(key);
  return index === -1 ? SPEC_KEY_ORDER.length : index;
}

function hasPath(object: PlainObject, dotted: string): boolean {
  let node: unknown = object;
  for (const key of dotted.split('.')) node = isPlainObject(node) ? node[key] : undefined;
  return node !== undefined;
}

function stripSpec(path: string): string {
  if (!path.startsWith('spec.')) throw new Error(`base-templates: path ${path} must start with spec.`);
  return path.slice('spec.'.length);
}
