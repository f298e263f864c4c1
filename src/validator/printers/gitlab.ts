import { createHash } from 'node:crypto';
import type { ValidationReport } from '../validate.js';
import { compareViolations, type Severity, type Violation } from '../violation.js';

/** One issue of a GitLab Code Quality report (the subset of the Code Climate format GitLab reads). */
export interface CodeQualityIssue {
  readonly description: string;
  readonly check_name: string;
  readonly fingerprint: string;
  readonly severity: 'info' | 'minor' | 'major' | 'critical' | 'blocker';
  readonly location: { readonly path: string; readonly lines: { readonly begin: number } };
}

/** Errors fail the pipeline and rank above warnings in the widget, as GitLab's linter formatters map them. */
const SEVERITY: Readonly<Record<Severity, CodeQualityIssue['severity']>> = { error: 'major', warning: 'minor' };

/**
 * A GitLab Code Quality report (https://docs.gitlab.com/ci/testing/code_quality/, "Code Quality report
 * format"): a JSON array with one issue per violation, for `artifacts:reports:codequality`. GitLab
 * compares fingerprints between the merge request's report and the target branch's, so a fingerprint
 * names the finding, not its line: rule, file, message and which occurrence of that same finding in the
 * file it is (in line order). A finding that moves keeps its fingerprint; two in one file stay distinct.
 * Suppressed findings are left out: the format has no way to mark them.
 */
export function printGitlabCodeQuality(report: ValidationReport): string {
  const occurrences = new Map<string, number>();
  const issues: CodeQualityIssue[] = [...report.violations].sort(compareViolations).map((violation) => {
    const identity = [violation.rule, violation.file, violation.message].join('\u0000');
    const occurrence = (occurrences.get(identity) ?? 0) + 1;
    occurrences.set(identity, occurrence);
    return {
      description: description(violation),
      check_name: violation.rule,
      fingerprint: createHash('sha256').update(`${identity}\u0000${occurrence}`, 'utf8').digest('hex').slice(0, 32),
      severity: SEVERITY[violation.severity],
      location: { path: violation.file, lines: { begin: violation.line } },
    };
  });
  return `${JSON.stringify(issues, null, 2)}\n`;
}

function description(violation: Violation): string {
  return violation.fix ? `${violation.message}. Fix: ${violation.fix}` : violation.message;
}
