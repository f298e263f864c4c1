import { UsageError } from '../errors.js';
import { checkModelSemantics } from './check.js';
import { modelValidator } from './model-validator.js';
import { describePath, pointerToPath } from '../yaml/positions.js';
import { applyOptionSettings } from './option-settings.js';
import type { PlatformOptions } from './options.js';
import { isDns1123Label, MAX_ENV_NAME, MAX_PLATFORM_NAME } from './names.js';
import {
  COMPONENT_NAMES,
  MODEL_API_VERSION,
  MODEL_KIND,
  type ComponentName,
  type ControllerMode,
  type Environment,
  type PlatformModel,
  type SizeProfile,
} from './types.js';
import { defaultQuorumFor } from './kraft-quorum.js';
import { DEFAULT_CP_VERSION, DEFAULT_OPERATOR_VERSION, defaultControlCenterVersion, findOperatorRelease, OPERATOR_RELEASES, parseSemVer } from './versions.js';

export const DEFAULT_ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
export const IN_CLUSTER = 'https://kubernetes.default.svc';
/** Written when no --repo-url or --remote says where Argo CD pulls from; `validate` flags it. */
export const PLACEHOLDER_REPO_HOST = 'git.example.com';

export interface NewModelOptions {
  readonly name: string;
  readonly environments?: readonly string[];
  readonly components?: readonly string[];
  readonly cpVersion?: string;
  readonly controller?: string;
  readonly operatorVersion?: string;
  readonly chartVersion?: string;
  readonly controlCenterVersion?: string;
  readonly repoURL?: string;
  readonly cluster?: string;
  readonly targetRevision?: string;
  /** `--set path=value` settings of production options (see options.ts). */
  readonly settings?: readonly string[];
}

/** Builds the model `init` writes, from flags. Refuses bad input with the flag to change and how. */
export function buildNewModel(options: NewModelOptions): PlatformModel {
  const name = options.name;
  if (!isDns1123Label(name, MAX_PLATFORM_NAME)) {
    throw new UsageError(
      `invalid platform name "${name}": it must be a DNS-1123 label of at most ${MAX_PLATFORM_NAME} characters (lowercase letters, digits, "-")`,
      'pass --name with a name such as "payments-kafka"',
    );
  }
  const envNames = options.environments ?? DEFAULT_ENVIRONMENTS;
  if (envNames.length === 0) throw new UsageError('--envs names no environment', 'pass --envs dev,staging,prod or a subset');
  for (const env of envNames) {
    if (!isDns1123Label(env, MAX_ENV_NAME)) {
      throw new UsageError(
        `invalid environment name "${env}": it must be a DNS-1123 label of at most ${MAX_ENV_NAME} characters`,
        'use names such as dev, staging, prod',
      );
    }
  }
  const duplicate = envNames.find((env, index) => envNames.indexOf(env) !== index);
  if (duplicate) throw new UsageError(`environment "${duplicate}" is listed twice in --envs`, `list each environment once, for example --envs ${[...new Set(envNames)].join(',')}`);

  const components = resolveComponents(options.components);
  const cpVersion = options.cpVersion ?? DEFAULT_CP_VERSION;
  const cp = parseSemVer(cpVersion);
  if (!cp) throw new UsageError(`invalid --cp-version "${cpVersion}": expected MAJOR.MINOR.PATCH`, `for example --cp-version ${DEFAULT_CP_VERSION} (docs/versions.md lists the supported versions)`);
  const controller = resolveController(options.controller);

  const operatorVersion = options.operatorVersion ?? DEFAULT_OPERATOR_VERSION;
  if (!parseSemVer(operatorVersion)) throw new UsageError(`invalid --operator-version "${operatorVersion}": expected MAJOR.MINOR.PATCH`, `choose --operator-version ${OPERATOR_RELEASES.map((candidate) => candidate.version).join(', ')} (docs/versions.md)`);
  // Only pairs with a published source (docs/versions.md): a chart cp-gitops cannot cite is refused, not guessed.
  const release = findOperatorRelease(operatorVersion);
  if (!release) {
    throw new UsageError(
      `Confluent for Kubernetes ${operatorVersion} is not in the version table (docs/versions.md), which lists only releases with a published source`,
      `choose --operator-version ${OPERATOR_RELEASES.map((candidate) => candidate.version).join(', ')}`,
    );
  }
  const chartVersion = options.chartVersion ?? release.chartVersion;
  if (!parseSemVer(chartVersion)) throw new UsageError(`invalid --chart-version "${chartVersion}": expected MAJOR.MINOR.PATCH`, `leave it out to use the chart of Confluent for Kubernetes ${operatorVersion} (${release.chartVersion}), or pass one such as --chart-version ${release.chartVersion}`);
  // Unknown here is reported after the compatibility checks below, which explain more.
  const controlCenter = options.controlCenterVersion ?? defaultControlCenterVersion(cp) ?? '';
  if (controlCenter && !parseSemVer(controlCenter)) throw new UsageError(`invalid --control-center-version "${controlCenter}": expected MAJOR.MINOR.PATCH`, 'leave it out to use the Control Center that docs/versions.md pairs with --cp-version, or pass one such as --control-center-version 2.5.0');

  const cluster = options.cluster ?? IN_CLUSTER;
  if (!/^https?:\/\/\S+$/.test(cluster)) throw new UsageError(`invalid --cluster "${cluster}": expected the API server URL`, `for example --cluster ${IN_CLUSTER} (the cluster Argo CD runs in)`);
  const repoURL = options.repoURL ?? `https://${PLACEHOLDER_REPO_HOST}/change-me/${name}.git`;
  if (!/^\S+$/.test(repoURL)) throw new UsageError(`invalid --repo-url "${repoURL}": a URL has no spaces`, 'pass the URL Argo CD clones, for example --repo-url https://github.com/my-org/my-platform.git (a space in a path is written %20)');
  const targetRevision = options.targetRevision ?? 'main';
  if (!/^[A-Za-z0-9._/-]+$/.test(targetRevision) || targetRevision.startsWith('-') || targetRevision.includes('..')) {
    throw new UsageError(`invalid --branch "${targetRevision}": use letters, digits, ".", "_", "/" and "-"`, 'for example --branch main');
  }

  const versions = { confluentPlatform: cpVersion, operator: operatorVersion, operatorChart: chartVersion, controlCenter };
  const settings = options.settings ?? [];
  // A new quorum is dynamic where CFK grows it in place (decision 19). Written into cp-gitops.yaml, since a
  // missing field means static: existing repositories keep the quorum they were created with.
  const quorumGiven = settings.some((setting) => /^(options\.)?kraft(\.|=)/.test(setting.trim()));
  const quorumDefault = controller === 'kraft' && !quorumGiven && defaultQuorumFor(versions) === 'dynamic' ? ['kraft.quorum=dynamic'] : [];
  const allSettings = [...quorumDefault, ...settings];
  const platformOptions = allSettings.length > 0 ? applyOptionSettings(undefined, allSettings) : undefined;

  // Production is secure by default: large environments get options of their own (visible in
  // cp-gitops.yaml, changed with `cp-gitops set … --env <env>`): TLS (tls.mode auto) unless --set tls.…
  // was given, and mutual TLS on every Kafka listener and REST API unless --set authentication.… was
  // given. mTLS from the CA of TLS needs no password: the README says how to make every Secret.
  const given = (path: string) => settings.some((setting) => new RegExp(`^(options\\.)?${path}(\\.|=)`).test(setting.trim()));
  const environments: Environment[] = envNames.map((env, index) =>
    newEnvironment({ platform: name, name: env, index, count: envNames.length, cluster, components, tlsGiven: given('tls'), authenticationGiven: given('authentication'), ...(platformOptions ? { platformOptions } : {}) }),
  );
  const model: PlatformModel = {
    apiVersion: MODEL_API_VERSION,
    kind: MODEL_KIND,
    name,
    repoURL,
    targetRevision,
    controller,
    versions,
    ...(platformOptions && Object.keys(platformOptions).length > 0 ? { options: platformOptions } : {}),
    environments,
  };

  const problems = checkModelSemantics(model);
  if (problems.length > 0) {
    const first = problems[0]!;
    throw new UsageError(`${first.message}`, first.fix ? `${flagFor(first.path[0])}: ${first.fix}` : undefined);
  }
  if (!controlCenter) {
    throw new UsageError(`cp-gitops knows no Control Center release for Confluent Platform ${cpVersion}`, 'pass --control-center-version');
  }
  const schemaProblem = firstSchemaProblem(model);
  if (schemaProblem) throw new UsageError(schemaProblem, 'see docs/options.md for every option and its values');
  return model;
}

function resolveComponents(requested: readonly string[] | undefined): ComponentName[] {
  if (requested === undefined || (requested.length === 1 && requested[0] === 'all')) return [...COMPONENT_NAMES];
  const unknown = requested.filter((component) => !(COMPONENT_NAMES as readonly string[]).includes(component));
  if (unknown.length > 0) {
    throw new UsageError(`unknown component${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, `choose from: ${COMPONENT_NAMES.join(', ')} (or "all")`);
  }
  // Kafka is always there; the order is the catalogue's, so the same set always yields the same files.
  const wanted = new Set<string>(['kafka', ...requested]);
  return COMPONENT_NAMES.filter((component) => wanted.has(component));
}

function resolveController(requested: string | undefined): ControllerMode {
  if (requested === undefined || requested === 'kraft') return 'kraft';
  if (requested === 'zookeeper') return 'zookeeper';
  throw new UsageError(`unknown --controller "${requested}"`, 'use kraft (CP 7.4 and later) or zookeeper (CP 7.x only)');
}

export interface NewEnvironmentOptions {
  readonly platform: string;
  readonly name: string;
  /** Its place on the promotion path, and the path's length: they choose the size when the name does not. */
  readonly index: number;
  readonly count: number;
  readonly cluster: string;
  readonly components: readonly ComponentName[];
  /** The platform's options say something about TLS: then a large environment gets no tls.mode of its own. */
  readonly tlsGiven: boolean;
  /** Likewise for authentication: then a large environment gets no authentication of its own. */
  readonly authenticationGiven: boolean;
  /** The platform's options: the TLS mode and authorization type the production defaults depend on. */
  readonly platformOptions?: PlatformOptions;
}

/** An environment as `init` (and `add-env`) makes it. */
export function newEnvironment(options: NewEnvironmentOptions): Environment {
  const size = sizeFor(options.name, options.index, options.count);
  const own = size === 'large' ? productionOptions(options) : undefined;
  return {
    name: options.name,
    namespace: namespaceFor(options.platform, options.name),
    cluster: options.cluster,
    size,
    components: options.components,
    ...(own ? { options: own } : {}),
  };
}

/** Secure by default: TLS, and mutual TLS on every Kafka listener and REST API, unless the platform says otherwise. */
function productionOptions(options: NewEnvironmentOptions): PlatformOptions | undefined {
  const own: Record<string, unknown> = {};
  if (!options.tlsGiven) own.tls = { mode: 'auto' };
  const tls = options.tlsGiven ? (options.platformOptions?.tls?.mode ?? 'none') : 'auto';
  // Under rbac, CFK authenticates the REST APIs with MDS tokens (authentication.http is refused there).
  const rbac = options.platformOptions?.authorization?.type === 'rbac';
  if (!options.authenticationGiven && tls !== 'none') own.authentication = rbac ? { kafka: 'mtls' } : { kafka: 'mtls', http: 'mtls' };
  return Object.keys(own).length > 0 ? (own as PlatformOptions) : undefined;
}

export function namespaceFor(platform: string, env: string): string {
  return `${platform}-${env}`;
}

/** prod-like names get the large profile, pre-production ones medium, the rest small. */
export function sizeFor(env: string, index: number, count: number): SizeProfile {
  if (/^(prod|production|prd|live)(-|$)/.test(env)) return 'large';
  if (/^(stag|staging|stage|qa|uat|preprod|pre-prod|test)/.test(env)) return 'medium';
  if (/^(dev|development|sandbox|local)/.test(env)) return 'small';
  if (count > 1 && index === count - 1) return 'large';
  return index === 0 ? 'small' : 'medium';
}

function flagFor(key: string | number | undefined): string {
  switch (key) {
    case 'controller':
      return '--controller';
    case 'versions':
      return '--cp-version / --operator-version';
    case 'environments':
      return '--envs';
    case 'options':
      return '--set';
    default:
      return `--${String(key)}`;
  }
}

/** The model's JSON Schema on a model built from flags: the first problem, named by its --set path. */
export function firstSchemaProblem(model: PlatformModel): string | undefined {
  const validate = modelValidator();
  if (validate(model)) return undefined;
  const error = validate.errors?.[0];
  if (!error) return 'the model is invalid';
  const path = describePath(model, pointerToPath(error.instancePath)).replace(/^options\./, '');
  const detail = error.keyword === 'enum' ? `must be one of: ${(error.params.allowedValues as unknown[]).join(', ')}` : error.keyword === 'additionalProperties' ? `has no option "${String(error.params.additionalProperty)}"` : (error.message ?? 'is invalid');
  return `${error.instancePath.startsWith('/options') ? '--set ' : ''}${path || 'options'} ${detail}`;
}
