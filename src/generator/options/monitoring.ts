import type { PlainObject } from '../object-path.js';
import type { UnitIndex } from '../resources.js';
import type { ResourceTemplate } from '../templates.js';
import type { ExtraManifest, OptionModule } from './option-module.js';
import { layout } from '../layout.js';

/** The JMX Prometheus exporter CFK runs in every component pod, and its container port name. */
export const EXPORTER_PORT = 7778;
export const EXPORTER_PORT_NAME = 'prometheus';
export const JMX_PORT = 7203;
export const JOLOKIA_PORT = 7777;
export const PODMONITOR_API_VERSION = 'monitoring.coreos.com/v1';

/** Kinds with spec.metrics (the component custom resources, not KafkaRestClass or KafkaTopic). */
const METRICS_KINDS = new Set(['KRaftController', 'Zookeeper', 'Kafka', 'SchemaRegistry', 'Connect', 'KsqlDB', 'KafkaRestProxy', 'ControlCenter']);

/**
 * monitoring: Prometheus metrics of every component (CFK's JMX exporter on 7778, stated in
 * `metrics.prometheus`) and, optionally, one PodMonitor per component for the Prometheus Operator.
 * Which components export is read from the units' ports: Control Center next-gen documents no
 * exporter, so it and its bundled Prometheus (services.prometheus) are left untouched.
 */
export const monitoringOption: OptionModule = {
  name: 'monitoring',
  resourcePatch(resource, { options, units }) {
    if (!options.monitoring?.prometheus || !exportsMetrics(resource, units)) return undefined;
    // CFK always runs the exporter; an empty prometheus block keeps its default rules and says so in the resource.
    return { metrics: { prometheus: {} } };
  },
  manifests({ options, units }) {
    if (!options.monitoring?.podMonitors) return [];
    return exporters(units).map(podMonitor);
  },
  readme({ env, options, units }) {
    const monitoring = options.monitoring;
    if (!monitoring || (!monitoring.prometheus && !monitoring.podMonitors)) return [];
    const names = exporters(units).map((resource) => resource.name);
    const lines = [
      `- ${env.name}: Prometheus metrics on port ${EXPORTER_PORT} (JMX exporter) of ${names.map((name) => `\`${name}\``).join(', ')}; JMX on ${JMX_PORT} and Jolokia on ${JOLOKIA_PORT} of the same pods.`,
    ];
    if (monitoring.podMonitors) {
      lines.push(
        `  PodMonitors in \`${layout.overlayDir(env.name)}/monitoring/\` (one per component) need the Prometheus Operator CRDs, and a Prometheus that selects them`,
        `  and watches namespace \`${env.namespace}\` (kube-prometheus-stack: \`prometheus.prometheusSpec.podMonitorSelectorNilUsesHelmValues=false\`).`,
      );
    }
    if ([...units.values()].some((unit) => unit.resources.some(isNextGenControlCenter))) {
      lines.push('  Control Center keeps its bundled Prometheus (port 9090) as it is: it serves Control Center only, scrape the components instead.');
    }
    return lines;
  },
};

/** Component resources whose unit documents the exporter port, in unit order. */
export function exporters(units: UnitIndex): ResourceTemplate[] {
  return [...units.values()].flatMap((unit) => (unit.ports.some((port) => port.port === EXPORTER_PORT) ? unit.resources.filter((resource) => METRICS_KINDS.has(resource.kind)) : []));
}

function exportsMetrics(resource: ResourceTemplate, units: UnitIndex): boolean {
  return exporters(units).some((candidate) => candidate.kind === resource.kind && candidate.name === resource.name);
}

export function isNextGenControlCenter(resource: ResourceTemplate): boolean {
  return resource.kind === 'ControlCenter' && resource.images.some((image) => image.path === 'spec.services.prometheus.image');
}

/** CFK labels every pod of a component with app=<resource name>. */
function podMonitor(resource: ResourceTemplate): ExtraManifest {
  const object: PlainObject = {
    apiVersion: PODMONITOR_API_VERSION,
    kind: 'PodMonitor',
    metadata: { name: resource.name },
    spec: {
      selector: { matchLabels: { app: resource.name } },
      podMetricsEndpoints: [{ port: EXPORTER_PORT_NAME, path: '/metrics' }],
    },
  };
  return {
    file: `monitoring/${resource.name}-podmonitor.yaml`,
    description: `PodMonitor for the Prometheus Operator: the metrics of ${resource.kind} "${resource.name}" (port ${EXPORTER_PORT_NAME}, ${EXPORTER_PORT})`,
    object,
  };
}
