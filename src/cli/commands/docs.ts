import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from '../main.js';

export interface DocsArgs {
  dir?: string;
  check: boolean;
  'dry-run': boolean;
  json: boolean;
}

export function docsCommand(context: CommandContext): CommandModule<object, DocsArgs> {
  return {
    command: 'docs [dir]',
    describe: "Regenerate the repository's README.md and docs/architecture.md from its cp-gitops.yaml",
    builder: (yargs: Argv<object>) =>
      yargs
        .positional('dir', { type: 'string', describe: 'Root of the repository (where cp-gitops.yaml is)', defaultDescription: 'found walking up to cp-gitops.yaml' })
        .option('check', { type: 'boolean', default: false, describe: 'Write nothing; exit 1 and list the documents that are stale (for CI)' })
        .option('dry-run', { type: 'boolean', default: false, describe: 'Write nothing; list what would be rewritten (exit 0)' })
        .example('$0 docs', 'After editing cp-gitops.yaml by hand: rewrite the documents that no longer match it')
        .example('$0 docs ./my-platform --check', 'In CI: fail when a document is stale')
        .example('$0 docs --dry-run --json', 'One JSON document: {file, status} per document, nothing written')
        .epilogue(
          'Only the documents: cp-gitops generate rewrites every generated file, the manifests included.\n' +
            'A document edited by hand since cp-gitops wrote it (see .cp-gitops/generated/) is not overwritten.\n' +
            'Exit codes: 0 done (or nothing to do), 1 stale documents with --check, or a failure, 2 usage error.',
        ) as unknown as Argv<DocsArgs>,
    handler: async (args) => {
      const { runRegenerate } = await import('./regenerate-run.js');
      runRegenerate({ ...args, scope: 'docs' }, context);
    },
  };
}
