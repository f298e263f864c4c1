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
