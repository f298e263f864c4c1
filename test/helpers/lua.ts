import { execFileSync } from 'node:child_process';
import { onPath } from './paths.js';

/** Debian's Lua 5.1, the language version Argo CD's gopher-lua implements. */
export const LUA = 'lua5.1';

export function luaAvailable(): boolean {
  return onPath(LUA);
}

/**
 * Call in a `before` hook: skips the suite with a loud message when lua5.1 is missing on a developer
 * machine, and fails it in CI (CI set), where .ci/run installs lua5.1.
 */
export function requireLua(context: Mocha.Context): void {
  if (luaAvailable()) return;
  if (process.env.CI) throw new Error(`${LUA} is not on PATH in CI: .ci/run installs it (apt-get install -y lua5.1); the Argo CD health checks must run under a real Lua interpreter`);
  console.warn(`\n  !!! SKIPPING the Lua health-check tests: ${LUA} is not on PATH. Install it (apt-get install -y lua5.1) to run them; in CI they fail instead.\n`);
  context.skip();
}

/** A JSON value as a Lua 5.1 table constructor, the shape Argo CD hands a health script as `obj`. */
export function luaLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`no Lua literal for ${value}`);
    return String(value);
  }
  if (typeof value === 'string') return luaString(value);
  if (Array.isArray(value)) return `{${value.map(luaLiteral).join(', ')}}`;
  if (typeof value === 'object') {
    // JSON null members are absent keys in Lua (a nil value does not exist in a table).
    const fields = Object.entries(value as Record<string, unknown>).filter(([, member]) => member !== null && member !== undefined);
    return `{${fields.map(([key, member]) => `[${luaString(key)}] = ${luaLiteral(member)}`).join(', ')}}`;
  }
  throw new Error(`no Lua literal for a ${typeof value}`);
}

function luaString(text: string): string {
  // Decimal escapes for everything outside printable ASCII: Lua 5.1 knows no \u or \x.
  return `"${[...Buffer.from(text, 'utf8')].map((byte) => (byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c ? String.fromCharCode(byte) : `\\${byte}`)).join('')}"`;
}

export interface HealthStatus {
  readonly status: string;
  readonly message: string;
}

/**
 * Runs health scripts under lua5.1, each on its object, in one process: every script runs as the body
 * of a function with `obj` a global table, as Argo CD runs them. Returns one status per object.
 */
export function runHealthChecks(checks: readonly { readonly script: string; readonly obj: unknown }[]): HealthStatus[] {
  // One do-block per check: Lua 5.1 allows only 200 locals in a function, the main chunk included.
  const chunks = checks.map(({ script, obj }) =>
    ['do', `obj = ${luaLiteral(obj)}`, 'local check = function()', script, 'end', 'local hs = check()', 'io.write(tostring(hs.status), "\\t", tostring(hs.message), "\\n")', 'end'].join('\n'),
  );
  let output: string;
  try {
    output = execFileSync(LUA, ['-'], { input: chunks.join('\n'), encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (error) {
    throw new Error(`${LUA} failed: ${(error as { stderr?: string }).stderr ?? String(error)}`);
  }
  const lines = output.split('\n').filter((line) => line !== '');
  if (lines.length !== checks.length) throw new Error(`${LUA} printed ${lines.length} results for ${checks.length} checks:\n${output}`);
  return lines.map((line) => {
    const tab = line.indexOf('\t');
    return { status: line.slice(0, tab), message: line.slice(tab + 1) };
  });
}

export function runHealthCheck(script: string, obj: unknown): HealthStatus {
  return runHealthChecks([{ script, obj }])[0]!;
}
