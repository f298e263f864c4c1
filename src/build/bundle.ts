/**
 * Build step (npm run build, after tsc): the CLI as one CommonJS file, dist/bundle/cp-gitops.cjs, that
 * bin/cp-gitops.js loads (through src/boot/code-cache.ts, which keeps V8's compiled code between runs).
 *
 * Why one file: a cold run spent about a third of its time resolving, reading and compiling some 200
 * modules (yargs, yaml, our own) one by one. Why CommonJS: it is the format Node 20 can compile with a
 * code cache (vm.Script cachedData) and that module.enableCompileCache covers on Node ≥ 22.1.
 * Nothing is loaded before it is needed all the same: each `await import()` of a command's
 * implementation becomes a lazily initialised part of the file, so the modules behind it (Octokit,
 * simple-git, the validator, ajv) run only when that command runs. V8 compiles lazily as well: code
 * that never runs is only pre-parsed, and not even that once the code cache is warm.
 *
 * The tests keep importing tsc's dist/src modules; both share the same sources.
 *
 * Usage: node dist/src/build/bundle.js
 */
import { readFile, writeFile } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const root = new URL('../../../', import.meta.url);
const outfile = fileURLToPath(new URL('dist/bundle/cp-gitops.cjs', root));

/**
 * `createRequire(import.meta.url)` is how our ES modules load CommonJS lazily (js-yaml's fast build,
 * ajv's compiler only when a schema must be compiled). In the bundle the plain `require` is that
 * function, and writing it plainly lets esbuild see the module and bundle it instead of leaving a
 * lookup relative to a file that no longer exists (`./ajv.js`).
 */
const plainRequire: Plugin = {
  name: 'plain-require',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const contents = source.replaceAll('const require = createRequire(import.meta.url);', '').replaceAll('createRequire(import.meta.url)', 'require');
      return { contents, loader: 'ts' };
    });
  },
};

/**
 * yargs measures every cell of its help with string-width, which walks each string grapheme by grapheme
 * through Intl.Segmenter and an emoji pattern: about 200 ms of a cold `--help`. A string of printable
 * ASCII is as wide as it is long in every version of string-width (no zero-width, wide or combining
 * character among them), so the bundle answers those directly and hands every other string to the
 * copy of string-width its importer would have used.
 */
const asciiStringWidth: Plugin = {
  name: 'ascii-string-width',
  setup(builder) {
    builder.onResolve({ filter: /^string-width$/ }, async (args) => {
      // builder.resolve runs this callback again: the marker lets that inner call resolve normally.
      if ((args.pluginData as { realStringWidth?: boolean } | undefined)?.realStringWidth) return undefined;
      const real = await builder.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: { realStringWidth: true } });
      if (real.errors.length > 0) return { errors: real.errors };
      return { path: real.path, namespace: 'ascii-string-width' };
    });
    builder.onLoad({ filter: /.*/, namespace: 'ascii-string-width' }, (args) => ({
      contents: `import stringWidth from ${JSON.stringify(args.path)};
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
export default function asciiFirstStringWidth(text, options) {
  return typeof text === 'string' && PRINTABLE_ASCII.test(text) ? text.length : stringWidth(text, options);
}
`,
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

/**
 * The build-time modules of dist/generated/ (schema validators and their manifest, the model
 * validator) go into the bundle: src/adapters/generated-modules.ts becomes a table from their paths
 * (relative to dist/generated/, so that it holds wherever the package is installed) to bundled
 * requires, which esbuild initialises only when called. Built after them (npm run build's last step),
 * the bundle holds the manifest and modules of one and the same build.
 */
const generatedDir = fileURLToPath(new URL('dist/generated/', root));
const generatedFiles = [
  ...readdirSync(join(generatedDir, 'schemas'))
    .filter((file) => file.endsWith('.js') || file.endsWith('.json'))
    .map((file) => `schemas/${file}`),
  'model/platform-model.js',
].sort();
const builtInGenerated: Plugin = {
  name: 'built-in-generated-modules',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]src[\\/]adapters[\\/]generated-modules\.ts$/ }, () => {
      const table = generatedFiles.map((file) => `  ${JSON.stringify(file)}: () => require(${JSON.stringify(join(generatedDir, file))}),`).join('\n');
      return {
        loader: 'ts',
        resolveDir: generatedDir,
        contents: `import { relative, sep } from 'node:path';\nimport { fileURLToPath } from 'node:url';\nimport { GENERATED_DIR_URL } from ${JSON.stringify(fileURLToPath(new URL('src/package-root.ts', root)))};\nconst GENERATED_DIR = fileURLToPath(GENERATED_DIR_URL);\nconst BUILT_IN: Record<string, () => unknown> = {\n${table}\n};\nexport function requireGenerated(path: string): unknown {\n  const load = BUILT_IN[relative(GENERATED_DIR, path).split(sep).join('/')];\n  return load ? load() : require(path);\n}\n`,
      };
    });
  },
};

const started = performance.now();
const result = await build({
  entryPoints: [fileURLToPath(new URL('src/cli/main.ts', root))],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // Loaded only where a command needs them and installed as dependencies anyway: kept out of the
  // file so that it does not grow for everyone (GitLab's client, added by another change).
  external: ['@gitbeaker/*'],
  // Every module shares the bundle's URL; src/package-root.ts derives all paths from it.
  define: { 'import.meta.url': '__cpGitopsBundleUrl' },
  banner: { js: "'use strict';\nconst __cpGitopsBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  // Names stay as written: stack traces under --verbose name our functions.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  // For the benchmark's profile (bench/validate.ts maps bundle frames back to modules); not shipped, and no
  // sourceMappingURL comment in the bundle ('external').
  sourcemap: 'external',
  plugins: [builtInGenerated, plainRequire, asciiStringWidth],
});
// src/boot/load-cli.ts reads the file as latin1, which equals utf8 only for ASCII: esbuild's default
// charset escapes every other character, and this keeps it that way.
if (/[^\x00-\x7f]/.test(await readFile(outfile, 'latin1'))) throw new Error(`${outfile}: not ASCII; src/boot/load-cli.ts reads it as latin1`);
// BUNDLE_METAFILE=<file>: esbuild's account of what went in, for looking at what a command loads.
if (process.env.BUNDLE_METAFILE) await writeFile(process.env.BUNDLE_METAFILE, JSON.stringify(result.metafile));
const bytes = Object.entries(result.metafile.outputs).filter(([path]) => !path.endsWith('.map')).reduce((sum, [, output]) => sum + output.bytes, 0);
process.stdout.write(`bundle: ${outfile} (${Math.round(bytes / 1024)} kB, ${Object.keys(result.metafile.inputs).length} modules, ${Math.round(performance.now() - started)} ms)\n`);
