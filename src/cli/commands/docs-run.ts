import { join, resolve } from 'node:path';
import { assertNoSymlinks, pathExists, readTextFile, writeFileAtomic } from '../../adapters/fs.js';
import { loadTemplates } from '../../adapters/templates.js';
import { ModelError, UsageError, ValidationFailedError, WorkspaceError } from '../../errors.js';
import { CHECKSUMS_FILE } from '../../generator/checksums.js';
import { generateDocs } from '../../generator/repository.js';
import { parsePlatformModel } from '../../model/parse.js';
import { MODEL_FILE, type PlatformModel } from '../../model/types.js';
import { planDocsRefresh } from '../../promotion/docs-refresh.js';
import type { CommandContext } from '../main.js';
import { createOutput } from '../output.js';
import type { DocsArgs } from './docs.js';

export type DocStatus = 'unchanged' | 'updated' | 'stale';

/** Read the model and the documents → plan (pure) → write the stale ones, the checksum record last. */
export function runDocs(args: DocsArgs, context: CommandContext): void {
  // By hand, not yargs' conflicts(): that counts a boolean's default false as given.
  if (args.check && args['dry-run']) throw new UsageError('--check and --dry-run ask for different exit codes', 'use --check in CI (exit 1 when stale), --dry-run to look (exit 0)');
  const out = createOutput(args.json, context.streams);
  const root = resolve(context.cwd, args.dir);
  const modelPath = join(root, MODEL_FILE);
  if (!pathExists(modelPath)) {
    throw new WorkspaceError(`${root} is not a cp-gitops repository (no ${MODEL_FILE})`, 'run cp-gitops docs in a repository made by cp-gitops init, or pass its folder: cp-gitops docs ./my-platform');
  }
  assertNoSymlinks(root, [MODEL_FILE]);
  const model = readModel(modelPath);
  const generated = generateDocs(model, loadTemplates());
  assertNoSymlinks(root, [...generated.keys(), CHECKSUMS_FILE]);
  const disk = new Map<string, string>();
  for (const file of [...generated.keys(), CHECKSUMS_FILE]) {
    const path = join(root, ...file.split('/'));
    if (pathExists(path)) disk.set(file, readTextFile(path));
  }
  const refresh = planDocsRefresh(generated, disk);
  const write = !args.check && !args['dry-run'];
  if (write && refresh.conflicts.length > 0) {
    throw new WorkspaceError(
      `${refresh.conflicts.join(', ')} ${refresh.conflicts.length === 1 ? 'was' : 'were'} edited by hand since cp-gitops wrote ${refresh.conflicts.length === 1 ? 'it' : 'them'}; nothing was written`,
      'move the edits into a file cp-gitops does not generate, or revert them (git checkout -- <file>), then run cp-gitops docs again',
    );
  }

  const stale = refresh.docs.filter((doc) => doc.stale).map((doc) => doc.file);
  const recordChanges = refresh.writes.has(CHECKSUMS_FILE);
  const files: { file: string; status: DocStatus; editedByHand?: true }[] = [
    ...refresh.docs.map((doc) => ({ file: doc.file, status: (doc.stale ? (write ? 'updated' : 'stale') : 'unchanged') as DocStatus, ...(refresh.conflicts.includes(doc.file) ? { editedByHand: true as const } : {}) })),
    ...(recordChanges ? [{ file: CHECKSUMS_FILE, status: (write ? 'updated' : 'stale') as DocStatus }] : []),
  ];

  if (write) {
    // Documents first, the record last: an interruption leaves a record the next run repairs.
    for (const [file, content] of refresh.writes) if (file !== CHECKSUMS_FILE) writeFileAtomic(join(root, ...file.split('/')), content);
    if (recordChanges) writeFileAtomic(join(root, ...CHECKSUMS_FILE.split('/')), refresh.writes.get(CHECKSUMS_FILE)!);
    for (const entry of files) if (entry.status === 'updated') out.line(`Wrote ${entry.file}`);
    if (stale.length === 0) out.line(`${describeDocs(refresh.docs.map((doc) => doc.file))} match ${MODEL_FILE}: nothing to write.`);
    out.result({ ok: true, files });
    return;
  }

  for (const entry of files) {
    if (entry.status === 'stale') out.line(`Stale: ${entry.file}${entry.editedByHand ? ' (edited by hand: cp-gitops docs will not overwrite it)' : ''}`);
  }
  if (stale.length === 0) out.line(`${describeDocs(refresh.docs.map((doc) => doc.file))} match ${MODEL_FILE}.`);
  else if (!args.check) out.line(`cp-gitops docs would rewrite ${stale.join(', ')}${recordChanges ? ` and ${CHECKSUMS_FILE}` : ''}; nothing was written.`);
  out.result({ ok: !(args.check && stale.length > 0), files });
  if (args.check && stale.length > 0) {
    const one = stale.length === 1;
    throw new ValidationFailedError(`stale generated ${one ? 'document' : 'documents'}: ${stale.join(', ')} no longer ${one ? 'matches' : 'match'} ${MODEL_FILE}`, {
      reportPrinted: true,
      hint: `run cp-gitops docs to rewrite ${one ? 'it' : 'them'} from the model, then commit the result`,
    });
  }
}

function readModel(modelPath: string): PlatformModel {
  try {
    return parsePlatformModel(readTextFile(modelPath), modelPath);
  } catch (error) {
    if (error instanceof ModelError && error.hint === undefined) {
      throw new ModelError(error.problems, `fix ${MODEL_FILE} (cp-gitops validate lists every problem), then run cp-gitops docs again; nothing was written`);
    }
    throw error;
  }
}

function describeDocs(files: readonly string[]): string {
  return files.length === 1 ? files[0]! : `${files.slice(0, -1).join(', ')} and ${files[files.length - 1]}`;
}
