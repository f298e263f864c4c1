import { whereSet } from './options-check.js';
import type { YamlPath } from '../yaml/positions.js';
import type { ModelProblem } from './check.js';
import { optionsOf, type PlatformOptions, type Toleration } from './options.js';
import type { PlatformModel } from './types.js';

interface Rule {
  /** The option path that carries the offending value, e.g. externalAccess.type. */
  readonly at: readonly string[];
  /** A message per offending value (several tolerations can each be wrong); empty when fine. */
  readonly check: (options: PlatformOptions) => string[];
  readonly fix: string;
}

/** A Kubernetes annotation key: an optional DNS subdomain prefix and a name of at most 63 characters. */
const ANNOTATION_KEY = /^(?:[a-z0-9]([-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/** The defaults the external access module writes (src/generator/options/external-access.ts). */
const DEFAULT_KAFKA_NAME = 'kafka';
const DEFAULT_BROKER_PREFIX = 'b';
const DEFAULT_NODE_PORT_OFFSET = 30000;
/** A log4j logger name: a Java class or package name (with $ for nested classes), nothing that breaks a properties line. */
const LOGGER_NAME = /^[A-Za-z_$][A-Za-z0-9_$-]*(\.[A-Za-z_$][A-Za-z0-9_$-]*)*$/;

/**
 * Option values the JSON Schema accepts but that cannot work: external access without the address
 * clients use, tolerations the API server rejects, annotation keys and logger names that break the
 * pods' configuration. Checked per environment on the options it runs with; a problem is reported once,
 * where cp-gitops.yaml sets the value, naming every environment it breaks.
 */
const RULES: readonly Rule[] = [
  {
    at: ['externalAccess', 'type'],
    check: (options) => (options.externalAccess?.type === 'loadBalancer' && !options.externalAccess.domain ? ['externalAccess loadBalancer needs the DNS domain of the bootstrap and broker names'] : []),
    fix: 'set externalAccess.domain, e.g. --set externalAccess.domain=kafka.example.com',
  },
  {
    at: ['externalAccess', 'type'],
    check: (options) => (options.externalAccess?.type === 'nodePort' && !options.externalAccess.host ? ['externalAccess nodePort needs the host name clients connect to (a DNS name of the nodes)'] : []),
    fix: 'set externalAccess.host, e.g. --set externalAccess.host=kafka.example.com (and externalAccess.nodePortOffset, 30000 by default)',
  },
  {
    at: ['externalAccess', 'type'],
    check: (options) =>
      options.externalAccess?.type === 'staticForHostBasedRouting' && !options.externalAccess.domain
        ? ['externalAccess staticForHostBasedRouting needs the DNS domain of the bootstrap and broker names (the host names the ingress controller routes by)']
        : [],
    fix: 'set externalAccess.domain, e.g. --set externalAccess.domain=kafka.example.com',
  },
  {
    at: ['externalAccess', 'type'],
    check: (options) =>
      options.externalAccess?.type === 'staticForHostBasedRouting' && (options.tls?.mode ?? 'none') === 'none'
        ? ['externalAccess staticForHostBasedRouting needs TLS: the ingress controller routes each connection by the host name of its TLS handshake (SNI) and passes it through unopened']
        : [],
    fix: 'add tls.mode=cert-manager with tls.issuer (its certificate names the external hosts), or tls.mode=auto; or use externalAccess.type=loadBalancer',
  },
  {
    at: ['scheduling', 'tolerations'],
    check: (options) => (options.scheduling?.tolerations ?? []).flatMap((toleration, index) => tolerationProblems(toleration).map((problem) => `scheduling.tolerations[${index}]: ${problem}`)),
    fix: 'write tolerations as Kubernetes accepts them, e.g. {key: dedicated, operator: Equal, value: kafka, effect: NoSchedule}',
  },
  {
    at: ['logging', 'podAnnotations'],
    check: (options) =>
      Object.keys(options.logging?.podAnnotations ?? {})
        .filter((key) => !isAnnotationKey(key))
        .map((key) => `logging.podAnnotations: "${key}" is not a Kubernetes annotation key`),
    fix: 'use keys such as fluentbit.io/parser: an optional DNS prefix, "/", and a name of letters, digits, "-", "_" and "." (at most 63)',
  },
  {
    at: ['logging', 'levels'],
    check: (options) =>
      Object.keys(options.logging?.levels ?? {})
        .filter((name) => !LOGGER_NAME.test(name))
        .map((name) => `logging.levels: "${name}" is not a logger name`),
    fix: 'use root for the root logger and Java package or class names for the others, e.g. kafka.controller',
  },
];

function tolerationProblems(toleration: Toleration): string[] {
  // The API server's own rules (core/v1 validation of tolerations).
  const problems: string[] = [];
  const operator = toleration.operator ?? 'Equal';
  if (!toleration.key && operator !== 'Exists') problems.push('without a key the operator must be Exists (it then tolerates every taint)');
  if (operator === 'Exists' && toleration.value) problems.push('with operator Exists the value must be empty');
  if (toleration.tolerationSeconds !== undefined && toleration.effect !== 'NoExecute') problems.push('tolerationSeconds needs effect NoExecute');
  return problems;
}

function isAnnotationKey(key: string): boolean {
  if (!ANNOTATION_KEY.test(key)) return false;
  const slash = key.indexOf('/');
  const name = slash === -1 ? key : key.slice(slash + 1);
  return name.length <= 63 && slash <= 253;
}

/**
 * Problems of the external access, scheduling and logging options of every environment. Call it from
 * checkModelSemantics (src/model/check.ts) beside the security options' check.
 */
export function operationsOptionProblems(model: PlatformModel): ModelProblem[] {
  const found = new Map<string, { path: YamlPath; message: string; fix: string; environments: string[] }>();
  model.environments.forEach((env, index) => {
    const options = optionsOf(model, env);
    for (const rule of RULES) {
      for (const message of rule.check(options)) {
        const path = whereSet(model, index, rule.at);
        const key = `${path.join('.')}\u0000${message}`;
        const entry = found.get(key) ?? { path, message, fix: rule.fix, environments: [] };
        entry.environments.push(env.name);
        found.set(key, entry);
      }
    }
  });
  return [
    ...[...found.values()].map(({ path, message, fix, environments }) => ({
      path,
      message: `${environments.length > 1 ? 'environments' : 'environment'} ${environments.map((name) => `"${name}"`).join(', ')}: ${message}`,
      fix,
    })),
    ...externalAddressClashes(model),
  ];
}

/**
 * Two environments cannot share external addresses: load balancer and host-routing names are DNS
 * records (clients of one would reach the other), and node ports are allocated per cluster (the second Service is refused).
 * Reported at the later environment, which is the one to change.
 */
function externalAddressClashes(model: PlatformModel): ModelProblem[] {
  const problems: ModelProblem[] = [];
  const seen = new Map<string, string>();
  model.environments.forEach((env, index) => {
    const access = optionsOf(model, env).externalAccess;
    // What the environment claims: DNS names (bootstrap, broker pattern), or the first node port of a cluster.
    const claims: { key: string; what: string }[] = [];
    if ((access?.type === 'loadBalancer' || access?.type === 'staticForHostBasedRouting') && access.domain) {
      const bootstrap = `${access.bootstrapPrefix ?? DEFAULT_KAFKA_NAME}.${access.domain}`;
      const brokers = `${access.brokerPrefix ?? DEFAULT_BROKER_PREFIX}<i>.${access.domain}`;
      claims.push({ key: `dns ${bootstrap}`, what: `the DNS name ${bootstrap}` }, { key: `dns ${brokers}`, what: `the broker DNS names ${brokers}` });
    } else if (access?.type === 'nodePort' && access.host) {
      const offset = access.nodePortOffset ?? DEFAULT_NODE_PORT_OFFSET;
      claims.push({ key: `port ${env.cluster} ${offset}`, what: `node ports from ${offset} on ${env.cluster}` });
    }
    const clash = claims.find((claim) => seen.has(claim.key));
    if (clash) {
      problems.push({
        path: whereSet(model, index, ['externalAccess']),
        message: `environment "${env.name}" uses ${clash.what}, like environment "${seen.get(clash.key)!}"`,
        fix:
          access?.type === 'nodePort'
            ? `give each environment on the cluster its own range: cp-gitops set externalAccess.nodePortOffset=<port> --env ${env.name} (a Kafka cluster uses replicas + 1 ports)`
            : `give each environment its own names: cp-gitops set externalAccess.domain=${env.name}.<domain> --env ${env.name}`,
      });
    }
    for (const claim of claims) if (!seen.has(claim.key)) seen.set(claim.key, env.name);
  });
  return problems;
}
