import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.js';

/**
 * A real npm registry on 127.0.0.1 (verdaccio, installed as a devDependency) with no uplinks: it
 * serves only what a test publishes into it, and never reaches another host.
 */
export interface LocalRegistry {
  readonly url: string;
  /** A userconfig (.npmrc) with this registry and a token for it; npm reads no other registry. */
  readonly npmrc: string;
  stop(): Promise<void>;
}

export async function startLocalRegistry(dir: string): Promise<LocalRegistry> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  mkdirSync(join(dir, 'storage'), { recursive: true });
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    [
      `storage: ${JSON.stringify(join(dir, 'storage'))}`,
      'auth:',
      '  htpasswd:',
      `    file: ${JSON.stringify(join(dir, 'htpasswd'))}`,
      'uplinks: {}',
      'packages:',
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      'web:',
      '  enable: false',
      'log: { type: stdout, format: pretty, level: error }',
      '',
    ].join('\n'),
  );
  const bin = join(REPO_ROOT, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
  const child = spawn(process.execPath, [bin, '--config', config, '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  try {
    await waitForPing(url, child, () => output);
    const token = await addUser(url);
    const npmrc = join(dir, 'npmrc');
    writeFileSync(npmrc, [`registry=${url}`, `//127.0.0.1:${port}/:_authToken=${token}`, 'audit=false', 'fund=false', 'update-notifier=false', ''].join('\n'));
    return { url, npmrc, stop: () => stop(child) };
  } catch (error) {
    await stop(child);
    throw error;
  }
}

/**
 * Publishes the runtime dependencies a lockfile names (name, version, integrity) from npm's own cache,
 * where `npm ci` of this project put them: the local registry then serves a generated repository's
 * whole tree without any other registry. Each goes in as `npm publish` sends it (one PUT per package).
 */
export async function publishFromCache(registry: LocalRegistry, packages: Readonly<Record<string, { version?: unknown; integrity?: unknown }>>): Promise<void> {
  const token = /:_authToken=(.*)$/m.exec(readFileSync(registry.npmrc, 'utf8'))![1]!;
  const cache = join(spawnSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).stdout.trim(), '_cacache');
  const npmModules = join(spawnSync('npm', ['root', '--global'], { encoding: 'utf8' }).stdout.trim(), 'npm', 'node_modules');
  const cacache = createRequire(join(npmModules, 'noop.js'))('cacache') as { get: { byDigest(cache: string, integrity: string): Promise<Buffer> } };
  for (const [path, entry] of Object.entries(packages)) {
    if (typeof entry.version !== 'string' || typeof entry.integrity !== 'string') throw new Error(`${path}: no version or integrity in the lockfile`);
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const tarball = await cacache.get.byDigest(cache, entry.integrity);
    const manifest = JSON.parse(tarFile(tarball, 'package/package.json')) as Record<string, unknown>;
    const file = `${name.split('/').pop()}-${entry.version}.tgz`;
    const body = {
      _id: name,
      name,
      'dist-tags': { latest: entry.version },
      versions: { [entry.version]: { ...manifest, _id: `${name}@${entry.version}`, dist: { integrity: entry.integrity, tarball: `${registry.url}${name}/-/${file}` } } },
      _attachments: { [file]: { content_type: 'application/octet-stream', data: tarball.toString('base64'), length: tarball.length } },
    };
    const response = await fetch(`${registry.url}${name.replace('/', '%2f')}`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    // 409: already there (two paths of one lockfile can hold the same name@version).
    if (!response.ok && response.status !== 409) throw new Error(`publishing ${name}@${entry.version} to the local registry: ${response.status} ${await response.text()}`);
  }
}

/** One file of a .tgz, through the system tar (what npm packs is a plain gzipped tar). */
function tarFile(tarball: Buffer, path: string): string {
  const result = spawnSync('tar', ['-xzOf', '-', path], { input: tarball, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tar could not read ${path}: ${result.stderr}`);
  return result.stdout;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForPing(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited with ${child.exitCode}:\n${output()}`);
    try {
      if ((await fetch(`${url}-/ping`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`verdaccio did not answer on ${url} within 60 s:\n${output()}`);
}

async function addUser(url: string): Promise<string> {
  const name = 'cp-gitops-test';
  const response = await fetch(`${url}-/user/org.couchdb.user:${name}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password: 'local-registry-only' }),
  });
  const body = (await response.json()) as { token?: string };
  if (!response.ok || !body.token) throw new Error(`local registry refused the test user: ${response.status} ${JSON.stringify(body)}`);
  return body.token;
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
