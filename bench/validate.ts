/**
 * `node dist/bench/validate.js` (after `npm run build`; part of `npm run bench`): how long
 * `cp-gitops validate` takes, as ratios against Kustomize rendering the same repositories in the
 * same run, then where the time of a cold `validate` goes.
 *
 * 1. `validate` on the default 3-environment repository vs one `kustomize build overlays/dev`
 *    (`kubectl kustomize` when no kustomize binary is on PATH);
 * 2. `validate` on a 50-environment repository vs one render of a kustomization that aggregates the
 *    50 overlays (it sits outside the repository, so the repository is the one validate reads);
 * 3. in process, warm: `validateTree` on the trees of 3, 10, 25 and 50 environments, as ms per
 *    environment (is the cost linear?) and, at 50, resources validated per second;
 * 4. validateTree's steps one by one on the warm 50-environment tree, and the yaml package alone on
 *    the same files (the ceiling YAML parsing puts on throughput);
 * 5. a cold `validate` under `node --cpu-prof`, its samples sorted into module loading, YAML
 *    parsing, schema modules, Kustomize emulation, rules… (median of BENCH_PROFILE_RUNS, default 5),
 *    and what importing the main dependencies costs in a fresh process.
 *
 * Samples of 1–3 (and `node -e 0`, what any Node process pays to start) are interleaved round by round (the order rotates each round), so a slow spell of
 * the machine spreads over every case. BENCH_RUNS (default 15) samples per case; median and p90.
 * Repositories are generated in process (no git needed: validate skips .git anyway) into one temporary
 * folder, removed at the end, on error and on Ctrl-C. Writes bench/results/validate-latest.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LineCounter, parseAllDocuments } from 'yaml';
import { writeTree } from '../src/adapters/fs.js';
import { loadTemplates } from '../src/adapters/templates.js';
import type { FileTree } from '../src/generator/file-tree.js';
import { generateRepository } from '../src/generator/repository.js';
import { buildNewModel } from '../src/model/build.js';
import { MODEL_SCHEMA_HASH } from '../src/model/model-validator.js';
import { allRuleFamilies, validateTree } from '../src/validator/full-validation.js';
import { buildKustomization } from '../src/validator/kustomize/build.js';
import { BUILTIN_SCHEMAS } from '../src/validator/schemas/builtin/index.js';
import { createSchemaRegistry } from '../src/validator/schemas/registry.js';
import type { KustomizationBuild } from '../src/validator/kustomize/types.js';
import { isYamlPath, parseSources } from '../src/validator/sources.js';
import { applySuppressions } from '../src/validator/suppressions.js';
import { kustomizationDirs, type RuleContext } from '../src/validator/validate.js';
import { median, machineFacts, onPath, round, stats, type Stats } from './measure.js';

/** dist/bench/validate.js → the package root, where bin/ and bench/results/ live. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'cp-gitops.js');
const RESULTS_DIR = join(ROOT, 'bench', 'results');
/** A real URL, so the repositories validate clean: the placeholder one is a warning in every Argo CD file. */
const REPO_URL = 'https://git.example.org/platform/p.git';
const SCALING_SIZES = [3, 10, 25, 50] as const;
const LARGE = 50;
/** Each in-process sample runs validateTree for at least about this long, so timer resolution does not matter. */
const IN_PROCESS_SAMPLE_MS = 100;
/** Issue #14's targets: validate ≤ 0.5 × one Kustomize render of overlays/dev; ≤ 0.3 × Kustomize's build of 50 overlays. */
const TARGET_RATIO_DEFAULT = 0.5;
const TARGET_RATIO_LARGE = 0.3;
const TARGET_RESOURCES_PER_SECOND = 10_000;

interface Renderer {
  readonly file: string;
  readonly args: readonly string[];
  readonly version: string;
}

interface SpawnCase {
  readonly id: string;
  readonly command: string;
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly timings: number[];
  /** Untimed, before every sample. */
  readonly before?: () => void;
}

interface InProcessCase {
  readonly environments: number;
  readonly tree: FileTree;
  readonly resources: number;
  readonly files: number;
  /** validateTree calls per sample, calibrated to about IN_PROCESS_SAMPLE_MS. */
  batch: number;
  /** ms per validateTree call, one entry per sample. */
  readonly timings: number[];
}

function positiveIntegerFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, not "${raw}"`);
  return value;
}





/** The same choice as `validate --render`: kustomize when it is on PATH, else kubectl's built-in one. */
function findRenderer(): Renderer | undefined {
  const kustomize = onPath('kustomize', ['version']);
  if (kustomize !== undefined) return { file: 'kustomize', args: ['build'], version: `kustomize ${kustomize}` };
  const kubectl = onPath('kubectl', ['version', '--client']);
  if (kubectl !== undefined) return { file: 'kubectl', args: ['kustomize'], version: kubectl.replace(/\n/g, '; ') };
  return undefined;
}

function timeSpawn(file: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): { ms: number; stdout: string } {
  const start = process.hrtime.bigint();
  const result = spawnSync(file, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.error) throw result.error;
  if (result.signal !== null) throw new Error(`${file} ${args.join(' ')} was stopped by ${result.signal}`);
  if (result.status !== 0) throw new Error(`${file} ${args.join(' ')} exited with ${result.status}: ${result.stderr.trim()}`);
  return { ms, stdout: result.stdout };
}

/** Lets a pending SIGINT handler run between samples (the samples themselves are synchronous). */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function envNames(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `e${String(index + 1).padStart(2, '0')}`);
}

async function main(): Promise<void> {
  const runs = positiveIntegerFromEnv('BENCH_RUNS', 15);
  const profileRuns = positiveIntegerFromEnv('BENCH_PROFILE_RUNS', 5);
  const work = mkdtempSync(join(tmpdir(), 'cp-gitops-bench-validate-'));
  // Temp folders go whatever happens: normal end, an exception, Ctrl-C or a kill.
  const removeWork = () => rmSync(work, { recursive: true, force: true });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      removeWork();
      process.stderr.write(`\n${signal}: removed ${work}\n`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
  try {
    await run(runs, profileRuns, work);
  } finally {
    removeWork();
  }
}

/**
 * After `tsc` alone, dist/generated/ may no longer match the built-in schemas or the model schema, and
 * validate silently falls back to compiling them with ajv (about 100 ms more per cold run): refuse to
 * measure that.
 */
function checkStandaloneModules(): void {
  let model: { schemaHash?: string } = {};
  try {
    model = createRequire(import.meta.url)(join(ROOT, 'dist', 'generated', 'model', 'platform-model.js')) as { schemaHash?: string };
  } catch {
    // Reported below.
  }
  if (model.schemaHash !== MODEL_SCHEMA_HASH) throw new Error('dist/generated/model/platform-model.js is missing or stale: run npm run build first');
  const registry = createSchemaRegistry({ importedSchemas: new Map() });
  for (const { apiVersion, kind } of BUILTIN_SCHEMAS) for (const form of ['full', 'patch'] as const) registry.validate(apiVersion, kind, form, {});
  if (registry.stats.compiled > 0) throw new Error(`${registry.stats.compiled} built-in schema validators are missing or stale in dist/generated/schemas: run npm run build first`);
}

async function run(runs: number, profileRuns: number, work: string): Promise<void> {
  checkStandaloneModules();
  const renderer = findRenderer();
  if (!renderer) throw new Error('neither kustomize nor kubectl is on PATH: this benchmark compares validate with a Kustomize render, install kubectl (it includes Kustomize)');
  const node = process.execPath;
  // An empty schema cache: no user cache can make a run faster or slower than another machine's.
  const env = { ...process.env, CP_GITOPS_CACHE_DIR: join(work, 'cache'), NO_COLOR: '1' };
  const templates = loadTemplates(ROOT);

  // The default repository (dev, staging, prod, every component), as init writes it, with a real URL.
  const defaultModel = buildNewModel({ name: 'p', repoURL: REPO_URL });
  const defaultRepo = join(work, 'default', 'p');
  writeTree(defaultRepo, generateRepository(defaultModel, templates));

  // 50 environments, and outside the repository one kustomization that renders all their overlays.
  const largeRepo = join(work, 'repo');
  writeTree(largeRepo, generateRepository(buildNewModel({ name: 'p', environments: envNames(LARGE), repoURL: REPO_URL }), templates));
  const aggregate = join(work, 'aggregate');
  mkdirSync(aggregate);
  writeFileSync(
    join(aggregate, 'kustomization.yaml'),
    ['apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization', 'resources:', ...envNames(LARGE).map((name) => `  - ../repo/overlays/${name}`), ''].join('\n'),
  );

  const render = `${renderer.file} ${renderer.args.join(' ')}`;
  const forgetDrift = (): void => rmSync(join(env.CP_GITOPS_CACHE_DIR, 'drift'), { recursive: true, force: true });
  const spawnCases: SpawnCase[] = [
    { id: 'node', command: 'node -e 0', file: node, args: ['-e', '0'], cwd: work, timings: [] },
    { id: 'validate3', command: 'node bin/cp-gitops.js validate (3 envs)', file: node, args: [BIN, 'validate'], cwd: defaultRepo, timings: [] },
    { id: 'kustomize3', command: `${render} overlays/dev`, file: renderer.file, args: [...renderer.args, 'overlays/dev'], cwd: defaultRepo, timings: [] },
    { id: 'validate50', command: `node bin/cp-gitops.js validate repo (${LARGE} envs)`, file: node, args: [BIN, 'validate', 'repo'], cwd: work, timings: [] },
    { id: 'kustomize50', command: `${render} aggregate (${LARGE} overlays)`, file: renderer.file, args: [...renderer.args, 'aggregate'], cwd: work, timings: [] },
    // The floor of any validate run from the bundle: Node's start, then loading the bundle with validate's code cache, and nothing else.
    { id: 'load', command: 'node: load the bundle with validate\'s code cache, run nothing', file: node, args: ['--input-type=module', '-e', `await (await import(${JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'src', 'boot', 'load-cli.js')).href)})).loadCli(['validate'])`], cwd: defaultRepo, timings: [] },
    // A model validate has not seen (the first run after editing cp-gitops.yaml): the drift cache (decision 99) emptied before each sample.
    { id: 'validate3-new-model', command: 'node bin/cp-gitops.js validate (3 envs, drift cache empty)', file: node, args: [BIN, 'validate'], cwd: defaultRepo, timings: [], before: forgetDrift },
    { id: 'validate50-new-model', command: `node bin/cp-gitops.js validate repo (${LARGE} envs, drift cache empty)`, file: node, args: [BIN, 'validate', 'repo'], cwd: work, timings: [], before: forgetDrift },
  ];

  // Untimed warm-up of every command (page cache, lazy loading), checking that the figures compare like with like.
  const checked = new Map<string, number>();
  for (const [repo, cwd, arg, renderCase] of [
    [defaultRepo, defaultRepo, '.', 'kustomize3'],
    [largeRepo, work, 'repo', 'kustomize50'],
  ] as const) {
    const report = JSON.parse(timeSpawn(node, [BIN, 'validate', arg, '--json'], cwd, env).stdout) as { stats: { errors: number; warnings: number; resources: number; overlays: number } };
    if (report.stats.errors + report.stats.warnings > 0) throw new Error(`${repo} should validate clean, got ${JSON.stringify(report.stats)}`);
    const renderCaseSpec = spawnCases.find((c) => c.id === renderCase)!;
    const rendered = timeSpawn(renderCaseSpec.file, renderCaseSpec.args, renderCaseSpec.cwd, env).stdout;
    const documents = rendered.split(/^---$/m).filter((document) => document.trim() !== '').length;
    const expected = renderCase === 'kustomize3' ? report.stats.resources / report.stats.overlays : report.stats.resources;
    if (documents !== expected) throw new Error(`${renderCaseSpec.command} rendered ${documents} resources, validate built ${expected}`);
    checked.set(renderCase, documents);
    checked.set(renderCase.replace('kustomize', 'validate'), report.stats.resources);
  }
  for (const c of spawnCases) timeSpawn(c.file, c.args, c.cwd, env);

  // In process: the trees, warmed up until the JIT has settled, then a batch size per tree.
  const inProcess: InProcessCase[] = SCALING_SIZES.map((size) => {
    // 3 is the default repository itself (dev, staging, prod); the others are e01…eNN.
    const tree = size === 3 ? generateRepository(buildNewModel({ name: 'p', repoURL: REPO_URL }), templates) : generateRepository(buildNewModel({ name: 'p', environments: envNames(size), repoURL: REPO_URL }), templates);
    const report = validateTree(tree);
    if (report.violations.length > 0) throw new Error(`the ${size}-environment tree should validate clean, got ${report.violations[0]!.rule}`);
    return { environments: size, tree, resources: report.stats.resources, files: tree.size, batch: 1, timings: [] };
  });
  for (const c of inProcess) {
    const warmStart = performance.now();
    let calls = 0;
    while (calls < 5 || performance.now() - warmStart < 3 * IN_PROCESS_SAMPLE_MS) {
      validateTree(c.tree);
      calls += 1;
    }
    const start = performance.now();
    validateTree(c.tree);
    c.batch = Math.max(1, Math.round(IN_PROCESS_SAMPLE_MS / (performance.now() - start)));
  }

  const steps: (() => void)[] = [
    ...spawnCases.map((c) => () => {
      c.before?.();
      c.timings.push(timeSpawn(c.file, c.args, c.cwd, env).ms);
    }),
    ...inProcess.map((c) => () => {
      const start = performance.now();
      for (let i = 0; i < c.batch; i += 1) validateTree(c.tree);
      c.timings.push((performance.now() - start) / c.batch);
    }),
  ];
  for (let r = 0; r < runs; r += 1) {
    // Rotate the order each round, so no case always follows the same neighbour.
    for (let k = 0; k < steps.length; k += 1) {
      steps[(k + r) % steps.length]!();
      await yieldToEventLoop();
    }
    process.stderr.write(`\rround ${r + 1}/${runs}`);
  }
  process.stderr.write('\n');

  const phases = phaseSplit(inProcess.find((c) => c.environments === LARGE)!.tree);
  process.stderr.write(`profiling ${profileRuns} cold validate runs per repository…\n`);
  const profile3 = await coldProfile(node, [BIN, 'validate'], defaultRepo, env, join(work, 'profiles', 'default'), profileRuns);
  const profile50 = await coldProfile(node, [BIN, 'validate', 'repo'], work, env, join(work, 'profiles', 'large'), profileRuns);
  const imports = await importCosts(node, env, profileRuns);

  const byId = new Map(spawnCases.map((c) => [c.id, stats(c.timings)]));
  const s = (id: string) => byId.get(id)!;
  const ratio = (numerator: string, denominator: string) => ({ median: round(s(numerator).medianMs / s(denominator).medianMs, 3), p90: round(s(numerator).p90Ms / s(denominator).p90Ms, 3) });

  const scaling = inProcess.map((c) => {
    const st = stats(c.timings);
    return { environments: c.environments, files: c.files, resources: c.resources, batch: c.batch, ...st, msPerEnvironment: round(st.medianMs / c.environments, 3), resourcesPerSecond: { median: Math.round(c.resources / (st.medianMs / 1000)), p90: Math.round(c.resources / (st.p90Ms / 1000)) } };
  });
  const fit = linearFit(scaling.map((row) => [row.environments, row.medianMs]));
  const large = scaling.find((row) => row.environments === LARGE)!;

  const result = {
    tool: 'cp-gitops',
    benchmark: 'validate',
    version: (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version,
    date: new Date().toISOString(),
    runs,
    machine: {
      ...machineFacts(),
      renderer: `${render} (${renderer.version})`,
    },
    repositories: {
      default: { environments: defaultModel.environments.map((e) => e.name), files: inProcess[0]!.files, resources: checked.get('validate3'), renderedByOneOverlay: checked.get('kustomize3') },
      large: { environments: LARGE, files: large.files, resources: checked.get('validate50'), renderedByAggregate: checked.get('kustomize50') },
    },
    cases: Object.fromEntries(spawnCases.map((c) => [c.id, { command: c.command, ...s(c.id) }])),
    ratios: {
      'validate3/kustomize-dev': ratio('validate3', 'kustomize3'),
      'validate50/kustomize-aggregate50': ratio('validate50', 'kustomize50'),
      'validate3-new-model/kustomize-dev': ratio('validate3-new-model', 'kustomize3'),
      'validate50-new-model/kustomize-aggregate50': ratio('validate50-new-model', 'kustomize50'),
      'validate3/node': ratio('validate3', 'node'),
      /** The floor: what starting Node and loading the bundle cost before validate does anything. */
      'load/kustomize-dev': ratio('load', 'kustomize3'),
      'load/node': ratio('load', 'node'),
      'kustomize-dev/node': ratio('kustomize3', 'node'),
      /** What validate costs beyond starting Node, against the whole render. */
      '(validate3-node)/kustomize-dev': { median: round((s('validate3').medianMs - s('node').medianMs) / s('kustomize3').medianMs, 3) },
      '(validate50-node)/kustomize-aggregate50': { median: round((s('validate50').medianMs - s('node').medianMs) / s('kustomize50').medianMs, 3) },
    },
    warm: {
      command: 'validateTree(tree) in process, after a warm-up',
      scaling,
      linearFit: { msPerEnvironment: round(fit.slope, 3), fixedMs: round(fit.intercept, 2), r2: round(fit.r2, 4) },
      resourcesPerSecond: large.resourcesPerSecond,
      phasesAt50: phases,
      /** If validate did nothing but the yaml package's parse of the same files. */
      yamlCeilingResourcesPerSecond: Math.round(large.resources / (phases.yamlAlone.ms / 1000)),
    },
    coldProfile: { default: profile3, large: profile50 },
    importCostsMs: imports,
    targets: {
      'validate3/kustomize-dev': { target: `<= ${TARGET_RATIO_DEFAULT}`, met: ratio('validate3', 'kustomize3').median <= TARGET_RATIO_DEFAULT },
      'validate50/kustomize-aggregate50': { target: `<= ${TARGET_RATIO_LARGE}`, met: ratio('validate50', 'kustomize50').median <= TARGET_RATIO_LARGE },
      resourcesPerSecond: { target: `>= ${TARGET_RESOURCES_PER_SECOND}`, met: large.resourcesPerSecond.median >= TARGET_RESOURCES_PER_SECOND },
      linear: { target: 'R² >= 0.99 of ms against environments', met: fit.r2 >= 0.99 },
    },
  };

  printReport(result, spawnCases, byId);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'validate-latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`\nwrote ${join('bench', 'results', 'validate-latest.json')}\n`);
}

/** Least squares of y = slope·x + intercept, and R². */
function linearFit(points: readonly (readonly [number, number])[]): { slope: number; intercept: number; r2: number } {
  const n = points.length;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  const sxy = points.reduce((sum, [x, y]) => sum + (x - meanX) * (y - meanY), 0);
  const sxx = points.reduce((sum, [x]) => sum + (x - meanX) ** 2, 0);
  const slope = sxy / sxx;
  const intercept = meanY - slope * meanX;
  const ssTotal = points.reduce((sum, [, y]) => sum + (y - meanY) ** 2, 0);
  const ssResidual = points.reduce((sum, [x, y]) => sum + (y - (slope * x + intercept)) ** 2, 0);
  return { slope, intercept, r2: ssTotal === 0 ? 1 : 1 - ssResidual / ssTotal };
}

interface PhaseSplit {
  /** Median ms of each step of validateTree. */
  readonly steps: Record<string, number>;
  /** The yaml package alone on the same files: what parsing costs before any check, a ceiling for throughput. */
  readonly yamlAlone: { readonly files: number; readonly bytes: number; readonly ms: number; readonly megabytesPerSecond: number };
}

/**
 * validateTree's steps timed one by one on a warm tree (median of 10): the same calls as
 * validateRepository + validateTree in src/validator, without --render (compare the printed sum with
 * the whole call's median: a gap means this copy drifted from the pipeline). Then, as a reference, the
 * bare `parseAllDocuments` of every YAML file with a LineCounter (what positions need), nothing else.
 */
function phaseSplit(tree: FileTree): PhaseSplit {
  const families = allRuleFamilies();
  // The schema family is a closure made by repositorySchemaRules, so it has no name of its own.
  const names = families.map((family) => family.name || 'repositorySchemaRules');
  const samples = new Map<string, number[]>();
  const timed = <T>(name: string, action: () => T): T => {
    const start = performance.now();
    const value = action();
    samples.set(name, [...(samples.get(name) ?? []), performance.now() - start]);
    return value;
  };
  const yamlFiles = [...tree].filter(([path]) => isYamlPath(path)).map(([, text]) => text);
  const yamlAlone: number[] = [];
  for (let i = 0; i < 13; i += 1) {
    const { sources } = timed('parse YAML (parseSources)', () => parseSources(tree));
    const allBuilds = new Map<string, KustomizationBuild>();
    timed('build kustomizations (emulation)', () => {
      for (const dir of kustomizationDirs(tree)) allBuilds.set(dir, buildKustomization(sources, dir));
    });
    const context: RuleContext = { sources, builds: new Map([...allBuilds].filter(([dir]) => /^overlays\/[^/]+$/.test(dir))), allBuilds };
    families.forEach((family, index) => timed(`rules: ${names[index]}`, () => family(context)));
    timed('suppressions', () => applySuppressions([], tree));
    const start = performance.now();
    for (const text of yamlFiles) parseAllDocuments(text, { lineCounter: new LineCounter() });
    yamlAlone.push(performance.now() - start);
    if (i === 2) {
      samples.clear();
      yamlAlone.length = 0;
    }
  }
  const bytes = yamlFiles.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  const ms = median(yamlAlone);
  return {
    steps: Object.fromEntries([...samples].map(([name, values]) => [name, round(median(values))])),
    yamlAlone: { files: yamlFiles.length, bytes, ms: round(ms), megabytesPerSecond: round(bytes / 1e6 / (ms / 1000)) },
  };
}

/** Where profiled time goes; the first match walking from a sample's leaf frame towards the root wins. */
const CATEGORIES = {
  moduleLoading: 'module loading (resolve, read, compile, evaluate: yargs, yaml, ajv, dist/src)',
  schemaModules: 'schema modules: loading the build-time standalone validators',
  yaml: 'YAML parsing (yaml package, with positions)',
  yargs: 'argument parsing (yargs)',
  kustomize: 'Kustomize emulation (dist/src/validator/kustomize)',
  rules: 'rules (model, references, Argo CD, policy, schemas, suppressions)',
  printing: 'printing the report',
  reading: 'reading the files',
  gc: 'garbage collection',
  program: 'V8/Node native work (program)',
  idle: 'idle (waiting for I/O)',
  other: 'other (Node internals, cli glue)',
} as const;
type Category = keyof typeof CATEGORIES;

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
  readonly columnNumber: number;
}
interface CpuProfile {
  readonly nodes: readonly { id: number; callFrame: CallFrame; children?: number[] }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

/** The CLI runs from one bundle: its frames are mapped back to the modules they came from through the bundle's source map. */
const BUNDLE_MAP = join(ROOT, 'dist', 'bundle', 'cp-gitops.cjs.map');
let bundleMap: SourceMap | null | undefined;

/** A bundle frame as the module it was written in (src/x.ts as dist/src/x.js, the patterns below); others unchanged. */
function unbundled(frame: CallFrame): CallFrame {
  if (!frame.url.endsWith('/dist/bundle/cp-gitops.cjs')) return frame;
  if (bundleMap === undefined) {
    try {
      bundleMap = new SourceMap(JSON.parse(readFileSync(BUNDLE_MAP, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]);
    } catch {
      bundleMap = null;
    }
  }
  const entry = bundleMap?.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string } | undefined;
  if (!entry?.originalSource) return frame;
  const original = entry.originalSource.startsWith('file:') ? fileURLToPath(entry.originalSource) : join(ROOT, 'dist', 'bundle', entry.originalSource);
  const source = original.startsWith(join(ROOT, 'src')) ? join(ROOT, 'dist', original.slice(ROOT.length)).replace(/\.ts$/, '.js') : original;
  return { ...frame, url: `file://${source}` };
}

function frameCategory(bundled: CallFrame, towardsRoot: readonly CallFrame[]): Category | undefined {
  const frame = unbundled(bundled);
  const url = frame.url;
  if (url.endsWith('/bin/cp-gitops.js')) return undefined;
  // A module's top-level code: what loading it costs, not what its functions do later. In the bundle,
  // esbuild runs each module's top level in a function named init_<module> (or a __commonJS wrapper).
  const topLevel = url.startsWith('file:') && ((frame.functionName === '' && frame.lineNumber === 0 && frame.columnNumber === 0) || (bundled !== frame && /^init_[\w$]+$/.test(frame.functionName)));
  const loadedBy = (): Category => (towardsRoot.some((f) => unbundled(f).url.includes('/dist/src/validator/schemas/registry.js')) ? 'schemaModules' : 'moduleLoading');
  if (url.includes('/dist/generated/schemas/')) return topLevel ? 'schemaModules' : 'rules';
  if (topLevel || url.startsWith('node:internal/modules/')) return loadedBy();
  if (url.includes('/node_modules/yaml/') || url.includes('/dist/src/validator/sources.js') || url.includes('/dist/src/yaml/')) return 'yaml';
  if (/\/node_modules\/(yargs|yargs-parser|cliui|y18n|string-width|wrap-ansi|strip-ansi|ansi-styles|emoji-regex|get-east-asian-width|escalade)\//.test(url)) return 'yargs';
  if (url.includes('/dist/src/validator/kustomize/')) return 'kustomize';
  if (/\/node_modules\/(ajv|ajv-formats|fast-uri|fast-deep-equal)\//.test(url) || /\/dist\/src\/(validator\/(rules|schemas)\/|validator\/suppressions\.js|model\/)/.test(url)) return 'rules';
  if (url.includes('/dist/src/validator/printers/')) return 'printing';
  if (url.includes('/dist/src/adapters/fs.js')) return 'reading';
  return undefined;
}

function categorize(profile: CpuProfile): Record<Category, number> {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const memo = new Map<number, Category>();
  const categoryOf = (id: number): Category => {
    const known = memo.get(id);
    if (known) return known;
    const leaf = nodes.get(id)!.callFrame.functionName;
    let category: Category | undefined = leaf === '(garbage collector)' ? 'gc' : leaf === '(program)' ? 'program' : leaf === '(idle)' ? 'idle' : undefined;
    if (category === undefined) {
      const frames: CallFrame[] = [];
      for (let current: number | undefined = id; current !== undefined; current = parents.get(current)) frames.push(nodes.get(current)!.callFrame);
      for (let index = 0; index < frames.length && category === undefined; index += 1) category = frameCategory(frames[index]!, frames.slice(index + 1));
    }
    memo.set(id, category ?? 'other');
    return category ?? 'other';
  };
  const totals = Object.fromEntries(Object.keys(CATEGORIES).map((key) => [key, 0])) as Record<Category, number>;
  profile.samples.forEach((id, index) => {
    totals[categoryOf(id)] += (profile.timeDeltas[index] ?? 0) / 1000;
  });
  return totals;
}

/** BENCH_PROFILE_RUNS cold runs under --cpu-prof: median ms per category, the profiled span, and the wall time. */
async function coldProfile(node: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, dir: string, runs: number) {
  const perRun: Record<Category, number>[] = [];
  const walls: number[] = [];
  const spans: number[] = [];
  for (let r = 0; r < runs; r += 1) {
    const runDir = join(dir, String(r));
    walls.push(timeSpawn(node, ['--cpu-prof', '--cpu-prof-dir', runDir, ...args], cwd, env).ms);
    const [file] = readdirSync(runDir).filter((name) => name.endsWith('.cpuprofile'));
    if (file === undefined) throw new Error(`node --cpu-prof wrote no profile into ${runDir}`);
    const profile = JSON.parse(readFileSync(join(runDir, file), 'utf8')) as CpuProfile;
    spans.push((profile.endTime - profile.startTime) / 1000);
    perRun.push(categorize(profile));
    await yieldToEventLoop();
  }
  const categories = Object.fromEntries((Object.keys(CATEGORIES) as Category[]).map((key) => [key, round(median(perRun.map((totals) => totals[key])), 1)])) as Record<Category, number>;
  return { command: `node --cpu-prof ${args.map((arg) => (arg === BIN ? 'bin/cp-gitops.js' : arg)).join(' ')}`, runs, wallMs: round(median(walls), 1), profiledMs: round(median(spans), 1), categories };
}

/** What importing costs in a fresh process (the import alone, not Node's start), by what validate loads. */
const IMPORTS: readonly (readonly [string, readonly string[]])[] = [
  ['yargs', ['yargs']],
  ['yaml', ['yaml']],
  ['ajv + ajv-formats + ajv/dist/standalone (eager in src/validator/schemas/ajv.ts)', ['ajv', 'ajv-formats', 'ajv/dist/standalone/index.js']],
  ['dist/src/cli/main.js (yargs + every command definition)', ['./dist/src/cli/main.js']],
  ['main.js + commands/validate-run.js (all validate loads before reading files)', ['./dist/src/cli/main.js', './dist/src/cli/commands/validate-run.js']],
];

async function importCosts(node: string, env: NodeJS.ProcessEnv, runs: number): Promise<Record<string, number>> {
  const samples = IMPORTS.map(() => [] as number[]);
  for (let r = 0; r < runs; r += 1) {
    for (let k = 0; k < IMPORTS.length; k += 1) {
      const index = (k + r) % IMPORTS.length;
      const script = `const t = performance.now(); ${IMPORTS[index]![1].map((specifier) => `await import(${JSON.stringify(specifier)});`).join(' ')} process.stdout.write(String(performance.now() - t));`;
      // cwd is the package root, so bare specifiers resolve in its node_modules.
      samples[index]!.push(Number(timeSpawn(node, ['--input-type=module', '-e', script], ROOT, env).stdout));
    }
    await yieldToEventLoop();
  }
  return Object.fromEntries(IMPORTS.map(([label], index) => [label, round(median(samples[index]!), 1)]));
}

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: readonly string[]) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
}

function printReport(
  result: {
    machine: { cpus: number; cpuModel: string; node: string; renderer: string };
    runs: number;
    ratios: Record<string, { median: number; p90?: number }>;
    warm: { scaling: readonly { environments: number; files: number; resources: number; medianMs: number; p90Ms: number; msPerEnvironment: number; resourcesPerSecond: { median: number; p90: number } }[]; linearFit: { msPerEnvironment: number; fixedMs: number; r2: number }; phasesAt50: PhaseSplit };
    coldProfile: Record<string, { command: string; wallMs: number; profiledMs: number; categories: Record<Category, number> }>;
    importCostsMs: Record<string, number>;
    targets: Record<string, { target: string; met: boolean }>;
  },
  cases: readonly SpawnCase[],
  byId: ReadonlyMap<string, Stats>,
): void {
  const out: string[] = [`cp-gitops validate bench: ${result.runs} interleaved samples per case; ${result.machine.cpus} × ${result.machine.cpuModel}, node ${result.machine.node}, ${result.machine.renderer}`, ''];
  out.push(...table([['process', 'median ms', 'p90 ms', 'min ms', 'max ms'], ...cases.map((c) => { const s = byId.get(c.id)!; return [c.command, s.medianMs.toFixed(1), s.p90Ms.toFixed(1), s.minMs.toFixed(1), s.maxMs.toFixed(1)]; })]));
  out.push('');
  out.push(...table([['ratio', 'median', 'p90', 'target'], ...Object.entries(result.ratios).map(([name, value]) => [name, value.median.toFixed(3), value.p90 === undefined ? '' : value.p90.toFixed(3), result.targets[name] ? `${result.targets[name]!.target} ${result.targets[name]!.met ? 'met' : 'MISSED'}` : ''])]));
  out.push('');
  out.push(...table([['validateTree in process, warm', 'files', 'resources', 'median ms', 'p90 ms', 'ms / env', 'resources/s (median)', 'resources/s (p90)'], ...result.warm.scaling.map((row) => [`${row.environments} environments`, String(row.files), String(row.resources), row.medianMs.toFixed(2), row.p90Ms.toFixed(2), row.msPerEnvironment.toFixed(2), String(row.resourcesPerSecond.median), String(row.resourcesPerSecond.p90)])]));
  const fit = result.warm.linearFit;
  out.push(`linear fit: ${fit.fixedMs.toFixed(1)} ms + ${fit.msPerEnvironment.toFixed(2)} ms × environments, R² ${fit.r2.toFixed(4)} (${result.targets.linear!.met ? 'linear' : 'NOT linear'}); resources/s at ${LARGE} envs ${result.targets.resourcesPerSecond!.target}: ${result.targets.resourcesPerSecond!.met ? 'met' : 'MISSED'}`);
  out.push('');
  const phases = result.warm.phasesAt50;
  const phaseTotal = Object.values(phases.steps).reduce((sum, ms) => sum + ms, 0);
  out.push(...table([[`validateTree steps, warm, ${LARGE} environments`, 'median ms', 'share'], ...Object.entries(phases.steps).map(([name, ms]) => [name, ms.toFixed(2), `${((100 * ms) / phaseTotal).toFixed(0)}%`]), ['sum', phaseTotal.toFixed(2), '']]));
  const resources = result.warm.scaling.find((row) => row.environments === LARGE)!.resources;
  out.push(
    `reference: yaml parseAllDocuments alone on the same ${phases.yamlAlone.files} files (${(phases.yamlAlone.bytes / 1e3).toFixed(0)} kB): ${phases.yamlAlone.ms.toFixed(1)} ms, ${phases.yamlAlone.megabytesPerSecond.toFixed(1)} MB/s; with nothing else to do, ${Math.round(resources / (phases.yamlAlone.ms / 1000))} resources/s at most`,
  );
  for (const profile of Object.values(result.coldProfile)) {
    out.push('');
    out.push(`cold ${profile.command}: wall ${profile.wallMs.toFixed(0)} ms under the profiler, ${profile.profiledMs.toFixed(0)} ms profiled (the rest is Node's start before the profiler and its exit)`);
    const total = Object.values(profile.categories).reduce((sum, ms) => sum + ms, 0);
    out.push(...table([['where the time goes (median of runs)', 'ms', 'share'], ...(Object.entries(profile.categories) as [Category, number][]).sort((a, b) => b[1] - a[1]).map(([key, ms]) => [CATEGORIES[key], ms.toFixed(1), `${((100 * ms) / total).toFixed(0)}%`])]));
  }
  out.push('');
  out.push(...table([['import in a fresh process (median)', 'ms'], ...Object.entries(result.importCostsMs).map(([label, ms]) => [label, ms.toFixed(1)])]));
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench/validate: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
