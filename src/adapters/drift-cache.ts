import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FileTree } from '../generator/file-tree.js';
import { packageVersion } from '../package-root.js';
import { digestsOf, type GeneratedDigests } from '../validator/expected-files.js';
import { defaultSchemaCacheDir, writeCacheFile } from './schema-cache.js';

/**
 * The drift cache: what a cp-gitops.yaml generated, as path → content hash, so that `validate` on an
 * unchanged model hashes the files instead of generating and serialising the whole repository again
 * (the largest cost of a cold validate; issue #14, decision 99). Beside the code cache, in the user's
 * cache folder, never in the repository: a pull request can change everything in the repository, so a
 * digest kept there (like the record in .cp-gitops/generated/) could claim anything.
 *
 * An entry is keyed by the model's exact text and by the build that generated it (package version, the
 * bundle's size and modification time, Node's version): another cp-gitops, or the same one rebuilt, has
 * its own entries. Only the bundle keeps entries; tsc's modules (the tests' imports) always generate.
 * A cache never fails a run: unreadable or malformed means "not cached", a failed write is skipped, and
 * writes go through a temporary file and a rename (writeCacheFile, as the schema cache's).
 */

/** Entries kept; the oldest go when one is written (an entry of a 50-environment repository is ~200 KB). */
export const MAX_DRIFT_ENTRIES = 32;

export interface DriftCache {
  read(modelText: string): GeneratedDigests | undefined;
  write(modelText: string, generated: FileTree): void;
}

/** The cache for this process, or undefined when it keeps none (not the bundle, or CP_GITOPS_NO_CACHE=1). */
export function driftCacheFor(env: NodeJS.ProcessEnv = process.env): DriftCache | undefined {
  if (env.CP_GITOPS_NO_CACHE === '1') return undefined;
  const build = bundleIdentity();
  return build === undefined ? undefined : fileDriftCache(join(defaultSchemaCacheDir(env), 'drift'), build);
}

/** A cache in `dir` for the build named `build` (exported for the tests, which name their own build). */
export function fileDriftCache(dir: string, build: string): DriftCache {
  const fileOf = (modelText: string): string => join(dir, `${createHash('sha256').update(build).update('\0').update(modelText).digest('hex').slice(0, 40)}.json`);
  return {
    read(modelText) {
      try {
        return parseEntry(readFileSync(fileOf(modelText), 'utf8'));
      } catch {
        return undefined;
      }
    },
    write(modelText, generated) {
      if (!writeCacheFile(fileOf(modelText), JSON.stringify({ files: [...digestsOf(generated)] }))) return;
      try {
        prune(dir);
      } catch {
        // Another process pruned the same entries first: nothing is lost.
      }
    },
  };
}

function parseEntry(text: string): GeneratedDigests | undefined {
  const files = (JSON.parse(text) as { files?: unknown }).files;
  if (!Array.isArray(files)) return undefined;
  const digests = new Map<string, string>();
  for (const pair of files) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') return undefined;
    digests.set(pair[0], pair[1]);
  }
  return digests;
}

function prune(dir: string): void {
  const entries = readdirSync(dir).filter((name) => name.endsWith('.json'));
  if (entries.length <= MAX_DRIFT_ENTRIES) return;
  const byAge = entries.map((name) => ({ name, mtime: statSync(join(dir, name)).mtimeMs })).sort((a, b) => a.mtime - b.mtime);
  for (const { name } of byAge.slice(0, entries.length - MAX_DRIFT_ENTRIES)) rmSync(join(dir, name), { force: true });
}

/** In the bundle, import.meta.url is the bundle's own URL (src/build/bundle.ts); elsewhere there is no build to name. */
function bundleIdentity(): string | undefined {
  try {
    const self = fileURLToPath(import.meta.url);
    if (!/[\\/]dist[\\/]bundle[\\/]cp-gitops\.cjs$/.test(self)) return undefined;
    const { size, mtimeMs } = statSync(self);
    return `cp-gitops ${packageVersion()} ${size} ${Math.trunc(mtimeMs)} node ${process.version}`;
  } catch {
    return undefined;
  }
}
