import { resolve } from 'node:path';
import { appendTextFile, isDirectory, readTree, writeFileAtomic } from '../../adapters/fs.js';
import { findKustomize } from '../../adapters/kustomize.js';
import { loadTemplates } from '../../adapters/templates.js';
import type { FileTree } from '../../generator/file-tree.js';
import { layout } from '../../generator/layout.js';
import { generateRepository } from '../../generator/repository.js';
import { parsePlatformModel } from '../../model/parse.js';
import { MODEL_FILE } from '../../model/types.js';
import { trackedFilesUnder } from '../../adapters/git-tracked.js';
import { driftCacheFor, type DriftCache } from '../../adapters/drift-cache.js';
import { expectedFromDigests, expectedFromTree, type ExpectedFiles } from '../../validator/expected-files.js';
import { committedDependencyViolations } from '../../validator/rules/integrity.js';
import { defaultSchemaCacheDir } from '../../adapters/schema-cache.js';
import { UsageError, ValidationFailedError } from '../../errors.js';
import { packageVersion } from '../../package-root.js';
import { printGithubAnnotations, printGithubSummary } from '../../validator/printers/github.js';
import { printGitlabCodeQuality } from '../../validator/printers/gitlab.js';
import { printJson } from '../../validator/printers/json.js';
import { printSarif } from '../../validator/printers/sarif.js';
import { printText, summarize, wantsColor } from '../../validator/printers/text.js';
import { RULE_DESCRIPTIONS, validateTree } from '../../validator/full-validation.js';
import { hasErrors } from '../../validator/violation.js';
import type { CommandContext } from '../main.js';
import { repositoryRoot } from './repository-root.js';
import type { ReportFormat, ValidateArgs } from './validate.js';

/** Folders never read: Git's own data, dependencies when the repository is also an npm project, and npm's cache in GitLab CI. */
const SKIPPED = new Set(['.git', 'node_modules', layout.ciNpmCache]);

export async function runValidate(args: ValidateArgs, context: CommandContext): Promise<void> {
  if (args.json && args.format !== undefined && args.format !== 'json') {
    throw new UsageError(`--json asks for JSON but --format asks for ${args.format}`, `use --format ${args.format} alone, or --json alone`);
  }
  const format: ReportFormat = args.format ?? (args.json ? 'json' : 'text');
  const root = repositoryRoot(context.cwd, args.dir);
  const output = args.output === undefined ? undefined : resolve(context.cwd, args.output);
  if (args.output !== undefined && (args.output.trim() === '' || isDirectory(output!))) {
    throw new UsageError(`--output ${JSON.stringify(args.output)} is not a file path`, 'pass the file to write the report to, e.g. --output gl-code-quality-report.json');
  }
  if (!isDirectory(root)) throw new UsageError(`${root} is not a folder`, 'pass the root folder of a repository made by cp-gitops init');

  const tree = readTree(root, SKIPPED);
  const render = args.render ? { root, renderer: findKustomize(context.env) } : undefined;
  const expected = expectedFromModel(tree, driftCacheFor(context.env));
  // node_modules/ is never read as manifests, but git tracking it is a finding (its code would run on push).
  const dependencies = committedDependencyViolations(await trackedFilesUnder(root, 'node_modules', context.env));
  const report = validateTree(tree, { ...(render ? { render } : {}), ...(expected ? { expected } : {}), schemaCacheDir: defaultSchemaCacheDir(context.env), extraViolations: dependencies });

  const stdout = context.streams.stdout as { write(text: string): unknown; isTTY?: boolean };
  const text = () => printText(report, { color: wantsColor(stdout, context.env) });
  const printed = format === 'text' ? text() : printReport(format, report);
  if (output !== undefined) {
    // The whole report or nothing: a CI that uploads it never reads half a file.
    writeFileAtomic(output, printed);
    stdout.write(text());
  } else {
    stdout.write(printed);
  }
  // The job summary is GitHub's file for it; outside Actions there is none, and nothing is written.
  if (format === 'github' && context.env.GITHUB_STEP_SUMMARY) appendTextFile(context.env.GITHUB_STEP_SUMMARY, printGithubSummary(report));
  if (hasErrors(report.violations)) {
    throw new ValidationFailedError(summarize(report.violations, report.suppressed), {
      reportPrinted: true,
      hint: 'fix the errors reported above; to accept an exception in one file, add # cp-gitops:ignore <rule-id> <reason> to it',
    });
  }
}

/** The report in a machine format (text depends on the terminal, so the caller prints it). */
function printReport(format: Exclude<ReportFormat, 'text'>, report: ReturnType<typeof validateTree>): string {
  switch (format) {
    case 'json':
      return printJson(report);
    case 'github':
      return printGithubAnnotations(report);
    case 'sarif':
      return printSarif(report, { toolVersion: packageVersion(), ruleDescriptions: RULE_DESCRIPTIONS });
    case 'gitlab':
      return printGitlabCodeQuality(report);
  }
}

/**
 * What the repository's cp-gitops.yaml generates with this cp-gitops, for drift detection; undefined
 * when the model is broken (model/ reports why). From the drift cache when this build has generated
 * this very model before (decision 99), else generated here and remembered.
 */
function expectedFromModel(tree: FileTree, cache: DriftCache | undefined): ExpectedFiles | undefined {
  const text = tree.get(MODEL_FILE);
  if (text === undefined) return undefined;
  const digests = cache?.read(text);
  if (digests !== undefined) return expectedFromDigests(digests, () => generatedFrom(text));
  const generated = generatedFrom(text);
  if (generated === undefined) return undefined;
  cache?.write(text, generated);
  return expectedFromTree(generated);
}

function generatedFrom(modelText: string): FileTree | undefined {
  try {
    return generateRepository(parsePlatformModel(modelText, MODEL_FILE), loadTemplates());
  } catch {
    return undefined;
  }
}
