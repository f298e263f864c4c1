import { isPlainObject, type PlainObject } from '../../generator/object-path.js';
import { idOf } from '../kustomize/build.js';
import { blameOf, type BuiltResource } from '../kustomize/types.js';
import { locate } from '../sources.js';
import type { RuleContext } from '../validate.js';
import type { Violation } from '../violation.js';

export const REFERENCE_RULES: Readonly<Record<string, string>> = {
  'reference/missing-resource': 'A clusterRef or similar reference names a resource the overlay does not render (a namePrefix without a nameReference field spec, or a missing component)',
  'reference/missing-component': 'A dependency endpoint or URL points at a component the environment does not run',
  'reference/other-namespace': "A dependency endpoint points at another namespace's component",
};

/** References by name: field path in a CFK resource → the kind it names. */
const NAME_REFERENCES: readonly { readonly path: readonly string[]; readonly kind: string }[] = [
  { path: ['spec', 'dependencies', 'kRaftController', 'clusterRef', 'name'], kind: 'KRaftController' },
  { path: ['spec', 'kafkaClusterRef', 'name'], kind: 'Kafka' },
  { path: ['spec', 'kafkaRestClassRef', 'name'], kind: 'KafkaRestClass' },
  { path: ['spec', 'connectClusterRef', 'name'], kind: 'Connect' },
  { path: ['spec', 'schemaRegistryClusterRef', 'name'], kind: 'SchemaRegistry' },
];

const CFK_GROUP = 'platform.confluent.io/';
const SERVICE_HOST = /^(?:https?:\/\/)?([a-z0-9]([-a-z0-9]*[a-z0-9])?)(?:\.([a-z0-9]([-a-z0-9]*[a-z0-9])?))?(?:\.svc(?:\.cluster\.local)?)?(?::\d+)?(?:\/.*)?$/;

/**
 * Cross-object checks a schema cannot express (rule family `reference/`): a clusterRef that names a
 * resource the overlay does not render (a namePrefix without a nameReference field spec, or a
 * component missing from the environment), and endpoints / URLs that point at a component the
 * environment does not run, or at another namespace's.
 */
export function referenceRules(context: RuleContext): Violation[] {
  const violations: Violation[] = [];
  const seen = new Set<string>();
  const push = (violation: Violation) => {
    const key = `${violation.file}:${violation.line}:${violation.column}:${violation.rule}:${violation.message}`;
    if (!seen.has(key)) violations.push(violation);
    seen.add(key);
  };
  for (const build of context.builds.values()) {
    const byKind = new Map<string, Set<string>>();
    const cfkNames = new Set<string>();
    for (const resource of build.resources) {
      const id = idOf(resource.object);
      byKind.set(id.kind, (byKind.get(id.kind) ?? new Set()).add(id.name));
      if (id.apiVersion.startsWith(CFK_GROUP)) cfkNames.add(id.name);
    }
    for (const resource of build.resources) {
      if (!String(resource.object.apiVersion ?? '').startsWith(CFK_GROUP)) continue;
      const id = idOf(resource.object);
      for (const reference of NAME_REFERENCES) {
        const value = valueAt(resource.object, reference.path);
        if (typeof value !== 'string' || byKind.get(reference.kind)?.has(value)) continue;
        push(at(resource, reference.path, 'reference/missing-resource', `${id.kind}/${id.name} in ${build.dir} refers to ${reference.kind} "${value}", which ${build.dir} does not render`, `use the rendered name (${[...(byKind.get(reference.kind) ?? [])].join(', ') || `add ${reference.kind} to the environment`}); with a namePrefix, declare a nameReference field spec`));
      }
      const namespace = id.namespace;
      walkEndpoints(resource.object.spec, ['spec'], (path, endpoint) => {
        const match = SERVICE_HOST.exec(endpoint);
        if (!match) return;
        const host = match[1]!;
        const hostNamespace = match[3];
        if (endpoint.includes('.') && !/\.svc(\.|:|\/|$)/.test(endpoint) && hostNamespace !== undefined) return; // an outside host
        if (!cfkNames.has(host)) {
          push(at(resource, path, 'reference/missing-component', `${id.kind}/${id.name} in ${build.dir} points at "${host}", which ${build.dir} does not run`, 'add that component to the environment (cp-gitops add-component), or remove the dependency'));
        } else if (hostNamespace !== undefined && namespace !== undefined && hostNamespace !== namespace) {
          push(at(resource, path, 'reference/other-namespace', `${id.kind}/${id.name} in namespace ${namespace} points at ${host}.${hostNamespace}, another namespace`, `use ${host}.${namespace}.svc.cluster.local`));
        }
      });
    }
  }
  return violations;
}

function at(resource: BuiltResource, path: readonly string[], rule: string, message: string, fix: string): Violation {
  const ref = blameOf(resource, `/${path.join('/')}`);
  return { rule, severity: 'error', ...locate(ref.document, ref.path), message, fix };
}

function valueAt(object: PlainObject, path: readonly string[]): unknown {
  let node: unknown = object;
  for (const key of path) node = isPlainObject(node) ? node[key] : undefined;
  return node;
}

/** Visits dependency endpoints: bootstrapEndpoint, endpoint and url fields under spec.dependencies. */
function walkEndpoints(node: unknown, path: string[], visit: (path: string[], value: string) => void): void {
  if (Array.isArray(node)) {
    node.forEach((item, index) => walkEndpoints(item, [...path, String(index)], visit));
    return;
  }
  if (!isPlainObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    const inDependencies = path.includes('dependencies');
    if (inDependencies && typeof value === 'string' && (key === 'bootstrapEndpoint' || key === 'endpoint' || key === 'url')) visit([...path, key], value);
    else walkEndpoints(value, [...path, key], visit);
  }
}
