import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from '../main.js';

export interface DocsArgs {
  dir: string;
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
        .positional('dir', { type: 'string', default: '.', describe: 'Root of the repository (where cp-gitops.yaml is)' })
        .option('check', { type: 'boolean', default: false, describe: 'Write nothing; exit 1 and list the documents that are stale (for CI)' })
        .option('dry-run', { type: 'boolean', default: false, describe: 'Write nothing; list what would be rewritten (exit 0)' })
        .example('$0 docs', 'After editing cp-gitops.yaml by hand: rewrite the documents that no longer match it')
        .example('$0 docs ./my-platform --check', 'In CI: fail when a document is stale')
        .example('$0 docs --dry-run --json', 'One JSON document: {file, status} per document, nothing written')
        .epilogue(
          'Only the documents: the manifests follow cp-gitops.yaml through scale, upgrade, config, set, add-component and promote.\n' +
            'A document edited by hand since cp-gitops wrote it (see .cp-gitops/generated.sha256) is not overwritten.\n' +
            'Exit codes: 0 done (or nothing to do), 1 stale documents with --check, or a failure, 2 usage error.',
        ) as unknown as Argv<DocsArgs>,
    handler: async (args) => {
      const { runDocs } = await import('./docs-run.js');
      runDocs(args, context);
    },
  };
}
