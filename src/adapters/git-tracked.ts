import { execFile } from 'node:child_process';

/**
 * The files git tracks under `folder` of the repository holding `dir`; none when `dir` is in no git
 * repository (or git is absent). One `git ls-files` process, without simple-git: validate calls it on
 * every run, and starting git three times (and loading simple-git) cost more than the answer.
 */
export function trackedFilesUnder(dir: string, folder: string): Promise<string[]> {
  return new Promise((resolve) => {
    execFile('git', ['ls-files', '-z', '--', folder], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
      // Outside a repository git exits 128 ("not a git repository"): nothing is tracked there.
      resolve(error ? [] : stdout.split('\0').filter(Boolean));
    });
  });
}
