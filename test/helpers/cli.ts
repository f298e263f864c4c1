import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { REPO_ROOT } from './paths.js';

/** The built entry point, run as a user would: a separate node process, never imported in-process. */
export const CLI_BIN = join(REPO_ROOT, 'bin', 'cp-gitops.js');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunCliOptions {
  /** Defaults to the system temp folder, so a relative path in a forgotten argument never lands in the repository. */
  readonly cwd?: string;
  /** Merged over process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

export function runCli(args: readonly string[], options: RunCliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], {
      cwd: options.cwd ?? tmpdir(),
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    // 'close' (not 'exit') so both pipes are drained before we read them.
    child.on('close', (code, signal) => {
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
  });
}

const tempDirs = new Set<string>();

/** A fresh folder under the system temp folder; removeTempDirs() (in an `after` hook) deletes it. */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/** Set CP_GITOPS_KEEP_TMP=1 to keep the folders for a post-mortem. */
export function removeTempDirs(): void {
  if (process.env.CP_GITOPS_KEEP_TMP === '1') {
    for (const dir of tempDirs) process.stderr.write(`kept ${dir}\n`);
  } else {
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  }
  tempDirs.clear();
}

/** Runs the real git synchronously; throws with git's stderr when it fails. */
export function git(args: readonly string[], cwd: string): string {
  try {
    return execFileSync('git', [...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`git ${args.join(' ')} failed in ${cwd}: ${stderr.trim() || String(error)}`);
  }
}

/** Every file below `root` (dotfiles included, `.git` skipped) with its content, for before/after comparisons. */
export function snapshotFiles(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string, prefix: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === '.git') continue;
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(join(dir, entry.name), relative);
      else files.set(relative, readFileSync(join(dir, entry.name), 'utf8'));
    }
  };
  walk(root, '');
  return files;
}

/** The exit code a run must have; on a mismatch the message shows what the run printed. */
export function expectExit(result: CliResult, code: number): void {
  expect(result.code, `exit code\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`).to.equal(code);
}
