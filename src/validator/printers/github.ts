import type { ValidationReport } from '../validate.js';
import { compareViolations, type Violation } from '../violation.js';
import { summarize } from './text.js';

/**
 * GitHub Actions workflow commands (https://docs.github.com/actions/reference/workflows-and-actions/workflow-commands):
 * one `::error` / `::warning` annotation per violation on its file and line, shown on the pull
 * request's changed files on every repository, with or without code scanning. Then the summary line.
 */
export function printGithubAnnotations(report: ValidationReport): string {
  const lines = [...report.violations].sort(compareViolations).map((violation) => {
    const properties = [`file=${escapeProperty(violation.file)}`, `line=${violation.line}`, `col=${violation.column}`, `title=${escapeProperty(violation.rule)}`].join(',');
    return `::${violation.severity} ${properties}::${escapeData(violation.fix ? `${violation.message}\nfix: ${violation.fix}` : violation.message)}`;
  });
  return [...lines, `${summarize(report.violations)} (${report.stats.files} files checked)`].join('\n') + '\n';
}

/** Markdown for $GITHUB_STEP_SUMMARY: the counts, then one table row per violation. */
export function printGithubSummary(report: ValidationReport): string {
  const violations = [...report.violations].sort(compareViolations);
  const head = [`### cp-gitops validate`, '', `${summarize(report.violations)}; ${report.stats.files} files, ${report.stats.overlays} overlays and ${report.stats.resources} rendered resources checked.`];
  if (violations.length === 0) return [...head, ''].join('\n');
  const rows = violations.map((violation: Violation) => `| ${violation.severity} | \`${cell(violation.file)}:${violation.line}:${violation.column}\` | \`${cell(violation.rule)}\` | ${cell(violation.message)}${violation.fix ? `<br>fix: ${cell(violation.fix)}` : ''} |`);
  return [...head, '', '| severity | where | rule | message |', '| --- | --- | --- | --- |', ...rows, ''].join('\n');
}

// The escapes of @actions/core (toCommandValue/escapeData/escapeProperty): a message stays one command.
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
