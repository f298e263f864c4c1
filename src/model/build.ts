import { UsageError } from '../errors.js';
import { checkModelSemantics } from './check.js';
import { modelValidator } from './model-validator.js';
import { applyOptionSettings } from './option-settings.js';
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
import { DEFAULT_CP_VERSION, DEFAULT_OPERATOR_VERSION, defaultControlCenterVersion, findOperatorRelease, parseSemVer } from './versions.js';

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
  if (duplicate) throw new UsageError(`environment "${duplicate}" is listed twice in --envs`);

  const components = resolveComponents(options.components);
  const cpVersion = options.cpVersion ?? DEFAULT_CP_VERSION;
  const cp = parseSemVer(cpVersion);
  if (!cp) throw new UsageError(`invalid --cp-version "${cpVersion}": expected MAJOR.MINOR.PATCH such as ${DEFAULT_CP_VERSION}`);
  const controller = resolveController(options.controller);

  const operatorVersion = options.operatorVersion ?? DEFAULT_OPERATOR_VERSION;
  if (!parseSemVer(operatorVersion)) throw new UsageError(`invalid --operator-version "${operatorVersion}": expected MAJOR.MINOR.PATCH such as ${DEFAULT_OPERATOR_VERSION}`);
  const chartVersion = options.chartVersion ?? findOperatorRelease(operatorVersion)?.chartVersion;
  if (!chartVersion) {
    throw new UsageError(
      `cp-gitops does not know the Helm chart version of Confluent for Kubernetes ${operatorVersion}`,
      'pass --chart-version with the confluent-for-kubernetes chart version of that release',
    );
  }
  if (!parseSemVer(chartVersion)) throw new UsageError(`invalid --chart-version "${chartVersion}": expected MAJOR.MINOR.PATCH such as 0.1718.10`);
  // Unknown here is reported after the compatibility checks below, which explain more.
  const controlCenter = options.controlCenterVersion ?? defaultControlCenterVersion(cp) ?? '';
  if (controlCenter && !parseSemVer(controlCenter)) throw new UsageError(`invalid --control-center-version "${controlCenter}": expected MAJOR.MINOR.PATCH`);

  const cluster = options.cluster ?? IN_CLUSTER;
  if (!/^https?:\/\/\S+$/.test(cluster)) throw new UsageError(`invalid --cluster "${cluster}": expected the API server URL, such as ${IN_CLUSTER}`);
  const repoURL = options.repoURL ?? `https://${PLACEHOLDER_REPO_HOST}/change-me/${name}.git`;
  if (!/^\S+$/.test(repoURL)) throw new UsageError(`invalid --repo-url "${repoURL}": a URL has no spaces`);
  const targetRevision = options.targetRevision ?? 'main';
  if (!/^[A-Za-z0-9._/-]+$/.test(targetRevision) || targetRevision.startsWith('-') || targetRevision.includes('..')) {
    throw new UsageError(`invalid --branch "${targetRevision}": use letters, digits, ".", "_", "/" and "-"`, 'for example --branch main');
  }

  // Production runs on TLS unless told otherwise: large environments get tls.mode auto of their own
  // (visible in cp-gitops.yaml, changed with `cp-gitops set tls.mode=… --env <env>`), unless --set tls.… was given.
  const tlsGiven = (options.settings ?? []).some((setting) => /^(options\.)?tls(\.|=)/.test(setting.trim()));
  const environments: Environment[] = envNames.map((env, index) => {
    const size = sizeFor(env, index, envNames.length);
    return {
      name: env,
      namespace: namespaceFor(name, env),
      cluster,
      size,
      components,
      ...(size === 'large' && !tlsGiven ? { options: { tls: { mode: 'auto' as const } } } : {}),
    };
  });

  const versions = { confluentPlatform: cpVersion, operator: operatorVersion, operatorChart: chartVersion, controlCenter };
  const settings = options.settings ?? [];
  // A new quorum is dynamic where CFK grows it in place (decision 19). Written into cp-gitops.yaml, since a
  // missing field means static: existing repositories keep the quorum they were created with.
  const quorumGiven = settings.some((setting) => /^(options\.)?kraft(\.|=)/.test(setting.trim()));
  const quorumDefault = controller === 'kraft' && !quorumGiven && defaultQuorumFor(versions) === 'dynamic' ? ['kraft.quorum=dynamic'] : [];
  const allSettings = [...quorumDefault, ...settings];
  const platformOptions = allSettings.length > 0 ? applyOptionSettings(undefined, allSettings) : undefined;
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
  const path = error.instancePath.slice(1).replace(/\//g, '.').replace(/^options\./, '');
  const detail = error.keyword === 'enum' ? `must be one of: ${(error.params.allowedValues as unknown[]).join(', ')}` : error.keyword === 'additionalProperties' ? `has no option "${String(error.params.additionalProperty)}"` : (error.message ?? 'is invalid');
  return `${error.instancePath.startsWith('/options') ? '--set ' : ''}${path || 'options'} ${detail}`;
}
