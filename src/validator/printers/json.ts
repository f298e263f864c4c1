import type { ValidationReport } from '../validate.js';
import { JSON_SCHEMA_VERSION } from '../../json-version.js';
import { compareViolations, groupViolations, hasErrors } from '../violation.js';
import { countViolations, summarize } from './text.js';

/**
 * One JSON document for scripts (shape: docs/json/validate.schema.json): `ok` (no errors), the summary
 * line, the figures, the findings with their places, and every violation as plain data.
 */
export function printJson(report: ValidationReport): string {
  const counts = countViolations(report.violations);
  const document = {
    schemaVersion: JSON_SCHEMA_VERSION,
    command: 'validate',
    ok: !hasErrors(report.violations),
    summary: summarize(report.violations, report.suppressed),
    stats: {
      errors: counts.errors,
      places: counts.places,
      warnings: counts.warnings,
      filesWithViolations: counts.files,
      filesChecked: report.stats.files,
      overlays: report.stats.overlays,
      resources: report.stats.resources,
      suppressed: report.suppressed?.length ?? 0,
    },
    /** One entry per problem with all its places (what the text report prints). */
    findings: groupViolations(report.violations),
    /** One entry per place, as before findings existed. */
    violations: [...report.violations].sort(compareViolations),
    suppressed: [...(report.suppressed ?? [])],
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
