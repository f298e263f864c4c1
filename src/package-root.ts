import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The installed package's root (dist/src/package-root.js → ../..), where the template folders live. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function packageVersion(): string {
  const json = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return json.version;
}
