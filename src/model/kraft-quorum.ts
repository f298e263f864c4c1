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

export type QuorumMode = 'static' | 'dynamic';

/** CFK supports dynamic quorums from CP 7.9 with CFK 3.2 (Configure Dynamic KRaft Quorum). */
export const DYNAMIC_QUORUM_MIN_CP: SemVer = { major: 7, minor: 9, patch: 0 };
export const DYNAMIC_QUORUM_MIN_OPERATOR: SemVer = { major: 3, minor: 2, patch: 0 };
/**
 * What `init` defaults to dynamic from: CP 8.2 joins new controllers as voters by itself
 * (controller.quorum.auto.join.enable) and CFK 3.3 adds them without a roll, so a scale-up is a Git change only.
 */
export const AUTO_JOIN_MIN_CP: SemVer = { major: 8, minor: 2, patch: 0 };
export const ROLL_FREE_SCALE_MIN_OPERATOR: SemVer = { major: 3, minor: 3, patch: 0 };

export function quorumOf(model: PlatformModel, env: Environment): QuorumMode {
  return model.controller === 'kraft' && optionsOf(model, env).kraft?.quorum === 'dynamic' ? 'dynamic' : 'static';
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
 * A dynamic quorum on versions that cannot run it, or on ZooKeeper: reported once per place in
 * cp-gitops.yaml that asks for it, naming every environment (and Kafka cluster) it breaks.
 */
export function kraftQuorumProblems(model: PlatformModel): ModelProblem[] {
  const { model: expanded, origins } = expandKafkaClusters(model);
  const found = new Map<string, { path: YamlPath; message: string; fix: string; environments: string[] }>();
  expanded.environments.forEach((env, index) => {
    if (optionsOf(expanded, env).kraft?.quorum !== 'dynamic') return;
    const versions = versionsOf(expanded, env);
    let message: string | undefined;
    let fix = 'set kraft.quorum: static (cp-gitops set kraft.quorum=static), or upgrade first';
    if (model.controller !== 'kraft') {
      message = 'kraft.quorum dynamic needs controller: kraft (this platform runs ZooKeeper)';
      fix = 'remove kraft.quorum (cp-gitops set kraft.quorum=)';
    } else if (!atLeast(versions.confluentPlatform, DYNAMIC_QUORUM_MIN_CP)) {
      message = `kraft.quorum dynamic needs Confluent Platform ${show(DYNAMIC_QUORUM_MIN_CP)} or later (KIP-853 dynamic quorums), not ${versions.confluentPlatform}`;
    } else if (!atLeast(versions.operator, DYNAMIC_QUORUM_MIN_OPERATOR)) {
      message = `kraft.quorum dynamic needs Confluent for Kubernetes ${show(DYNAMIC_QUORUM_MIN_OPERATOR)} or later (spec.dynamicQuorumConfig), not ${versions.operator}`;
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
