import { createRequire } from 'node:module';

/**
 * Loads a module the build wrote under dist/generated/ (the standalone schema validators, their
 * manifest, the model validator), by its absolute path. Callers check what they get (a hash, an
 * engine tag) and compile instead when it is missing or stale.
 *
 * The bundle replaces this module (src/build/bundle.ts) with one that has those modules built in,
 * so that a run neither resolves and compiles them one by one as ES modules nor misses V8's code
 * cache for them; any path it does not know still goes to require.
 */
const require = createRequire(import.meta.url);

export function requireGenerated(path: string): unknown {
  return require(path);
}
