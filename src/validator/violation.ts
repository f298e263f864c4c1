/** One finding of `cp-gitops validate`. Text, JSON and SARIF are three printers of the same list. */
export type Severity = 'error' | 'warning';

export interface Violation {
  /** Stable id, `family/name`, e.g. `kustomize/patch-target-missing`; used to silence it. */
  readonly rule: string;
  readonly severity: Severity;
  /** Repository-relative POSIX path. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly column: number;
  readonly message: string;
  /** What to do about it. */
  readonly fix?: string;
}

export function compareViolations(a: Violation, b: Violation): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
}

export function hasErrors(violations: readonly Violation[]): boolean {
  return violations.some((violation) => violation.severity === 'error');
}

/** The same finding reached twice (a base shared by several overlays) is reported once. */
export function dedupeViolations(violations: readonly Violation[]): Violation[] {
  const seen = new Set<string>();
  return violations.filter((violation) => {
    const key = `${violation.rule}|${violation.file}|${violation.line}|${violation.column}|${violation.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Where a finding is: one of possibly many places of the same problem. */
export interface FindingLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** One problem and every place it shows (the same placeholder URL in eleven files is one finding). */
export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  readonly fix?: string;
  /** Sorted; the first is where a reader starts. */
  readonly locations: readonly FindingLocation[];
}

/** Violations with the same rule, severity, message and fix are one finding; ordered by first place. */
export function groupViolations(violations: readonly Violation[]): Finding[] {
  const groups = new Map<string, { rule: string; severity: Severity; message: string; fix?: string; locations: FindingLocation[] }>();
  for (const violation of [...violations].sort(compareViolations)) {
    const key = `${violation.rule}\u0000${violation.severity}\u0000${violation.message}\u0000${violation.fix ?? ''}`;
    const group = groups.get(key);
    const location = { file: violation.file, line: violation.line, column: violation.column };
    if (group) group.locations.push(location);
    else groups.set(key, { rule: violation.rule, severity: violation.severity, message: violation.message, ...(violation.fix ? { fix: violation.fix } : {}), locations: [location] });
  }
  return [...groups.values()];
}
