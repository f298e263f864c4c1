import { join } from 'node:path';
import { assertNoSymlinks, isDirectory, pathExists, readTextFile, writeTree } from '../../adapters/fs.js';
import { readSchemaSources } from '../../adapters/schema-sources.js';
import { UsageError } from '../../errors.js';
import { convertSchemaSources, importedSchemaFiles } from '../../validator/schemas/import.js';
import { IMPORTED_SCHEMAS_DIR } from '../../validator/schemas/imported-dir.js';
import type { CommandContext } from '../main.js';
import { createOutput } from '../output.js';
import { repositoryRoot } from './repository-root.js';
import type { SchemasImportArgs } from './schemas.js';

export async function runSchemasImport(args: SchemasImportArgs, context: CommandContext): Promise<void> {
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
