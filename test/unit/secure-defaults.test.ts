import { expect } from 'chai';
import { loadTemplates } from '../../src/adapters/templates.js';
import { fileTree } from '../../src/generator/file-tree.js';
import { optionContext } from '../../src/generator/options/index.js';
import { platformFlows } from '../../src/generator/options/network-policy.js';
import { generateRepository } from '../../src/generator/repository.js';
import { indexUnits } from '../../src/generator/resources.js';
import { unitsOfEnvironment } from '../../src/generator/units.js';
import { buildNewModel } from '../../src/model/build.js';
import { checkModelWarnings } from '../../src/model/check.js';
import { securityWarnings } from '../../src/model/security-warnings.js';
import type { PlatformModel } from '../../src/model/types.js';
import { validateTree } from '../../src/validator/full-validation.js';
import { refused } from '../helpers/values.js';

const templates = loadTemplates();
const EXPOSED = ['tls.mode=auto', 'authentication.kafka=mtls', 'externalAccess.type=nodePort', 'externalAccess.host=kafka.example.com'];

function model(settings: readonly string[], environments: readonly string[] = ['dev']): PlatformModel {
  return buildNewModel({ name: 'acme', repoURL: 'https://github.com/acme/acme.git', environments, settings });
}

function flowsOf(platform: PlatformModel, envName = 'dev') {
  const env = platform.environments.find((candidate) => candidate.name === envName)!;
  return platformFlows(optionContext(platform, env, indexUnits(unitsOfEnvironment(platform, templates, env)), templates));
}

describe('secure by default: hand edits of the overlays', () => {
  /** The Kafka patch of dev without the external listener's authentication, as a hand edit would leave it. */
  function withoutExternalAuthentication(platform: PlatformModel): { tree: Map<string, string>; line: number } {
    const tree = new Map(generateRepository(platform, templates));
    const file = 'overlays/dev/patches/kafka.yaml';
    const lines = tree.get(file)!.split('\n');
    const external = lines.findIndex((text) => text === '    external:');
    const authentication = lines.findIndex((text, index) => index > external && text === '      authentication:');
    let end = authentication + 1;
    while (lines[end]!.startsWith('        ')) end += 1;
    lines.splice(authentication, end - authentication);
    tree.set(file, lines.join('\n'));
    // Reported where the exposure is written: the externalAccess block's first line (its type).
    return { tree, line: lines.findIndex((text) => text === '        type: nodePort') + 1 };
  }

  it('an external listener without authentication is a policy error at the patch line that exposes it', () => {
    const { tree, line } = withoutExternalAuthentication(model(EXPOSED));
    const found = validateTree(fileTree(tree)).violations.filter((violation) => violation.rule === 'policy/external-authentication');
    expect(found.map((violation) => [violation.severity, violation.file, violation.line])).to.deep.equal([['error', 'overlays/dev/patches/kafka.yaml', line]]);
    expect(found[0]!.message).to.include('without authentication on its external listener');
    expect(found[0]!.fix).to.include('security.allowInsecure=true');
  });

  it('not with security.allowInsecure, which is a warning instead', () => {
    const { tree } = withoutExternalAuthentication(model([...EXPOSED, 'security.allowInsecure=true']));
    const violations = validateTree(fileTree(tree)).violations;
    expect(violations.filter((violation) => violation.rule === 'policy/external-authentication')).to.deep.equal([]);
    expect(violations.filter((violation) => violation.rule === 'model/security').map((violation) => violation.severity)).to.deep.equal(['warning']);
  });
});

describe('secure by default: warnings and refusals of the model', () => {
  const RBAC = ['tls.mode=auto', 'authentication.kafka=mtls', 'authorization.type=rbac'];

  it('warns for ldaps:// with tls.mode auto and no LDAP CA; not with authorization.ldap.caSecret', () => {
    const warned = checkModelWarnings(model([...RBAC, 'authorization.ldap.address=ldaps://ldap.example.com:636']));
    expect(warned.map((warning) => [warning.path.join('.'), warning.message])).to.deep.equal([
      ['options.authorization.ldap.address', 'environment "dev": authorization.ldap.address is ldaps:// with tls.mode auto and no authorization.ldap.caSecret: the brokers trust only the CA that signs the components, so the TLS handshake with the directory fails unless that CA also signed the directory\'s certificate'],
    ]);
    expect(checkModelWarnings(model([...RBAC, 'authorization.ldap.address=ldaps://ldap.example.com:636', 'authorization.ldap.caSecret=ldap-ca']))).to.deep.equal([]);
  });

  it('refuses authorization.ldap.caSecret with an ldap:// address (it would be ignored)', () => {
    const error = refused(() => model([...RBAC, 'authorization.ldap.address=ldap://ldap.example.com:389', 'authorization.ldap.caSecret=ldap-ca']));
    expect(error.message).to.include('applies to an ldaps:// address only');
  });

  it('warns for authorization simple in production with REST components, not in dev', () => {
    const settings = ['tls.mode=auto', 'authentication.kafka=mtls', 'authorization.type=simple'];
    expect(securityWarnings(model(settings, ['dev', 'prod'])).map((warning) => warning.split(':')[0])).to.deep.equal(['environment "prod"']);
    expect(securityWarnings(model(settings, ['dev']))).to.deep.equal([]);
  });

  it('security.allowInsecure warns even when it waives nothing today', () => {
    expect(securityWarnings(model(['security.allowInsecure=true']))[0]).to.include('no refusal is waived today');
  });
});

describe('secure by default: NetworkPolicy flows', () => {
  it('follow the options: Prometheus with monitoring, the ingress namespace with host routing, client namespaces, MDS under rbac', () => {
    const edges = (platform: PlatformModel) => flowsOf(platform).map((flow) => `${flow.from.type === 'component' ? flow.from.name : flow.from.type === 'namespace' ? `ns:${flow.from.namespace}` : flow.from.type}→${flow.to}:${flow.port}`);
    const plain = edges(model([]));
    expect(plain).to.include('kafka→kraftcontroller:9074').and.include('connect→schemaregistry:8081').and.include('operator→kafka:8090').and.include('kafka→controlcenter:9090');
    expect(plain.some((edge) => edge.startsWith('ns:'))).to.equal(false);
    expect(plain.some((edge) => edge.startsWith('anywhere'))).to.equal(false);
    expect(edges(model(['monitoring.prometheus=true', 'networkPolicy.prometheusNamespace=observability']))).to.include('ns:observability→kafka:7778');
    expect(edges(model(['networkPolicy.clients=[orders]']))).to.include('ns:orders→kafka:9071').and.include('ns:orders→schemaregistry:8081');
    expect(edges(model(EXPOSED))).to.include('anywhere→kafka:9092');
    const routed = edges(model(['tls.mode=cert-manager', 'tls.issuer={kind: Issuer, name: ca}', 'authentication.kafka=mtls', 'externalAccess.type=staticForHostBasedRouting', 'externalAccess.domain=k.example.com']));
    expect(routed).to.include('ns:ingress-nginx→kafka:9092');
    const rbac = edges(model(['tls.mode=auto', 'authentication.kafka=mtls', 'authorization.type=rbac', 'authorization.ldap.address=ldap://ldap.example.com:389']));
    expect(rbac).to.include('connect→kafka:8090').and.include('kraftcontroller→kafka:9071');
  });

  it('networkPolicy.enabled=false writes none, and the README says what that means', () => {
    const tree = generateRepository(model(['networkPolicy.enabled=false']), templates);
    expect([...tree.keys()].filter((path) => path.includes('network-policies'))).to.deep.equal([]);
    expect(tree.get('README.md')).to.include('**no NetworkPolicies** (networkPolicy.enabled false)');
  });
});
