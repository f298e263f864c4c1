import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect } from 'chai';
import { expectExit, makeTempDir, removeTempDirs, runCli, type CliResult } from '../helpers/cli.js';
import { createBareRepository, gitRun, NEUTRAL_ENV, refsOf } from '../helpers/git-remotes.js';

// A pull request is hostile input, and the laptop running cp-gitops holds tokens (issue #15). Each case
// is an attack or a careless input that was reproduced against bin/ before the fix; "security:" marks
// the ones that leak a secret, run code, or reach outside the repository.

const PASSWORD = 'Sup3rS3cretPassw0rd';

describe('hostile input (through bin/)', function () {
  this.timeout(120_000);
  let work: string;
  let bare: string;
  let repo: string;
  const cli = (args: readonly string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { cwd: repo, env: { ...NEUTRAL_ENV, ...env } });
  const state = () => ({ heads: refsOf(join(repo, '.git')), remote: refsOf(bare), status: gitRun(['status', '--porcelain', '--untracked-files=all'], repo), head: gitRun(['symbolic-ref', '--short', 'HEAD'], repo) });
  const expectNoPassword = (result: CliResult) => expect(`${result.stdout}${result.stderr}`).not.to.include(PASSWORD);

  before(async () => {
    work = makeTempDir('cp-gitops-hostile-');
    bare = createBareRepository(join(work, 'remote.git'));
    expectExit(await runCli(['init', 'p', '--components', 'kafka,connect', '--envs', 'dev,prod', '--remote', bare, '--repo-url', 'https://git.example.org/p.git'], { cwd: work, env: NEUTRAL_ENV }), 0);
    repo = join(work, 'p');
  });

  after(() => removeTempDirs());

  describe('secrets', () => {
    const refusedSettings: [string, string, string][] = [
      ['a *.password key', 'kafka', `producer.ssl.key.password=${PASSWORD}`],
      ['a JAAS config with a password', 'connect', `admin.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="${PASSWORD}";`],
      ['a *.secret key', 'connect', `consumer.client.secret=${PASSWORD}`],
      ['a *.key key', 'kafka', `confluent.license.key=${PASSWORD}`],
    ];
    for (const [title, component, setting] of refusedSettings) {
      it(`security: config set refuses ${title}, names the by-reference alternative, commits and prints nothing of it`, async () => {
        const before = state();
        const result = await cli(['config', component, 'set', setting, '--env', 'dev']);
        expectExit(result, 2);
        expect(result.stderr).to.match(/refuses to commit credentials/);
        expect(result.stderr).to.include('mountedSecrets').and.to.include('${file:/mnt/secrets/');
        expectNoPassword(result);
        expect(state()).to.deep.equal(before);
      });
    }

    it('config set accepts a config provider reference to a mounted secret (no secret in git)', async () => {
      const result = await cli(['config', 'kafka', 'set', 'producer.ssl.key.password=${file:/mnt/secrets/kafka-client/client.properties:key.password}', '--env', 'dev', '--dry-run']);
      expectExit(result, 0);
    });

    it('security: validate flags a password typed into cp-gitops.yaml by hand, at its line', async () => {
      const copy = join(makeTempDir('cp-gitops-hostile-model-'), 'p');
      gitRun(['clone', '-q', repo, copy], work);
      const modelPath = join(copy, 'cp-gitops.yaml');
      const model = readFileSync(modelPath, 'utf8');
      const edited = model.replace(/^(  - name: dev\n)/m, `$1    config:\n      kafka:\n        - ssl.truststore.password=${PASSWORD}\n`);
      expect(edited).not.to.equal(model);
      writeFileSync(modelPath, edited);
      const result = await runCli(['validate', copy], { env: NEUTRAL_ENV });
      expectExit(result, 1);
      const line = edited.split('\n').findIndex((text) => text.includes('ssl.truststore.password')) + 1;
      expect(result.stdout).to.match(new RegExp(`cp-gitops\\.yaml:${line}:\\d+: error: .*ssl\\.truststore\\.password looks like a credential`));
      expectNoPassword(result);
    });

    for (const flag of ['--remote', '--repo-url']) {
      it(`security: init ${flag} with credentials in the URL is refused, says to use a credential helper, writes nothing`, async () => {
        const parent = makeTempDir('cp-gitops-hostile-init-');
        const result = await runCli(['init', 'p', flag, `https://alice:${PASSWORD}@git.example.org/p.git`], { cwd: parent, env: NEUTRAL_ENV });
        expectExit(result, 2);
        expect(result.stderr).to.match(/credential helper/);
        expect(result.stderr).to.include('https://***@git.example.org/p.git');
        expectNoPassword(result);
        expect(readdirSync(parent)).to.deep.equal([]);
      });
    }

    it('security: a token alone as the URL user (https://<token>@host) is refused too; an ssh user name is not', async () => {
      const parent = makeTempDir('cp-gitops-hostile-init-');
      const token = await runCli(['init', 'p', '--remote', `https://${PASSWORD}@github.com/acme/p.git`], { cwd: parent, env: NEUTRAL_ENV });
      expectExit(token, 2);
      expectNoPassword(token);
      const ssh = await runCli(['init', 'p', '--dry-run', '--repo-url', 'ssh://git@github.com/acme/p.git'], { cwd: parent, env: NEUTRAL_ENV });
      expectExit(ssh, 0);
    });

    it('security: with --github, the token is never sent to an origin on another host or over plain HTTP', async () => {
      const seen: IncomingHttpHeaders[] = [];
      const server = createServer((request, response) => {
        seen.push(request.headers);
        response.writeHead(404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
      const { port } = server.address() as AddressInfo;
      const copy = join(makeTempDir('cp-gitops-hostile-origin-'), 'p');
      gitRun(['clone', '-q', repo, copy], work);
      gitRun(['remote', 'set-url', 'origin', `http://127.0.0.1:${port}/acme/p.git`], copy);
      let result: CliResult;
      try {
        result = await runCli(['add-component', 'schemaregistry', '--env', 'dev', '--github', 'acme/p'], {
          cwd: copy,
          env: { ...NEUTRAL_ENV, GITHUB_TOKEN: PASSWORD, GITHUB_API_URL: `http://127.0.0.1:${port}/api`, NO_PROXY: '*', no_proxy: '*', http_proxy: '', HTTP_PROXY: '', https_proxy: '', HTTPS_PROXY: '' },
        });
      } finally {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      expectExit(result, 1);
      expect(seen.length, 'git asked the origin').to.be.greaterThan(0);
      expect(seen.map((headers) => headers.authorization ?? null)).to.deep.equal(seen.map(() => null));
      expectNoPassword(result);
    });
  });
});

