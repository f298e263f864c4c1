import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
      expect(result.stdout).to.match(/^0 errors, 0 warnings in 0 files \(\d+ files checked\)$/m);
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
      expect(result.stdout).to.match(/^0 errors, 0 warnings/m);
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

    it('writes a pull-request workflow that installs this very version, validates with --render and uploads SARIF', function () {
      const packageJson = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
      expect(CP_GITOPS_VERSION, 'src/generator/layout.ts CP_GITOPS_VERSION follows package.json').to.equal(packageJson.version);
      const workflow = parse(readFileSync(join(dir, '.github', 'workflows', 'validate.yaml'), 'utf8')) as {
        on: Record<string, unknown>;
        jobs: { validate: { 'runs-on': string; steps: { uses?: string; run?: string; with?: Record<string, unknown> }[] } };
      };
      expect(workflow.on).to.have.property('pull_request');
      const steps = workflow.jobs.validate.steps;
      expect(workflow.jobs.validate['runs-on']).to.equal('ubuntu-latest');
      expect(steps.find((step) => step.uses?.startsWith('actions/setup-node@'))!.with).to.deep.equal({ 'node-version': '20' });
      expect(steps.map((step) => step.run ?? '')).to.include(`npm install --global cp-gitops@${packageJson.version}`);
      expect(steps.some((step) => step.run?.includes('cp-gitops validate --render --format sarif > results.sarif'))).to.equal(true);
      const upload = steps.find((step) => step.uses?.startsWith('github/codeql-action/upload-sarif@'));
      expect(upload?.with).to.include({ sarif_file: 'results.sarif' });
      expect(steps.indexOf(upload!)).to.be.lessThan(steps.findIndex((step) => step.run?.includes('exit 1')));
    });

    it('the workflow also checks that the generated docs follow cp-gitops.yaml, even after a failed step, and that check passes here', async function () {
      const workflow = parse(readFileSync(join(dir, '.github', 'workflows', 'validate.yaml'), 'utf8')) as { jobs: { validate: { steps: { run?: string; if?: string }[] } } };
      const steps = workflow.jobs.validate.steps;
      const docs = steps.find((step) => step.run === 'cp-gitops docs --check');
      expect(docs?.if).to.equal('!cancelled()');
      expect(steps.indexOf(docs!)).to.equal(steps.length - 1);
      const check = await runCli(['docs', dir, '--check']);
      expect(check.code, check.stderr).to.equal(0);
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
