import type { ExternalAccessOptions } from '../../model/options.js';
import type { PlainObject } from '../object-path.js';
import { kafkaResource } from '../resources.js';
import type { ResourceTemplate } from '../templates.js';
import type { ExtraManifest, OptionContext, OptionModule } from './option-module.js';
import { layout } from '../layout.js';

/** CFK's default broker prefix (b0, b1, …); written explicitly so the DNS records below are exact. */
export const DEFAULT_BROKER_PREFIX = 'b';
/** The first node port when none is set: the bottom of Kubernetes' default NodePort range. */
export const DEFAULT_NODE_PORT_OFFSET = 30000;
/** Host-based routing: the port brokers advertise, the TLS port of the ingress controller (SNI needs TLS). */
export const DEFAULT_HOST_ROUTING_PORT = 443;
/** Host-based routing: the IngressClass of a default ingress-nginx installation. */
export const DEFAULT_INGRESS_CLASS = 'nginx';
/** Kafka's external listener port inside the cluster: the Ingress backends and the bootstrap Service. */
export const KAFKA_EXTERNAL_PORT = 9092;
/** ingress-nginx hands the TLS stream to the backend unopened (the controller needs --enable-ssl-passthrough). */
export const SSL_PASSTHROUGH_ANNOTATION = 'nginx.ingress.kubernetes.io/ssl-passthrough';

/**
 * externalAccess: clients outside the cluster reach Kafka through a bootstrap address and one address
 * per broker, either load balancers (one per broker, names under a DNS domain), node ports (one host,
 * consecutive ports) or host-based routing (names under a DNS domain, all on one ingress controller that
 * passes TLS through and routes by SNI). Only the Kafka external listener is exposed; the HTTP components
 * stay internal. The semantic check (src/model/options-check-access.ts) guarantees domain or host is set,
 * and TLS for host-based routing.
 *
 * CFK creates the Services of load balancers and node ports itself, but nothing for host-based routing:
 * this module writes the Ingress (one rule per broker, from the environment's replicas, so a scale-out
 * regenerates it) and the bootstrap Service the Ingress points its bootstrap host at.
 */
export const externalAccessOption: OptionModule = {
  name: 'externalAccess',
  resourcePatch(resource, { options }) {
    const access = options.externalAccess;
    if (resource.kind !== 'Kafka' || !access || access.type === 'none') return undefined;
    const externalAccess = externalAccessSpec(access, resource.name);
    if (!externalAccess) return undefined;
    return { listeners: { external: { externalAccess } } };
  },
  manifests(context) {
    const access = context.options.externalAccess;
    const kafka = kafkaResource(context.units);
    if (access?.type !== 'staticForHostBasedRouting' || !access.domain || !kafka) return [];
    return hostRoutingManifests(access, kafka, context);
  },
  readme(context) {
    const access = context.options.externalAccess;
    const kafka = kafkaResource(context.units);
    if (!access || access.type === 'none' || !kafka) return [];
    const env = context.env;
    if (access.type === 'loadBalancer' && access.domain) {
      const bootstrap = bootstrapHost(access, kafka.name);
      const prefix = access.brokerPrefix ?? DEFAULT_BROKER_PREFIX;
      return [
        `- ${env.name}: Kafka is reachable from outside the cluster through load balancers; bootstrap \`${bootstrap}:9092\`. Create these DNS records`,
        `  (the addresses are the EXTERNAL-IP of each Service, \`kubectl -n ${env.namespace} get svc\`):`,
        `  - \`${bootstrap}\` → Service \`${kafka.name}-bootstrap-lb\``,
        `  - \`${prefix}<i>.${access.domain}\` → Service \`${kafka.name}-<i>-lb\`, one per broker: i = 0 … replicas − 1 of \`${layout.overlayDir(env.name)}/patches/${kafka.file}\` (${prefix}0, ${prefix}1, ${prefix}2 with three brokers); add one when you scale out.`,
      ];
    }
    if (access.type === 'nodePort' && access.host) {
      const offset = access.nodePortOffset ?? DEFAULT_NODE_PORT_OFFSET;
      return [
        `- ${env.name}: Kafka is reachable from outside the cluster through node ports; bootstrap \`${access.host}:${offset}\`. Create a DNS record`,
        `  \`${access.host}\` → the addresses of one or more nodes, and open the firewall for TCP ${offset} … ${offset} + replicas`,
        `  (CFK creates replicas + 1 NodePort Services from port ${offset}: the bootstrap and one per broker; \`kubectl -n ${env.namespace} get svc\` lists them).`,
      ];
    }
    if (access.type === 'staticForHostBasedRouting' && access.domain) {
      const names = hostRoutingNames(access, kafka.name);
      const port = access.port ?? DEFAULT_HOST_ROUTING_PORT;
      const brokers = context.replicas('Kafka') ?? 0;
      return [
        `- ${env.name}: Kafka is reachable from outside the cluster through the ingress controller of IngressClass \`${access.ingressClassName ?? DEFAULT_INGRESS_CLASS}\`, by host name (TLS passthrough, SNI);`,
        `  bootstrap \`${names.bootstrap}:${port}\`. The controller must pass TLS through: ingress-nginx started with \`--enable-ssl-passthrough\``,
        `  (Helm: \`--set controller.extraArgs.enable-ssl-passthrough=true\`) and listening on ${port}. Create these DNS records, each → the EXTERNAL-IP of the`,
        `  ingress controller's Service (\`kubectl -n ingress-nginx get svc ingress-nginx-controller\`), or one wildcard record \`*.${access.domain}\`:`,
        `  - \`${names.bootstrap}\` (Ingress rule → Service \`${names.bootstrapService}\`, written here)`,
        `  - \`${names.brokerPrefix}<i>.${access.domain}\` (→ Service \`${kafka.name}-<i>-internal\`, which CFK creates), one per broker: ${brokerList(names.brokerPrefix, access.domain, brokers)}.`,
        `  \`${layout.overlayDir(env.name)}/${INGRESS_FILE}\` has one rule per broker of \`${layout.overlayDir(env.name)}/patches/${kafka.file}\`; \`cp-gitops scale\` rewrites it.`,
      ];
    }
    return [];
  },
};

/** The listeners.external.externalAccess block of the Kafka resource; undefined when incomplete. */
/** The bootstrap DNS name of loadBalancer and host-based routing: <bootstrapPrefix, default the Kafka name>.<domain>. */
function bootstrapHost(access: ExternalAccessOptions, kafkaName: string): string {
  return `${access.bootstrapPrefix ?? kafkaName}.${access.domain!}`;
}

/** Where clients outside the cluster connect: the bootstrap address and the brokers' address pattern (<i> = 0 … replicas − 1). */
export function externalEndpoints(access: ExternalAccessOptions | undefined, kafkaName: string): { bootstrap: string; brokers: string } | undefined {
  if (!access) return undefined;
  const prefix = access.brokerPrefix ?? DEFAULT_BROKER_PREFIX;
  if (access.type === 'loadBalancer' && access.domain) {
    return { bootstrap: `${bootstrapHost(access, kafkaName)}:${KAFKA_EXTERNAL_PORT}`, brokers: `${prefix}<i>.${access.domain}:${KAFKA_EXTERNAL_PORT}` };
  }
  if (access.type === 'nodePort' && access.host) {
    const offset = access.nodePortOffset ?? DEFAULT_NODE_PORT_OFFSET;
    return { bootstrap: `${access.host}:${offset}`, brokers: `${access.host}:${offset + 1} + <i>` };
  }
  if (access.type === 'staticForHostBasedRouting' && access.domain) {
    const port = access.port ?? DEFAULT_HOST_ROUTING_PORT;
    return { bootstrap: `${bootstrapHost(access, kafkaName)}:${port}`, brokers: `${prefix}<i>.${access.domain}:${port}` };
  }
  return undefined;
}

export function externalAccessSpec(access: ExternalAccessOptions, kafkaName: string): PlainObject | undefined {
  switch (access.type) {
    case 'loadBalancer':
      if (!access.domain) return undefined;
      return {
        type: 'loadBalancer',
        loadBalancer: { domain: access.domain, bootstrapPrefix: access.bootstrapPrefix ?? kafkaName, brokerPrefix: access.brokerPrefix ?? DEFAULT_BROKER_PREFIX },
      };
    case 'nodePort':
      if (!access.host) return undefined;
      // nodePortOffset is required by CFK; the CRD takes any integer, Kubernetes only 30000–32767.
      return { type: 'nodePort', nodePort: { host: access.host, nodePortOffset: access.nodePortOffset ?? DEFAULT_NODE_PORT_OFFSET } };
    case 'staticForHostBasedRouting':
      if (!access.domain) return undefined;
      // CFK has no bootstrapPrefix here (it creates no bootstrap): the bootstrap name lives in the Ingress only.
      return {
        type: 'staticForHostBasedRouting',
        staticForHostBasedRouting: { domain: access.domain, brokerPrefix: access.brokerPrefix ?? DEFAULT_BROKER_PREFIX, port: access.port ?? DEFAULT_HOST_ROUTING_PORT },
      };
    default:
      return undefined;
  }
}

export const INGRESS_FILE = 'external-access/kafka-ingress.yaml';
const BOOTSTRAP_SERVICE_FILE = 'external-access/kafka-bootstrap-service.yaml';

interface HostRoutingNames {
  readonly bootstrap: string;
  readonly brokerPrefix: string;
  readonly bootstrapService: string;
}

function hostRoutingNames(access: ExternalAccessOptions, kafkaName: string): HostRoutingNames {
  return {
    bootstrap: bootstrapHost(access, kafkaName),
    brokerPrefix: access.brokerPrefix ?? DEFAULT_BROKER_PREFIX,
    bootstrapService: `${kafkaName}-bootstrap`,
  };
}

function brokerList(prefix: string, domain: string, brokers: number): string {
  if (brokers <= 0) return 'none';
  const shown = Array.from({ length: Math.min(brokers, 3) }, (_, index) => `${prefix}${index}.${domain}`);
  return brokers > 3 ? `${shown.join(', ')} … ${prefix}${brokers - 1}.${domain}` : shown.join(', ');
}

/**
 * The bootstrap Service (every broker's external listener behind one name: CFK creates none for
 * host-based routing) and the Ingress: with SSL passthrough ingress-nginx proxies the TCP stream of
 * each TLS connection to the backend whose rule host matches the SNI name, without terminating it, so
 * the brokers' own certificates reach the clients and the rules' paths are never looked at.
 */
function hostRoutingManifests(access: ExternalAccessOptions, kafka: ResourceTemplate, { env, replicas }: OptionContext): ExtraManifest[] {
  const names = hostRoutingNames(access, kafka.name);
  const brokers = replicas('Kafka') ?? 0;
  const rule = (host: string, service: string): PlainObject => ({
    host,
    http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: service, port: { number: KAFKA_EXTERNAL_PORT } } } }] },
  });
  const rules = [rule(names.bootstrap, names.bootstrapService)];
  for (let index = 0; index < brokers; index += 1) rules.push(rule(`${names.brokerPrefix}${index}.${access.domain!}`, `${kafka.name}-${index}-internal`));
  const ingressClassName = access.ingressClassName ?? DEFAULT_INGRESS_CLASS;
  return [
    {
      file: BOOTSTRAP_SERVICE_FILE,
      description: `the bootstrap Service of Kafka "${kafka.name}" for host-based routing: every broker's external listener (${KAFKA_EXTERNAL_PORT})`,
      object: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: names.bootstrapService },
        spec: {
          type: 'ClusterIP',
          // CFK labels every pod of a component app=<resource name>.
          selector: { app: kafka.name },
          ports: [{ name: 'external', port: KAFKA_EXTERNAL_PORT, targetPort: KAFKA_EXTERNAL_PORT, protocol: 'TCP' }],
        },
      },
    },
    {
      file: INGRESS_FILE,
      description: `Ingress (ingress-nginx, SSL passthrough, IngressClass ${ingressClassName}) of Kafka "${kafka.name}": ${names.bootstrap} and ${brokers} broker ${brokers === 1 ? 'host' : 'hosts'} in ${env.name}`,
      object: {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: `${kafka.name}-external`, annotations: { [SSL_PASSTHROUGH_ANNOTATION]: 'true' } },
        spec: { ingressClassName, rules },
      },
    },
  ];
}

