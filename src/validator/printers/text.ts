import type { ValidationReport } from '../validate.js';
import { compareViolations, type Violation } from '../violation.js';

export interface TextPrinterOptions {
  /** ANSI colours; the CLI turns them on only for a TTY without NO_COLOR. */
  readonly color: boolean;
}

export interface ViolationCounts {
  readonly errors: number;
  readonly warnings: number;
  /** Files with at least one violation. */
  readonly files: number;
}

export function countViolations(violations: readonly Violation[]): ViolationCounts {
  return {
    errors: violations.filter((violation) => violation.severity === 'error').length,
    warnings: violations.filter((violation) => violation.severity === 'warning').length,
    files: new Set(violations.map((violation) => violation.file)).size,
  };
}

/** "2 errors, 1 warning in 2 files": the last line of the text report and the message of a failed run. */
/** `suppressed`: findings a cp-gitops:ignore comment silenced; named whenever there are any, so none goes unseen. */
export function summarize(violations: readonly Violation[], suppressed: readonly Violation[] = []): string {
  const counts = countViolations(violations);
  const silenced = suppressed.length === 0 ? '' : `; ${suppressed.length} suppressed (${[...new Set(suppressed.map((violation) => `${violation.rule} in ${violation.file}`))].join(', ')})`;
  return `${plural(counts.errors, 'error')}, ${plural(counts.warnings, 'warning')} in ${plural(counts.files, 'file')}${silenced}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

const STYLES = { bold: [1, 22], dim: [2, 22], red: [31, 39], yellow: [33, 39], green: [32, 39] } as const;

/**
 * Violations grouped per file (a blank line between files), one `file:line:column: severity: rule:
 * message` line each (what editors and terminals turn into links), the fix indented below, then the summary.
 */
export function printText(report: ValidationReport, options: TextPrinterOptions): string {
  const paint = (style: keyof typeof STYLES, text: string) => (options.color ? `\u001b[${STYLES[style][0]}m${text}\u001b[${STYLES[style][1]}m` : text);
  const groups = new Map<string, Violation[]>();
  for (const violation of [...report.violations].sort(compareViolations)) {
    const group = groups.get(violation.file) ?? [];
    group.push(violation);
    groups.set(violation.file, group);
  }
  const blocks = [...groups.values()].map((violations) =>
    violations
      .flatMap((violation) => {
        const severity = paint(violation.severity === 'error' ? 'red' : 'yellow', violation.severity);
        const head = `${paint('bold', `${violation.file}:${violation.line}:${violation.column}`)}: ${severity}: ${paint('dim', violation.rule)}: ${violation.message}`;
        return violation.fix ? [head, `  fix: ${violation.fix}`] : [head];
      })
      .join('\n'),
  );
  const counts = countViolations(report.violations);
  const summary = `${summarize(report.violations, report.suppressed)} (${plural(report.stats.files, 'file')} checked)`;
  const coloured = counts.errors > 0 ? paint('red', summary) : counts.warnings > 0 ? paint('yellow', summary) : paint('green', summary);
  return [...blocks, coloured].join('\n\n') + '\n';
}

/** NO_COLOR (https://no-color.org): set and not empty turns colour off, whatever the terminal. */
export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}
