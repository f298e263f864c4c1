/**
 * `npm run bench`: how long cp-gitops takes, as ratios against references measured in the same run
 * (`node -e 0`, i.e. what any Node CLI pays to start), so figures from different machines compare.
 *
 * Samples of every case are interleaved round by round (and the order rotates each round), so a
 * slow spell of the machine spreads over all cases instead of landing on one of them.
 * BENCH_RUNS (default 15) sets the number of samples per case. Writes bench/results/latest.json.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTemplates } from '../src/adapters/templates.js';
import { generateRepository } from '../src/generator/repository.js';
import { buildNewModel } from '../src/model/build.js';
import { machineFacts, onPath, round, stats, type Stats } from './measure.js';

/** dist/bench/run.js → the package root, where bin/ and bench/results/ live. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'cp-gitops.js');
const RESULTS_DIR = join(ROOT, 'bench', 'results');
/** Each in-process sample runs the generator for about this long, so timer resolution does not matter. */
const IN_PROCESS_SAMPLE_MS = 100;

interface SpawnCase {
  readonly id: string;
  readonly label: string;
  readonly command: string;
  /** Runs one timed sample; `round` names a fresh folder where one is needed. */
  readonly prepare: (round: number) => { file: string; args: string[]; cwd: string };
  readonly cleanup?: (round: number) => void;
  readonly check?: (stdout: string) => void;
  readonly timings: number[];
}

function runsFromEnv(): number {
  const raw = process.env.BENCH_RUNS;
  if (raw === undefined || raw === '') return 15;
  const runs = Number(raw);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`BENCH_RUNS must be a positive integer, not "${raw}"`);
  return runs;
}




function timeSpawn(file: string, args: string[], cwd: string): { ms: number; stdout: string } {
  const start = process.hrtime.bigint();
  const result = spawnSync(file, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${file} ${args.join(' ')} exited with ${result.status}: ${result.stderr.trim()}`);
  return { ms, stdout: result.stdout };
}

function main(): void {
  const runs = runsFromEnv();
  const work = mkdtempSync(join(tmpdir(), 'cp-gitops-bench-'));
  // Temp folders go whatever happens: normal end, an exception, or Ctrl-C.
  const removeWork = () => rmSync(work, { recursive: true, force: true });
  process.once('SIGINT', () => {
    removeWork();
    process.exit(130);
  });
  try {
    run(runs, work);
  } finally {
    removeWork();
  }
}

function run(runs: number, work: string): void {
  const startLoad = loadavg()[0]!;
  const node = process.execPath;
  const templates = loadTemplates(ROOT);
  const model = buildNewModel({ name: 'p' });
  const expectedFiles = generateRepository(model, templates).size;

  // The code cache (src/boot/load-cli.ts) in a folder of this run: the warm-up run of each case makes
  // it, so the samples measure a start as every run after the first gets it.
  process.env.CP_GITOPS_CACHE_DIR = join(work, 'cache');
  // The repository the kustomize reference renders: written once by the real CLI.
  const reference = join(work, 'reference', 'p');
  timeSpawn(node, [BIN, 'init', reference], work);
  // The repository a change command changes: without Connect, which each sample adds to dev in a
  // fresh copy (the copy is not timed), on a branch and with a local commit, no remote, no GitHub.
  const changeReference = join(work, 'change-reference', 'p');
  timeSpawn(node, [BIN, 'init', changeReference, '--components', 'kafka,schemaregistry', '--repo-url', 'https://git.example.org/acme/p.git'], work);

  const kubectlVersion = onPath('kubectl', ['version', '--client']);
  const kustomizeVersion = kubectlVersion === undefined ? onPath('kustomize', ['version']) : undefined;
  const renderer = kubectlVersion !== undefined ? { file: 'kubectl', args: ['kustomize'] } : kustomizeVersion !== undefined ? { file: 'kustomize', args: ['build'] } : undefined;

  const cases: SpawnCase[] = [
    { id: 'node', label: 'node -e 0', command: 'node -e 0', prepare: () => ({ file: node, args: ['-e', '0'], cwd: work }), timings: [] },
    {
      id: 'init',
      label: 'init (write + git init + commit)',
      command: 'node bin/cp-gitops.js init <tmp>/p',
      prepare: (r) => ({ file: node, args: [BIN, 'init', join(work, `init-${r}`, 'p')], cwd: work }),
      cleanup: (r) => rmSync(join(work, `init-${r}`), { recursive: true, force: true }),
      timings: [],
    },
    {
      id: 'version',
      label: '--version',
      command: 'node bin/cp-gitops.js --version',
      prepare: () => ({ file: node, args: [BIN, '--version'], cwd: work }),
      timings: [],
    },
    {
      id: 'help',
      label: '--help',
      command: 'node bin/cp-gitops.js --help',
      prepare: () => ({ file: node, args: [BIN, '--help'], cwd: work }),
      check: (stdout) => {
        if (!stdout.includes('cp-gitops init ./my-platform')) throw new Error('--help printed no examples');
      },
      timings: [],
    },
    {
      id: 'addComponent',
      label: 'add-component connect --env dev (no GitHub)',
      command: 'node bin/cp-gitops.js add-component connect --env dev (in a copy of a repository without Connect)',
      prepare: (r) => {
        const copy = join(work, `change-${r}`, 'p');
        cpSync(changeReference, copy, { recursive: true });
        return { file: node, args: [BIN, 'add-component', 'connect', '--env', 'dev'], cwd: copy };
      },
      cleanup: (r) => rmSync(join(work, `change-${r}`), { recursive: true, force: true }),
      check: (stdout) => {
        if (!stdout.includes('connect')) throw new Error('add-component printed no pull request body naming connect');
      },
      timings: [],
    },
    {
      id: 'dryRun',
      label: 'init --dry-run --json',
      command: 'node bin/cp-gitops.js init <tmp>/p --dry-run --json',
      prepare: () => ({ file: node, args: [BIN, 'init', join(work, 'dry', 'p'), '--dry-run', '--json'], cwd: work }),
      check: (stdout) => {
        const files = (JSON.parse(stdout) as { files: string[] }).files.length;
        if (files !== expectedFiles) throw new Error(`dry run listed ${files} files, the generator gives ${expectedFiles}`);
      },
      timings: [],
    },
  ];
  if (renderer) {
    cases.push({
      id: 'kustomize',
      label: `${renderer.file} ${renderer.args[0]} overlays/dev`,
      command: `${renderer.file} ${renderer.args[0]} overlays/dev`,
      prepare: () => ({ file: renderer.file, args: [...renderer.args, 'overlays/dev'], cwd: reference }),
      timings: [],
    });
  }

  // Warm-up: one untimed run of each case (page cache, lazy loading of node and git).
  for (const c of cases) {
    const { file, args, cwd } = c.prepare(-1);
    const { stdout } = timeSpawn(file, args, cwd);
    c.check?.(stdout);
    c.cleanup?.(-1);
  }

  // In-process generator: calibrate a batch of about IN_PROCESS_SAMPLE_MS.
  const calibrationStart = process.hrtime.bigint();
  let calibrationCount = 0;
  while (Number(process.hrtime.bigint() - calibrationStart) / 1e6 < IN_PROCESS_SAMPLE_MS) {
    generateRepository(model, templates);
    calibrationCount += 1;
  }
  const batch = Math.max(1, calibrationCount);
  const perTree: number[] = [];
  const sampleGenerator = () => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < batch; i += 1) generateRepository(model, templates);
    perTree.push(Number(process.hrtime.bigint() - start) / 1e6 / batch);
  };

  const steps: ((round: number) => void)[] = [
    ...cases.map((c) => (r: number) => {
      const { file, args, cwd } = c.prepare(r);
      const { ms, stdout } = timeSpawn(file, args, cwd);
      c.timings.push(ms);
      if (r === 0) c.check?.(stdout);
      c.cleanup?.(r);
    }),
    () => sampleGenerator(),
  ];

  for (let r = 0; r < runs; r += 1) {
    // Rotate the order each round, so no case always follows the same neighbour.
    for (let k = 0; k < steps.length; k += 1) steps[(k + r) % steps.length]!(r);
    process.stderr.write(`\rround ${r + 1}/${runs}`);
  }
  process.stderr.write('\n');

  const byId = new Map(cases.map((c) => [c.id, stats(c.timings)]));
  const nodeMedian = byId.get('node')!.medianMs;
  const nodeP90 = byId.get('node')!.p90Ms;
  const generator = stats(perTree);
  const ratios: Record<string, { median: number; p90: number }> = {};
  for (const c of cases) {
    if (c.id === 'node') continue;
    const s = byId.get(c.id)!;
    ratios[`${c.id}/node`] = { median: round(s.medianMs / nodeMedian), p90: round(s.p90Ms / nodeP90) };
  }
  // The last row: a change command against one render of an environment.
  const kustomize = byId.get('kustomize');
  if (kustomize) ratios['addComponent/kustomize'] = { median: round(byId.get('addComponent')!.medianMs / kustomize.medianMs), p90: round(byId.get('addComponent')!.p90Ms / kustomize.p90Ms) };

  const result = {
    tool: 'cp-gitops',
    version: (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version,
    date: new Date().toISOString(),
    runs,
    machine: {
      ...machineFacts(),
      git: onPath('git', ['--version']) ?? 'not found',
      kustomize: kubectlVersion?.replace(/\n/g, '; ') ?? kustomizeVersion ?? 'not found',
      // A shared machine moves every figure: the load says how much to trust this run.
      loadAverage: [startLoad, loadavg()[0]!].map((load) => round(load)),
    },
    model: { environments: model.environments.map((env) => env.name), components: model.environments[0]!.components, files: expectedFiles },
    cases: Object.fromEntries(cases.map((c) => [c.id, { command: c.command, ...byId.get(c.id)! }])),
    generator: {
      command: 'generateRepository(buildNewModel({ name: "p" }), loadTemplates()) in process',
      treesPerBatch: batch,
      perTree: generator,
      treesPerSecond: { median: Math.round(1000 / generator.medianMs), p90: Math.round(1000 / generator.p90Ms) },
    },
    ratios,
  };

  printTable(result.machine, runs, cases, byId, nodeMedian, generator, batch, expectedFiles, result.machine.loadAverage);
  if (!renderer) process.stdout.write('kustomize reference skipped: neither kubectl nor kustomize is on PATH\n');
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`\nwrote ${join('bench', 'results', 'latest.json')}\n`);
}

function printTable(
  machine: { cpus: number; cpuModel: string; node: string },
  runs: number,
  cases: readonly SpawnCase[],
  byId: ReadonlyMap<string, Stats>,
  nodeMedian: number,
  generator: Stats,
  batch: number,
  files: number,
  loadAverages: readonly number[],
): void {
  const rows: string[][] = [['case', 'median ms', 'p90 ms', 'min ms', 'max ms', 'median / node -e 0']];
  for (const c of cases) {
    const s = byId.get(c.id)!;
    rows.push([c.label, s.medianMs.toFixed(1), s.p90Ms.toFixed(1), s.minMs.toFixed(1), s.maxMs.toFixed(1), c.id === 'node' ? '1.00 (reference)' : (s.medianMs / nodeMedian).toFixed(2)]);
  }
  rows.push([`generateRepository, in process (per tree, ${files} files)`, generator.medianMs.toFixed(3), generator.p90Ms.toFixed(3), generator.minMs.toFixed(3), generator.maxMs.toFixed(3), '']);
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  const out: string[] = [
    `cp-gitops bench: ${runs} interleaved samples per case; ${machine.cpus} × ${machine.cpuModel}, node ${machine.node}`,
    '',
    line(rows[0]!),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(1).map(line),
    '',
    `generator: ${Math.round(1000 / generator.medianMs)} trees/s at the median, ${Math.round(1000 / generator.p90Ms)} trees/s at p90 (batches of ${batch} trees)`,
  ];
  const kustomize = byId.get('kustomize');
  if (kustomize) out.push(`add-component / ${cases.find((c) => c.id === 'kustomize')!.label}: ${(byId.get('addComponent')!.medianMs / kustomize.medianMs).toFixed(2)} (medians)`);
  out.push(`load average (1 min) at the start and the end: ${loadAverages.map((load) => load.toFixed(2)).join(', ')} on ${machine.cpus} cores`);
  process.stdout.write(`${out.join('\n')}\n`);
}

main();
