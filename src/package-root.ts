import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/*
 * Every path to a shipped file starts here. This module runs from two depths-alike places: dist/src/
 * (tsc's output, which the tests import) and dist/bundle/ (the one-file CLI, src/build/bundle.ts),
 * where every module shares the bundle's import.meta.url; relative URLs anywhere else would point
 * elsewhere in the bundle.
 */

/** The installed package's root (dist/src/package-root.js or dist/bundle/*.cjs → ../..). */
export const PACKAGE_ROOT_URL = new URL('../../', import.meta.url);
export const PACKAGE_ROOT = fileURLToPath(PACKAGE_ROOT_URL);
/** dist/generated/: what the build writes (standalone validators, compiled templates, the toolchain pin). */
export const GENERATED_DIR_URL = new URL('dist/generated/', PACKAGE_ROOT_URL);

export function packageVersion(): string {
  const json = JSON.parse(readFileSync(new URL('package.json', PACKAGE_ROOT_URL), 'utf8')) as { version: string };
  return json.version;
}
