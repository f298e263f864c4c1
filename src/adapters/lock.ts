import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { WorkspaceError } from '../errors.js';

/** In the git directory: never committed, shared by every worktree of the checkout's own .git. */
export const LOCK_FILE = 'cp-gitops.lock';

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  readonly started: string;
}

export interface RepositoryLock {
  release(): void;
}

/**
 * One change command at a time per repository: two would share the index and a commit, and corrupt
 * both pull request branches. The lock file is created exclusively; a lock whose process is gone (same
 * host, no such pid) is stale and taken over; a live one is refused, naming who holds it.
 */
export function lockRepository(gitDir: string, command: string): RepositoryLock {
  const path = join(gitDir, LOCK_FILE);
  const owner: LockOwner = { pid: process.pid, host: hostname(), command, started: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      writeFileSync(path, `${JSON.stringify(owner)}\n`, { flag: 'wx' });
      return { release: () => rmSync(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readOwner(path);
    if (holder && isAlive(holder)) {
      throw new WorkspaceError(
        `another cp-gitops is changing this repository: pid ${holder.pid} on ${holder.host} (${holder.command}), since ${holder.started}`,
        `wait for it to finish; if that process is gone, delete ${path}`,
      );
    }
    rmSync(path, { force: true }); // stale: its process is gone
  }
  throw new WorkspaceError(`could not take the lock ${path}`, `another cp-gitops took it at the same moment; run again, or delete ${path} if no cp-gitops runs`);
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    return typeof parsed.pid === 'number' && typeof parsed.host === 'string' ? { pid: parsed.pid, host: parsed.host, command: String(parsed.command ?? '?'), started: String(parsed.started ?? '?') } : undefined;
  } catch {
    return undefined;
  }
}

/** Another host's process cannot be checked: its lock counts as held. */
function isAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
