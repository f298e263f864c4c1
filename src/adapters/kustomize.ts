import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { ToolNotFoundError, CpGitopsError } from '../errors.js';

export interface KustomizeRenderer {
  /** What runs: `kustomize build` or `kubectl kustomize`. */
  readonly command: string;
  render(dir: string): string;
  /**
   * The same render in a child process that leaves the event loop free, so several renders (and
   * Node's own work) overlap; `signal` stops the process when its output is no longer wanted.
   */
  renderAsync(dir: string, signal?: AbortSignal): Promise<string>;
}

const CANDIDATES = [
  { binary: 'kustomize', probe: ['version'], prefix: ['build'] },
  { binary: 'kubectl', probe: ['version', '--client'], prefix: ['kustomize'] },
] as const;

const NOT_FOUND = () => new ToolNotFoundError('neither kustomize nor kubectl was found on PATH', 'install kubectl (it includes Kustomize) or kustomize, then run again');

/** `kustomize` when it is on PATH (the same engine Argo CD runs), else `kubectl kustomize`. */
export function findKustomize(env: NodeJS.ProcessEnv = process.env): KustomizeRenderer {
  for (const candidate of CANDIDATES) {
    const result = spawnSync(candidate.binary, [...candidate.probe], { env, stdio: 'ignore' });
    if (result.error === undefined && result.status === 0) return renderer(candidate.binary, [...candidate.prefix], env);
  }
  throw NOT_FOUND();
}

/**
 * findKustomize with the probes as child processes that do not block: the same choice, by the same
 * test. `signal` stops a probe whose answer is no longer wanted (the promise then rejects).
 */
export async function findKustomizeAsync(env: NodeJS.ProcessEnv = process.env, signal?: AbortSignal): Promise<KustomizeRenderer> {
  for (const candidate of CANDIDATES) {
    const found = await new Promise<boolean>((resolve) => execFile(candidate.binary, [...candidate.probe], { env, ...(signal ? { signal } : {}) }, (error) => resolve(error === null)));
    signal?.throwIfAborted();
    if (found) return renderer(candidate.binary, [...candidate.prefix], env);
  }
  throw NOT_FOUND();
}

/**
 * Kustomize has no offline switch. cp-gitops never needs the network to render its trees, so the
 * process gets a proxy that refuses every HTTP(S) connection and a git that may only use local files:
 * a remote resource that slipped past the validator fails instead of being fetched.
 */
const NO_NETWORK: NodeJS.ProcessEnv = {
  HTTP_PROXY: 'http://127.0.0.1:9',
  HTTPS_PROXY: 'http://127.0.0.1:9',
  http_proxy: 'http://127.0.0.1:9',
  https_proxy: 'http://127.0.0.1:9',
  ALL_PROXY: 'http://127.0.0.1:9',
  NO_PROXY: '',
  no_proxy: '',
  GIT_ALLOW_PROTOCOL: 'file',
  GIT_TERMINAL_PROMPT: '0',
};

const MAX_OUTPUT = 256 * 1024 * 1024;

function renderer(binary: string, prefix: string[], userEnv: NodeJS.ProcessEnv): KustomizeRenderer {
  const env = { ...userEnv, ...NO_NETWORK };
  const command = `${binary} ${prefix.join(' ')}`;
  const failure = (dir: string, error: unknown) => {
    const stderr = (error as { stderr?: unknown }).stderr;
    return new CpGitopsError('kustomize', `${command} ${dir} failed: ${stderr === undefined ? String(error) : String(stderr).trim()}`, { hint: 'run cp-gitops validate to locate the problem' });
  };
  return {
    command,
    render(dir: string): string {
      try {
        return execFileSync(binary, [...prefix, dir], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: MAX_OUTPUT });
      } catch (error) {
        throw failure(dir, error);
      }
    },
    renderAsync(dir: string, signal?: AbortSignal): Promise<string> {
      return new Promise((resolve, reject) => {
        execFile(binary, [...prefix, dir], { env, encoding: 'utf8', maxBuffer: MAX_OUTPUT, ...(signal ? { signal } : {}) }, (error, stdout, stderr) => {
          if (error) reject(failure(dir, Object.assign(error, { stderr })));
          else resolve(stdout);
        });
      });
    },
  };
}
