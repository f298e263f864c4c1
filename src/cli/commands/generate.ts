import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from '../main.js';

export interface GenerateArgs {
  dir?: string;
  check: boolean;
  'dry-run': boolean;
  force: boolean;
  json: boolean;
}

export function generateCommand(context: CommandContext): CommandModule<object, GenerateArgs> {
  return {
    command: 'generate [dir]',
    describe: 'Rewrite every generated file from cp-gitops.yaml with this cp-gitops (local files only: review, commit and open the pull request yourself)',
    builder: (yargs: Argv<object>) =>
      yargs
        .positional('dir', { type: 'string', describe: 'Root of the repository (where cp-gitops.yaml is)', defaultDescription: 'found walking up to cp-gitops.yaml' })
        .option('check', { type: 'boolean', default: false, describe: 'Write nothing; exit 1 and list the files that do not match cp-gitops.yaml (for CI)' })
        .option('dry-run', { type: 'boolean', default: false, describe: 'Write nothing; list what would change (exit 0)' })
        .option('force', { type: 'boolean', default: false, describe: 'Also overwrite (or delete) generated files edited by hand' })
        .example('$0 generate', 'After editing cp-gitops.yaml (repoURL, a cluster, a new environment): bring overlays/, argocd/ and the docs to it')
        .example('$0 generate --check', 'In CI: fail when a generated file no longer matches cp-gitops.yaml')
        .example('$0 generate --dry-run --json', 'One JSON document: {file, action} per file, nothing written')
        .epilogue(
          'New environments and Kafka clusters get their overlays, Argo CD apps and root apps; files of removed ones are deleted.\n' +
            'cp-gitops.yaml is the input and is never rewritten. A generated file edited by hand since cp-gitops wrote it\n' +
            '(see .cp-gitops/generated/) is reported and nothing is written, unless --force.\n' +
            'Team flow: edit cp-gitops.yaml on a branch → cp-gitops generate → commit → pull request.\n' +
            'Exit codes: 0 done (or nothing to do), 1 drift with --check, hand edits, or a failure, 2 usage error.',
        ) as unknown as Argv<GenerateArgs>,
    handler: async (args) => {
      const { runRegenerate } = await import('./regenerate-run.js');
      runRegenerate({ ...args, scope: 'repository' }, context);
    },
  };
}
