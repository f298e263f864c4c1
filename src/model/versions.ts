/**
 * Version facts cp-gitops relies on (see docs/versions.md): which Confluent for Kubernetes release
 * ships with which Helm chart and supports which Confluent Platform lines, and which Control Center
 * next-gen release goes with which CP 8 line. Defaults are a combination seen running in public.
 */
import type { PlatformVersions } from './types.js';

export const DEFAULT_CP_VERSION = '8.2.0';
export const DEFAULT_OPERATOR_VERSION = '3.3.0';

export interface OperatorRelease {
  readonly version: string;
  readonly chartVersion: string;
  /** Inclusive range of supported CP minor lines, as [major, minor]. */
  readonly cpFrom: readonly [number, number];
  readonly cpTo: readonly [number, number];
  /** Where Confluent says so (release notes): docs/versions.md lists the same rows. */
  readonly source: string;
}

export const OPERATOR_RELEASES: readonly OperatorRelease[] = [
  { version: '3.1.0', chartVersion: '0.1351.24', cpFrom: [7, 4], cpTo: [8, 0], source: 'https://docs.confluent.io/operator/3.1/release-notes.html' },
  { version: '3.2.3', chartVersion: '0.1514.76', cpFrom: [7, 4], cpTo: [8, 1], source: 'https://docs.confluent.io/operator/3.2/release-notes.html' },
  { version: '3.3.0', chartVersion: '0.1718.10', cpFrom: [7, 5], cpTo: [8, 3], source: 'https://docs.confluent.io/operator/3.3/release-notes.html' },
];

/** Control Center next-gen ↔ CP compatibility (2.5.x through 8.2.x, 2.6.x through 8.3.x). */
export const CONTROL_CENTER_SOURCE = 'https://docs.confluent.io/control-center/current/installation/system-requirements.html';

/** Control Center next-gen release to pair with a CP 8 minor line (2.5.0 runs up to 8.2.x, 2.6.x up to 8.3.x). */
const CONTROL_CENTER_FOR_CP8_MINOR: ReadonlyMap<number, string> = new Map([
  [0, '2.5.0'],
  [1, '2.5.0'],
  [2, '2.5.0'],
  [3, '2.6.0'],
]);

/** Confluent Platform minor lines in release order: an upgrade moves at most one line at a time. */
export const CP_LINES: readonly string[] = ['7.4', '7.5', '7.6', '7.7', '7.8', '7.9', '8.0', '8.1', '8.2', '8.3'];

export interface SemVer {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

export function parseSemVer(text: string): SemVer | undefined {
  const match = SEMVER.exec(text);
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

export function findOperatorRelease(version: string): OperatorRelease | undefined {
  return OPERATOR_RELEASES.find((release) => release.version === version);
}

/** The release whose chart this is, if the table knows it. */
export function findOperatorReleaseByChart(chartVersion: string): OperatorRelease | undefined {
  return OPERATOR_RELEASES.find((release) => release.chartVersion === chartVersion);
}

/**
 * Orders confluent-for-kubernetes chart versions (0.1514.76 < 0.1718.10): numerically per part, so the
 * CRDs a cluster gets are those of the newest chart any operator on it runs. Not a version: sorts first.
 */
export function compareChartVersions(a: string, b: string): number {
  const pa = parseSemVer(a);
  const pb = parseSemVer(b);
  if (!pa || !pb) return pa ? 1 : pb ? -1 : 0;
  return pa.major - pb.major || pa.minor - pb.minor || pa.patch - pb.patch;
}

/** Does the table pair this Control Center release with this CP line (the same major.minor line as the table's)? */
export function controlCenterFitsCp(controlCenter: string, cp: SemVer): boolean {
  const expected = defaultControlCenterVersion(cp);
  const given = parseSemVer(controlCenter);
  const wanted = expected === undefined ? undefined : parseSemVer(expected);
  if (!given || !wanted) return false;
  return cp.major < 8 ? controlCenter === expected : given.major === wanted.major && given.minor === wanted.minor;
}

export function operatorSupportsCp(release: OperatorRelease, cp: SemVer): boolean {
  const line = cp.major * 1000 + cp.minor;
  return line >= release.cpFrom[0] * 1000 + release.cpFrom[1] && line <= release.cpTo[0] * 1000 + release.cpTo[1];
}

export function supportedCpRange(release: OperatorRelease): string {
  return `${release.cpFrom.join('.')}.x–${release.cpTo.join('.')}.x`;
}

/** The Control Center release for a CP version: next-gen for CP 8, the CP tag itself (legacy) for CP 7. */
export function defaultControlCenterVersion(cp: SemVer): string | undefined {
  if (cp.major < 8) return `${cp.major}.${cp.minor}.${cp.patch}`;
  if (cp.major === 8) return CONTROL_CENTER_FOR_CP8_MINOR.get(cp.minor);
  return undefined;
}

/** ZooKeeper left Confluent Platform with 8.0. */
export function supportsZooKeeper(cp: SemVer): boolean {
  return cp.major < 8;
}

/** The versions an environment runs: the platform's, overridden by the environment's own. */
export function versionsOf(model: { readonly versions: PlatformVersions }, env: { readonly versions?: Partial<PlatformVersions> }): PlatformVersions {
  return { ...model.versions, ...(env.versions ?? {}) };
}
