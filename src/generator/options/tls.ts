import type { PlatformOptions } from '../../model/options.js';
import { isPlainObject, mergePlain, type PlainObject } from '../object-path.js';
import { dependencyValue, SYNC_WAVE_ANNOTATION } from '../resources.js';
import type { DependencyField, ResourceTemplate } from '../templates.js';
import { BUNDLED_SERVICE_PORTS, bundledClientAuthentication, componentResources, httpClientAuthentication, isNextGenControlCenter, kafkaClientAuthentication, logsInWithToken, restTarget } from './authentication.js';
import { metricReporterOn } from './metric-reporter.js';
import type { ExtraManifest, OptionContext, OptionModule } from './option-module.js';
import type { SecretNeed } from './secrets.js';
import { layout } from '../layout.js';

/** The CA key pair Secret CFK signs auto-generated certificates with, unless tls.caSecret names another. */
export const DEFAULT_CA_SECRET = 'ca-pair-sslcerts';
/** CFK limits every secretRef to 30 characters. */
export const MAX_SECRET_REF = 30;
/** Certificates before the components that mount them (the platform's waves start at 0). */
const CERTIFICATE_SYNC_WAVE = -1;
/** ZooKeeper serves TLS clients on its secure client port; 2181 stays plaintext. */
export const ZOOKEEPER_TLS_PORT = 2182;
const CERT_MANAGER_API_VERSION = 'cert-manager.io/v1';

export type TlsMode = 'none' | 'auto' | 'cert-manager';

export function tlsMode(options: PlatformOptions): TlsMode {
  return options.tls?.mode ?? 'none';
}

export function caSecretName(options: PlatformOptions): string {
  return options.tls?.caSecret ?? DEFAULT_CA_SECRET;
}

/** The Secret cert-manager writes a component's certificate to (tls.crt, tls.key, ca.crt), which CFK reads. */
export function certificateSecretName(component: string): string {
  const name = `${component}-tls`;
  if (name.length > MAX_SECRET_REF) throw new Error(`certificate Secret "${name}" is longer than the ${MAX_SECRET_REF} characters CFK allows in a secretRef`);
  return name;
}

/**
 * tls: every component serves TLS, with certificates CFK generates from a CA key pair (`auto`) or with
 * one cert-manager Certificate per component (`cert-manager`): Kafka's internal, external and
 * replication listeners, the KRaft controller listener, ZooKeeper (port 2182), every REST API and
 * Control Center's bundled Prometheus and Alertmanager.
 *
 * It also spells out every dependency of a component, because the scheme, the port, the trust and the
 * credentials of a client change together: https:// URLs, tls.enabled, and the client authentication
 * of the authentication option. One module writes each dependency whole, since Control Center's
 * connect and ksqldb dependencies are lists, which two modules' fragments would append twice; the
 * generator leaves a dependency that a fragment sets alone (resources.ts).
 */
export const tlsOption: OptionModule = {
  name: 'tls',
  resourcePatch(resource, context) {
    const mode = tlsMode(context.options);
    let patch: PlainObject = mode !== 'none' && resource.sized ? serverTls(resource, context, mode) : {};
    const clients = dependencyClients(resource, context);
    if (Object.keys(clients).length > 0) patch = mergePlain(patch, { dependencies: clients });
    return Object.keys(patch).length > 0 ? patch : undefined;
  },
  manifests(context) {
    if (tlsMode(context.options) !== 'cert-manager') return [];
    const issuer = context.options.tls?.issuer;
    if (!issuer) return []; // refused by the model check (options-check.ts)
    return componentResources(context.units).map((resource) => certificate(resource, context, issuer));
  },
  readme({ env, options, units }) {
    const mode = tlsMode(options);
    if (mode === 'none') return [];
    const zookeeper = units.has('zookeeper') ? ` ZooKeeper clients use its TLS port ${ZOOKEEPER_TLS_PORT}.` : '';
    const external = (options.externalAccess?.type ?? 'none') !== 'none';
    if (mode === 'auto') {
      return [
        `- ${env.name}: TLS on every listener and REST API, with certificates CFK generates and signs with the CA key pair in Secret \`${caSecretName(options)}\`; ` +
          `components reach each other over https:// and TLS.${zookeeper}` +
          (external ? ' Generated certificates name only in-cluster hosts: external clients need tls.mode=cert-manager with an issuer they trust.' : ''),
      ];
    }
    const issuer = options.tls?.issuer;
    return [
      `- ${env.name}: TLS on every listener and REST API, with one cert-manager Certificate per component (\`${layout.overlayDir(env.name)}/tls/\`, sync wave ${CERTIFICATE_SYNC_WAVE}) ` +
        `signed by ${issuer ? `${issuer.kind} \`${issuer.name}\`` : 'the issuer'}, which must exist before the first sync; each component reads its \`<component>-tls\` Secret ` +
        `(tls.crt, tls.key, ca.crt), and components reach each other over https:// and TLS.${zookeeper}`,
    ];
  },
};

/** The CA pair an `auto` environment needs (created out of band, never by cp-gitops). */
export function tlsSecrets({ options }: OptionContext): SecretNeed[] {
  if (tlsMode(options) !== 'auto') return [];
  return [
    {
      name: caSecretName(options),
      type: 'kubernetes.io/tls',
      purpose: 'the certificate authority CFK signs every component certificate with',
      keys: [
        { key: 'tls.crt', content: 'the CA certificate (PEM)' },
        { key: 'tls.key', content: 'the CA private key (PEM)' },
      ],
    },
  ];
}

function componentTls(resource: ResourceTemplate, mode: Exclude<TlsMode, 'none'>): PlainObject {
  return mode === 'auto' ? { autoGeneratedCerts: true } : { secretRef: certificateSecretName(resource.name) };
}

function enabled(): PlainObject {
  return { tls: { enabled: true } };
}

function serverTls(resource: ResourceTemplate, { units }: OptionContext, mode: Exclude<TlsMode, 'none'>): PlainObject {
  const patch: PlainObject = { tls: componentTls(resource, mode) };
  switch (resource.kind) {
    case 'Kafka':
      patch.listeners = { internal: enabled(), external: enabled(), replication: enabled() };
      // The broker's own metrics reporter is a client of the internal listener.
      if (metricReporterOn(units)) patch.metricReporter = enabled();
      // The embedded Admin REST API (8090), which the KafkaRestClass and MDS clients call: stated, not left to CFK's default.
      patch.services = { kafkaRest: enabled() };
      if (units.has('kraftcontroller') && resource.dependencies.some((dependency) => dependency.unit === 'kraftcontroller')) {
        patch.dependencies = { kRaftController: { controllerListener: enabled() } };
      }
      break;
    case 'KRaftController':
      patch.listeners = { controller: enabled() };
      break;
    case 'ControlCenter':
      // Control Center next-gen's bundled Prometheus and Alertmanager live in its pod: the same certificate.
      if (resource.images.some((image) => image.path === 'spec.services.prometheus.image')) {
        patch.services = { prometheus: { tls: componentTls(resource, mode) }, alertmanager: { tls: componentTls(resource, mode) } };
      }
      break;
  }
  return patch;
}

/** Every dependency of a resource that TLS or authentication changes, written whole (keyed under dependencies). */
export function dependencyClients(resource: ResourceTemplate, { options, units, env }: OptionContext): PlainObject {
  const tls = tlsMode(options) !== 'none';
  const result: PlainObject = {};
  for (const dependency of resource.dependencies) {
    if (dependency.value === 'name') continue;
    const path = dependency.path.split('.');
    if (path[0] !== 'spec' || path[1] !== 'dependencies') continue;
    const target = units.get(dependency.unit)?.resources[0];
    if (!target) continue;
    const trust = tls ? enabled() : {};
    if (target.kind === 'Kafka') {
      const authentication = logsInWithToken(resource, options) ? undefined : kafkaClientAuthentication(resource.name, options);
      if (!tls && !authentication) continue;
      setAt(result, path.slice(2, -1), { [path.at(-1)!]: dependencyValue(dependency, units, env.namespace), ...(authentication ? { authentication } : {}), ...trust });
    } else if (target.kind === 'Zookeeper') {
      if (!tls) continue;
      const secure: DependencyField = { ...dependency, port: ZOOKEEPER_TLS_PORT };
      setAt(result, path.slice(2, -1), { [path.at(-1)!]: dependencyValue(secure, units, env.namespace), ...trust });
    } else {
      const bundled = dependency.port !== undefined ? BUNDLED_SERVICE_PORTS[dependency.port] : undefined;
      const authentication = restTarget(dependency, units)
        ? httpClientAuthentication(resource.name, options)
        : bundled && isNextGenControlCenter(target)
          ? bundledClientAuthentication(bundled, options)
          : undefined;
      if (!tls && !authentication) continue;
      // mTLS to the bundled Prometheus and Alertmanager names the client certificate, as Confluent's
      // control-center-next-gen/mtls example does; with cert-manager it is the component's own.
      const clientCertificate = bundled && authentication?.type === 'mtls' && tlsMode(options) === 'cert-manager' ? { tls: { enabled: true, secretRef: certificateSecretName(resource.name) } } : trust;
      const client = { ...(authentication ? { authentication } : {}), ...clientCertificate };
      const value = dependencyValue(dependency, units, env.namespace);
      if (dependency.value === 'list' && Array.isArray(value)) {
        setAt(result, path.slice(2), value.map((entry) => (isPlainObject(entry) ? { ...entry, url: secureUrl(String(entry.url), tls), ...structuredClone(client) } : entry)));
      } else if (dependency.value === 'url') {
        setAt(result, path.slice(2, -1), { [path.at(-1)!]: secureUrl(String(value), tls), ...client });
      }
    }
  }
  return result;
}

function secureUrl(url: string, tls: boolean): string {
  return tls ? url.replace(/^http:\/\//, 'https://') : url;
}

/** Merges `value` at a path of maps (a dependency object, or a list, which replaces). */
function setAt(target: PlainObject, path: readonly string[], value: unknown): void {
  if (path.length === 0) return;
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (!isPlainObject(node[key])) node[key] = {};
    node = node[key] as PlainObject;
  }
  const last = path.at(-1)!;
  const current = node[last];
  node[last] = isPlainObject(current) && isPlainObject(value) ? mergePlain(current, value) : value;
}

/** One cert-manager Certificate per component: its service, namespace and pod names, usable as server and client (mTLS). */
function certificate(resource: ResourceTemplate, { env, options }: OptionContext, issuer: NonNullable<NonNullable<PlatformOptions['tls']>['issuer']>): ExtraManifest {
  const name = resource.name;
  const ns = env.namespace;
  const dnsNames = [name, `${name}.${ns}`, `${name}.${ns}.svc`, `${name}.${ns}.svc.cluster.local`, `*.${name}.${ns}.svc.cluster.local`];
  // Kafka's external listener (externalAccess option): the bootstrap and broker names under the domain, or the node host.
  const access = options.externalAccess;
  if (resource.kind === 'Kafka' && (access?.type === 'loadBalancer' || access?.type === 'staticForHostBasedRouting') && access.domain) dnsNames.push(`*.${access.domain}`);
  if (resource.kind === 'Kafka' && access?.type === 'nodePort' && access.host) dnsNames.push(access.host);
  return {
    file: `tls/${name}-certificate.yaml`,
    description: `cert-manager Certificate of ${resource.kind} "${name}" (Secret ${certificateSecretName(name)})`,
    object: {
      apiVersion: CERT_MANAGER_API_VERSION,
      kind: 'Certificate',
      metadata: { name: certificateSecretName(name), annotations: { [SYNC_WAVE_ANNOTATION]: String(CERTIFICATE_SYNC_WAVE) } },
      spec: {
        secretName: certificateSecretName(name),
        // The CN is the principal under mTLS (authentication.ts maps User:<CN>).
        commonName: name,
        dnsNames,
        usages: ['server auth', 'client auth', 'digital signature', 'key encipherment'],
        issuerRef: { group: 'cert-manager.io', kind: issuer.kind, name: issuer.name },
      },
    },
  };
}
