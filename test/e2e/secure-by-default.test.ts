import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { pathExists, writeTree } from '../../src/adapters/fs.js';
import { loadTemplates } from '../../src/adapters/templates.js';
import { generateRepository } from '../../src/generator/repository.js';
import { buildNewModel } from '../../src/model/build.js';
import { expectExit, git, makeTempDir, removeTempDirs, runCli } from '../helpers/cli.js';
import { NEUTRAL_ENV } from '../helpers/git-remotes.js';
import { renderKustomization, type KubeResource } from '../helpers/kustomize.js';
import { skipWithoutUpstreamSchemas, validateAgainstUpstream } from '../helpers/upstream-schemas.js';

// Issue 11, "secure by default": the default prod overlay rendered by the real Kustomize has
// authentication on every listener, the Admin REST API and every HTTP component, TLS on every hop,
// and NetworkPolicies whose allowed flows are exactly the connections the rendered components make
// (read from their rendered dependencies, not from cp-gitops' own flow list). Then every refusal
// through bin/, and the same mistake as a hand edit caught by validate at file:line:col.

const COMPONENT_KINDS = new Set(['KRaftController', 'Kafka', 'SchemaRegistry', 'Connect', 'KsqlDB', 'KafkaRestProxy', 'ControlCenter']);
const HTTP_KINDS = new Set(['SchemaRegistry', 'Connect', 'KsqlDB', 'KafkaRestProxy', 'ControlCenter']);
/** CFK's fixed ports that no rendered field names: the KRaft controller listener, Kafka's replication listener and the Admin REST API. */
const KRAFT_CONTROLLER_PORT = 9074;
const KAFKA_INTERNAL_PORT = 9071;
const KAFKA_REPLICATION_PORT = 9072;
const ADMIN_REST_PORT = 8090;
const CONTROL_CENTER_PROMETHEUS_PORT = 9090;
/** The app label of the CFK operator's pod (the Helm chart's), in the same namespace. */
const OPERATOR = 'confluent-operator';
const CONTROL_CENTER_ALERTMANAGER_PORT = 9093;

type Spec = Record<string, unknown>;

function spec(resource: KubeResource): Spec {
  return (resource.spec ?? {}) as Spec;
}

function get(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), value);
}

/** Every client object under spec.dependencies that names an address (url, bootstrapEndpoint, endpoint), with its path. */
function clients(resource: KubeResource): { path: string; client: Record<string, unknown>; address: string }[] {
  const found: { path: string; client: Record<string, unknown>; address: string }[] = [];
  const walk = (node: unknown, path: string) => {
    if (Array.isArray(node)) node.forEach((item, index) => walk(item, `${path}[${index}]`));
    else if (node !== null && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      const address = ['url', 'bootstrapEndpoint', 'endpoint'].map((key) => record[key]).find((value) => typeof value === 'string');
      if (typeof address === 'string') found.push({ path, client: record, address });
      for (const [key, value] of Object.entries(record)) if (typeof value === 'object') walk(value, `${path}.${key}`);
    }
  };
  walk(spec(resource).dependencies, 'spec.dependencies');
  return found;
}

/** host:port or scheme://host:port → the Service name (first DNS label) and the port. */
function target(address: string): { service: string; port: number } {
  const match = /^(?:[a-z]+:\/\/)?([^.:/]+)[^:/]*:(\d+)/.exec(address);
  if (!match) throw new Error(`no host:port in ${address}`);
  return { service: match[1]!, port: Number(match[2]) };
}

type Edge = string; // "<from app label>→<to app label>:<port>"

describe('secure by default (issue 11)', function () {
  this.timeout(120_000);
  after(removeTempDirs);

  describe('the default prod overlay, rendered by Kustomize', function () {
    let resources: KubeResource[] = [];
    const of = (kind: string) => resources.filter((resource) => resource.kind === kind);
    const one = (kind: string) => of(kind)[0]!;

    before(() => {
      const dir = makeTempDir('cp-gitops-secure-');
      writeTree(dir, generateRepository(buildNewModel({ name: 'acme', repoURL: 'https://github.com/acme/acme.git' }), loadTemplates()));
      resources = renderKustomization(join(dir, 'overlays', 'prod'));
    });

    it('authenticates every Kafka listener, the controller listener and every client of them', () => {
      const kafka = spec(one('Kafka'));
      for (const listener of ['internal', 'external', 'replication']) {
        expect(get(kafka, `listeners.${listener}.authentication.type`), listener).to.equal('mtls');
        expect(get(kafka, `listeners.${listener}.tls.enabled`), listener).to.equal(true);
      }
      expect(get(spec(one('KRaftController')), 'listeners.controller.authentication.type')).to.equal('mtls');
      expect(get(spec(one('KRaftController')), 'listeners.controller.tls.enabled')).to.equal(true);
      expect(get(kafka, 'dependencies.kRaftController.controllerListener')).to.deep.equal({ tls: { enabled: true }, authentication: { type: 'mtls' } });
      // No metrics reporter on CP 8 with Control Center next-gen (decision 25): nothing to authenticate there.
      expect(get(kafka, 'metricReporter')).to.equal(undefined);
    });

    it('authenticates the embedded Admin REST API (8090) and the KafkaRestClass that calls it', () => {
      const rest = get(spec(one('Kafka')), 'services.kafkaRest') as Spec;
      expect(get(rest, 'authentication.type')).to.equal('mtls');
      expect(get(rest, 'authentication.mtls.sslClientAuthentication')).to.equal('required');
      expect(get(rest, 'tls.enabled')).to.equal(true);
      expect(get(spec(one('KafkaRestClass')), 'kafkaRest')).to.deep.equal({ authentication: { type: 'mtls' }, tls: { secretRef: 'restclass-tls' } });
    });

    it('authenticates every HTTP component and Control Center\'s bundled Prometheus and Alertmanager, all on TLS', () => {
      const http = resources.filter((resource) => HTTP_KINDS.has(resource.kind));
      expect(http.map((resource) => resource.kind).sort()).to.deep.equal([...HTTP_KINDS].sort());
      for (const resource of http) expect(get(spec(resource), 'authentication.type'), resource.kind).to.equal('mtls');
      for (const service of ['prometheus', 'alertmanager']) {
        expect(get(spec(one('ControlCenter')), `services.${service}.authentication.type`), service).to.equal('mtls');
        expect(get(spec(one('ControlCenter')), `services.${service}.tls.autoGeneratedCerts`), service).to.equal(true);
        expect(get(spec(one('ControlCenter')), `services.${service}.containerTemplate.resources.requests.memory`), service).to.be.a('string');
      }
    });

    it('TLS on every hop: every component serves TLS, every dependency is https:// or TLS, with credentials', () => {
      const components = resources.filter((resource) => COMPONENT_KINDS.has(resource.kind));
      expect(components).to.have.length(COMPONENT_KINDS.size);
      for (const resource of components) {
        expect(get(spec(resource), 'tls.autoGeneratedCerts'), resource.kind).to.equal(true);
        for (const { path, client, address } of clients(resource)) {
          const where = `${resource.kind} ${path}`;
          expect(get(client, 'tls.enabled'), where).to.equal(true);
          expect(get(client, 'authentication.type'), where).to.equal('mtls');
          if (address.includes('://')) expect(address, where).to.match(/^https:\/\//);
        }
      }
    });

    it('NetworkPolicies: default-deny ingress, then exactly the connections the rendered components make to each other, and the operator', () => {
      const policies = of('NetworkPolicy');
      const deny = policies.find((policy) => policy.metadata?.name === 'default-deny-ingress')!;
      expect(spec(deny)).to.deep.equal({ podSelector: {}, policyTypes: ['Ingress'] });

      // What the policies allow, as edges.
      const allowed = new Set<Edge>();
      for (const policy of policies.filter((candidate) => candidate !== deny)) {
        const to = get(spec(policy), 'podSelector.matchLabels.app') as string;
        for (const rule of get(spec(policy), 'ingress') as { from?: Record<string, unknown>[]; ports: { port: number; protocol: string }[] }[]) {
          expect(rule.from, `${to}: no rule open to everyone`).to.be.an('array').with.length(1);
          const peer = rule.from![0]!;
          const from = get(peer, 'podSelector.matchLabels.app') as string;
          expect(from, `${to}: only pods of the namespace`).to.be.a('string');
          for (const { port, protocol } of rule.ports) {
            expect(protocol).to.equal('TCP');
            allowed.add(`${from}→${to}:${port}`);
          }
        }
      }

      // What the rendered components do: every dependency's address; the KRaft clusterRef on the controller listener.
      const components = resources.filter((resource) => COMPONENT_KINDS.has(resource.kind));
      const names = new Set(components.map((resource) => resource.metadata!.name!));
      const needed = new Set<Edge>();
      for (const resource of components) {
        const from = resource.metadata!.name!;
        for (const { address } of clients(resource)) {
          const { service, port } = target(address);
          expect(names.has(service), `${from} → ${address}: a component of the overlay`).to.equal(true);
          needed.add(`${from}→${service}:${port}`);
        }
        const controller = get(spec(resource), 'dependencies.kRaftController.clusterRef.name');
        if (typeof controller === 'string') needed.add(`${from}→${controller}:${KRAFT_CONTROLLER_PORT}`);
      }
      // Peers: brokers replicate and report metrics to each other, controllers form the quorum, REST replicas forward to each other (on the port their clients use).
      const kafka = one('Kafka').metadata!.name!;
      needed.add(`${kafka}→${kafka}:${KAFKA_REPLICATION_PORT}`).add(`${kafka}→${kafka}:${KAFKA_INTERNAL_PORT}`);
      const controller = one('KRaftController').metadata!.name!;
      needed.add(`${controller}→${controller}:${KRAFT_CONTROLLER_PORT}`);
      // The operator calls the Admin REST API (the KafkaRestClass) and each REST API.
      needed.add(`${OPERATOR}→${kafka}:${ADMIN_REST_PORT}`);
      const restPorts = new Map<string, number>();
      for (const edge of needed) {
        const [, to, port] = /→([^:]+):(\d+)$/.exec(edge)!;
        const resource = components.find((candidate) => candidate.metadata!.name === to)!;
        // Control Center's bundled Prometheus and Alertmanager (its metricsClient, prometheusClient, alertManagerClient) are not its REST API.
        const bundled = resource.kind === 'ControlCenter' && [CONTROL_CENTER_PROMETHEUS_PORT, CONTROL_CENTER_ALERTMANAGER_PORT].includes(Number(port));
        if (HTTP_KINDS.has(resource.kind) && !bundled) restPorts.set(to!, Number(port));
      }
      for (const resource of components.filter((candidate) => HTTP_KINDS.has(candidate.kind))) {
        const name = resource.metadata!.name!;
        // A REST API nobody in the platform calls (REST Proxy, Control Center's UI) is reached on the port the operator's rule opens.
        const port = restPorts.get(name) ?? [...allowed].map((edge) => new RegExp(`^${OPERATOR}→${name}:(\\d+)$`).exec(edge)).find(Boolean)?.[1];
        expect(port, `${name}: its REST port`).to.not.equal(undefined);
        needed.add(`${name}→${name}:${port}`).add(`${OPERATOR}→${name}:${port}`);
      }
      expect([...allowed].sort()).to.deep.equal([...needed].sort());
    });

    it('every rendered resource fits its upstream CFK schema', function () {
      skipWithoutUpstreamSchemas(this);
      for (const resource of resources.filter((candidate) => candidate.apiVersion === 'platform.confluent.io/v1beta1')) {
        expect(validateAgainstUpstream(resource), `${resource.kind}/${resource.metadata?.name}`).to.deep.equal([]);
      }
    });
  });

  describe('refusals (init through bin/): exit 2, the message, the fix, nothing written', function () {
    const cases: [string, string[], RegExp][] = [
      ['Kafka exposed on node ports without authentication', ['--envs', 'dev', '--set', 'externalAccess.type=nodePort', '--set', 'externalAccess.host=kafka.example.com'], /exposed outside the cluster \(externalAccess\) without authentication/],
      [
        'SASL/PLAIN without TLS on a public load balancer',
        ['--envs', 'dev', '--set', 'externalAccess.type=loadBalancer', '--set', 'externalAccess.domain=kafka.example.com', '--set', 'tls.mode=none', '--set', 'authentication.kafka=plain'],
        /SASL\/PLAIN without TLS on listeners reachable from outside the namespace/,
      ],
      ['HTTP basic without TLS, reachable from a client namespace', ['--envs', 'dev', '--set', 'authentication.http=basic', '--set', 'networkPolicy.clients=[orders]'], /HTTP basic authentication without TLS/],
      ['SASL/PLAIN without TLS with NetworkPolicies off', ['--envs', 'dev', '--set', 'authentication.kafka=plain', '--set', 'networkPolicy.enabled=false'], /SASL\/PLAIN without TLS/],
    ];
    for (const [what, args, message] of cases) {
      it(what, async () => {
        const work = makeTempDir('cp-gitops-refuse-');
        const result = await runCli(['init', join(work, 'p'), ...args], { env: NEUTRAL_ENV });
        expectExit(result, 2);
        expect(result.stderr).to.match(message);
        expect(result.stderr).to.include('security.allowInsecure=true');
        expect(pathExists(join(work, 'p')), 'nothing written').to.equal(false);
      });
    }

    it('security.allowInsecure=true lets the lab through, and says so in the output and the README', async () => {
      const work = makeTempDir('cp-gitops-lab-');
      const result = await runCli(['init', join(work, 'p'), '--envs', 'dev', '--set', 'externalAccess.type=nodePort', '--set', 'externalAccess.host=kafka.example.com', '--set', 'security.allowInsecure=true'], {
        env: NEUTRAL_ENV,
      });
      expectExit(result, 0);
      expect(result.stderr + result.stdout).to.match(/security\.allowInsecure is set: the security refusals are waived \(Kafka is exposed outside the cluster/);
      expect(readFileSync(join(work, 'p', 'README.md'), 'utf8')).to.match(/> \*\*Warning\*\*: security\.allowInsecure is set for dev, and it waives: Kafka is exposed/);
      const validate = await runCli(['validate', join(work, 'p')], { env: NEUTRAL_ENV });
      expectExit(validate, 0);
      expect(validate.stdout).to.match(/cp-gitops\.yaml:\d+:\d+: warning: model\/security: environment "dev": security\.allowInsecure is set/);
      // Every pull request repeats it.
      const set = await runCli(['set', 'monitoring.prometheus=true', '--dry-run', '--json'], { cwd: join(work, 'p'), env: NEUTRAL_ENV });
      expectExit(set, 0);
      expect((JSON.parse(set.stdout) as { body: string }).body).to.match(/> \*\*Warning\*\*: environment "dev": security\.allowInsecure is set/);
    });
  });

  describe('the same mistakes as hand edits of cp-gitops.yaml: validate errors at file:line:col', function () {
    let repo = '';
    before(async () => {
      const work = makeTempDir('cp-gitops-hand-');
      repo = join(work, 'p');
      expectExit(await runCli(['init', repo, '--envs', 'dev', '--components', 'kafka,schemaregistry'], { env: NEUTRAL_ENV }), 0);
    });

    const edits: [string, string, RegExp][] = [
      ['external access without authentication', 'options:\n  externalAccess:\n    type: nodePort\n    host: kafka.example.com\n', /type: nodePort/],
      ['SASL/PLAIN without TLS and NetworkPolicies off', 'options:\n  networkPolicy: {enabled: false}\n  authentication:\n    kafka: plain\n', /kafka: plain/],
    ];
    for (const [what, options, line] of edits) {
      it(what, async () => {
        const file = join(repo, 'cp-gitops.yaml');
        const original = readFileSync(file, 'utf8');
        // Into the platform's options (init writes kraft.quorum there on CP 8.2+).
        const edited = original.includes('\noptions:\n') ? original.replace(/^options:\n/m, options) : original.replace(/^environments:/m, `${options}environments:`);
        writeFileSync(file, edited);
        try {
          const result = await runCli(['validate', repo], { env: NEUTRAL_ENV });
          expectExit(result, 1);
          const at = edited.split('\n').findIndex((text) => line.test(text)) + 1;
          expect(result.stdout).to.match(new RegExp(`cp-gitops\\.yaml:${at}:\\d+: error: model/semantic: environment "dev": `));
          expect(result.stdout).to.include('security.allowInsecure=true');
        } finally {
          writeFileSync(file, original);
        }
      });
    }

    it('set refuses the same change with the fix, exit 2, and commits nothing', async () => {
      const head = (await runCli(['validate', repo], { env: NEUTRAL_ENV })).code;
      expect(head).to.equal(0);
      const before = readFileSync(join(repo, 'cp-gitops.yaml'), 'utf8');
      const result = await runCli(['set', 'externalAccess.type=nodePort', 'externalAccess.host=kafka.example.com', '--env', 'dev'], { cwd: repo, env: NEUTRAL_ENV });
      expectExit(result, 2);
      expect(result.stderr).to.match(/environment "dev": Kafka is exposed outside the cluster \(externalAccess\) without authentication/);
      expect(result.stderr).to.include('authentication.kafka=mtls').and.include('security.allowInsecure=true');
      expect(readFileSync(join(repo, 'cp-gitops.yaml'), 'utf8')).to.equal(before);
      expect(git(['branch', '--format=%(refname:short)'], repo).trim().split('\n')).to.deep.equal(['main']);
    });

    it('warns for authorization simple in production with REST components, recommending rbac', async () => {
      const work = makeTempDir('cp-gitops-simple-');
      const dir = join(work, 'p');
      expectExit(await runCli(['init', dir, '--envs', 'prod', '--components', 'kafka,connect', '--set', 'tls.mode=auto', '--set', 'authentication.kafka=mtls', '--set', 'authorization.type=simple'], { env: NEUTRAL_ENV }), 0);
      const result = await runCli(['validate', dir], { env: NEUTRAL_ENV });
      expectExit(result, 0);
      expect(result.stdout).to.match(/warning: model\/security: environment "prod": authorization simple in production with connect/);
      expect(result.stdout).to.include('authorization.type=rbac');
    });
  });
});
