import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { CompiledSchemaCache } from '../validator/schemas/registry.js';

/** `$CP_GITOPS_CACHE_DIR`, else `$XDG_CACHE_HOME/cp-gitops`, else `~/.cache/cp-gitops`. */
export function defaultSchemaCacheDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  if (env.CP_GITOPS_CACHE_DIR) return env.CP_GITOPS_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'cp-gitops');
}

/** Where a compiled schema of `key` is kept under a cache folder (tests look for it there). */
export function schemaCacheFile(cacheDir: string, key: string): string {
  return join(cacheDir, 'schemas', `${key}.cjs`);
}

/**
 * Compiled imported schemas on disk. A cache never fails a run: unreadable means "not cached", and a
 * write that fails is skipped. Writes go through a temporary file and a rename, so two processes
 * validating at once never read half a file.
 */
export function fileSchemaCache(cacheDir: string): CompiledSchemaCache {
  return {
    read(key) {
      try {
        return readFileSync(schemaCacheFile(cacheDir, key), 'utf8');
      } catch {
        return undefined;
      }
    },
    write(key, code) {
      // Read-only home, full disk: validation still works, only slower next time.
      writeCacheFile(schemaCacheFile(cacheDir, key), code);
    },
  };
}

/**
 * Writes one file of a cache folder (made if missing) through a temporary file and a rename, so that a
 * process reading it at the same time sees the old file or the new one, never half of one. A cache
 * never fails a run: false when it could not be written (nothing is left behind).
 */
export function writeCacheFile(path: string, content: string): boolean {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temporary, content);
    renameSync(temporary, path);
    return true;
  } catch {
    rmSync(temporary, { force: true });
    return false;
  }
}
