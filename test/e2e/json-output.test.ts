import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { Ajv } from 'ajv';
import { makeTempDir, removeTempDirs, runCli } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/paths.js';

// --json is an interface: each command's document is checked against its schema in docs/json/, and a
// dry run has the same keys as the real run.

function validator(name: string) {
  const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'docs', 'json', `${name}.schema.json`), 'utf8')) as object;
  const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
  return (document: unknown) => {
    expect(validate(document), `${name}.schema.json: ${JSON.stringify(validate.errors, null, 2)}\n${JSON.stringify(document, null, 2).slice(0, 2000)}`).to.equal(true);
    return document as Record<string, unknown>;
  };
}

async function json(args: string[], cwd: string, code = 0): Promise<Record<string, unknown>> {
  const result = await runCli([...args, '--json'], { cwd });
  expect(result.code, result.stderr).to.equal(code);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

describe('--json documents (versioned, same keys in dry and real runs, checked by docs/json/*.schema.json)', function () {
  this.timeout(300_000);
  let work: string;
  before(function () {
    work = makeTempDir('cp-gitops-e2e-json-');
  });
  after(removeTempDirs);

  it('init: dry run, real run and an existing repository share one shape', async function () {
    const check = validator('init');
    const dry = check(await json(['init', './p', '--repo-url', 'https://git.example.org/p.git', '--dry-run'], work));
    const real = check(await json(['init', './p', '--repo-url', 'https://git.example.org/p.git'], work));
    const again = check(await json(['init', './p'], work));
    expect(Object.keys(dry)).to.deep.equal(Object.keys(real));
    expect(Object.keys(again)).to.deep.equal(Object.keys(real));
    expect([dry.dryRun, dry.commit, real.dryRun, typeof real.commit, again.changed]).to.deep.equal([true, null, false, 'string', false]);
  });

  it('a change command: dry run, real run and nothing to change share one shape', async function () {
    const check = validator('change');
    const dir = join(work, 'p');
    const dry = check(await json(['add-component', 'connect', '--env', 'dev', '--dry-run'], dir));
    expect(dry.command).to.equal('add-component');
    const real = check(await json(['set', 'monitoring.podMonitors=true', '--env', 'dev'], dir));
    expect(Object.keys(dry)).to.deep.equal(Object.keys(real));
    const again = check(await json(['set', 'monitoring.podMonitors=true', '--env', 'dev'], dir));
    expect(Object.keys(again)).to.deep.equal(Object.keys(real));
    expect([dry.dryRun, real.changed, real.upToDate, again.upToDate]).to.deep.equal([true, true, false, true]);
  });

  it('validate, a failed run, and --help --json', async function () {
    const document = validator('validate')(await json(['validate', './p'], work));
    expect(document.ok).to.equal(true);
    validator('envelope')(document);
    const failed = validator('error')(await json(['validate', './does-not-exist'], work, 2));
    expect(failed.command).to.equal('validate');
    const help = validator('help')(await json(['validate', '--help'], work));
    expect(help.help).to.match(/^cp-gitops validate \[dir\]/);
  });
});
