import { resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { isDirectory, readTree } from '../../adapters/fs.js';
import { findKustomize } from '../../adapters/kustomize.js';
import { UsageError, ValidationFailedError } from '../../errors.js';
import { packageVersion } from '../../package-root.js';
import { printJson } from '../../validator/printers/json.js';
import { printSarif } from '../../validator/printers/sarif.js';
import { printText, summarize, wantsColor } from '../../validator/printers/text.js';
import { RULE_DESCRIPTIONS, validateTree } from '../../validator/full-validation.js';
import { hasErrors } from '../../validator/violation.js';
import type { CommandContext } from '../main.js';

export const FORMATS = ['text', 'json', 'sarif'] as const;
export type ReportFormat = (typeof FORMATS)[number];

interface ValidateArgs {
  dir: string;
  format?: ReportFormat;
  render: boolean;
  json: boolean;
}

/** Folders never read: Git's own data, and dependencies when the repository is also an npm project. */
const SKIPPED = new Set(['.git', 'node_modules']);

export function validateCommand(context: CommandContext): CommandModule<object, ValidateArgs> {
  return {
    command: 'validate [dir]',
    describe: 'Check a cp-gitops repository before it is pushed: YAML, the model, overlays, Argo CD manifests, policies',
    builder: (yargs: Argv<object>) =>
      yargs
        .positional('dir', { type: 'string', default: '.', describe: 'Root of the repository (where cp-gitops.yaml is)' })
        .option('format', { type: 'string', choices: FORMATS, describe: 'Report format', defaultDescription: 'text (json with --json)' })
        .option('render', { type: 'boolean', default: false, describe: "Also render every overlay with the real Kustomize (kustomize, else kubectl kustomize) and report differences from the validator's build" })
        .example('$0 validate', 'Check the repository in the current folder; exit 1 on errors (warnings are allowed)')
        .example('$0 validate ./my-platform --render', 'Also compare with what Kustomize itself renders')
        .example('$0 validate --format sarif > results.sarif', 'SARIF 2.1.0 for GitHub code scanning')
        .example('$0 validate --json', 'One JSON document: violations and figures')
        .epilogue('Silence a rule in one file with a comment anywhere in it: # cp-gitops:ignore <rule-id> <reason>\nExit codes: 0 no errors (warnings allowed), 1 errors, 2 usage error.') as unknown as Argv<ValidateArgs>,
    handler: async (args) => {
      runValidate(args, context);
    },
  };
}

function runValidate(args: ValidateArgs, context: CommandContext): void {
  if (args.json && args.format !== undefined && args.format !== 'json') {
    throw new UsageError(`--json asks for JSON but --format asks for ${args.format}`, `use --format ${args.format} alone, or --json alone`);
  }
  const format: ReportFormat = args.format ?? (args.json ? 'json' : 'text');
  const root = resolve(context.cwd, args.dir);
  if (!isDirectory(root)) throw new UsageError(`${root} is not a folder`, 'pass the root folder of a repository made by cp-gitops init');

  const tree = readTree(root, SKIPPED);
  const render = args.render ? { root, renderer: findKustomize(context.env) } : undefined;
  const report = validateTree(tree, render ? { render } : {});

  const stdout = context.streams.stdout as { write(text: string): unknown; isTTY?: boolean };
  switch (format) {
    case 'json':
      stdout.write(printJson(report));
      break;
    case 'sarif':
      stdout.write(printSarif(report, { toolVersion: packageVersion(), ruleDescriptions: RULE_DESCRIPTIONS }));
      break;
    default:
      stdout.write(printText(report, { color: wantsColor(stdout, context.env) }));
  }
  if (hasErrors(report.violations)) {
    throw new ValidationFailedError(summarize(report.violations), {
      reportPrinted: true,
      hint: 'fix the errors reported above; to accept an exception in one file, add # cp-gitops:ignore <rule-id> <reason> to it',
    });
  }
}
