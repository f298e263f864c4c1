import type { ValidationReport } from '../validate.js';
import { compareViolations, hasErrors } from '../violation.js';
import { countViolations, summarize } from './text.js';

/**
 * One JSON document for scripts: `ok` (no errors), the summary line, the figures, and every violation
 * as plain data (rule, severity, file, line, column, message, fix).
 */
export function printJson(report: ValidationReport): string {
  const counts = countViolations(report.violations);
  const document = {
    ok: !hasErrors(report.violations),
    summary: summarize(report.violations, report.suppressed),
    stats: {
      errors: counts.errors,
      warnings: counts.warnings,
      filesWithViolations: counts.files,
      filesChecked: report.stats.files,
      overlays: report.stats.overlays,
      resources: report.stats.resources,
      suppressed: report.suppressed?.length ?? 0,
    },
    violations: [...report.violations].sort(compareViolations),
    suppressed: [...(report.suppressed ?? [])],
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
