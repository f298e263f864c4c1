import { parseSemVer, versionsOf } from '../../model/versions.js';
import type { OptionContext, OptionModule } from './option-module.js';

/**
 * CFK 3 runs Confluent Platform 8 (Log4j 2, Jetty 12). For a CP 7.x image it must be told, per resource,
 * to keep the CP 7 conventions; Confluent's "Upgrade Confluent for Kubernetes" guide (CFK 3.x):
 * "The platform.confluent.io/use-log4j1=true annotation is required to use Confluent Platform 7.x with
 * CFK 3.0+", and platform.confluent.io/use-old-jetty9=true on the REST components when they use basic
 * authentication (CP 7 reads the JAAS login module from Jetty 9's class path).
 */
export const USE_LOG4J1_ANNOTATION = 'platform.confluent.io/use-log4j1';
export const USE_OLD_JETTY9_ANNOTATION = 'platform.confluent.io/use-old-jetty9';

/** Component kinds that run a CP image (not KafkaRestClass or KafkaTopic). */
const COMPONENT_KINDS = new Set(['KRaftController', 'Zookeeper', 'Kafka', 'SchemaRegistry', 'Connect', 'KsqlDB', 'KafkaRestProxy', 'ControlCenter']);
/** The REST components whose basic authentication needs the Jetty 9 class path under CP 7. */
const BASIC_AUTH_KINDS = new Set(['SchemaRegistry', 'Connect', 'KsqlDB', 'KafkaRestProxy', 'ControlCenter']);

/**
 * Not an option a user sets: it follows the CP version of each environment, so an environment still on
 * 7.9 keeps the annotations while another runs 8, and an upgrade to 8 drops them with the image change.
 */
export const cp7CompatibilityOption: OptionModule = {
  name: 'cp7Compatibility',
  resourceAnnotations(resource, context) {
    if (!COMPONENT_KINDS.has(resource.kind) || !runsCp7(context)) return undefined;
    const annotations: Record<string, string> = { [USE_LOG4J1_ANNOTATION]: 'true' };
    if (BASIC_AUTH_KINDS.has(resource.kind) && context.options.authentication?.http === 'basic') annotations[USE_OLD_JETTY9_ANNOTATION] = 'true';
    return annotations;
  },
  readme(context) {
    if (!runsCp7(context)) return [];
    const jetty = context.options.authentication?.http === 'basic' ? ` and \`${USE_OLD_JETTY9_ANNOTATION}: "true"\` (basic authentication of the REST components)` : '';
    return [
      `- ${context.env.name}: Confluent Platform 7.x under CFK 3: every component resource carries \`${USE_LOG4J1_ANNOTATION}: "true"\`${jetty}, as CFK 3 requires for CP 7 images; an upgrade to CP 8 removes ${jetty ? 'them' : 'it'}.`,
    ];
  },
};

function runsCp7(context: OptionContext): boolean {
  return parseSemVer(versionsOf(context.model, context.env).confluentPlatform)?.major === 7;
}
