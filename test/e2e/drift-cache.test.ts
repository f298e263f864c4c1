import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { makeTempDir, removeTempDirs, runCli } from '../helpers/cli.js';

// The drift cache (decision 99) through the built CLI, which runs from the bundle: the only build that keeps one.
describe('validate with the drift cache (end to end)', function () {
  this.timeout(120_000);
  after(removeTempDirs);

  const FILE = 'overlays/prod/network-policies/kafka.yaml';

  async function newRepository(): Promise<{ repo: string; cache: string; env: NodeJS.ProcessEnv }> {
    const work = makeTempDir('cp-gitops-drift-e2e-');
    const cache = join(work, 'cache');
    const env = { CP_GITOPS_CACHE_DIR: cache, CP_GITOPS_NO_CACHE: '' };
    const repo = join(work, 'repo');
    const init = await runCli(['init', repo, '--repo-url', 'https://git.example.org/acme/platform.git'], { env });
    expect(init.code, init.stderr).to.equal(0);
    return { repo, cache, env };
  }

  const entries = (cache: string): string[] => {
    try {
      return readdirSync(join(cache, 'drift')).sort();
    } catch {
      return [];
    }
  };

  it('remembers a clean model, then reports a hand edit exactly as a run without the cache does', async () => {
    const { repo, cache, env } = await newRepository();
    const first = await runCli(['validate', repo, '--json'], { env });
    expect(first.code, first.stdout + first.stderr).to.equal(0);
    expect(entries(cache)).to.have.length(1);
    const [entry] = entries(cache);
    const written = statSync(join(cache, 'drift', entry!)).mtimeMs;

    const lines = readFileSync(join(repo, FILE), 'utf8').split('\n');
    lines[5] = `${lines[5]} # hand edit`;
    writeFileSync(join(repo, FILE), lines.join('\n'));
    const cached = await runCli(['validate', repo, '--json'], { env });
    const uncached = await runCli(['validate', repo, '--json'], { env: { ...env, CP_GITOPS_NO_CACHE: '1' } });
    expect(cached.code).to.equal(1);
    expect(cached.stdout).to.equal(uncached.stdout);
    const report = JSON.parse(cached.stdout) as { violations: { rule: string; file: string; line: number }[] };
    expect(report.violations.filter((violation) => violation.rule.startsWith('drift/')).map((violation) => `${violation.file}:${violation.line}`)).to.deep.equal([`${FILE}:6`]);
    expect(entries(cache), 'the entry is read, not rewritten').to.deep.equal([entry]);
    expect(statSync(join(cache, 'drift', entry!)).mtimeMs).to.equal(written);
  });

  it('keys entries on the model: an edited cp-gitops.yaml is generated again, and generate remembers what it generated', async () => {
    const { repo, cache, env } = await newRepository();
    const model = join(repo, 'cp-gitops.yaml');
    writeFileSync(model, readFileSync(model, 'utf8').replace('repoURL: https://git.example.org/acme/platform.git', 'repoURL: https://git.example.org/acme/platform-2.git'));
    const stale = await runCli(['validate', repo, '--json'], { env });
    expect(stale.code).to.equal(1);
    expect((JSON.parse(stale.stdout) as { violations: { rule: string }[] }).violations.some((violation) => violation.rule === 'drift/stale')).to.equal(true);
    expect(entries(cache)).to.have.length(1);

    // generate writes the files the (already remembered) model generates: the next validate is clean from the cache.
    expect((await runCli(['generate', repo], { env })).code).to.equal(0);
    expect(entries(cache)).to.have.length(1);
    const clean = await runCli(['validate', repo], { env });
    expect(clean.code, clean.stdout).to.equal(0);

    writeFileSync(model, `${readFileSync(model, 'utf8')}# a comment is a new model text\n`);
    expect((await runCli(['generate', repo, '--dry-run'], { env })).code).to.equal(0);
    expect(entries(cache), 'generate --dry-run remembered the new text').to.have.length(2);
    const after = await runCli(['validate', repo], { env });
    expect(after.code, `a comment changes no generated file: ${after.stdout}`).to.equal(0);
    expect(entries(cache), 'validate found the entry generate wrote').to.have.length(2);
  });

  it('CP_GITOPS_NO_CACHE=1 keeps no entry', async () => {
    const { repo, cache, env } = await newRepository();
    const result = await runCli(['validate', repo], { env: { ...env, CP_GITOPS_NO_CACHE: '1' } });
    expect(result.code, result.stdout).to.equal(0);
    expect(entries(cache)).to.deep.equal([]);
  });
});
