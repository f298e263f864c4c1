import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { discoverRepository, discoversPlainly, readIfPresent } from './git-discovery.js';
import { indexPathsUnder } from './git-index.js';

/**
 * The files git tracks under `folder` (a plain relative path such as `node_modules`) of the repository
 * holding `dir`, relative to `dir`: what `git ls-files -z -- <folder>` run in `dir` with `env` prints;
 * none when `dir` is in no git repository. validate asks on every run, so the answer is read from the
 * git index in this process when that gives git's answer for sure (the common layouts: see
 * git-discovery.ts and git-index.ts); otherwise one `git ls-files` process answers (starting it cost
 * about 18 ms of a 230 ms validate).
 */
export function trackedFilesUnder(dir: string, folder: string, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const read = readFromIndex(dir, folder, env);
  return read === undefined ? listWithGit(dir, folder, env) : Promise.resolve(read);
}

/** What the index says, or undefined when git must be asked. */
export function readFromIndex(dir: string, folder: string, env: NodeJS.ProcessEnv): string[] | undefined {
  // Wildcards, `:(magic)`, `.` or `..` would be pathspec syntax, which only git matches exactly.
  if (!/^[A-Za-z0-9_-][A-Za-z0-9_.-]*(\/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$/.test(folder) || !discoversPlainly(env)) return undefined;
  try {
    const repository = discoverRepository(dir);
    if (repository === undefined) return undefined;
    if (repository === 'no-repository') return [];
    const index = readIfPresent(join(repository.gitDir, 'index'));
    // No index yet (a repository without a commit or an add): nothing is tracked.
    if (index === undefined) return [];
    return indexPathsUnder(index, repository.prefix + folder, repository.hashSize)?.map((path) => path.slice(repository.prefix.length));
  } catch {
    return undefined; // a file that cannot be read as expected: git decides
  }
}

/** One `git ls-files` process, without simple-git (starting git three times and loading simple-git cost more than the answer). */
function listWithGit(dir: string, folder: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  return new Promise((resolve) => {
    execFile('git', ['ls-files', '-z', '--', folder], { cwd: dir, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
      // Outside a repository git exits 128 ("not a git repository"): nothing is tracked there.
      resolve(error ? [] : stdout.split('\0').filter(Boolean));
    });
  });
}
