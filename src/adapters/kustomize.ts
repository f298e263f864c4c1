import { execFileSync, spawnSync } from 'node:child_process';
import { ToolNotFoundError, CpGitopsError } from '../errors.js';

export interface KustomizeRenderer {
  /** What runs: `kustomize build` or `kubectl kustomize`. */
  readonly command: string;
  render(dir: string): string;
}

/** `kustomize` when it is on PATH (the same engine Argo CD runs), else `kubectl kustomize`. */
export function findKustomize(env: NodeJS.ProcessEnv = process.env): KustomizeRenderer {
  if (onPath('kustomize', ['version'], env)) return renderer('kustomize', ['build'], env);
  if (onPath('kubectl', ['version', '--client'], env)) return renderer('kubectl', ['kustomize'], env);
  throw new ToolNotFoundError('neither kustomize nor kubectl was found on PATH', 'install kubectl (it includes Kustomize) or kustomize, then run again');
}

function onPath(binary: string, args: string[], env: NodeJS.ProcessEnv): boolean {
  const result = spawnSync(binary, args, { env, stdio: 'ignore' });
  return result.error === undefined && result.status === 0;
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

function renderer(binary: string, prefix: string[], userEnv: NodeJS.ProcessEnv): KustomizeRenderer {
  const env = { ...userEnv, ...NO_NETWORK };
  return {
    command: `${binary} ${prefix.join(' ')}`,
    render(dir: string): string {
      try {
        return execFileSync(binary, [...prefix, dir], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
      } catch (error) {
        const stderr = (error as { stderr?: string }).stderr?.trim() ?? String(error);
        throw new CpGitopsError('kustomize', `${binary} ${prefix.join(' ')} ${dir} failed: ${stderr}`, { hint: 'run cp-gitops validate to locate the problem' });
      }
    },
  };
}
