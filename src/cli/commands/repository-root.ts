import { resolve } from 'node:path';
import { findUpwards } from '../../adapters/fs.js';
import { MODEL_FILE } from '../../model/types.js';

/**
 * The repository a command works on: the folder given (`--dir` or the positional, which always wins),
 * else the nearest folder at or above the current one holding cp-gitops.yaml, so every command works
 * from overlays/dev as from the root. Without one, the current folder (the command then says it is
 * not a cp-gitops repository).
 */
export function repositoryRoot(cwd: string, dir: string | undefined): string {
  if (dir !== undefined) return resolve(cwd, dir);
  return findUpwards(cwd, MODEL_FILE) ?? resolve(cwd);
}
