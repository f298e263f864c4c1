import { expect } from 'chai';
import { loadTemplates } from '../../src/adapters/templates.js';
import { externalAccessOption } from '../../src/generator/options/external-access.js';
import { OPTION_MODULES, optionContext, optionManifests, optionPatch, optionReadme } from '../../src/generator/options/index.js';
import { cp7CompatibilityOption } from '../../src/generator/options/cp7-compatibility.js';
import { loggingOption } from '../../src/generator/options/logging.js';
import { monitoringOption } from '../../src/generator/options/monitoring.js';
import type { OptionContext, OptionModule } from '../../src/generator/options/option-module.js';
import { schedulingOption } from '../../src/generator/options/scheduling.js';
import { environmentPatch, indexUnits } from '../../src/generator/resources.js';
import type { ResourceTemplate } from '../../src/generator/templates.js';
import { unitsOfEnvironment } from '../../src/generator/units.js';
import { buildNewModel, type NewModelOptions } from '../../src/model/build.js';
import { operationsOptionProblems } from '../../src/model/options-check-access.js';
import type { PlatformOptions } from '../../src/model/options.js';
import type { Environment, PlatformModel } from '../../src/model/types.js';
import { GOLDEN_SCENARIOS, goldenModel } from '../golden/scenarios.js';

const templates = loadTemplates();

/** A one-environment model (dev, CP 8 unless told otherwise) with these platform options. */
function modelWith(options: PlatformOptions, extra: Partial<NewModelOptions> = {}): PlatformModel {
  const model = buildNewModel({ name: 'acme', environments: ['dev'], repoURL: 'https://github.com/acme/acme.git', ...extra });
  return { ...model, options };
}

function contextOf(model: PlatformModel, envName = model.environments[0]!.name): OptionContext {
  const env = model.environments.find((candidate) => candidate.name === envName)!;
  return optionContext(model, env, indexUnits(unitsOfEnvironment(model, templates, env)), templates);
}

function resourcesOf(context: OptionContext): ResourceTemplate[] {
  return [...context.units.values()].flatMap((unit) => unit.resources);
}

function resource(context: OptionContext, kind: string): ResourceTemplate {
  const found = resourcesOf(context).find((candidate) => candidate.kind === kind);
  if (!found) throw new Error(`no ${kind} in the environment`);
  return found;
}

/** The fragment of one module for every resource, by kind (undefined ones left out). */
function fragments(module: OptionModule, context: OptionContext): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const candidate of resourcesOf(context)) {
    const fragment = module.resourcePatch?.(candidate, context);
    if (fragment !== undefined) result[candidate.kind] = fragment;
  }
  return result;
}

const POD_KINDS = ['KRaftController', 'Kafka', 'Connect', 'KsqlDB', 'KafkaRestProxy', 'SchemaRegistry', 'ControlCenter'];

describe('option modules: external access, monitoring, logging, scheduling', () => {
  it('are registered after the storage and security modules, each once', () => {
    const names = OPTION_MODULES.map((module) => module.name);
    expect(names).to.include.members(['storage', 'externalAccess', 'monitoring', 'logging', 'scheduling']);
    expect(new Set(names).size).to.equal(names.length);
    expect(names.indexOf('externalAccess')).to.be.greaterThan(names.indexOf('storage'));
  });

  it('add nothing when their options are absent', () => {
    const context = contextOf(modelWith({}));
    for (const module of [externalAccessOption, monitoringOption, loggingOption, schedulingOption]) {
      expect(fragments(module, context), module.name).to.deep.equal({});
      expect(module.manifests?.(context) ?? [], module.name).to.deep.equal([]);
      expect(module.readme?.(context) ?? [], module.name).to.deep.equal([]);
    }
  });

  describe('externalAccess', () => {
    it('loadBalancer: only Kafka, with the domain and explicit prefixes (CFK defaults: the Kafka name and b)', () => {
      const context = contextOf(modelWith({ externalAccess: { type: 'loadBalancer', domain: 'kafka.example.com' } }));
      expect(fragments(externalAccessOption, context)).to.deep.equal({
        Kafka: { listeners: { external: { externalAccess: { type: 'loadBalancer', loadBalancer: { domain: 'kafka.example.com', bootstrapPrefix: 'kafka', brokerPrefix: 'b' } } } } },
      });
    });

    it('loadBalancer: given prefixes are kept', () => {
      const context = contextOf(modelWith({ externalAccess: { type: 'loadBalancer', domain: 'example.com', bootstrapPrefix: 'bootstrap', brokerPrefix: 'broker' } }));
      expect(externalAccessOption.resourcePatch!(resource(context, 'Kafka'), context)).to.deep.equal({
        listeners: { external: { externalAccess: { type: 'loadBalancer', loadBalancer: { domain: 'example.com', bootstrapPrefix: 'bootstrap', brokerPrefix: 'broker' } } } },
      });
    });

    it('nodePort: host and offset, 30000 when no offset is given (CFK requires one)', () => {
      const withOffset = contextOf(modelWith({ externalAccess: { type: 'nodePort', host: 'nodes.example.com', nodePortOffset: 31000 } }));
      expect(externalAccessOption.resourcePatch!(resource(withOffset, 'Kafka'), withOffset)).to.deep.equal({
        listeners: { external: { externalAccess: { type: 'nodePort', nodePort: { host: 'nodes.example.com', nodePortOffset: 31000 } } } },
      });
      const withoutOffset = contextOf(modelWith({ externalAccess: { type: 'nodePort', host: 'nodes.example.com' } }));
      expect(externalAccessOption.resourcePatch!(resource(withoutOffset, 'Kafka'), withoutOffset)).to.deep.equal({
        listeners: { external: { externalAccess: { type: 'nodePort', nodePort: { host: 'nodes.example.com', nodePortOffset: 30000 } } } },
      });
    });

    it('none, or an incomplete loadBalancer/nodePort (refused by the model check), writes nothing', () => {
      for (const externalAccess of [{ type: 'none' }, { type: 'loadBalancer' }, { type: 'nodePort' }] as const) {
        const context = contextOf(modelWith({ externalAccess }));
        expect(fragments(externalAccessOption, context), externalAccess.type).to.deep.equal({});
        expect(externalAccessOption.readme!(context), externalAccess.type).to.deep.equal([]);
      }
    });

    it('README: the DNS records of the bootstrap and of every broker, with the Services that back them', () => {
      const context = contextOf(modelWith({ externalAccess: { type: 'loadBalancer', domain: 'kafka.example.com' } }));
      const text = externalAccessOption.readme!(context).join('\n');
      expect(text).to.include('bootstrap `kafka.kafka.example.com:9092`');
      expect(text).to.include('`kafka.kafka.example.com` → Service `kafka-bootstrap-lb`');
      expect(text).to.include('`b<i>.kafka.example.com` → Service `kafka-<i>-lb`');
      expect(text).to.include('b0, b1, b2');
      expect(text).to.include('kubectl -n acme-dev get svc');
    });

    it('README: nodePort names the host record and the port range to open', () => {
      const context = contextOf(modelWith({ externalAccess: { type: 'nodePort', host: 'nodes.example.com', nodePortOffset: 31000 } }));
      const text = externalAccessOption.readme!(context).join('\n');
      expect(text).to.include('bootstrap `nodes.example.com:31000`');
      expect(text).to.include('`nodes.example.com` → the addresses of one or more nodes');
      expect(text).to.include('TCP 31000 … 31000 + replicas');
    });
  });

  describe('externalAccess staticForHostBasedRouting', () => {
    const hostRouting = { tls: { mode: 'auto' }, externalAccess: { type: 'staticForHostBasedRouting', domain: 'kafka.example.com' } } as const;

    it('Kafka advertises <prefix><i>.<domain>:443 (CFK requires domain and port; no bootstrapPrefix field)', () => {
      const context = contextOf(modelWith(hostRouting));
      expect(fragments(externalAccessOption, context)).to.deep.equal({
        Kafka: { listeners: { external: { externalAccess: { type: 'staticForHostBasedRouting', staticForHostBasedRouting: { domain: 'kafka.example.com', brokerPrefix: 'b', port: 443 } } } } },
      });
      const custom = contextOf(modelWith({ ...hostRouting, externalAccess: { ...hostRouting.externalAccess, brokerPrefix: 'broker', port: 9443 } }));
      expect(externalAccessOption.resourcePatch!(resource(custom, 'Kafka'), custom)).to.deep.equal({
        listeners: { external: { externalAccess: { type: 'staticForHostBasedRouting', staticForHostBasedRouting: { domain: 'kafka.example.com', brokerPrefix: 'broker', port: 9443 } } } },
      });
    });

    it('writes a bootstrap Service and an ingress-nginx Ingress with SSL passthrough: one rule per broker of the size profile', () => {
      const manifests = externalAccessOption.manifests!(contextOf(modelWith(hostRouting)));
      expect(manifests.map((manifest) => manifest.file)).to.deep.equal(['external-access/kafka-bootstrap-service.yaml', 'external-access/kafka-ingress.yaml']);
      const [service, ingress] = manifests.map((manifest) => manifest.object) as [Record<string, any>, Record<string, any>];
      expect(service.spec).to.deep.equal({ type: 'ClusterIP', selector: { app: 'kafka' }, ports: [{ name: 'external', port: 9092, targetPort: 9092, protocol: 'TCP' }] });
      expect(ingress.apiVersion).to.equal('networking.k8s.io/v1');
      expect(ingress.metadata.annotations).to.deep.equal({ 'nginx.ingress.kubernetes.io/ssl-passthrough': 'true' });
      expect(ingress.spec.ingressClassName).to.equal('nginx');
      // dev is sized small: how many brokers the profile runs decides how many broker hosts are routed.
      const brokers = contextOf(modelWith(hostRouting)).replicas('Kafka')!;
      const routes = (ingress.spec.rules as any[]).map((rule) => [rule.host, rule.http.paths[0].backend.service.name, rule.http.paths[0].backend.service.port.number]);
      expect(routes).to.deep.equal([
        ['kafka.kafka.example.com', 'kafka-bootstrap', 9092],
        ...Array.from({ length: brokers }, (_, index) => [`b${index}.kafka.example.com`, `kafka-${index}-internal`, 9092]),
      ]);
    });

    it('the Ingress follows the environment: its size override, its IngressClass, its prefixes', () => {
      const model = modelWith({ ...hostRouting, externalAccess: { ...hostRouting.externalAccess, ingressClassName: 'passthrough', bootstrapPrefix: 'bootstrap', brokerPrefix: 'broker' } });
      const scaled = { ...model, environments: [{ ...model.environments[0]!, overrides: { Kafka: { replicas: 5 } } }] } as PlatformModel;
      const ingress = externalAccessOption.manifests!(contextOf(scaled))[1]!.object as Record<string, any>;
      expect(ingress.spec.ingressClassName).to.equal('passthrough');
      expect((ingress.spec.rules as any[]).map((rule) => rule.host)).to.deep.equal([
        'bootstrap.kafka.example.com',
        'broker0.kafka.example.com',
        'broker1.kafka.example.com',
        'broker2.kafka.example.com',
        'broker3.kafka.example.com',
        'broker4.kafka.example.com',
      ]);
    });

    it('nothing for the other types, nor without a domain (refused by the model check)', () => {
      for (const externalAccess of [{ type: 'loadBalancer', domain: 'example.com' }, { type: 'nodePort', host: 'nodes.example.com' }, { type: 'staticForHostBasedRouting' }] as const) {
        expect(externalAccessOption.manifests!(contextOf(modelWith({ tls: { mode: 'auto' }, externalAccess }))), externalAccess.type).to.deep.equal([]);
      }
    });

    it('README: the passthrough controller, the DNS records and who creates each backend Service', () => {
      const text = externalAccessOption.readme!(contextOf(modelWith(hostRouting))).join('\n');
      expect(text).to.include('bootstrap `kafka.kafka.example.com:443`');
      expect(text).to.include('--enable-ssl-passthrough');
      expect(text).to.include('`kafka.kafka.example.com` (Ingress rule → Service `kafka-bootstrap`, written here)');
      expect(text).to.include('`b<i>.kafka.example.com` (→ Service `kafka-<i>-internal`, which CFK creates)');
      expect(text).to.include('`*.kafka.example.com`');
    });
  });

  describe('monitoring', () => {
    it('prometheus: metrics.prometheus on every exporting component; not on Control Center next-gen, not on KafkaRestClass', () => {
      const context = contextOf(modelWith({ monitoring: { prometheus: true } }));
      const patches = fragments(monitoringOption, context);
      expect(Object.keys(patches).sort()).to.deep.equal(['Connect', 'Kafka', 'KafkaRestProxy', 'KRaftController', 'KsqlDB', 'SchemaRegistry'].sort());
      for (const patch of Object.values(patches)) expect(patch).to.deep.equal({ metrics: { prometheus: {} } });
    });

    it('prometheus: the legacy Control Center (CP 7.9) exports on 7778 and gets it too, as does ZooKeeper', () => {
      const context = contextOf(modelWith({ monitoring: { prometheus: true } }, { cpVersion: '7.9.0', controller: 'zookeeper' }));
      const patches = fragments(monitoringOption, context);
      expect(patches).to.have.property('ControlCenter');
      expect(patches).to.have.property('Zookeeper');
    });

    it('podMonitors: one PodMonitor per exporting component in monitoring/, selecting app=<name> on port prometheus', () => {
      const context = contextOf(modelWith({ monitoring: { podMonitors: true } }));
      const manifests = monitoringOption.manifests!(context);
      expect(manifests.map((manifest) => manifest.file)).to.deep.equal([
        'monitoring/kraftcontroller-podmonitor.yaml',
        'monitoring/kafka-podmonitor.yaml',
        'monitoring/connect-podmonitor.yaml',
        'monitoring/ksqldb-podmonitor.yaml',
        'monitoring/kafkarestproxy-podmonitor.yaml',
        'monitoring/schemaregistry-podmonitor.yaml',
      ]);
      expect(manifests[1]!.object).to.deep.equal({
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PodMonitor',
        metadata: { name: 'kafka' },
        spec: { selector: { matchLabels: { app: 'kafka' } }, podMetricsEndpoints: [{ port: 'prometheus', path: '/metrics' }] },
      });
      expect(manifests.every((manifest) => manifest.clusterScoped === undefined)).to.equal(true);
      // podMonitors alone adds no metrics block: CFK runs the exporter anyway.
      expect(fragments(monitoringOption, context)).to.deep.equal({});
    });

    it('podMonitors follow the components of the environment', () => {
      const context = contextOf(modelWith({ monitoring: { podMonitors: true } }, { components: ['kafka'] }));
      expect(monitoringOption.manifests!(context).map((manifest) => manifest.object.metadata)).to.deep.equal([{ name: 'kraftcontroller' }, { name: 'kafka' }]);
    });

    it('README: the exporter, JMX and Jolokia ports, what PodMonitors need, and the bundled Prometheus left alone', () => {
      const context = contextOf(modelWith({ monitoring: { prometheus: true, podMonitors: true } }));
      const text = monitoringOption.readme!(context).join('\n');
      expect(text).to.include('port 7778');
      expect(text).to.include('JMX on 7203 and Jolokia on 7777');
      expect(text).to.include('overlays/dev/monitoring/');
      expect(text).to.include('podMonitorSelectorNilUsesHelmValues=false');
      expect(text).to.include('bundled Prometheus (port 9090)');
      const legacy = contextOf(modelWith({ monitoring: { prometheus: true } }, { cpVersion: '7.9.0', controller: 'zookeeper' }));
      expect(monitoringOption.readme!(legacy).join('\n')).to.not.include('bundled Prometheus');
    });
  });

  describe('logging', () => {
    const levels = { 'kafka.request.logger': 'WARN', root: 'ERROR', 'kafka.controller': 'DEBUG' } as const;

    it('CP 8: a Log4j 2 configuration in configOverrides.log4j2 on every component: stdout, root, then loggers by name', () => {
      const context = contextOf(modelWith({ logging: { levels } }));
      const patches = fragments(loggingOption, context);
      expect(Object.keys(patches).sort()).to.deep.equal([...POD_KINDS].sort());
      expect(patches.Kafka).to.deep.equal({
        configOverrides: {
          log4j2: {
            Configuration: {
              name: 'Log4j2',
              Appenders: { Console: { name: 'stdout', target: 'SYSTEM_OUT', PatternLayout: { Pattern: '[%d] %p %m (%c)%n' } } },
              Loggers: {
                Root: { level: 'ERROR', AppenderRef: [{ ref: 'stdout' }] },
                Logger: [
                  { name: 'kafka.controller', level: 'DEBUG' },
                  { name: 'kafka.request.logger', level: 'WARN' },
                ],
              },
            },
          },
        },
      });
    });

    it('CP 8: the root logger stays at INFO when only other loggers are set', () => {
      const context = contextOf(modelWith({ logging: { levels: { 'kafka.controller': 'WARN' } } }));
      const patch = loggingOption.resourcePatch!(resource(context, 'Kafka'), context) as { configOverrides: { log4j2: { Configuration: { Loggers: unknown } } } };
      expect(patch.configOverrides.log4j2.Configuration.Loggers).to.deep.equal({ Root: { level: 'INFO', AppenderRef: [{ ref: 'stdout' }] }, Logger: [{ name: 'kafka.controller', level: 'WARN' }] });
    });

    it('CP 7.x: Log4j 1 lines in configOverrides.log4j, the root logger keeping the stdout appender', () => {
      const context = contextOf(modelWith({ logging: { levels } }, { cpVersion: '7.9.0', controller: 'zookeeper' }));
      expect(loggingOption.resourcePatch!(resource(context, 'Zookeeper'), context)).to.deep.equal({
        configOverrides: { log4j: ['log4j.rootLogger=ERROR, stdout', 'log4j.logger.kafka.controller=DEBUG', 'log4j.logger.kafka.request.logger=WARN'] },
      });
    });

    it("the environment's own CP version decides (an environment still on 7.9 while the platform runs 8)", () => {
      const model = modelWith({ logging: { levels: { root: 'WARN' } } });
      const env: Environment = { ...model.environments[0]!, versions: { confluentPlatform: '7.9.0' } };
      const context = contextOf({ ...model, environments: [env] });
      expect(loggingOption.resourcePatch!(resource(context, 'Kafka'), context)).to.deep.equal({ configOverrides: { log4j: ['log4j.rootLogger=WARN, stdout'] } });
    });

    it('podAnnotations: podTemplate.annotations of every component, sorted; nothing on KafkaRestClass', () => {
      const context = contextOf(modelWith({ logging: { podAnnotations: { 'fluentbit.io/parser': 'json', 'fluentbit.io/exclude': 'false' } } }));
      const patches = fragments(loggingOption, context);
      expect(Object.keys(patches).sort()).to.deep.equal([...POD_KINDS].sort());
      expect(JSON.stringify(patches.Connect)).to.equal(JSON.stringify({ podTemplate: { annotations: { 'fluentbit.io/exclude': 'false', 'fluentbit.io/parser': 'json' } } }));
    });

    it('in the environment patch, the log4j2 block sits beside the size profile broker settings', () => {
      const context = contextOf(modelWith({ logging: { levels: { root: 'WARN' } } }));
      const kafka = resource(context, 'Kafka');
      const patch = environmentPatch(kafka, context.env, templates, context.units, optionPatch(kafka, context)) as { spec: { configOverrides: Record<string, unknown> } };
      expect(Object.keys(patch.spec.configOverrides)).to.deep.equal(['server', 'log4j2']);
      expect(patch.spec.configOverrides.server).to.include('min.insync.replicas=2');
    });

    it('README: levels and annotations per environment, the node agent advice once', () => {
      const model = buildNewModel({ name: 'acme', environments: ['dev', 'staging'], repoURL: 'https://github.com/acme/acme.git', settings: ['logging.levels.root=WARN', 'logging.podAnnotations.fluentbit.io/parser=json'] });
      const dev = loggingOption.readme!(contextOf(model, 'dev')).join('\n');
      const staging = loggingOption.readme!(contextOf(model, 'staging')).join('\n');
      expect(dev).to.include('dev: log levels root=WARN on every component (`configOverrides.log4j2`)');
      expect(dev).to.include('`fluentbit.io/parser: json`');
      expect(dev).to.include('node agent');
      expect(staging).to.include('staging: log levels root=WARN');
      expect(staging).to.not.include('node agent (a Fluent Bit');
    });
  });

  describe('CP 7.x under CFK 3 (use-log4j1, use-old-jetty9)', () => {
    function annotations(context: OptionContext): Record<string, unknown> {
      const result: Record<string, unknown> = {};
      for (const candidate of resourcesOf(context)) {
        const found = cp7CompatibilityOption.resourceAnnotations?.(candidate, context);
        if (found) result[candidate.kind] = found;
      }
      return result;
    }
    const CP7_KINDS = ['Zookeeper', 'Kafka', 'Connect', 'KsqlDB', 'KafkaRestProxy', 'SchemaRegistry', 'ControlCenter'];

    it('CP 7.9: use-log4j1 on every component resource, not on KafkaRestClass; none on CP 8', () => {
      const cp7 = annotations(contextOf(modelWith({}, { cpVersion: '7.9.0', controller: 'zookeeper' })));
      expect(Object.keys(cp7).sort()).to.deep.equal([...CP7_KINDS].sort());
      for (const kind of CP7_KINDS) expect(cp7[kind], kind).to.deep.equal({ 'platform.confluent.io/use-log4j1': 'true' });
      expect(annotations(contextOf(modelWith({})))).to.deep.equal({});
      expect(cp7CompatibilityOption.readme!(contextOf(modelWith({})))).to.deep.equal([]);
    });

    it('CP 7.9 with HTTP basic authentication: use-old-jetty9 on the REST components too', () => {
      const found = annotations(contextOf(modelWith({ tls: { mode: 'auto' }, authentication: { http: 'basic' } }, { cpVersion: '7.9.0', controller: 'zookeeper' })));
      for (const kind of ['Connect', 'KsqlDB', 'KafkaRestProxy', 'SchemaRegistry', 'ControlCenter']) {
        expect(found[kind], kind).to.deep.equal({ 'platform.confluent.io/use-log4j1': 'true', 'platform.confluent.io/use-old-jetty9': 'true' });
      }
      for (const kind of ['Zookeeper', 'Kafka']) expect(found[kind], kind).to.deep.equal({ 'platform.confluent.io/use-log4j1': 'true' });
    });

    it("the environment's CP version decides, and the patch carries the annotations beside the base's sync wave", () => {
      const model = modelWith({});
      const env: Environment = { ...model.environments[0]!, versions: { confluentPlatform: '7.9.0' } };
      const context = contextOf({ ...model, environments: [env] });
      const kafka = resource(context, 'Kafka');
      expect(cp7CompatibilityOption.resourceAnnotations!(kafka, context)).to.deep.equal({ 'platform.confluent.io/use-log4j1': 'true' });
      const patch = environmentPatch(kafka, env, templates, context.units, optionPatch(kafka, context), { 'platform.confluent.io/use-log4j1': 'true' });
      expect(patch?.metadata).to.deep.equal({ name: 'kafka', annotations: { 'platform.confluent.io/use-log4j1': 'true' } });
      expect(cp7CompatibilityOption.readme!(context).join('\n')).to.include('`platform.confluent.io/use-log4j1: "true"`');
    });
  });

  describe('scheduling', () => {
    const scheduling = {
      tolerations: [{ effect: 'NoSchedule', value: 'kafka', key: 'dedicated', operator: 'Equal' }],
      priorityClassName: 'confluent-platform',
      zoneSpread: true,
    } as const;

    it('tolerations (in kubectl field order), priority class and a soft zone spread on every pod, selecting its own pods', () => {
      const context = contextOf(modelWith({ scheduling }));
      const patches = fragments(schedulingOption, context) as Record<string, { podTemplate: Record<string, unknown> }>;
      expect(Object.keys(patches).sort()).to.deep.equal([...POD_KINDS].sort());
      const connect = patches.Connect!.podTemplate;
      expect(JSON.stringify(connect.tolerations)).to.equal(JSON.stringify([{ key: 'dedicated', operator: 'Equal', value: 'kafka', effect: 'NoSchedule' }]));
      expect(connect.priorityClassName).to.equal('confluent-platform');
      expect(connect.topologySpreadConstraints).to.deep.equal([
        { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'connect' } } },
      ]);
      expect(connect).to.not.have.property('serviceAccountName');
      expect(schedulingOption.manifests!(context)).to.deep.equal([]);
    });

    it('rack awareness: Kafka gets rackAssignment and the ServiceAccount; the other components do not', () => {
      const context = contextOf(modelWith({ scheduling: { rackAwareness: { nodeLabel: 'topology.kubernetes.io/zone' } } }));
      expect(fragments(schedulingOption, context)).to.deep.equal({
        Kafka: { rackAssignment: { nodeLabels: ['topology.kubernetes.io/zone'] }, podTemplate: { serviceAccountName: 'kafka-rack-awareness' } },
      });
    });

    it('rack awareness: a ServiceAccount, node read access cluster-wide, pod read access in the namespace, before the brokers', () => {
      const context = contextOf(modelWith({ scheduling: { rackAwareness: { nodeLabel: 'topology.kubernetes.io/zone' } } }));
      const manifests = schedulingOption.manifests!(context);
      expect(manifests.map((manifest) => [manifest.file, manifest.object.kind, (manifest.object.metadata as { name: string }).name, manifest.clusterScoped?.kind])).to.deep.equal([
        ['scheduling/rack-awareness-serviceaccount.yaml', 'ServiceAccount', 'kafka-rack-awareness', undefined],
        ['scheduling/rack-awareness-clusterrole.yaml', 'ClusterRole', 'acme-dev-kafka-rack-awareness', 'ClusterRole'],
        ['scheduling/rack-awareness-clusterrolebinding.yaml', 'ClusterRoleBinding', 'acme-dev-kafka-rack-awareness', 'ClusterRoleBinding'],
        ['scheduling/rack-awareness-role.yaml', 'Role', 'kafka-rack-awareness', undefined],
        ['scheduling/rack-awareness-rolebinding.yaml', 'RoleBinding', 'kafka-rack-awareness', undefined],
      ]);
      for (const manifest of manifests) {
        expect((manifest.object.metadata as { annotations: Record<string, string> }).annotations).to.deep.equal({ 'argocd.argoproj.io/sync-wave': '-1' });
        if (manifest.clusterScoped) expect(manifest.clusterScoped.group).to.equal('rbac.authorization.k8s.io');
      }
      expect(manifests[1]!.object.rules).to.deep.equal([{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] }]);
      expect(manifests[2]!.object.subjects).to.deep.equal([{ kind: 'ServiceAccount', name: 'kafka-rack-awareness', namespace: 'acme-dev' }]);
      expect(manifests[2]!.object.roleRef).to.deep.equal({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'acme-dev-kafka-rack-awareness' });
      expect(manifests[3]!.object.rules).to.deep.equal([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }]);
      expect(manifests[4]!.object.roleRef).to.deep.equal({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kafka-rack-awareness' });
    });

    it('rack awareness: environments sharing a cluster get their own ClusterRole names', () => {
      const model = buildNewModel({ name: 'acme', environments: ['dev', 'prod'], repoURL: 'https://github.com/acme/acme.git', settings: ['scheduling.rackAwareness.nodeLabel=topology.kubernetes.io/zone'] });
      const clusterRoles = model.environments.flatMap((env) => optionManifests(contextOf(model, env.name)).filter((manifest) => manifest.object.kind === 'ClusterRole'));
      expect(clusterRoles.map((manifest) => (manifest.object.metadata as { name: string }).name)).to.deep.equal(['acme-dev-kafka-rack-awareness', 'acme-prod-kafka-rack-awareness']);
    });

    it('README: tolerations, the priority class to create, the spread, and the rack awareness RBAC', () => {
      const context = contextOf(modelWith({ scheduling: { ...scheduling, tolerations: [...scheduling.tolerations, { operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }], rackAwareness: { nodeLabel: 'topology.kubernetes.io/zone' } } }));
      const text = schedulingOption.readme!(context).join('\n');
      expect(text).to.include('`dedicated=kafka:NoSchedule`, `*:NoExecute`');
      expect(text).to.include('kubectl get priorityclass confluent-platform');
      expect(text).to.include('spread over zones');
      expect(text).to.include('node label `topology.kubernetes.io/zone`');
      expect(text).to.include('ClusterRole `acme-dev-kafka-rack-awareness`');
    });
  });

  it('fragments of several modules merge into one podTemplate, keeping the size profile resources', () => {
    const context = contextOf(modelWith({ logging: { podAnnotations: { a: 'b' } }, scheduling: { priorityClassName: 'high', rackAwareness: { nodeLabel: 'zone' } } }));
    const kafka = resource(context, 'Kafka');
    const patch = environmentPatch(kafka, context.env, templates, context.units, optionPatch(kafka, context)) as { spec: { podTemplate: Record<string, unknown> } };
    expect(Object.keys(patch.spec.podTemplate)).to.deep.equal(['resources', 'annotations', 'priorityClassName', 'serviceAccountName']);
  });

  it('the README section of a golden scenario gathers every module', () => {
    const model = goldenModel('external-nodeport');
    const lines = optionReadme(contextOf(model)).join('\n');
    for (const part of ['node ports', 'log levels', 'tolerates', 'PriorityClass', 'spread over zones', 'broker.rack']) expect(lines).to.include(part);
  });
});

describe('operationsOptionProblems (semantic checks of the operations options)', () => {
  function problems(options: PlatformOptions, extra: Partial<NewModelOptions> = {}, envOptions?: Record<string, PlatformOptions>): string[] {
    const model = buildNewModel({ name: 'acme', environments: ['dev', 'prod'], repoURL: 'https://github.com/acme/acme.git', ...extra });
    const environments = model.environments.map((env) => (envOptions?.[env.name] ? { ...env, options: { ...env.options, ...envOptions[env.name] } } : env));
    return operationsOptionProblems({ ...model, options, environments }).map((problem) => `${problem.path.join('.')}: ${problem.message}`);
  }

  it('accepts the golden scenarios and complete options', () => {
    for (const scenario of Object.keys(GOLDEN_SCENARIOS)) expect(operationsOptionProblems(goldenModel(scenario)), scenario).to.deep.equal([]);
    expect(problems({ externalAccess: { type: 'none' }, logging: { levels: { root: 'INFO', 'kafka.network.RequestChannel$': 'WARN' }, podAnnotations: { 'fluentbit.io/parser': 'json', plain: 'x' } } })).to.deep.equal([]);
  });

  it('loadBalancer needs a domain, nodePort a host: once, naming every environment, where the type is set', () => {
    expect(problems({ externalAccess: { type: 'loadBalancer' } })).to.deep.equal(['options.externalAccess.type: environments "dev", "prod": externalAccess loadBalancer needs the DNS domain of the bootstrap and broker names']);
    expect(problems({ externalAccess: { type: 'nodePort' } })[0]).to.match(/^options\.externalAccess\.type: environments "dev", "prod": externalAccess nodePort needs the host name/);
  });

  it("points at the environment's own option when the environment sets it", () => {
    expect(problems({}, {}, { prod: { externalAccess: { type: 'nodePort' } } })).to.deep.equal([
      'environments.1.options.externalAccess.type: environment "prod": externalAccess nodePort needs the host name clients connect to (a DNS name of the nodes)',
    ]);
  });

  it('two environments cannot share load balancer names, nor node ports on one cluster', () => {
    expect(problems({ externalAccess: { type: 'loadBalancer', domain: 'example.com' } })).to.deep.equal([
      'options.externalAccess: environment "prod" uses the DNS name kafka.example.com, like environment "dev"',
    ]);
    // Another bootstrap prefix is not enough: the broker names b0, b1… under the same domain would still collide.
    expect(problems({ externalAccess: { type: 'loadBalancer', domain: 'example.com' } }, {}, { prod: { externalAccess: { type: 'loadBalancer', domain: 'example.com', bootstrapPrefix: 'prod' } } })).to.deep.equal([
      'environments.1.options.externalAccess: environment "prod" uses the broker DNS names b<i>.example.com, like environment "dev"',
    ]);
    expect(problems({ externalAccess: { type: 'loadBalancer', domain: 'example.com' } }, {}, { prod: { externalAccess: { type: 'loadBalancer', domain: 'prod.example.com' } } })).to.deep.equal([]);
    expect(problems({ externalAccess: { type: 'nodePort', host: 'nodes.example.com' } })).to.deep.equal([
      'options.externalAccess: environment "prod" uses node ports from 30000 on https://kubernetes.default.svc, like environment "dev"',
    ]);
    expect(problems({ externalAccess: { type: 'nodePort', host: 'nodes.example.com' } }, {}, { prod: { externalAccess: { type: 'nodePort', host: 'nodes.example.com', nodePortOffset: 30100 } } })).to.deep.equal([]);
  });

  it('staticForHostBasedRouting needs a domain and TLS, and its names are DNS records like load balancers', () => {
    expect(problems({ externalAccess: { type: 'staticForHostBasedRouting' } }, { environments: ['dev'] })).to.deep.equal([
      'options.externalAccess.type: environment "dev": externalAccess staticForHostBasedRouting needs the DNS domain of the bootstrap and broker names (the host names the ingress controller routes by)',
      'options.externalAccess.type: environment "dev": externalAccess staticForHostBasedRouting needs TLS: the ingress controller routes each connection by the host name of its TLS handshake (SNI) and passes it through unopened',
    ]);
    expect(problems({ tls: { mode: 'auto' }, externalAccess: { type: 'staticForHostBasedRouting', domain: 'example.com' } }, { environments: ['dev'] })).to.deep.equal([]);
    // TLS set for prod only: dev is refused, prod is not.
    expect(problems({ externalAccess: { type: 'staticForHostBasedRouting', domain: 'example.com' } }, {}, { prod: { tls: { mode: 'cert-manager', issuer: { kind: 'ClusterIssuer', name: 'ca' } }, externalAccess: { type: 'staticForHostBasedRouting', domain: 'prod.example.com' } } })).to.deep.equal([
      'options.externalAccess.type: environment "dev": externalAccess staticForHostBasedRouting needs TLS: the ingress controller routes each connection by the host name of its TLS handshake (SNI) and passes it through unopened',
    ]);
    expect(problems({ tls: { mode: 'auto' }, externalAccess: { type: 'staticForHostBasedRouting', domain: 'example.com' } })).to.deep.equal([
      'options.externalAccess: environment "prod" uses the DNS name kafka.example.com, like environment "dev"',
    ]);
  });

  it('tolerations the API server would refuse', () => {
    expect(
      problems({
        scheduling: {
          tolerations: [
            { key: 'a', operator: 'Exists', value: 'x' },
            { operator: 'Equal', value: 'x' },
            { key: 'b', value: 'y', effect: 'NoSchedule', tolerationSeconds: 10 },
            { operator: 'Exists' },
          ],
        },
      }),
    ).to.deep.equal([
      'options.scheduling.tolerations: environments "dev", "prod": scheduling.tolerations[0]: with operator Exists the value must be empty',
      'options.scheduling.tolerations: environments "dev", "prod": scheduling.tolerations[1]: without a key the operator must be Exists (it then tolerates every taint)',
      'options.scheduling.tolerations: environments "dev", "prod": scheduling.tolerations[2]: tolerationSeconds needs effect NoExecute',
    ]);
  });

  it('annotation keys and logger names that would break the pods', () => {
    expect(problems({ logging: { podAnnotations: { 'Bad Key': 'x', 'UPPER.example/ok': 'y', [`x/${'n'.repeat(64)}`]: 'z' }, levels: { 'kafka controller': 'WARN', 'a=b': 'INFO' } } })).to.deep.equal([
      'options.logging.podAnnotations: environments "dev", "prod": logging.podAnnotations: "Bad Key" is not a Kubernetes annotation key',
      'options.logging.podAnnotations: environments "dev", "prod": logging.podAnnotations: "UPPER.example/ok" is not a Kubernetes annotation key',
      `options.logging.podAnnotations: environments "dev", "prod": logging.podAnnotations: "x/${'n'.repeat(64)}" is not a Kubernetes annotation key`,
      'options.logging.levels: environments "dev", "prod": logging.levels: "kafka controller" is not a logger name',
      'options.logging.levels: environments "dev", "prod": logging.levels: "a=b" is not a logger name',
    ]);
  });
});
