import type { ExternalAccessOptions } from '../../model/options.js';
import type { PlainObject } from '../object-path.js';
import type { UnitIndex } from '../resources.js';
import type { ResourceTemplate } from '../templates.js';
import type { OptionModule } from './option-module.js';

/** CFK's default broker prefix (b0, b1, …); written explicitly so the DNS records below are exact. */
export const DEFAULT_BROKER_PREFIX = 'b';
/** The first node port when none is set: the bottom of Kubernetes' default NodePort range. */
export const DEFAULT_NODE_PORT_OFFSET = 30000;

/**
 * externalAccess: clients outside the cluster reach Kafka through a bootstrap address and one address
 * per broker, either load balancers (one per broker, names under a DNS domain) or node ports (one host,
 * consecutive ports). Only the Kafka external listener is exposed; the HTTP components stay internal.
 * The semantic check (src/model/options-check-access.ts) guarantees domain or host is set.
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
  readme(context) {
    const access = context.options.externalAccess;
    const kafka = kafkaResource(context.units);
    if (!access || access.type === 'none' || !kafka) return [];
    const env = context.env;
    if (access.type === 'loadBalancer' && access.domain) {
      const bootstrap = `${access.bootstrapPrefix ?? kafka.name}.${access.domain}`;
      const prefix = access.brokerPrefix ?? DEFAULT_BROKER_PREFIX;
      return [
        `- ${env.name}: Kafka is reachable from outside the cluster through load balancers; bootstrap \`${bootstrap}:9092\`. Create these DNS records`,
        `  (the addresses are the EXTERNAL-IP of each Service, \`kubectl -n ${env.namespace} get svc\`):`,
        `  - \`${bootstrap}\` → Service \`${kafka.name}-bootstrap-lb\``,
        `  - \`${prefix}<i>.${access.domain}\` → Service \`${kafka.name}-<i>-lb\`, one per broker: i = 0 … replicas − 1 of \`overlays/${env.name}/patches/${kafka.file}\` (${prefix}0, ${prefix}1, ${prefix}2 with three brokers); add one when you scale out.`,
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
    return [];
  },
};

/** The listeners.external.externalAccess block of the Kafka resource; undefined when incomplete. */
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
    default:
      return undefined;
  }
}

function kafkaResource(units: UnitIndex): ResourceTemplate | undefined {
  for (const unit of units.values()) {
    const kafka = unit.resources.find((resource) => resource.kind === 'Kafka');
    if (kafka) return kafka;
  }
  return undefined;
}
