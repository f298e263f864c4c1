import { execFile } from 'node:child_process';
import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';

const run = promisify(execFile);

// What the provider stand-ins (github-stand-in.ts, gitlab-stand-in.ts) share: the record of a request,
// a finding against the provider's documented API, a scripted fault, and reading a request body.

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Lower-cased names; authorization shows its scheme only (each stand-in redacts its token headers). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  /** The documented operation the request matched (`POST /user/repos`, `POST /projects/:id/merge_requests`), or `git`. */
  readonly route: string | undefined;
  status: number;
}

/** A request the provider would refuse: what its documented API says is wrong with it. */
export interface RequestViolation {
  readonly method: string;
  readonly path: string;
  readonly problems: readonly string[];
}

export interface ScriptedResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/** Responses queued per route (or `*`), each served `times` times before the stand-in's own behaviour resumes. */
export class ScriptedFaults {
  private readonly queues = new Map<string, { response: ScriptedResponse; remaining: number }[]>();

  add(route: string, response: ScriptedResponse, times: number): void {
    const queue = this.queues.get(route) ?? [];
    queue.push({ response, remaining: times });
    this.queues.set(route, queue);
  }

  /** The next queued response for the route, counting it served; undefined when none is queued. */
  take(route: string): ScriptedResponse | undefined {
    const queue = this.queues.get(route);
    const next = queue?.[0];
    if (!queue || !next) return undefined;
    next.remaining -= 1;
    if (next.remaining <= 0) queue.shift();
    return next.response;
  }
}

/** The whole body; over `limit` bytes the request fails (API calls are small; git packs are not limited). */
export async function readBody(request: IncomingMessage, limit = Number.POSITIVE_INFINITY): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error(`request body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Headers as recorded: authorization keeps its scheme only and `redacted` names lose their value, so no token is ever stored. */
export function recordedHeaders(request: IncomingMessage, redacted: readonly string[] = []): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    headers[name] = name === 'authorization' ? `${String(value).split(/\s+/)[0]} <redacted>` : redacted.includes(name) ? '<redacted>' : Array.isArray(value) ? value.join(', ') : String(value);
  }
  return headers;
}

/** Whether the bare repository has the branch (a provider refuses change requests for branches never pushed). */
export async function branchExists(bareDir: string, branch: string): Promise<boolean> {
  try {
    await run('git', ['--git-dir', bareDir, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]);
    return true;
  } catch {
    return false;
  }
}
