/**
 * Build step (npm run build): writes dist/generated/toolchain.json, the pin a generated repository
 * gets (src/generator/toolchain.ts), from this package's package.json and package-lock.json. The
 * lockfile itself never ships in an npm tarball, so its runtime part is carried over here.
 *
 * Usage: node dist/src/build/write-toolchain.js
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LockEntry, Toolchain } from '../generator/toolchain.js';

const root = new URL('../../../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  version: string;
  license: string;
  bin: Record<string, string>;
  engines: Record<string, string>;
  dependencies: Record<string, string>;
};
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as { packages: Record<string, LockEntry> };

// Runtime entries only: npm marks what only development needs with dev (or devOptional).
const lockPackages = Object.fromEntries(
  Object.entries(lock.packages)
    .filter(([path, entry]) => path.startsWith('node_modules/') && entry.dev !== true && entry.devOptional !== true && entry.link !== true)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
);
const toolchain: Toolchain = {
  version: manifest.version,
  dependencies: manifest.dependencies,
  license: manifest.license,
  bin: manifest.bin,
  engines: manifest.engines,
  lockPackages,
};
const target = new URL('dist/generated/toolchain.json', root);
mkdirSync(new URL('.', target), { recursive: true });
writeFileSync(target, `${JSON.stringify(toolchain, null, 2)}\n`);
process.stdout.write(`wrote ${fileURLToPath(target)} (${Object.keys(lockPackages).length} dependency entries)\n`);
