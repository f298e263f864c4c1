import { normalizeEol } from '../../generator/checksums.js';
import { generatedExecutables } from '../../generator/repository.js';
import type { RuleContext, RuleFamily } from '../validate.js';
import { firstDifferentLine } from '../expected-files.js';
import type { Violation } from '../violation.js';

export const INTEGRITY_RULES: Readonly<Record<string, string>> = {
  'policy/generated-hook-changed': 'Git hooks and CI workflows are exactly what this cp-gitops generates (they run on every clone and in CI)',
  'policy/committed-dependencies': 'No node_modules/ in the repository: code there would run on the next push (pre-push hook) of whoever checks it out',
};

/** Files that run code on a reviewer's machine (git hooks) or in CI with its secrets (GitHub workflows, GitLab CI). */
const EXECUTED = [/^\.githooks\//, /^\.github\/workflows\//, /^\.gitlab-ci\.yml$/];

const FIX =
  'restore it as cp-gitops generates it: run cp-gitops generate (with --force if it reports the file as edited by hand) and commit; delete a hook or workflow cp-gitops does not generate. Protect .githooks/, .github/workflows/ and .cp-gitops/ with CODEOWNERS so such a change gets a review';

/**
 * A pull request that edits .githooks/pre-push or a workflow gets its code run by whoever pushes next
 * or by CI. Such files must be exactly what this cp-gitops generates (the generator's own output),
 * not what the checksum record under .cp-gitops/generated/ says: the record is repository content,
 * and a pull request can rewrite it along with the hook. Line endings do not count (.gitattributes).
 */
export const integrityRules: RuleFamily = (context: RuleContext): Violation[] => {
  const reference = generatedExecutables();
  const violations: Violation[] = [];
  for (const [path, content] of context.sources.tree) {
    if (!EXECUTED.some((pattern) => pattern.test(path))) continue;
    const generated = reference.get(path);
    const line = generated === undefined ? 1 : firstDifferentLine(normalizeEol(content), generated);
    if (line === undefined) continue;
    violations.push({
      rule: 'policy/generated-hook-changed',
      severity: 'error',
      file: path,
      line,
      column: 1,
      message:
        generated === undefined
          ? `${path} is not a file cp-gitops generates, and it runs code (on git push, or in CI)`
          : `${path} differs from what cp-gitops generates from line ${line} on, and it runs code (on git push, or in CI)`,
      fix: FIX,
    });
  }
  return violations;
};

/** `paths`: what git tracks under node_modules/ (from the git adapter). One finding for the folder. */
export function committedDependencyViolations(paths: readonly string[]): Violation[] {
  if (paths.length === 0) return [];
  return [
    {
      rule: 'policy/committed-dependencies',
      severity: 'error',
      file: paths[0]!,
      line: 1,
      column: 1,
      message: `node_modules/ is committed (${paths.length} file${paths.length === 1 ? '' : 's'}): the pre-push hook would run code that came with a commit instead of the cp-gitops you installed`,
      fix: 'remove it from git (git rm -r --cached node_modules && git commit) and install dependencies with npm ci; .gitignore lists node_modules/',
    },
  ];
}
