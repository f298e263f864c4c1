import type { Argv, CommandModule } from 'yargs';
import { IMPORTED_SCHEMAS_DIR } from '../../validator/schemas/imported-dir.js';
import type { CommandContext } from '../main.js';

export interface SchemasImportArgs {
  sources: string[];
  dir?: string;
  group?: string;
  json: boolean;
}

export function schemasCommand(context: CommandContext): CommandModule<object, object> {
  return {
    command: 'schemas',
    describe: 'Manage the JSON schemas validate uses: pin upstream CRD schemas in the repository',
    builder: (yargs: Argv<object>) =>
      yargs
        .command(schemasImportCommand(context))
        .example('$0 schemas import ./confluent-for-kubernetes/crds/', 'Pin every CRD schema of the CFK Helm chart in .cp-gitops/schemas/')
        .demandCommand(1, 'name a subcommand, for example: cp-gitops schemas import ./crds/'),
    handler: () => undefined,
  };
}

function schemasImportCommand(context: CommandContext): CommandModule<object, SchemasImportArgs> {
  return {
    command: 'import <sources..>',
    describe: `Convert CRD YAML or catalog JSON Schemas into ${IMPORTED_SCHEMAS_DIR}/, pinned by sha256, for validate to use offline`,
    builder: (yargs: Argv<object>) =>
      yargs
        .positional('sources', { type: 'string', array: true, describe: 'CRD YAML files, catalog JSON schemas (<kind>_<version>.json), folders of them, or http(s) URLs' })
        .option('dir', { type: 'string', describe: 'Root of the repository to write into', defaultDescription: 'found walking up to cp-gitops.yaml' })
        .option('group', { type: 'string', describe: 'API group of catalog JSON schemas whose folder does not name it (e.g. platform.confluent.io)' })
        .example('$0 schemas import ./confluent-for-kubernetes/crds/', 'Every CRD of the CFK Helm chart')
        .example('$0 schemas import https://example.org/crds/platform.confluent.io_kafkas.yaml', 'One CRD from a URL')
        .example('$0 schemas import ./catalog/platform.confluent.io/ --dir ./my-platform', 'Catalog JSON schemas into another repository') as unknown as Argv<SchemasImportArgs>,
    handler: async (args) => {
      const { runSchemasImport } = await import('./schemas-run.js');
      await runSchemasImport(args, context);
    },
  };
}
