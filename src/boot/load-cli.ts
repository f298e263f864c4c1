/**
 * How bin/cp-gitops.js loads the CLI: the one-file bundle (src/build/bundle.ts) with V8's compiled
 * code kept between runs, so that a run neither resolves some 400 modules nor compiles the same
 * JavaScript again. This module is not in the bundle: it loads it, with nothing but Node built-ins.
 *
 * - Node ≥ 22.1: module.enableCompileCache, Node's own cache (keyed and checked by Node).
 * - Node 20: vm.Script with cachedData, the same V8 mechanism by hand. One cache file per command, so
 *   each holds the functions its command compiled (V8 writes what was compiled when the cache is
 *   made, which we do after the command ran), keyed by what could make it wrong: the package version,
 *   the bundle's size and modification time, Node's version and the CPU architecture. V8 checks the
 *   source length and its own flags again and rejects data that does not fit; a rejected or
 *   unreadable cache is only a slower start, never a failure.
 * - No bundle (a tsc-only build): tsc's modules, as the tests import them.
 *
 * NODE_DISABLE_COMPILE_CACHE=1 (Node's own variable) or CP_GITOPS_NO_CACHE=1 (ours, which also turns the
 * drift cache off: src/adapters/drift-cache.ts) turns either cache off, for measuring.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

export type CliMain = (argv: readonly string[]) => Promise<number>;

export interface LoadedCli {
  readonly main: CliMain;
  /** Writes the code cache when this run had none (or V8 rejected it); call after the command ran. */
  readonly saveCache: () => void;
  /** For the tests and the benchmark: which path loaded the CLI and whether a cache was used. */
  readonly how: 'bundle+compile-cache' | 'bundle+code-cache' | 'bundle' | 'modules';
  readonly cacheHit: boolean;
}

/** dist/src/boot/load-cli.js → ../../.. */
const PACKAGE_ROOT_URL = new URL('../../../', import.meta.url);
const BUNDLE = fileURLToPath(new URL('dist/bundle/cp-gitops.cjs', PACKAGE_ROOT_URL));

/** `$CP_GITOPS_CACHE_DIR`, else `$XDG_CACHE_HOME/cp-gitops`, else `~/.cache/cp-gitops` (as the schema cache). */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.CP_GITOPS_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'cp-gitops');
  return join(base, 'code');
}

export async function loadCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<LoadedCli> {
  let bundle: { size: number; mtimeMs: number };
  try {
    bundle = statSync(BUNDLE);
  } catch {
    const { main } = (await import('../cli/main.js')) as { main: CliMain };
    return { main, saveCache: () => {}, how: 'modules', cacheHit: false };
  }
  const useCache = env.NODE_DISABLE_COMPILE_CACHE !== '1' && env.CP_GITOPS_NO_CACHE !== '1';
  const enableCompileCache = (module as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache;
  if (useCache && typeof enableCompileCache === 'function') {
    // Node's advice: leave NODE_COMPILE_CACHE the last word on where the cache goes.
    enableCompileCache(env.NODE_COMPILE_CACHE ? undefined : join(codeCacheDir(env), 'node'));
    const { main } = module.createRequire(BUNDLE)(BUNDLE) as { main: CliMain };
    return { main, saveCache: () => {}, how: 'bundle+compile-cache', cacheHit: false };
  }
  if (!useCache) {
    const { main } = module.createRequire(BUNDLE)(BUNDLE) as { main: CliMain };
    return { main, saveCache: () => {}, how: 'bundle', cacheHit: false };
  }
  return loadWithCodeCache(argv, env, bundle);
}

/** The bundle as CommonJS would run it, but compiled by us so that V8's cached data can be used and made. */
function loadWithCodeCache(argv: readonly string[], env: NodeJS.ProcessEnv, bundle: { size: number; mtimeMs: number }): LoadedCli {
  const dir = codeCacheDir(env);
  const { installation, key } = cacheKey(bundle);
  const file = join(dir, `${key}-${commandOf(argv)}.v8`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(file);
  } catch {
    // No cache yet: made after this run.
  }
  // The bundle is ASCII (esbuild escapes everything else; src/build/bundle.ts checks): latin1 decoding
  // gives the same string and costs a fraction of utf8's validation, measurable on 1.5 MB.
  const source = readFileSync(BUNDLE).toString('latin1');
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: BUNDLE,
    ...(cachedData ? { cachedData } : {}),
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const cjs = { exports: {} as { main: CliMain } };
  (script.runInThisContext() as (...args: unknown[]) => void)(cjs.exports, module.createRequire(BUNDLE), cjs, BUNDLE, join(BUNDLE, '..'));
  const cacheHit = cachedData !== undefined && !script.cachedDataRejected;
  return {
    main: cjs.exports.main,
    how: 'bundle+code-cache',
    cacheHit,
    saveCache: () => {
      if (!cacheHit) writeCache(dir, installation, key, file, script);
    },
  };
}

/** Starts with the installation (its path), so that several installations share the folder without removing each other's caches. */
function cacheKey(bundle: { size: number; mtimeMs: number }): { installation: string; key: string } {
  const version = (JSON.parse(readFileSync(new URL('package.json', PACKAGE_ROOT_URL), 'utf8')) as { version: string }).version;
  const installation = `cp-gitops-${createHash('sha256').update(BUNDLE).digest('hex').slice(0, 12)}`;
  return { installation, key: `${installation}-${version}-${bundle.size}-${Math.trunc(bundle.mtimeMs)}-node${process.version}-${process.arch}`.replace(/[^\w.-]/g, '_') };
}

/**
 * The command word names the cache file; anything else (a typo, a flag first) shares one. A help run
 * compiles little of its command, and a cache is never rewritten once V8 accepts it, so help runs keep
 * their own file rather than leave a thin one to the command.
 */
function commandOf(argv: readonly string[]): string {
  const word = argv.find((arg) => !arg.startsWith('-'));
  const command = word !== undefined && /^[a-z][a-z-]{0,30}$/.test(word) ? word : 'other';
  return argv.includes('--help') || argv.includes('-h') ? `${command}-help` : command;
}

/** Atomically (a reader sees the old file or the new one, never half of one); caches of this installation's earlier builds go. */
function writeCache(dir: string, installation: string, key: string, file: string, script: vm.Script): void {
  try {
    mkdirSync(dir, { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, script.createCachedData());
    renameSync(temporary, file);
    for (const name of readdirSync(dir)) {
      if (name.startsWith(`${installation}-`) && name.endsWith('.v8') && !name.startsWith(`${key}-`)) rmSync(join(dir, name), { force: true });
    }
  } catch {
    // A cache that cannot be written (read-only home, full disk) costs the next run time, nothing else.
  }
}
