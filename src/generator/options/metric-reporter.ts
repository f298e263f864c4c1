import type { UnitIndex } from '../resources.js';
import type { OptionModule } from './option-module.js';
import { isNextGenControlCenter } from './monitoring.js';

/**
 * The Confluent Metrics Reporter on the brokers (Kafka's spec.metricReporter) writes the
 * `_confluent-metrics` topic that the legacy Control Center (CP 7.x) reads. Control Center next-gen
 * (CP 8) collects metrics with its bundled Prometheus instead (the brokers' and controllers'
 * dependencies.metricsClient), so there it would only add a topic and client load; without any
 * Control Center nothing reads it. Not an option a user sets: it follows the environment's units, so an
 * environment still on 7.9 keeps it and an upgrade to CP 8 drops it with the Control Center change.
 */
export function metricReporterOn(units: UnitIndex): boolean {
  return [...units.values()].some((unit) => unit.resources.some((resource) => resource.kind === 'ControlCenter' && !isNextGenControlCenter(resource)));
}

export const metricReporterOption: OptionModule = {
  name: 'metricReporter',
  resourcePatch(resource, { units }) {
    if (resource.kind !== 'Kafka' || !metricReporterOn(units)) return undefined;
    return { metricReporter: { enabled: true } };
  },
};
