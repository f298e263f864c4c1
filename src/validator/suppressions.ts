import { Lexer } from 'yaml';
import type { FileTree } from '../generator/file-tree.js';
import { isYamlPath } from './sources.js';
import { compareViolations, type Violation } from './violation.js';

/**
 * Per-file suppressions: `# cp-gitops:ignore <rule-id> <reason>` as a comment of a file silences that
 * rule in that file. The reason is mandatory (a silenced check must say why, for the next reviewer);
 * a suppression that silences nothing is reported, so stale ones do not pile up. Only real comments
 * count: in YAML, a comment token of the YAML lexer (never text inside a string or block scalar); in
 * other files, a line that is nothing but the comment. What they silence is still counted in the
 * summary (see SuppressionResult), so a reviewer sees that something was silenced.
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

/**
 * Rules a pull request must not be able to silence in the files it changes: they guard what runs on a
 * reviewer's machine or in CI, and what Argo CD fetches.
 */
export const UNSUPPRESSIBLE_RULES: ReadonlySet<string> = new Set(['policy/generated-hook-changed', 'policy/committed-dependencies', 'kustomize/remote-resource']);

/** Comments of a file as (0-based line, column of `#`, text from `#`). */
function commentsOf(file: string, text: string): { line: number; column: number; text: string }[] {
  if (!isYamlPath(file)) {
    return text.split(/\r?\n/).flatMap((content, line) => {
      const column = content.search(/\S/);
      return column !== -1 && content[column] === '#' ? [{ line, column, text: content.slice(column) }] : [];
    });
  }
  const comments: { line: number; column: number; text: string }[] = [];
  let offset = 0;
  let line = 0;
  let lineStart = 0;
  for (const token of new Lexer().lex(text)) {
    // The lexer's control tokens (document start, scalar marker, flow end) take no room in the source.
    if (token === '\u0002' || token === '\u0018' || token === '\u001f') continue;
    if (token.startsWith('#')) comments.push({ line, column: offset - lineStart, text: token.replace(/\r$/, '') });
    for (let index = token.indexOf('\n'); index !== -1; index = token.indexOf('\n', index + 1)) {
      line += 1;
      lineStart = offset + index + 1;
    }
    offset += token.length;
  }
  return comments;
}

export function findSuppressions(tree: FileTree): { suppressions: Suppression[]; violations: Violation[] } {
  const suppressions: Suppression[] = [];
  const violations: Violation[] = [];
  for (const [file, text] of tree) {
    if (!mayHoldSuppressions(file) || !text.includes(SUPPRESSION_DIRECTIVE)) continue;
    commentsOf(file, text).forEach((comment) => {
      const match = DIRECTIVE.exec(comment.text);
      if (!match || match.index !== 0) return;
      const line = comment.line + 1;
      const column = comment.column + 1;
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
  if (!RULE_ID.test(rule) || rule.startsWith('suppression/') || UNSUPPRESSIBLE_RULES.has(rule)) return `${SUPPRESSION_DIRECTIVE} names "${rule}", which is not a rule id that can be silenced`;
  if (reason === '') return `${SUPPRESSION_DIRECTIVE} ${rule} gives no reason, so it silences nothing`;
  return undefined;
}

/**
 * The final list: violations silenced by a suppression of their file removed, plus the suppressions'
 * own problems. Pure; `suppression/` violations (and UNSUPPRESSIBLE_RULES) cannot be silenced.
 */
export function applySuppressions(violations: readonly Violation[], tree: FileTree): Violation[] {
  return suppressViolations(violations, tree).violations;
}

export interface SuppressionResult {
  readonly violations: Violation[];
  /** What the suppressions silenced: never printed as findings, always counted in the summary. */
  readonly suppressed: Violation[];
}

export function suppressViolations(violations: readonly Violation[], tree: FileTree): SuppressionResult {
  const { suppressions, violations: problems } = findSuppressions(tree);
  const used = new Set<Suppression>();
  const suppressed: Violation[] = [];
  const kept = violations.filter((violation) => {
    if (violation.rule.startsWith('suppression/') || UNSUPPRESSIBLE_RULES.has(violation.rule)) return true;
    const matching = suppressions.filter((suppression) => suppression.file === violation.file && suppression.rule === violation.rule);
    for (const suppression of matching) used.add(suppression);
    if (matching.length > 0) suppressed.push(violation);
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
  return { violations: [...kept, ...problems, ...unused].sort(compareViolations), suppressed: suppressed.sort(compareViolations) };
}
