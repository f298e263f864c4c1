import { optionsOf, type LogLevel, type LoggingOptions } from '../../model/options.js';
import { parseSemVer, versionsOf } from '../../model/versions.js';
import type { PlainObject } from '../object-path.js';
import type { OptionModule } from './option-module.js';

/** Kinds that run pods (podTemplate, configOverrides). */
const POD_KINDS = new Set(['KRaftController', 'Zookeeper', 'Kafka', 'SchemaRegistry', 'Connect', 'KsqlDB', 'KafkaRestProxy', 'ControlCenter']);

/** The logger name that means the root logger in `logging.levels`. */
export const ROOT_LOGGER = 'root';
/** CFK's console appender: every component logs to stdout, where a node agent picks the lines up. */
export const CONSOLE_APPENDER = 'stdout';
/** Confluent's default layout, so a changed level does not change the line format parsers expect. */
export const CONSOLE_PATTERN = '[%d] %p %m (%c)%n';

/**
 * logging: log levels per logger (log4j overrides) and pod annotations for a log-shipping node agent.
 * Confluent Platform 8 logs with Log4j 2 and CFK 3 configures it from configOverrides.log4j2 (a Log4j 2
 * YAML configuration); CP 7.x uses Log4j 1 and configOverrides.log4j (properties lines). The CP line of
 * the environment decides, so an environment still on 7.9 keeps working while another runs 8.
 */
export const loggingOption: OptionModule = {
  name: 'logging',
  resourcePatch(resource, { model, env, options }) {
    if (!POD_KINDS.has(resource.kind)) return undefined;
    const logging = options.logging;
    const patch: PlainObject = {};
    if (logging?.levels && Object.keys(logging.levels).length > 0) {
      const cpMajor = parseSemVer(versionsOf(model, env).confluentPlatform)?.major ?? 0;
      patch.configOverrides = cpMajor >= 8 ? { log4j2: log4j2Configuration(logging.levels) } : { log4j: log4jLines(logging.levels) };
    }
    if (logging?.podAnnotations && Object.keys(logging.podAnnotations).length > 0) {
      patch.podTemplate = { annotations: sortedRecord(logging.podAnnotations) };
    }
    return Object.keys(patch).length > 0 ? patch : undefined;
  },
  readme({ model, env, options }) {
    const logging = options.logging;
    if (!hasLogging(logging)) return [];
    const lines: string[] = [];
    if (logging?.levels && Object.keys(logging.levels).length > 0) {
      const cpMajor = parseSemVer(versionsOf(model, env).confluentPlatform)?.major ?? 0;
      const levels = orderedLoggers(logging.levels)
        .map(([name, level]) => `${name}=${level}`)
        .join(', ');
      lines.push(`- ${env.name}: log levels ${levels} on every component (\`configOverrides.${cpMajor >= 8 ? 'log4j2' : 'log4j'}\`); changing them rolls the pods.`);
    }
    if (logging?.podAnnotations && Object.keys(logging.podAnnotations).length > 0) {
      const annotations = Object.entries(sortedRecord(logging.podAnnotations))
        .map(([key, value]) => `\`${key}: ${value}\``)
        .join(', ');
      lines.push(`- ${env.name}: every pod carries ${annotations}, for the log-shipping node agent.`);
    }
    // The general advice once, with the first environment that sets logging options.
    const first = model.environments.find((candidate) => hasLogging(optionsOf(model, candidate).logging));
    if (first?.name === env.name) {
      lines.push(
        '  Every component logs to stdout. Ship the logs with a node agent (a Fluent Bit or Vector DaemonSet tailing',
        '  /var/log/containers on each node) rather than a sidecar: CFK owns the pod spec and has no sidecar field, so a sidecar',
        '  would need an injecting admission webhook, and pods restart whenever it changes. Route and parse with the annotations above.',
      );
    }
    return lines;
  },
};

function hasLogging(logging: LoggingOptions | undefined): boolean {
  return Object.keys(logging?.levels ?? {}).length > 0 || Object.keys(logging?.podAnnotations ?? {}).length > 0;
}

/** Root first, then loggers by name: the same levels always give the same bytes. */
function orderedLoggers(levels: Readonly<Record<string, LogLevel>>): [string, LogLevel][] {
  return Object.entries(levels).sort(([a], [b]) => (a === ROOT_LOGGER ? -1 : b === ROOT_LOGGER ? 1 : a < b ? -1 : a > b ? 1 : 0));
}

/** Log4j 1 (CP 7.x): properties lines; the root logger keeps CFK's stdout appender. */
export function log4jLines(levels: Readonly<Record<string, LogLevel>>): string[] {
  return orderedLoggers(levels).map(([name, level]) => (name === ROOT_LOGGER ? `log4j.rootLogger=${level}, ${CONSOLE_APPENDER}` : `log4j.logger.${name}=${level}`));
}

/**
 * Log4j 2 (CP 8): a complete configuration, so it is right whether CFK merges it into its default or
 * uses it as is: the stdout console appender, the root logger (INFO unless set) writing to it, and
 * one Logger per name that inherits the appender (no AppenderRef of its own, or lines would repeat).
 */
export function log4j2Configuration(levels: Readonly<Record<string, LogLevel>>): PlainObject {
  const loggers = orderedLoggers(levels).filter(([name]) => name !== ROOT_LOGGER);
  const loggersBlock: PlainObject = { Root: { level: levels[ROOT_LOGGER] ?? 'INFO', AppenderRef: [{ ref: CONSOLE_APPENDER }] } };
  if (loggers.length > 0) loggersBlock.Logger = loggers.map(([name, level]) => ({ name, level }));
  return {
    Configuration: {
      name: 'Log4j2',
      Appenders: { Console: { name: CONSOLE_APPENDER, target: 'SYSTEM_OUT', PatternLayout: { Pattern: CONSOLE_PATTERN } } },
      Loggers: loggersBlock,
    },
  };
}

function sortedRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
