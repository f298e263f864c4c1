import { appendFileSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { WorkspaceError } from '../errors.js';
import type { FileTree } from '../generator/file-tree.js';

export function pathExists(path: string): boolean {
  return existsSync(path);
}

export function isDirectory(path: string): boolean {
  return existsSync(path) && lstatSync(path).isDirectory();
}

export function isEmptyDirectory(path: string): boolean {
  return isDirectory(path) && readdirSync(path).length === 0;
}

export function readTextFile(path: string): string {
  return readFileSync(path, 'utf8');
}

/** Every file under `root` as a tree of relative POSIX paths (skipping .git). */
export function readTree(root: string, skip: ReadonlySet<string> = new Set(['.git'])): Map<string, string> {
  return readTreeAndLinks(root, skip).files;
}

/** readTree, and the symbolic links it passed over (files and folders alike, not followed), as relative paths. */
export function readTreeAndLinks(root: string, skip: ReadonlySet<string> = new Set(['.git'])): { files: Map<string, string>; links: string[] } {
  const files = new Map<string, string>();
  const links: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (skip.has(entry.name)) continue;
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(join(dir, entry.name), relative);
      else if (entry.isFile()) files.set(relative, readFileSync(join(dir, entry.name), 'utf8'));
      else if (entry.isSymbolicLink()) links.push(relative);
    }
  };
  walk(root, '');
  return { files, links };
}

/** Committed hooks must stay executable; everything else is a plain file. */
export function fileMode(relative: string): number {
  return relative.startsWith('.githooks/') ? 0o755 : 0o644;
}

/** Writes a tree below `dir`, creating folders as needed. */
export function writeTree(dir: string, tree: FileTree): void {
  for (const [relative, content] of tree) {
    const target = join(dir, ...relative.split('/'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content, { mode: fileMode(relative) });
  }
}

/**
 * Replaces one file whole: the content goes to a temporary file in the same folder (same filesystem),
 * then a rename puts it in place, so a reader or a crash sees the old file or the new one, never half.
 */
export function writeFileAtomic(path: string, content: string, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.${basename(path)}.cp-gitops-${process.pid}-${Date.now()}`);
  try {
    writeFileSync(temporary, content, { mode });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/**
 * A staging folder beside the target, on the same filesystem, so the final step is a rename: the
 * target either does not change or receives the complete result, never half of it.
 */
export function createStagingDirectory(target: string): string {
  const absolute = resolve(target);
  const parent = dirname(absolute);
  mkdirSync(parent, { recursive: true });
  const staging = join(parent, `.${basename(absolute)}.cp-gitops-${process.pid}-${Date.now()}`);
  mkdirSync(staging);
  return staging;
}

/**
 * Staging folders of an init that was killed outright (SIGKILL, a power cut: no undo could run), found
 * beside `target` by their name, whose process is gone: removed, so nothing hidden is left behind.
 * Returns the removed paths, for the command to say so.
 */
export function removeStaleStagingDirectories(target: string): string[] {
  const absolute = resolve(target);
  const parent = dirname(absolute);
  if (!existsSync(parent)) return [];
  const prefix = `.${basename(absolute)}.cp-gitops-`;
  const removed: string[] = [];
  for (const entry of readdirSync(parent, { withFileTypes: true })) {
    const match = entry.isDirectory() && entry.name.startsWith(prefix) ? /^(\d+)-\d+$/.exec(entry.name.slice(prefix.length)) : null;
    if (!match || processIsAlive(Number(match[1]))) continue;
    rmSync(join(parent, entry.name), { recursive: true, force: true });
    removed.push(join(parent, entry.name));
  }
  return removed;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes what init created at `target`: the folder itself, or only its content when it existed (empty) before. */
export function removeCreatedDirectory(target: string, existedBefore: boolean): void {
  if (!existedBefore) {
    rmSync(target, { recursive: true, force: true });
    return;
  }
  for (const entry of readdirSync(target)) rmSync(join(target, entry), { recursive: true, force: true });
}

/** Moves everything from `staging` into `target` (which is absent or empty), then removes `staging`. */
export function promoteStagingDirectory(staging: string, target: string): void {
  if (!existsSync(target)) {
    renameSync(staging, target);
    return;
  }
  const moved: string[] = [];
  try {
    for (const entry of readdirSync(staging)) {
      moveAcrossDevices(join(staging, entry), join(target, entry));
      moved.push(entry);
    }
  } catch (error) {
    for (const entry of moved) rmSync(join(target, entry), { recursive: true, force: true });
    throw error;
  }
  rmSync(staging, { recursive: true, force: true });
}

/**
 * A rename, or, when the target is another filesystem (an empty folder that is a mount point: EXDEV),
 * a copy followed by removal of the source. The copy keeps file modes (hooks stay executable).
 */
function moveAcrossDevices(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    try {
      cpSync(from, to, { recursive: true, verbatimSymlinks: true, errorOnExist: true, force: false });
    } catch (copyError) {
      rmSync(to, { recursive: true, force: true });
      throw copyError;
    }
    rmSync(from, { recursive: true, force: true });
  }
}

export function removeDirectory(path: string): void {
  rmSync(path, { recursive: true, force: true });
}

export function removeFile(path: string): void {
  rmSync(path, { force: true });
}

/**
 * The nearest folder at or above `start` that holds `marker` (as git, gh and kubectl find their root),
 * not looking past the top of the Git working tree that contains `start`. Undefined when none does.
 */
export function findUpwards(start: string, marker: string): string | undefined {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, marker))) return dir;
    if (existsSync(join(dir, '.git')) || dirname(dir) === dir) return undefined;
  }
}

/** Removes a file below `root`, then the folders it leaves empty (Git does not keep empty folders either). */
export function removeFileAndEmptyFolders(root: string, relative: string): void {
  rmSync(join(root, ...relative.split('/')), { force: true });
  const parts = relative.split('/').slice(0, -1);
  for (let depth = parts.length; depth > 0; depth -= 1) {
    const dir = join(root, ...parts.slice(0, depth));
    if (!isDirectory(dir) || readdirSync(dir).length > 0) break;
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Appends (GitHub's $GITHUB_STEP_SUMMARY is shared by every step of a job). */
export function appendTextFile(path: string, content: string): void {
  appendFileSync(path, content);
}

/**
 * Refuses when a path cp-gitops is about to write, delete or read below `root` passes through a
 * symbolic link (a committed `overlays/dev/topics -> /somewhere` or `kustomization.yaml -> ~/x`): a
 * pull request must not make a later command write or read outside the repository. Checked with
 * lstat on every component, before anything is written.
 */
export function assertNoSymlinks(root: string, relativePaths: Iterable<string>): void {
  const checked = new Set<string>();
  for (const relative of relativePaths) {
    const parts = relative.split('/');
    for (let length = 1; length <= parts.length; length += 1) {
      const prefix = parts.slice(0, length).join('/');
      if (checked.has(prefix)) continue;
      checked.add(prefix);
      const absolute = join(root, ...parts.slice(0, length));
      let isLink = false;
      try {
        isLink = lstatSync(absolute).isSymbolicLink();
      } catch {
        break; // absent: nothing below it can be a link yet
      }
      if (isLink) {
        throw new WorkspaceError(
          `${prefix} is a symbolic link (to ${readlinkSync(absolute)}); cp-gitops never writes or reads through a link, so it could not leave the repository; nothing was written`,
          `replace the link with the real file or folder (git rm ${prefix}, then commit the content), then run again`,
        );
      }
    }
  }
}
