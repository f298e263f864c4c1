/**
 * One error family for the whole tool. Everything below src/cli throws these; the single handler in
 * src/cli/main.ts prints `message` and `hint` and turns `exitCode` into the process exit code, so
 * scripts can trust it: 1 = the operation failed, 2 = the command line was wrong.
 */
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export class CpGitopsError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(code: string, message: string, options: { hint?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** Wrong flags or arguments: exit code 2, like yargs' own usage errors. */
export class UsageError extends CpGitopsError {
  constructor(message: string, hint?: string) {
    super('usage', message, { hint, exitCode: 2 });
  }
}

/** A problem located in a file: the message starts with file:line:column. */
export class ModelError extends CpGitopsError {
  readonly problems: readonly LocatedProblem[];

  constructor(problems: readonly LocatedProblem[], hint?: string) {
    super('model', problems.map(formatLocatedProblem).join('\n'), { hint });
    this.problems = problems;
  }
}

export interface LocatedProblem extends SourcePosition {
  readonly message: string;
  readonly fix?: string;
}

export function formatLocatedProblem(problem: LocatedProblem): string {
  const where = `${problem.file}:${problem.line}:${problem.column}`;
  return problem.fix ? `${where}: ${problem.message} (fix: ${problem.fix})` : `${where}: ${problem.message}`;
}

/** The target directory cannot be used (not empty, not ours, not writable). */
export class WorkspaceError extends CpGitopsError {
  constructor(message: string, hint?: string) {
    super('workspace', message, { hint });
  }
}

export class GitError extends CpGitopsError {
  constructor(message: string, hint?: string, cause?: unknown) {
    super('git', message, { hint, cause });
  }
}

/**
 * `cp-gitops validate` (or a command that validates before it writes) found errors. The message is the
 * summary ("2 errors, 1 warning in 2 files"). With `reportPrinted`, the command already printed the whole
 * report (text, JSON or SARIF on stdout): the handler then only sets the exit code and writes the
 * summary to stderr, so stdout stays one document.
 */
export class ValidationFailedError extends CpGitopsError {
  readonly reportPrinted: boolean;

  constructor(summary: string, options: { hint?: string; reportPrinted?: boolean } = {}) {
    super('validation', summary, { hint: options.hint, exitCode: 1 });
    this.reportPrinted = options.reportPrinted ?? false;
  }
}

export class ToolNotFoundError extends CpGitopsError {
  constructor(message: string, hint?: string) {
    super('tool-not-found', message, { hint });
  }
}
