import { clusterKey } from '../generator/cluster-shared.js';
import { names } from '../generator/layout.js';
import { topicResourceName } from '../generator/overlays.js';
import { operationsOptionProblems } from './options-check-access.js';
import type { YamlPath } from '../yaml/positions.js';
import { exposureProblems, optionProblems, optionWarnings } from './options-check.js';
import { secretProblems } from './secret-check.js';
import { kraftQuorumProblems } from './kraft-quorum.js';
import { expandKafkaClusters, originalPath } from './kafka-clusters.js';
import type { Environment, PlatformModel, PlatformVersions } from './types.js';
import { controlCenterFitsCp, defaultControlCenterVersion, findOperatorRelease, OPERATOR_RELEASES, operatorSupportsCp, parseSemVer, supportedCpRange, supportsZooKeeper, versionsOf } from './versions.js';

export interface ModelProblem {
  readonly path: YamlPath;
  readonly message: string;
  readonly fix?: string;
}

/**
 * The rules of a platform model that a JSON Schema cannot express: version compatibility, the
 * controller mode of the CP line, unique names. Returns every problem, not just the first.
 */
export function checkModelSemantics(model: PlatformModel): ModelProblem[] {
  // Each Kafka cluster is checked as the environment it runs as; problems point back into cp-gitops.yaml.
  const { model: expanded, origins } = expandKafkaClusters(model);
  const checked = expanded === model ? model : { ...expanded, environments: expanded.environments.map((env, index) => (index < model.environments.length ? env : withoutVersions(env))) };
  const seen = new Set<string>();
  return [...kafkaClusterProblems(model), ...secretProblems(model), ...semanticProblems(checked, origins), ...kraftQuorumProblems(model)].flatMap((problem) => {
    const path = originalPath(problem.path, origins);
    const key = `${path.join('.')}\u0000${problem.message}`;
    if (seen.has(key)) return [];
    seen.add(key);
    return [{ ...problem, path }];
  });
}

/** The refusals of unsafe exposure (issue 11) alone, on every environment and Kafka cluster. */
export function checkExposure(model: PlatformModel): ModelProblem[] {
  const { model: expanded, origins } = expandKafkaClusters(model);
  return exposureProblems(expanded).map((problem) => ({ ...problem, path: originalPath(problem.path, origins) }));
}

/**
 * What works but must be seen (security.allowInsecure, authorization simple in production, ldaps://
 * without the directory's CA): warnings, located like the problems; `validate` reports them, `init` and
 * every pull request repeat them.
 */
export function checkModelWarnings(model: PlatformModel): ModelProblem[] {
  const { model: expanded, origins } = expandKafkaClusters(model);
  const seen = new Set<string>();
  return optionWarnings(expanded).flatMap((problem) => {
    const path = originalPath(problem.path, origins);
    const key = `${path.join('.')}\u0000${problem.message}`;
    if (seen.has(key)) return [];
    seen.add(key);
    return [{ ...problem, path }];
  });
}

/** A Kafka cluster runs its environment's versions, which the environment's own check covers. */
function withoutVersions(env: Environment): Environment {
  const { versions: _versions, ...rest } = env;
  return rest;
}

/** What only Kafka clusters have: a unique name within their environment. */
function kafkaClusterProblems(model: PlatformModel): ModelProblem[] {
  const problems: ModelProblem[] = [];
  model.environments.forEach((env, index) => {
    const seen = new Map<string, number>();
    (env.kafkaClusters ?? []).forEach((cluster, clusterIndex) => {
      const first = seen.get(cluster.name);
      if (first !== undefined) {
        problems.push({
          path: ['environments', index, 'kafkaClusters', clusterIndex, 'name'],
          message: `Kafka cluster "${cluster.name}" is defined twice in environment "${env.name}" (first at kafkaClusters[${first}])`,
          fix: 'give each Kafka cluster of an environment its own name',
        });
      } else seen.set(cluster.name, clusterIndex);
    });
  });
  return problems;
}

function semanticProblems(model: PlatformModel, origins: readonly YamlPath[]): ModelProblem[] {
  const where = (index: number) => describePath(origins[index] ?? ['environments', index]);
  const problems: ModelProblem[] = [];
  problems.push(...versionProblems(model.controller, model.versions, ['versions']));
  model.environments.forEach((env, index) => {
    if (!env.versions) return;
    // An environment's own versions are checked as the combination it will run.
    problems.push(...versionProblems(model.controller, versionsOf(model, env), ['environments', index, 'versions']).map((problem) => ({ ...problem, message: `environment "${env.name}": ${problem.message}` })));
  });
  model.environments.forEach((env, index) => {
    const seen = new Set<string>();
    (env.topics ?? []).forEach((topic, topicIndex) => {
      if (seen.has(topic.name)) problems.push({ path: ['environments', index, 'topics', topicIndex, 'name'], message: `topic "${topic.name}" is listed twice in environment "${env.name}"`, fix: 'keep one entry per topic' });
      else {
        const clash = (env.topics ?? []).slice(0, topicIndex).find((other) => other.name !== topic.name && topicResourceName(other.name) === topicResourceName(topic.name));
        if (clash) problems.push({ path: ['environments', index, 'topics', topicIndex, 'name'], message: `topics "${clash.name}" and "${topic.name}" of environment "${env.name}" would both be the KafkaTopic resource "${topicResourceName(topic.name)}"`, fix: 'rename one so the names differ in letters or digits, not only in case, dots or underscores' });
      }
      seen.add(topic.name);
    });
  });
  const seenNames = new Map<string, number>();
  const seenNamespaces = new Map<string, number>();
  model.environments.forEach((env, index) => {
    const previous = seenNames.get(env.name);
    if (previous !== undefined) {
      problems.push({ path: ['environments', index, 'name'], message: `environment "${env.name}" is defined twice (first at ${where(previous)})`, fix: 'give each environment its own name' });
    }
    seenNames.set(env.name, index);
    if (RESERVED_ENV_NAMES.has(env.name)) {
      problems.push({ path: ['environments', index, 'name'], message: `"${env.name}" cannot name an environment: argocd/${env.name}/ holds ${env.name === 'bootstrap' ? 'the bootstrap manifests' : 'the Applications shared by a Kubernetes cluster'}`, fix: 'choose another name' });
    }
    const placement = `${env.cluster} ${env.namespace}`;
    const clash = seenNamespaces.get(placement);
    if (clash !== undefined) {
      problems.push({
        path: ['environments', index, 'namespace'],
        message: `environment "${env.name}" uses namespace "${env.namespace}" on ${env.cluster}, like ${where(clash)}`,
        fix: 'give each environment on the same cluster its own namespace',
      });
    }
    seenNamespaces.set(placement, index);
    if (!env.components.includes('kafka')) {
      problems.push({ path: ['environments', index, 'components'], message: `environment "${env.name}" has no kafka: every environment runs a Kafka cluster`, fix: 'add kafka to components' });
    }
  });
  problems.push(...argoNameClashes(model));
  problems.push(...optionProblems(model));
  problems.push(...operationsOptionProblems(model));
  return problems;
}

function versionProblems(controller: PlatformModel['controller'], versions: PlatformVersions, at: YamlPath): ModelProblem[] {
  const problems: ModelProblem[] = [];
  const cp = parseSemVer(versions.confluentPlatform);
  const path = (key: string): YamlPath => (at[0] === 'versions' ? (key === 'controller' ? ['controller'] : [...at, key]) : [...at, key === 'controller' ? 'confluentPlatform' : key]);
  if (cp && controller === 'zookeeper' && !supportsZooKeeper(cp)) {
    problems.push({
      path: path('controller'),
      message: `ZooKeeper mode is not available with Confluent Platform ${versions.confluentPlatform}: ZooKeeper was removed in CP 8.0`,
      fix: 'use controller: kraft, or a CP 7.x version (for example 7.9.0) for ZooKeeper',
    });
  }
  const release = findOperatorRelease(versions.operator);
  if (!release) {
    problems.push({
      path: path('operator'),
      message: `Confluent for Kubernetes ${versions.operator} is not in the version table (docs/versions.md), which lists only releases with a published source`,
      fix: `use one of ${OPERATOR_RELEASES.map((candidate) => candidate.version).join(', ')} (with its operatorChart)`,
    });
  }
  if (release && cp && !operatorSupportsCp(release, cp)) {
    problems.push({
      path: path('confluentPlatform'),
      message: `Confluent for Kubernetes ${release.version} supports Confluent Platform ${supportedCpRange(release)}, not ${versions.confluentPlatform}`,
      fix: 'choose a supported CP version or another operator version',
    });
  }
  if (release && release.chartVersion !== versions.operatorChart) {
    problems.push({
      path: path('operatorChart'),
      message: `Confluent for Kubernetes ${release.version} ships as Helm chart ${release.chartVersion}, not ${versions.operatorChart}`,
      fix: `set operatorChart: ${release.chartVersion}`,
    });
  }
  if (cp && cp.major >= 8 && !controlCenterFitsCp(versions.controlCenter, cp)) {
    const expected = defaultControlCenterVersion(cp);
    problems.push({
      path: path('controlCenter'),
      message: `Control Center ${versions.controlCenter} is not the release docs/versions.md pairs with Confluent Platform ${versions.confluentPlatform}${expected ? ` (${expected.replace(/\.\d+$/, '.x')})` : ''}`,
      fix: expected ? `set controlCenter: ${expected}` : 'use a Confluent Platform line that docs/versions.md lists',
    });
  }
  if (cp && cp.major < 8 && versions.controlCenter !== versions.confluentPlatform) {
    problems.push({
      path: path('controlCenter'),
      message: `on CP ${versions.confluentPlatform} the legacy Control Center runs at the CP version, not ${versions.controlCenter}`,
      fix: `set controlCenter: ${versions.confluentPlatform}`,
    });
  }
  return problems;
}

/** argocd/bootstrap/ is the folder of the root Applications, argocd/clusters/ that of what a Kubernetes cluster shares. */
const RESERVED_ENV_NAMES = new Set(['bootstrap', 'clusters']);

/**
 * Argo CD object names share one namespace: `dev` + `dev-operator` would both give an Application
 * named <platform>-dev-operator. Every project and Application name must be unique.
 */
function argoNameClashes(model: PlatformModel): ModelProblem[] {
  const owners = new Map<string, string>();
  const problems: ModelProblem[] = [];
  const claim = (name: string, what: string, index: number) => {
    const previous = owners.get(name);
    if (previous !== undefined && previous !== what) {
      problems.push({
        path: ['environments', index, 'name'],
        message: `environment "${model.environments[index]!.name}" would name ${what} "${name}", already the name of ${previous}`,
        fix: 'rename the environment so that its Argo CD names do not collide',
      });
    } else owners.set(name, what);
  };
  owners.set(`AppProject/${names.bootstrapProject(model.name)}`, 'the bootstrap AppProject');
  // What each Kubernetes cluster shares has Argo CD names too (argocd/clusters/<cluster>/).
  for (const server of new Set(model.environments.map((env) => env.cluster))) {
    const key = clusterKey(server);
    for (const name of [`AppProject/${names.clusterProject(model.name, key)}`, `Application/${names.clusterCrdsApp(model.name, key)}`, `Application/${names.clusterSharedApp(model.name, key)}`, `Application/${names.clusterRootApp(model.name, key)}`]) {
      owners.set(name, `an Argo CD object of Kubernetes cluster ${server}`);
    }
  }
  model.environments.forEach((env, index) => {
    claim(`Application/${names.platformApp(model.name, env.name)}`, `the platform Application of ${env.name}`, index);
    claim(`Application/${names.operatorApp(model.name, env.name)}`, `the operator Application of ${env.name}`, index);
    claim(`Application/${names.rootApp(model.name, env.name)}`, `the root Application of ${env.name}`, index);
    claim(`AppProject/${names.project(model.name, env.name)}`, `the AppProject of ${env.name}`, index);
  });
  return problems;
}

/** environments[1].kafkaClusters[0], as a person reads a path in cp-gitops.yaml. */
function describePath(path: YamlPath): string {
  return path.map((key, index) => (typeof key === 'number' ? `[${key}]` : index === 0 ? key : `.${key}`)).join('');
}
