import type { ValidationReport } from '../validate.js';
import { groupViolations, type FindingLocation, type Violation } from '../violation.js';

export interface TextPrinterOptions {
  /** ANSI colours; the CLI turns them on only for a TTY without NO_COLOR. */
  readonly color: boolean;
}

export interface ViolationCounts {
  /** Findings (problems), not places: one problem in eleven files counts once. */
  readonly errors: number;
  readonly warnings: number;
  /** Places: every file:line:column of every finding. */
  readonly places: number;
  /** Files with at least one violation. */
  readonly files: number;
}

export function countViolations(violations: readonly Violation[]): ViolationCounts {
  const findings = groupViolations(violations);
  return {
    errors: findings.filter((finding) => finding.severity === 'error').length,
    warnings: findings.filter((finding) => finding.severity === 'warning').length,
    places: violations.length,
    files: new Set(violations.map((violation) => violation.file)).size,
  };
}

/**
 * "2 errors, 1 warning in 2 files", "0 errors, 1 warning (11 places) in 11 files", or "no errors or
 * warnings": the last line of the text report and the message of a failed run. `suppressed`: findings
 * a cp-gitops:ignore comment silenced, named whenever there are any, so none goes unseen.
 */
export function summarize(violations: readonly Violation[], suppressed: readonly Violation[] = []): string {
  const counts = countViolations(violations);
  const silenced = suppressed.length === 0 ? '' : `; ${suppressed.length} suppressed (${[...new Set(suppressed.map((violation) => `${violation.rule} in ${violation.file}`))].join(', ')})`;
  if (violations.length === 0) return `no errors or warnings${silenced}`;
  const places = counts.places > counts.errors + counts.warnings ? ` (${counts.places} places)` : '';
  return `${plural(counts.errors, 'error')}, ${plural(counts.warnings, 'warning')}${places} in ${plural(counts.files, 'file')}${silenced}`;
}

/** What was looked at, so a clean result says how much it covers: "73 files, 3 overlays, 412 resources checked". */
export function describeChecked(stats: ValidationReport['stats']): string {
  return `${plural(stats.files, 'file')}, ${plural(stats.overlays, 'overlay')}, ${plural(stats.resources, 'rendered resource')} checked`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

const STYLES = { bold: [1, 22], dim: [2, 22], red: [31, 39], yellow: [33, 39], green: [32, 39] } as const;

/**
 * One block per finding (a blank line between them): `file:line:column: severity: rule: message` at its
 * first place (what editors and terminals turn into links), its other places below it, the fix, then
 * the summary with what was checked.
 */
export function printText(report: ValidationReport, options: TextPrinterOptions): string {
  const paint = (style: keyof typeof STYLES, text: string) => (options.color ? `\u001b[${STYLES[style][0]}m${text}\u001b[${STYLES[style][1]}m` : text);
  const where = (location: FindingLocation) => `${location.file}:${location.line}:${location.column}`;
  const blocks = groupViolations(report.violations).map((finding) => {
    const [first, ...others] = finding.locations as [FindingLocation, ...FindingLocation[]];
    const severity = paint(finding.severity === 'error' ? 'red' : 'yellow', finding.severity);
    const count = others.length > 0 ? ` (${finding.locations.length} places)` : '';
    const head = `${paint('bold', where(first))}: ${severity}: ${paint('dim', finding.rule)}: ${finding.message}${count}`;
    return [head, ...others.map((location) => `  also: ${paint('bold', where(location))}`), ...(finding.fix ? [`  fix: ${finding.fix}`] : [])].join('\n');
  });
  const counts = countViolations(report.violations);
  const summary = `${summarize(report.violations, report.suppressed)} (${describeChecked(report.stats)})`;
  const coloured = counts.errors > 0 ? paint('red', summary) : counts.warnings > 0 ? paint('yellow', summary) : paint('green', summary);
  return [...blocks, coloured].join('\n\n') + '\n';
}

/** NO_COLOR (https://no-color.org): set and not empty turns colour off, whatever the terminal. */
export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}
