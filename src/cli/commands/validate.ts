import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from '../main.js';

export const FORMATS = ['text', 'json', 'sarif', 'github', 'gitlab'] as const;
export type ReportFormat = (typeof FORMATS)[number];

export interface ValidateArgs {
  dir?: string;
  format?: ReportFormat;
  output?: string;
  render: boolean;
  json: boolean;
}


export function validateCommand(context: CommandContext): CommandModule<object, ValidateArgs> {
  return {
    command: 'validate [dir]',
    describe: 'Check a cp-gitops repository before it is pushed: YAML, the model, overlays, Argo CD manifests, policies',
    builder: (yargs: Argv<object>) =>
      yargs
        .positional('dir', { type: 'string', describe: 'Root of the repository (where cp-gitops.yaml is)', defaultDescription: 'found walking up to cp-gitops.yaml' })
        .option('format', { type: 'string', choices: FORMATS, describe: 'Report format', defaultDescription: 'text (json with --json)' })
        .option('output', { type: 'string', describe: 'Write the --format report to this file (replaced whole) and print the text report on stdout, so one run feeds a CI report and the job log' })
        .option('render', { type: 'boolean', default: false, describe: "Also render every overlay with the real Kustomize (kustomize, else kubectl kustomize) and report differences from the validator's build" })
        .example('$0 validate', 'Check the repository in the current folder; exit 1 on errors (warnings are allowed)')
        .example('$0 validate ./my-platform --render', 'Also compare with what Kustomize itself renders')
        .example('$0 validate --format sarif > results.sarif', 'SARIF 2.1.0 for GitHub code scanning')
        .example('$0 validate --render --format gitlab --output gl-code-quality-report.json', 'In GitLab CI: a Code Quality report for the merge request widget, the text report in the job log')
        .example('$0 validate --json', 'One JSON document: violations and figures')
        .example('$0 validate --render --format github', 'In GitHub Actions: annotations on the files, and the job summary ($GITHUB_STEP_SUMMARY)')
        .epilogue('Silence a rule in one file with a comment in it: # cp-gitops:ignore <rule-id> <reason> (counted in the summary)\nExit codes: 0 no errors (warnings allowed), 1 errors, 2 usage error.') as unknown as Argv<ValidateArgs>,
    handler: async (args) => {
      const { runValidate } = await import('./validate-run.js');
      await runValidate(args, context);
    },
  };
}

