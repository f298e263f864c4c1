import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { assertNoSymlinks, isDirectory, pathExists, readTextFile, writeTree } from '../../adapters/fs.js';
import { readSchemaSources } from '../../adapters/schema-sources.js';
import { UsageError } from '../../errors.js';
import { convertSchemaSources, IMPORTED_SCHEMAS_DIR, importedSchemaFiles } from '../../validator/schemas/import.js';
import { repositoryRoot } from './repository-root.js';
import type { CommandContext } from '../main.js';
import { createOutput } from '../output.js';

interface SchemasImportArgs {
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
      await runSchemasImport(args, context);
    },
  };
}

async function runSchemasImport(args: SchemasImportArgs, context: CommandContext): Promise<void> {
  const out = createOutput(args.json, context.streams, 'schemas import');
  const repoDir = repositoryRoot(context.cwd, args.dir);
  if (!isDirectory(repoDir)) throw new UsageError(`${repoDir} is not a folder`, 'pass the repository root with --dir');

  const sources = await readSchemaSources(args.sources, { cwd: context.cwd, repoDir });
  const schemas = convertSchemaSources(sources, args.group === undefined ? {} : { group: args.group });
  const files = importedSchemaFiles(schemas);
  // A committed link (.cp-gitops/schemas -> elsewhere) must not turn the import into a write outside the repository.
  assertNoSymlinks(repoDir, files.keys());
  const changed = [...files].filter(([path, content]) => {
    const target = join(repoDir, ...path.split('/'));
    return !pathExists(target) || readTextFile(target) !== content;
  });
  writeTree(repoDir, new Map(changed));

  const changedPaths = new Set(changed.map(([path]) => path));
  for (const schema of schemas) {
    out.line(`${changedPaths.has(schema.path) ? 'wrote    ' : 'unchanged'} ${schema.path}  (${schema.kind} ${schema.group}/${schema.version} from ${schema.origin})`);
  }
  if (changed.length > 0) out.line(`Next: commit ${IMPORTED_SCHEMAS_DIR}/ (git add ${IMPORTED_SCHEMAS_DIR} && git commit); cp-gitops validate uses these schemas before its built-in ones.`);
  out.result({
    ok: true,
    directory: repoDir,
    schemas: schemas.map((schema) => ({ group: schema.group, version: schema.version, kind: schema.kind, path: schema.path, source: schema.origin, sha256: schema.sha256, changed: changedPaths.has(schema.path) })),
  });
}
