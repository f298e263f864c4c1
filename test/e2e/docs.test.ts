import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { expectExit, makeTempDir, removeTempDirs, runCli, snapshotFiles } from '../helpers/cli.js';
import { gitRun, NEUTRAL_ENV } from '../helpers/git-remotes.js';

// cp-gitops docs end to end through the built bin: a no-op on a fresh repository; after a hand edit
// of cp-gitops.yaml, stale for --check (nothing written) and rewritten by a plain run, with the
// checksum record following; bad input refused with nothing written.

const RECORD = '.cp-gitops/generated/';
const isRecord = (file: string) => file.startsWith(RECORD);
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('cp-gitops docs through bin/', function () {
  this.timeout(60_000);
  let work: string;
  let repo: string;
  const cli = (args: readonly string[], cwd = repo) => runCli(args, { cwd, env: NEUTRAL_ENV });
  const read = (file: string) => readFileSync(join(repo, ...file.split('/')), 'utf8');
  /** The hashes the record holds for a file (one entry file per written content). */
  const recorded = (file: string) =>
    readdirSync(join(repo, RECORD))
      .map((entry) => read(`${RECORD}${entry}`))
      .flatMap((line) => (line === `${/^[0-9a-f]{64}/.exec(line)?.[0]}  ${file}\n` ? [line.slice(0, 64)] : []));

  before(async () => {
    work = makeTempDir('cp-gitops-docs-');
    expectExit(await runCli(['init', 'p', '--components', 'kafka', '--repo-url', 'https://git.example.org/p.git'], { cwd: work, env: NEUTRAL_ENV }), 0);
    repo = join(work, 'p');
  });

  after(() => removeTempDirs());

  describe('on a fresh repository', () => {
    it('writes nothing and says so', async () => {
      const before = snapshotFiles(repo);
      const result = await cli(['docs']);
      expectExit(result, 0);
      expect(result.stdout).to.equal('README.md and docs/architecture.md match cp-gitops.yaml: nothing to write.\n');
      expect(snapshotFiles(repo)).to.deep.equal(before);
      expect(gitRun(['status', '--porcelain', '--untracked-files=all'], repo)).to.equal('');
    });

    it('--json and --check: both documents unchanged, exit 0', async () => {
      const json = await cli(['docs', '--json']);
      expectExit(json, 0);
      expect(JSON.parse(json.stdout)).to.deep.equal({ schemaVersion: 1, command: 'docs', ok: true, files: [{ file: 'README.md', status: 'unchanged' }, { file: 'docs/architecture.md', status: 'unchanged' }] });
      expectExit(await cli(['docs', '--check']), 0);
    });

    it('takes the repository folder as its argument', async () => {
      const result = await cli(['docs', 'p', '--check'], work);
      expectExit(result, 0);
      expect(result.stdout).to.include('match cp-gitops.yaml');
    });

    it('--check and --dry-run together are a usage error', async () => {
      const result = await cli(['docs', '--check', '--dry-run']);
      expectExit(result, 2);
      expect(result.stderr).to.include('--check and --dry-run');
    });
  });

  describe('after a hand edit of cp-gitops.yaml (dev goes from size small to large)', () => {
    let edited: Map<string, string>;

    before(() => {
      const model = read('cp-gitops.yaml');
      const next = model.replace(/(- name: dev\n(?: {4}.*\n)*? {4}size: )small\n/, '$1large\n');
      expect(next, 'the model has dev at size small').not.to.equal(model);
      writeFileSync(join(repo, 'cp-gitops.yaml'), next);
      edited = snapshotFiles(repo);
      expect(read('docs/architecture.md')).to.include('size profile small');
    });

    it('--check: exit 1, the stale documents listed, nothing written', async () => {
      const result = await cli(['docs', '--check']);
      expectExit(result, 1);
      expect(result.stdout).to.include('Stale: docs/architecture.md\n').and.include('Stale: README.md\n');
      expect(result.stderr).to.include('error: stale generated documents: README.md, docs/architecture.md no longer match cp-gitops.yaml').and.include('hint: run cp-gitops docs');
      expect(snapshotFiles(repo)).to.deep.equal(edited);
    });

    it('--dry-run --json: exit 0, statuses stale (the record too), nothing written', async () => {
      const result = await cli(['docs', '--dry-run', '--json']);
      expectExit(result, 0);
      expect(JSON.parse(result.stdout)).to.deep.equal({
        schemaVersion: 1,
        command: 'docs',
        ok: true,
        files: [
          { file: 'README.md', status: 'stale' },
          { file: 'docs/architecture.md', status: 'stale' },
          { file: RECORD, status: 'stale' },
        ],
      });
      expect(snapshotFiles(repo)).to.deep.equal(edited);
    });

    it('a plain run rewrites the documents from the model and records their checksums; nothing else changes', async () => {
      const result = await cli(['docs']);
      expectExit(result, 0);
      expect(result.stdout).to.equal(`Wrote README.md\nWrote docs/architecture.md\nWrote ${RECORD}\n`);
      const after = snapshotFiles(repo);
      const changed = [...after.keys()].filter((file) => !isRecord(file) && after.get(file) !== edited.get(file)).sort();
      expect(changed).to.deep.equal(['README.md', 'docs/architecture.md']);
      const files = (tree: Map<string, string>) => [...tree.keys()].filter((file) => !isRecord(file)).sort();
      expect(files(after), 'no file added or left behind').to.deep.equal(files(edited));
      // The record's entries are added and deleted, never edited: one entry out and one in per document.
      const entries = (tree: Map<string, string>) => [...tree.keys()].filter(isRecord);
      expect(entries(after).filter((file) => !edited.has(file))).to.have.length(2);
      expect(entries(edited).filter((file) => !after.has(file))).to.have.length(2);
      expect(read('docs/architecture.md')).to.match(/### dev\n\nNamespace p-dev on \S+; size profile large;/);
      expect(read('README.md')).to.match(/\| dev \| p-dev \| \S+ \| large \| kafka \|/);
      expect(recorded('docs/architecture.md')).to.deep.equal([sha256(read('docs/architecture.md'))]);
      expect(recorded('README.md')).to.deep.equal([sha256(read('README.md'))]);
      // What cp-gitops did not write keeps its entry: the model's hand edit stays visible to sha256sum -c.
      expect(recorded('cp-gitops.yaml')).to.deep.equal([sha256(edited.get('cp-gitops.yaml')!.replace(/size: large\n/, 'size: small\n'))]);
    });

    it('then --check passes and a second run writes nothing', async () => {
      expectExit(await cli(['docs', '--check']), 0);
      const before = snapshotFiles(repo);
      const result = await cli(['docs']);
      expectExit(result, 0);
      expect(result.stdout).to.include('nothing to write');
      expect(snapshotFiles(repo)).to.deep.equal(before);
    });
  });

  describe('refusals: exit 1, a message naming the file, nothing written', () => {
    let good: string;
    before(() => {
      good = read('cp-gitops.yaml');
    });
    afterEach(() => writeFileSync(join(repo, 'cp-gitops.yaml'), good));

    it('broken YAML in cp-gitops.yaml', async () => {
      writeFileSync(join(repo, 'cp-gitops.yaml'), `${good}environments: [\n`);
      const before = snapshotFiles(repo);
      const result = await cli(['docs']);
      expectExit(result, 1);
      expect(result.stderr).to.match(/^error: \S*cp-gitops\.yaml:\d+:\d+: YAML: /m).and.match(/^hint: fix the YAML syntax of \S*cp-gitops\.yaml/m);
      expect(result.stdout).to.equal('');
      expect(snapshotFiles(repo)).to.deep.equal(before);
    });

    it('a model that does not validate (an unknown size)', async () => {
      writeFileSync(join(repo, 'cp-gitops.yaml'), good.replace(/size: large\n/, 'size: enormous\n'));
      const before = snapshotFiles(repo);
      const result = await cli(['docs']);
      expectExit(result, 1);
      expect(result.stderr).to.match(/^error: \S*cp-gitops\.yaml:\d+:\d+: .*size/m).and.match(/^hint: /m);
      expect(snapshotFiles(repo)).to.deep.equal(before);
    });

    it('no cp-gitops.yaml', async () => {
      const empty = makeTempDir('cp-gitops-docs-empty-');
      const missing = await cli(['docs'], empty);
      expectExit(missing, 1);
      expect(missing.stderr).to.include(`error: ${empty} is not a cp-gitops repository (no cp-gitops.yaml)`).and.include('hint: run cp-gitops docs in a repository made by cp-gitops init');
      expect(snapshotFiles(empty).size).to.equal(0);
    });

    it('a hand-edited document is not overwritten; --check names it', async () => {
      writeFileSync(join(repo, 'cp-gitops.yaml'), good.replace(/(- name: dev\n(?: {4}.*\n)*? {4}size: )large\n/, '$1medium\n'));
      writeFileSync(join(repo, 'docs/architecture.md'), `${read('docs/architecture.md')}\nOn-call: #kafka\n`);
      const before = snapshotFiles(repo);
      const result = await cli(['docs']);
      expectExit(result, 1);
      expect(result.stderr).to.include('error: docs/architecture.md was edited by hand since cp-gitops wrote it; nothing was written');
      expect(snapshotFiles(repo)).to.deep.equal(before);
      const check = await cli(['docs', '--check']);
      expectExit(check, 1);
      expect(check.stdout).to.include('Stale: docs/architecture.md (edited by hand');
    });
  });
});
