import type { Environment, PlatformModel, TopicSpec } from '../model/types.js';
import { describeEnvironment, splitKafkaClusterKey } from '../model/kafka-clusters.js';
import { versionsOf } from '../model/versions.js';
import { stringifyYaml } from '../yaml/stringify.js';
import { annotationKeys, GENERATED_MARKER, labels, layout } from './layout.js';
import { CFK_API_VERSION, environmentPatch, indexUnits, SYNC_WAVE_ANNOTATION } from './resources.js';
import { optionAnnotations, optionContext, optionManifests, optionPatch } from './options/index.js';
import { USE_LOG4J1_ANNOTATION, USE_OLD_JETTY9_ANNOTATION } from './options/cp7-compatibility.js';
import type { Templates } from './templates.js';
import { unitsOfEnvironment } from './units.js';

/** overlays/<env>/: the components of the environment, its namespace, image tags and size patches. */
export function generateOverlays(model: PlatformModel, templates: Templates): [string, string][] {
  return model.environments.flatMap((env) => generateOverlay(model, templates, env));
}

function generateOverlay(model: PlatformModel, templates: Templates, env: Environment): [string, string][] {
  const units = unitsOfEnvironment(model, templates, env);
  const envUnits = indexUnits(units);
  const options = optionContext(model, env, envUnits, templates);
  const files: [string, string][] = [];
  const patchFiles: string[] = [];
  for (const unit of units) {
    for (const resource of unit.resources) {
      const patch = environmentPatch(resource, env, templates, envUnits, optionPatch(resource, options), optionAnnotations(resource, options));
      if (!patch) continue;
      const file = `patches/${resource.file}`;
      patchFiles.push(file);
      files.push([
        layout.overlayFile(env.name, file),
        stringifyYaml(patch, { header: [`${env.name}: ${resource.kind} "${resource.name}", size profile "${env.size}" (${templates.sizes[env.size].description}).`, ...annotationNotes(patch), GENERATED_MARKER] }),
      ]);
    }
  }
  const versions = versionsOf(model, env);
  const images = new Map<string, string>();
  for (const unit of units) {
    for (const resource of unit.resources) {
      for (const image of resource.images) images.set(image.repository, versions[image.version]);
    }
  }
  const topicFiles: string[] = [];
  for (const topic of [...(env.topics ?? [])].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const file = `topics/${topicResourceName(topic.name)}.yaml`;
    topicFiles.push(file);
    files.push([layout.overlayFile(env.name, file), stringifyYaml(kafkaTopic(topic), { header: [`${env.name}: Kafka topic "${topic.name}".`, GENERATED_MARKER] })]);
  }
  const optionFiles: string[] = [];
  for (const manifest of optionManifests(options)) {
    optionFiles.push(manifest.file);
    files.push([layout.overlayFile(env.name, manifest.file), stringifyYaml(manifest.object, { header: [`${env.name}: ${manifest.description}.`, GENERATED_MARKER] })]);
  }
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: env.namespace,
    labels: [
      {
        pairs: environmentLabels(model, env),
        // Selectors are immutable on StatefulSets; CFK owns them anyway.
        includeSelectors: false,
      },
    ],
    resources: [...units.map((unit) => `${toRoot(layout.overlayDir(env.name))}${layout.baseDir(unit.unit)}`), ...optionFiles.sort(), ...topicFiles],
    // One line per image: change a version in one environment here (`cp-gitops promote` does).
    images: [...images].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, newTag]) => ({ name, newTag })),
    patches: patchFiles.sort().map((path) => ({ path })),
  };
  files.push([
    layout.overlayFile(env.name, 'kustomization.yaml'),
    stringifyYaml(kustomization, { header: [`${capitalized(describeEnvironment(env.name))}: namespace ${env.namespace} on ${env.cluster}. Argo CD syncs this folder.`, GENERATED_MARKER] }),
  ]);
  return files;
}

/** Label values cannot hold a "/": a Kafka cluster's environment is labelled with its environment and its cluster. */
function environmentLabels(model: PlatformModel, env: Environment): Record<string, string> {
  const { environment, kafkaCluster } = splitKafkaClusterKey(env.name);
  return { [labels.partOf]: model.name, [labels.environment]: environment, ...(kafkaCluster ? { [labels.kafkaCluster]: kafkaCluster } : {}) };
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "overlays/dev" → "../../", the way back to the repository root. */
function toRoot(dir: string): string {
  return '../'.repeat(dir.split('/').length);
}

/** Why a patch carries the CP 7 compatibility annotations: they look arbitrary without it. */
function annotationNotes(patch: Record<string, unknown>): string[] {
  const annotations = ((patch.metadata as Record<string, unknown> | undefined)?.annotations ?? {}) as Record<string, string>;
  const notes: string[] = [];
  if (annotations[USE_LOG4J1_ANNOTATION]) notes.push(`${USE_LOG4J1_ANNOTATION}: CFK 3 runs a CP 7.x image with Log4j 1 only with it (Confluent's CFK upgrade guide); an upgrade to CP 8 drops it.`);
  if (annotations[annotationKeys.staticQuorumVoters]) {
    notes.push(`${annotationKeys.staticQuorumVoters}: the quorum was created with controller.quorum.voters for this many controllers, which cannot change in place; cp-gitops validate checks spec.replicas against it.`);
  }
  if (annotations[USE_OLD_JETTY9_ANNOTATION]) notes.push(`${USE_OLD_JETTY9_ANNOTATION}: CP 7.x basic authentication needs the Jetty 9 JAAS class path under CFK 3.`);
  return notes;
}

/** Topics come after the platform (wave 4), through the KafkaRestClass "default" of the Kafka base. */
const TOPIC_SYNC_WAVE = 4;

/** A DNS-1123 name for the KafkaTopic resource; the Kafka topic keeps its own name in spec.name. */
export function topicResourceName(topic: string): string {
  const name = topic.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/g, '');
  return name || 'topic';
}

function kafkaTopic(topic: TopicSpec): Record<string, unknown> {
  const resourceName = topicResourceName(topic.name);
  const spec: Record<string, unknown> = {};
  if (resourceName !== topic.name) spec.name = topic.name;
  spec.partitionCount = topic.partitions;
  if (topic.replicas !== undefined) spec.replicas = topic.replicas;
  spec.kafkaRestClassRef = { name: 'default' };
  if (topic.configs && Object.keys(topic.configs).length > 0) {
    spec.configs = Object.fromEntries(Object.entries(topic.configs).sort(([a], [b]) => (a < b ? -1 : 1)));
  }
  return {
    apiVersion: CFK_API_VERSION,
    kind: 'KafkaTopic',
    metadata: { name: resourceName, annotations: { [SYNC_WAVE_ANNOTATION]: String(TOPIC_SYNC_WAVE) } },
    spec,
  };
}
