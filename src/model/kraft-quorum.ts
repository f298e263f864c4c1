/**
 * KRaft quorum mode (docs/decisions.md 19): static (controller.quorum.voters, fixed size) or dynamic
 * (KIP-853, CFK spec.dynamicQuorumConfig, grows in place). A model without `kraft.quorum` is static, so
 * regenerating an existing repository never changes a running quorum; `init` writes dynamic for new ones.
 */
import type { YamlPath } from '../yaml/positions.js';
import type { ModelProblem } from './check.js';
import { expandKafkaClusters, originalPath } from './kafka-clusters.js';
import { optionsOf } from './options.js';
import { whereSet } from './options-check.js';
import type { Environment, PlatformModel, PlatformVersions } from './types.js';
import { parseSemVer, versionsOf, type SemVer } from './versions.js';

export type QuorumMode = 'static' | 'dynamic' | 'migrated';

/** CFK supports dynamic quorums from CP 7.9 with CFK 3.2 (Configure Dynamic KRaft Quorum). */
export const DYNAMIC_QUORUM_MIN_CP: SemVer = { major: 7, minor: 9, patch: 0 };
export const DYNAMIC_QUORUM_MIN_OPERATOR: SemVer = { major: 3, minor: 2, patch: 0 };
/** Moving a static quorum to KIP-853 needs kafka-features upgrade --feature kraft.version=1: CP 8.0 (Confluent's static-to-dynamic migration). */
export const MIGRATION_MIN_CP: SemVer = { major: 8, minor: 0, patch: 0 };
/**
 * What `init` defaults to dynamic from: CP 8.2 joins new controllers as voters by itself
 * (controller.quorum.auto.join.enable) and CFK 3.3 adds them without a roll, so a scale-up is a Git change only.
 */
export const AUTO_JOIN_MIN_CP: SemVer = { major: 8, minor: 2, patch: 0 };
export const ROLL_FREE_SCALE_MIN_OPERATOR: SemVer = { major: 3, minor: 3, patch: 0 };

export function quorumOf(model: PlatformModel, env: Environment): QuorumMode {
  return model.controller === 'kraft' ? (optionsOf(model, env).kraft?.quorum ?? 'static') : 'static';
}

/** Both dynamic modes change size in place; only a greenfield one has the bootstrap ConfigMap. */
export function isDynamic(mode: QuorumMode): boolean {
  return mode !== 'static';
}

/** The quorum `init` gives a new platform: dynamic where a scale-up needs nothing but a commit. */
export function defaultQuorumFor(versions: PlatformVersions): QuorumMode {
  return atLeast(versions.confluentPlatform, AUTO_JOIN_MIN_CP) && atLeast(versions.operator, ROLL_FREE_SCALE_MIN_OPERATOR) ? 'dynamic' : 'static';
}

/** Whether new controllers of a dynamic quorum join as voters by themselves (CP 8.2+). */
export function autoJoins(versions: PlatformVersions): boolean {
  return atLeast(versions.confluentPlatform, AUTO_JOIN_MIN_CP);
}

export function atLeast(version: string, floor: SemVer): boolean {
  const parsed = parseSemVer(version);
  if (!parsed) return false;
  return parsed.major !== floor.major ? parsed.major > floor.major : parsed.minor !== floor.minor ? parsed.minor > floor.minor : parsed.patch >= floor.patch;
}

function show(version: SemVer): string {
  return `${version.major}.${version.minor}`;
}

/**
 * Why a change of kraft.quorum is refused, or undefined when it is safe. Only static → migrated is: a
 * running static quorum must not be formatted again as a greenfield one (dynamic), and a KIP-853
 * quorum (kraft.version=1) cannot go back to static.
 */
export function quorumTransitionProblem(envName: string, from: QuorumMode, to: QuorumMode): { message: string; fix: string } | undefined {
  if (from === to || (from === 'static' && to === 'migrated')) return undefined;
  if (from === 'static') {
    return {
      message: `${envName} runs a static KRaft quorum; kraft.quorum dynamic would make CFK treat it as a new quorum formatted from controller 0`,
      fix: `migrate it instead: run kafka-features --bootstrap-controller localhost:9074 upgrade --feature kraft.version=1 in a controller pod (CP 8.0+), then cp-gitops set kraft.quorum=migrated --env ${envName}, then roll Kafka (docs/decisions.md 19)`,
    };
  }
  return {
    message: `${envName} runs a ${from === 'dynamic' ? 'dynamic' : 'migrated (dynamic)'} KRaft quorum (kraft.version=1); it cannot become ${to === 'static' ? 'static' : `"${to}"`} in place`,
    fix: `keep kraft.quorum=${from}`,
  };
}

/**
 * A dynamic quorum on versions that cannot run it, or on ZooKeeper: reported once per place in
 * cp-gitops.yaml that asks for it, naming every environment (and Kafka cluster) it breaks.
 */
export function kraftQuorumProblems(model: PlatformModel): ModelProblem[] {
  const { model: expanded, origins } = expandKafkaClusters(model);
  const found = new Map<string, { path: YamlPath; message: string; fix: string; environments: string[] }>();
  expanded.environments.forEach((env, index) => {
    const mode = optionsOf(expanded, env).kraft?.quorum ?? 'static';
    if (mode === 'static') return;
    const versions = versionsOf(expanded, env);
    const floor = mode === 'migrated' ? MIGRATION_MIN_CP : DYNAMIC_QUORUM_MIN_CP;
    let message: string | undefined;
    const fix = mode === 'migrated' ? 'upgrade to CP 8.0 or later first (cp-gitops upgrade), then migrate' : 'set kraft.quorum: static, or use a Confluent Platform and operator version that run dynamic quorums';
    // On ZooKeeper the field waits for the move to KRaft (and the controller's own check says why CP 8 cannot).
    if (model.controller !== 'kraft') return;
    if (!atLeast(versions.confluentPlatform, floor)) {
      message = `kraft.quorum ${mode} needs Confluent Platform ${show(floor)} or later (${mode === 'migrated' ? 'kraft.version=1 on a running quorum' : 'KIP-853 dynamic quorums'}), not ${versions.confluentPlatform}`;
    } else if (!atLeast(versions.operator, DYNAMIC_QUORUM_MIN_OPERATOR)) {
      message = `kraft.quorum ${mode} needs Confluent for Kubernetes ${show(DYNAMIC_QUORUM_MIN_OPERATOR)} or later (spec.dynamicQuorumConfig), not ${versions.operator}`;
    }
    if (!message) return;
    const path = originalPath(whereSet(expanded, index, ['kraft', 'quorum']), origins);
    const key = `${path.join('.')}\u0000${message}`;
    const entry = found.get(key) ?? { path, message, fix, environments: [] };
    entry.environments.push(env.name);
    found.set(key, entry);
  });
  return [...found.values()].map(({ path, message, fix, environments }) => ({
    path,
    message: `${environments.length > 1 ? 'environments' : 'environment'} ${environments.map((name) => `"${name}"`).join(', ')}: ${message}`,
    fix,
  }));
}
