/**
 * `node dist/bench/schemas.js [--json]` (after `npm run build`): what a kind's validator costs when
 * `cp-gitops validate` first meets that kind, as ratios in the same run.
 *
 * - Built-in schemas: the registry loading the build-time standalone module and validating one
 *   resource, against the registry compiling the same schema with ajv (no generated modules).
 * - Imported CFK 3.3.0 / Argo CD 3.5 catalog schemas (../shared/reference, when present): the registry
 *   evaluating the cached standalone code, against compiling.
 * - The whole schema family on the default golden repository, both ways.
 *
 * Every sample runs in a fresh Node process (in one process V8 caches compiled code by source text,
 * which flatters repeated loads and compiles alike); only the measured call is timed, not Node's start
 * or the imports. Samples of the two ways alternate. Figures are medians of BENCH_RUNS (default 7).
 * Ratio = load ÷ compile: lower is better. Warm throughput is measured in this process.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { readTree } from '../src/adapters/fs.js';
import { schemaRules } from '../src/validator/rules/schema-rules.js';
import { BUILTIN_SCHEMAS } from '../src/validator/schemas/builtin/index.js';
import { convertSchemaSource } from '../src/validator/schemas/import.js';
import { createSchemaRegistry, DEFAULT_GENERATED_DIR, MANIFEST_FILE, type SchemaRegistry } from '../src/validator/schemas/registry.js';
import { validateRepository, type RuleFamily } from '../src/validator/validate.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const REFERENCE = join(ROOT, '..', 'shared', 'reference');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

type Mode = 'builtin-load' | 'builtin-compile' | 'imported-load' | 'imported-compile' | 'repository-load' | 'repository-compile';

interface Row {
  readonly kind: string;
  readonly loadMs: number;
  readonly compileMs: number;
  readonly ratio: number;
  readonly validationsPerSecond?: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function round(value: number, digits = 2): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}

function timed<T>(action: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = action();
  return { ms: performance.now() - start, value };
}

/** One resource of each kind: the golden repositories' bases and Argo CD files, plus a topic. */
function sampleResources(): Map<string, Record<string, unknown>> {
  const samples = new Map<string, Record<string, unknown>>();
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'overlays') visit(path);
      else if (entry.name.endsWith('.yaml')) {
        for (const document of parseAllDocuments(readFileSync(path, 'utf8'))) {
          const value = document.toJS() as Record<string, unknown> | null;
          if (value && typeof value.kind === 'string' && !samples.has(value.kind)) samples.set(value.kind, value);
        }
      }
    }
  };
  for (const scenario of ['default', 'cp79-zookeeper']) visit(join(ROOT, 'test', 'golden', scenario));
  samples.set('KafkaTopic', { apiVersion: 'platform.confluent.io/v1beta1', kind: 'KafkaTopic', metadata: { name: 'orders' }, spec: { replicas: 3, partitionCount: 6, configs: { 'cleanup.policy': 'compact' } } });
  return samples;
}

function referenceFile(kind: string): string {
  return kind === 'Application' || kind === 'AppProject' ? join(REFERENCE, 'argocd-3.5', `${kind.toLowerCase()}_v1alpha1.json`) : join(REFERENCE, 'cfk-3.3.0', `${kind.toLowerCase()}_v1beta1.json`);
}

function importedSchemaOf(kind: string): Map<string, object> {
  const file = referenceFile(kind);
  const [imported] = convertSchemaSource({ origin: file, location: file, content: readFileSync(file, 'utf8') });
  return new Map([[imported!.path, imported!.schema]]);
}

const madeDirs: string[] = [];

/** An empty folder (no generated modules, or an empty cache), removed when the process is done. */
function emptyDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cp-gitops-bench-'));
  madeDirs.push(dir);
  return dir;
}

/** One sample, in this (fresh) process: the time of the first validation of `kind` (or of the family). */
function child(mode: Mode, kind: string, cacheDir: string): number {
  if (mode === 'repository-load' || mode === 'repository-compile') {
    const registry = createSchemaRegistry({ importedSchemas: new Map(), ...(mode === 'repository-compile' ? { generatedDir: pathToFileURL(`${emptyDir()}/`) } : {}) });
    const family = schemaRules(registry);
    let ms = 0;
    const measured: RuleFamily = (context) => {
      const result = timed(() => family(context));
      ms += result.ms;
      return result.value;
    };
    const report = validateRepository(readTree(join(ROOT, 'test', 'golden', 'default')), [measured]);
    if (report.violations.some((violation) => violation.rule.startsWith('schema/'))) throw new Error('the golden repository should validate clean');
    return ms;
  }
  const builtin = BUILTIN_SCHEMAS.find((item) => item.kind === kind)!;
  const value = sampleResources().get(kind) ?? {};
  let registry: SchemaRegistry;
  if (mode === 'builtin-load') registry = createSchemaRegistry({ importedSchemas: new Map() });
  else if (mode === 'builtin-compile') registry = createSchemaRegistry({ importedSchemas: new Map(), generatedDir: pathToFileURL(`${emptyDir()}/`) });
  else registry = createSchemaRegistry({ importedSchemas: importedSchemaOf(kind), ...(mode === 'imported-load' ? { cacheDir } : {}) });
  const { ms, value: errors } = timed(() => registry.validate(builtin.apiVersion, kind, 'full', value));
  if (errors === undefined || errors.length > 0) throw new Error(`${kind}: the sample should be valid: ${JSON.stringify(errors)}`);
  const expected = mode.endsWith('-load') ? (mode === 'builtin-load' ? 'standaloneLoaded' : 'cacheHits') : 'compiled';
  if (registry.stats[expected] !== 1) throw new Error(`${mode} ${kind}: expected ${expected} = 1, got ${JSON.stringify(registry.stats)}`);
  return ms;
}

function sample(mode: Mode, kind: string, cacheDir: string): number {
  const result = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, kind, cacheDir], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`bench child ${mode} ${kind} failed: ${result.stderr}`);
  return Number(result.stdout.trim());
}

function compare(kind: string, load: Mode, compile: Mode, cacheDir: string): Row {
  const loads: number[] = [];
  const compiles: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    if (run % 2 === 0) {
      loads.push(sample(load, kind, cacheDir));
      compiles.push(sample(compile, kind, cacheDir));
    } else {
      compiles.push(sample(compile, kind, cacheDir));
      loads.push(sample(load, kind, cacheDir));
    }
  }
  const loadMs = median(loads);
  const compileMs = median(compiles);
  return { kind, loadMs: round(loadMs), compileMs: round(compileMs), ratio: round(loadMs / compileMs, 3) };
}

/** Validations per second of an already loaded validator (the registry's own path, errors included). */
function throughput(registry: SchemaRegistry, apiVersion: string, kind: string, value: unknown): number {
  registry.validate(apiVersion, kind, 'full', value);
  const iterations = 20_000;
  const { ms } = timed(() => {
    for (let index = 0; index < iterations; index += 1) registry.validate(apiVersion, kind, 'full', value);
  });
  return Math.round((iterations / ms) * 1000);
}

function totals(rows: readonly Row[]): { loadMs: number; compileMs: number; ratio: number } {
  const loadMs = rows.reduce((sum, row) => sum + row.loadMs, 0);
  const compileMs = rows.reduce((sum, row) => sum + row.compileMs, 0);
  return { loadMs: round(loadMs), compileMs: round(compileMs), ratio: round(loadMs / compileMs, 3) };
}

function printTable(title: string, rows: readonly Row[], loadLabel: string): void {
  process.stdout.write(`\n${title}\n${'kind'.padEnd(16)}${loadLabel.padStart(22)}${'compile ms'.padStart(12)}${'ratio'.padStart(8)}${'warm validations/s'.padStart(20)}\n`);
  for (const row of rows) {
    process.stdout.write(`${row.kind.padEnd(16)}${row.loadMs.toFixed(2).padStart(22)}${row.compileMs.toFixed(2).padStart(12)}${row.ratio.toFixed(3).padStart(8)}${(row.validationsPerSecond === undefined ? '' : String(row.validationsPerSecond)).padStart(20)}\n`);
  }
  const total = totals(rows);
  process.stdout.write(`${'all kinds'.padEnd(16)}${total.loadMs.toFixed(2).padStart(22)}${total.compileMs.toFixed(2).padStart(12)}${total.ratio.toFixed(3).padStart(8)}\n`);
}

function main(): void {
  if (process.argv.includes('--child')) {
    const [mode, kind, cacheDir] = process.argv.slice(process.argv.indexOf('--child') + 1);
    try {
      process.stdout.write(`${child(mode as Mode, kind ?? '', cacheDir ?? '')}\n`);
    } finally {
      for (const dir of madeDirs) rmSync(dir, { recursive: true, force: true });
    }
    return;
  }
  if (!existsSync(join(fileURLToPath(DEFAULT_GENERATED_DIR), MANIFEST_FILE))) throw new Error('dist/generated/schemas is missing: run npm run build first');
  const samples = sampleResources();
  const warm = createSchemaRegistry({ importedSchemas: new Map() });
  const builtin = BUILTIN_SCHEMAS.map(({ apiVersion, kind }) => ({ ...compare(kind, 'builtin-load', 'builtin-compile', ''), validationsPerSecond: throughput(warm, apiVersion, kind, samples.get(kind) ?? {}) }));

  let imported: Row[] = [];
  if (existsSync(join(REFERENCE, 'cfk-3.3.0')) && existsSync(join(REFERENCE, 'argocd-3.5'))) {
    const cacheDir = emptyDir();
    try {
      for (const { apiVersion, kind } of BUILTIN_SCHEMAS) createSchemaRegistry({ importedSchemas: importedSchemaOf(kind), cacheDir }).validate(apiVersion, kind, 'full', samples.get(kind) ?? {});
      imported = BUILTIN_SCHEMAS.map(({ kind }) => compare(kind, 'imported-load', 'imported-compile', cacheDir));
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  }
  const repository = compare('default repository', 'repository-load', 'repository-compile', '');

  const summary = { runs: RUNS, node: process.version, builtin: { rows: builtin, ...totals(builtin) }, imported: imported.length > 0 ? { rows: imported, ...totals(imported) } : null, repository };
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return;
  }
  process.stdout.write(`Schema validators, first use in a fresh process (median of ${RUNS}, Node ${process.version}); ratio = load ÷ compile\n`);
  printTable('Built-in schemas: standalone ES module from the build vs ajv compile (full form)', builtin, 'module load ms');
  if (imported.length > 0) printTable('Imported catalog schemas (CFK 3.3.0, Argo CD 3.5): cached standalone code vs ajv compile (full form)', imported, 'cache load ms');
  else process.stdout.write('\n(no ../shared/reference: imported schemas not measured)\n');
  process.stdout.write(
    `\nSchema family on the default golden repository (24 resources, 21 patches, 11 Argo CD documents; both forms of every kind):\n  standalone modules ${repository.loadMs.toFixed(2)} ms, runtime compile ${repository.compileMs.toFixed(2)} ms, ratio ${repository.ratio.toFixed(3)}\n`,
  );
}

main();
