import type { ChangePlan } from './plan.js';

/** The last line of every commit cp-gitops makes: how a re-run tells its own commits from a reviewer's. */
export const COMMIT_MARKER = 'Made by cp-gitops.';

export function isCpGitopsCommit(message: string): boolean {
  return message.trimEnd().endsWith(COMMIT_MARKER);
}

/**
 * The commit message of a change: title, one line per changed field, then the plan's warnings. The
 * warnings travel with the commit because a pull request body can be edited and a commit cannot, and
 * `git log` is where an operator looks when the cluster behaves differently after a merge.
 */
export function commitMessage(change: Pick<ChangePlan, 'title' | 'changes' | 'warnings'>): string {
  const lines = change.changes.map((row) => `- ${row.env}: ${row.component} ${row.field} ${row.from} → ${row.to}`);
  const warnings = (change.warnings ?? []).map((warning) => `- ${warning}`);
  return [change.title, '', ...lines, '', ...(warnings.length > 0 ? ['Warnings:', ...warnings, ''] : []), COMMIT_MARKER].join('\n');
}
