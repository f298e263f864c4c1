import type { ValidationReport } from '../validate.js';
import { compareViolations, type Severity } from '../violation.js';

export interface SarifPrinterOptions {
  /** cp-gitops' own version, for tool.driver.version. */
  readonly toolVersion: string;
  /** Known rules and what they check; every rule of a result is listed even without one. */
  readonly ruleDescriptions?: Readonly<Record<string, string>>;
}

export const SARIF_VERSION = '2.1.0';
export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const INFORMATION_URI = 'https://www.npmjs.com/package/cp-gitops';

/**
 * SARIF 2.1.0 for code scanning (github/codeql-action/upload-sarif): one run, tool.driver with the
 * rules, one result per violation with its file (relative to the repository root, %SRCROOT%) and
 * line:column. Columns count UTF-16 code units, as the YAML parser does.
 */
export function printSarif(report: ValidationReport, options: SarifPrinterOptions): string {
  const violations = [...report.violations].sort(compareViolations);
  const levels = new Map<string, Severity>();
  for (const violation of violations) if (!levels.has(violation.rule) || violation.severity === 'error') levels.set(violation.rule, violation.severity);
  const suppressed = [...(report.suppressed ?? [])].sort(compareViolations);
  const ids = [...new Set([...Object.keys(options.ruleDescriptions ?? {}), ...levels.keys(), ...suppressed.map((violation) => violation.rule)])].sort();
  const index = new Map(ids.map((id, position) => [id, position]));
  const rules = ids.map((id) => {
    const description = options.ruleDescriptions?.[id] ?? id;
    const level = levels.get(id);
    return { id, shortDescription: { text: description }, ...(level ? { defaultConfiguration: { level } } : {}) };
  });
  // Silenced findings stay in the log as SARIF in-source suppressions, so code scanning shows them as such.
  const results = [...violations.map((violation) => ({ violation, silenced: false })), ...suppressed.map((violation) => ({ violation, silenced: true }))].map(({ violation, silenced }) => ({
    ruleId: violation.rule,
    ruleIndex: index.get(violation.rule)!,
    level: violation.severity,
    message: { text: violation.fix ? `${violation.message}. Fix: ${violation.fix}` : violation.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: violation.file.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' },
          region: { startLine: violation.line, startColumn: violation.column },
        },
      },
    ],
    ...(violation.fix ? { properties: { fix: violation.fix } } : {}),
    ...(silenced ? { suppressions: [{ kind: 'inSource' }] } : {}),
  }));
  const log = {
    $schema: SARIF_SCHEMA,
    version: SARIF_VERSION,
    runs: [
      {
        tool: { driver: { name: 'cp-gitops', version: options.toolVersion, informationUri: INFORMATION_URI, rules } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
