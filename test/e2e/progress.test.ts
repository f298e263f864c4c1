import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';
import { CLI_BIN, makeTempDir, removeTempDirs, runCli } from '../helpers/cli.js';

// Progress lines for slow steps go to stderr on a terminal only, never with --json. A real pseudo
// terminal comes from util-linux `script` (stdin, stdout and stderr are all the terminal there).

function inTerminal(args: readonly string[], cwd: string): string {
  const command = [process.execPath, CLI_BIN, ...args].map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
  const result = spawnSync('script', ['-qec', command, '/dev/null'], { cwd, encoding: 'utf8', timeout: 240_000 });
  expect(result.status, result.stdout + result.stderr).to.equal(0);
  return result.stdout.replace(/\r/g, '');
}

describe('progress lines (a terminal through script(1))', function () {
  this.timeout(300_000);
  let dir: string;
  before(async function () {
    const work = makeTempDir('cp-gitops-e2e-progress-');
    dir = join(work, 'p');
    const init = await runCli(['init', dir, '--repo-url', 'https://git.example.org/p.git'], { cwd: work });
    expect(init.code, init.stderr).to.equal(0);
  });
  after(removeTempDirs);

  const change = ['set', 'monitoring.podMonitors=true', '--env', 'dev', '--dry-run'];

  it('a change command announces its renders on a terminal', function () {
    expect(inTerminal(change, dir)).to.match(/^… rendering overlay overlays\/dev before and after the change \(/m);
  });

  it('prints none when stderr is not a terminal, nor with --json on a terminal', async function () {
    const piped = await runCli(change, { cwd: dir });
    expect(piped.code, piped.stderr).to.equal(0);
    expect(piped.stderr + piped.stdout).to.not.include('… rendering');
    const json = inTerminal([...change, '--json'], dir);
    expect(json).to.not.include('… rendering');
    expect(JSON.parse(json).command).to.equal('set');
  });
});
