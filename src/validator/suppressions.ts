import type { FileTree } from '../generator/file-tree.js';
import { compareViolations, type Violation } from './violation.js';

/**
 * Per-file suppressions: `# cp-gitops:ignore <rule-id> <reason>` anywhere in a file silences that
 * rule in that file. The reason is mandatory (a silenced check must say why, for the next reviewer);
 * a suppression that silences nothing is reported, so stale ones do not pile up.
 */
export const SUPPRESSION_RULES: Readonly<Record<string, string>> = {
  'suppression/missing-reason': 'A cp-gitops:ignore comment names a rule and says why',
  'suppression/unused': 'A cp-gitops:ignore comment silences something',
};

export const SUPPRESSION_DIRECTIVE = 'cp-gitops:ignore';

export interface Suppression {
  readonly file: string;
  readonly line: number;
  /** Of the `#`. */
  readonly column: number;
  readonly rule: string;
  readonly reason: string;
}

/** `#` at the start of a line or after whitespace (so not inside a URL such as …/x#frag). */
const DIRECTIVE = /(^|\s)#\s*cp-gitops:ignore(?=\s|$)(.*)$/;
const RULE_ID = /^[a-z0-9-]+\/[a-z0-9-]+$/;

/** Markdown uses `#` for headings: a README that documents the syntax must not suppress anything. */
function mayHoldSuppressions(path: string): boolean {
  return !/\.(md|markdown)$/i.test(path);
}

export function findSuppressions(tree: FileTree): { suppressions: Suppression[]; violations: Violation[] } {
  const suppressions: Suppression[] = [];
  const violations: Violation[] = [];
  for (const [file, text] of tree) {
    if (!mayHoldSuppressions(file) || !text.includes(SUPPRESSION_DIRECTIVE)) continue;
    text.split(/\r?\n/).forEach((content, index) => {
      const match = DIRECTIVE.exec(content);
      if (!match) return;
      const line = index + 1;
      const column = match.index + match[1]!.length + 1;
      const [rule = '', ...words] = match[2]!.trim().split(/\s+/).filter(Boolean);
      const reason = words.join(' ');
      const problem = directiveProblem(rule, reason);
      if (problem) {
        violations.push({
          rule: 'suppression/missing-reason',
          severity: 'error',
          file,
          line,
          column,
          message: problem,
          fix: `write # ${SUPPRESSION_DIRECTIVE} <rule-id> <why this file is an exception>, for example # ${SUPPRESSION_DIRECTIVE} policy/image-tag the tag is set by the release pipeline`,
        });
        return;
      }
      suppressions.push({ file, line, column, rule, reason });
    });
  }
  return { suppressions, violations };
}

function directiveProblem(rule: string, reason: string): string | undefined {
  if (rule === '') return `${SUPPRESSION_DIRECTIVE} names no rule and gives no reason`;
  if (!RULE_ID.test(rule) || rule.startsWith('suppression/')) return `${SUPPRESSION_DIRECTIVE} names "${rule}", which is not a rule id that can be silenced`;
  if (reason === '') return `${SUPPRESSION_DIRECTIVE} ${rule} gives no reason, so it silences nothing`;
  return undefined;
}

/**
 * The final list: violations silenced by a suppression of their file removed, plus the suppressions'
 * own problems. Pure; `suppression/` violations themselves cannot be silenced.
 */
export function applySuppressions(violations: readonly Violation[], tree: FileTree): Violation[] {
  const { suppressions, violations: problems } = findSuppressions(tree);
  const used = new Set<Suppression>();
  const kept = violations.filter((violation) => {
    if (violation.rule.startsWith('suppression/')) return true;
    const matching = suppressions.filter((suppression) => suppression.file === violation.file && suppression.rule === violation.rule);
    for (const suppression of matching) used.add(suppression);
    return matching.length === 0;
  });
  const unused: Violation[] = suppressions
    .filter((suppression) => !used.has(suppression))
    .map((suppression) => ({
      rule: 'suppression/unused',
      severity: 'warning',
      file: suppression.file,
      line: suppression.line,
      column: suppression.column,
      message: `${SUPPRESSION_DIRECTIVE} ${suppression.rule} silences nothing in this file`,
      fix: 'remove the comment (the problem it silenced is gone) or correct the rule id',
    }));
  return [...kept, ...problems, ...unused].sort(compareViolations);
}
