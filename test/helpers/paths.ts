import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, from the compiled location dist/test/helpers/paths.js. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Whether an executable of that name is on PATH (without running it). */
export function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    if (!dir) return false;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
