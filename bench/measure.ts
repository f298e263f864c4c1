/** What every benchmark shares: sample statistics, rounding, and finding a reference tool on PATH. */
import { spawnSync } from 'node:child_process';
import { cpus, platform, release, totalmem } from 'node:os';

export interface Stats {
  readonly samples: number;
  readonly medianMs: number;
  readonly p90Ms: number;
  readonly minMs: number;
  readonly maxMs: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  return n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

export function stats(timings: readonly number[]): Stats {
  const sorted = [...timings].sort((a, b) => a - b);
  const n = sorted.length;
  // Nearest-rank p90: a value that was really observed.
  return { samples: n, medianMs: round(median(sorted)), p90Ms: round(sorted[Math.max(0, Math.ceil(0.9 * n) - 1)]!), minMs: round(sorted[0]!), maxMs: round(sorted[n - 1]!) };
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** The first line(s) a tool prints for its version, or undefined when it is not on PATH. */
export function onPath(binary: string, args: string[]): string | undefined {
  const result = spawnSync(binary, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return result.error === undefined && result.status === 0 ? result.stdout.trim() : undefined;
}

/** The machine a run measured, for the results file (figures only compare on the same kind of machine). */
export function machineFacts(): { cpus: number; cpuModel: string; memoryGiB: number; platform: string; node: string } {
  return { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: round(totalmem() / 2 ** 30, 1), platform: `${platform()} ${release()}`, node: process.version };
}
