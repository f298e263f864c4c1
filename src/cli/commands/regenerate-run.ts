import { join } from 'node:path';
import { assertNoSymlinks, fileMode, pathExists, readTextFile, readTree, removeFileAndEmptyFolders, writeFileAtomic } from '../../adapters/fs.js';
import { driftCacheFor } from '../../adapters/drift-cache.js';
import { loadTemplates } from '../../adapters/templates.js';
import { ModelError, UsageError, ValidationFailedError, WorkspaceError } from '../../errors.js';
import { isRecordPath, RECORD_DIR } from '../../generator/checksums.js';
import { fileTree, type FileTree } from '../../generator/file-tree.js';
import { layout } from '../../generator/layout.js';
import { generateDocs, generateRepository } from '../../generator/repository.js';
import { parsePlatformModel } from '../../model/parse.js';
import { MODEL_FILE, type PlatformModel } from '../../model/types.js';
import { planRegeneration } from '../../promotion/regenerate.js';
import type { CommandContext } from '../main.js';
import { createOutput } from '../output.js';
import { repositoryRoot } from './repository-root.js';

export interface RegenerateRunArgs {
  dir?: string;
  check: boolean;
  'dry-run': boolean;
  force?: boolean;
  json: boolean;
  /** generate: every generated file; docs: README.md and docs/architecture.md only. */
  scope: 'repository' | 'docs';
}

/** Folders never read: Git's own data, dependencies when the repository is also an npm project, and npm's cache in GitLab CI. */
const SKIPPED = new Set(['.git', 'node_modules', layout.ciNpmCache]);

/**
 * `cp-gitops generate` and `cp-gitops docs`: read the model and the repository → plan (pure, the
 * path change commands take too) → write, files first and the record last, or with --check /
 * --dry-run only report. A local write, like projen: no branch, no commit; the user reviews it.
 */
export function runRegenerate(args: RegenerateRunArgs, context: CommandContext): void {
  const command = args.scope === 'docs' ? 'cp-gitops docs' : 'cp-gitops generate';
  // By hand, not yargs' conflicts(): that counts a boolean's default false as given.
  if (args.check && args['dry-run']) throw new UsageError('--check and --dry-run ask for different exit codes', 'use --check in CI (exit 1 when stale), --dry-run to look (exit 0)');
  const out = createOutput(args.json, context.streams, args.scope === 'docs' ? 'docs' : 'generate');
  const root = repositoryRoot(context.cwd, args.dir);
  const modelPath = join(root, MODEL_FILE);
  if (!pathExists(modelPath)) {
    throw new WorkspaceError(`${root} is not a cp-gitops repository (no ${MODEL_FILE})`, `run ${command} in a repository made by cp-gitops init (or a folder below it), or pass its folder: ${command} ./my-platform`);
  }
  assertNoSymlinks(root, [MODEL_FILE]);
  const modelText = readTextFile(modelPath);
  const model = readModel(modelText, modelPath, command);
  const templates = loadTemplates();
  const target: FileTree = args.scope === 'docs' ? generateDocs(model, templates) : generatedFiles(modelText, generateRepository(model, templates), context.env);
  const disk = readTree(root, SKIPPED);
  const plan = planRegeneration(target, disk, { force: args.force ?? false, ...(args.scope === 'docs' ? { scope: (path: string) => target.has(path) } : {}) });
  const write = !args.check && !args['dry-run'];
  if (write && plan.conflicts.length > 0) {
    const one = plan.conflicts.length === 1;
    throw new WorkspaceError(
      `${plan.conflicts.join(', ')} ${one ? 'was' : 'were'} edited by hand since cp-gitops wrote ${one ? 'it' : 'them'}; nothing was written`,
      `move the edits into ${MODEL_FILE} or a file cp-gitops does not generate, or revert them (git checkout -- <file>)${args.scope === 'repository' ? ', or overwrite them with cp-gitops generate --force' : ''}, then run ${command} again`,
    );
  }
  const recordChanges = [...plan.writes.keys(), ...plan.deletes].some(isRecordPath);
  if (args.scope === 'docs') reportDocs(out, target, plan, recordChanges, write, args.check);
  else reportFiles(out, plan, recordChanges, write);

  if (write) {
    // Never through a link: a committed `docs -> /somewhere` must not make this write outside the repository.
    assertNoSymlinks(root, [...plan.writes.keys(), ...plan.deletes]);
    // Files first, the record last: an interrupted run leaves files the next run recognises as generated.
    const ordered = [...plan.writes].sort(([a], [b]) => Number(isRecordPath(a)) - Number(isRecordPath(b)));
    for (const [file, content] of ordered) writeFileAtomic(join(root, ...file.split('/')), content, fileMode(file));
    for (const file of plan.deletes) removeFileAndEmptyFolders(root, file);
    return;
  }
  const drift = plan.changed.length > 0;
  if (args.check && drift) {
    const files = plan.changed.map((entry) => entry.file);
    const one = files.length === 1;
    const what = args.scope === 'docs' ? `stale generated ${one ? 'document' : 'documents'}: ${files.join(', ')} no longer ${one ? 'matches' : 'match'} ${MODEL_FILE}` : `${files.length} generated ${one ? 'file' : 'files'} no longer ${one ? 'matches' : 'match'} ${MODEL_FILE}: ${files.slice(0, 10).join(', ')}${files.length > 10 ? ', …' : ''}`;
    throw new ValidationFailedError(what, {
      reportPrinted: true,
      hint: `run ${command} to rewrite ${one ? 'it' : 'them'} from the model, then commit the result`,
    });
  }
}

type Output = ReturnType<typeof createOutput>;
type Plan = ReturnType<typeof planRegeneration>;

const VERB = { create: ['Created', 'Would create'], update: ['Updated', 'Would update'], delete: ['Deleted', 'Would delete'] } as const;

function reportFiles(out: Output, plan: Plan, recordChanges: boolean, write: boolean): void {
  for (const entry of plan.changed) {
    const handEdited = plan.conflicts.includes(entry.file);
    out.line(`${VERB[entry.action][write ? 0 : 1]} ${entry.file}${handEdited && !write ? ' (edited by hand: cp-gitops generate will not overwrite it without --force)' : handEdited ? ' (edited by hand, overwritten: --force)' : ''}`);
  }
  for (const file of plan.kept) out.line(`Kept ${file} (edited by hand; it carries # cp-gitops:ignore drift/stale: --force overwrites it)`);
  if (plan.changed.length === 0) out.line(`Every generated file${plan.kept.length > 0 ? ' but those kept' : ''} matches ${MODEL_FILE}: nothing to ${write ? 'write' : 'change'}.`);
  else out.line(`${write ? 'Wrote' : 'Would write'} ${plan.changed.length} ${plan.changed.length === 1 ? 'file' : 'files'}${recordChanges ? ` and the record in ${RECORD_DIR}/` : ''}${write ? '; review and commit them (git add -A && git commit), then open a pull request' : '; nothing was written'}.`);
  out.result({
    ok: true,
    written: write && plan.changed.length > 0,
    files: plan.changed.map((entry) => ({ ...entry, ...(plan.conflicts.includes(entry.file) ? { editedByHand: true } : {}) })),
    kept: plan.kept,
  });
}

export type DocStatus = 'unchanged' | 'updated' | 'stale';

function reportDocs(out: Output, target: FileTree, plan: Plan, recordChanges: boolean, write: boolean, check: boolean): void {
  const stale = plan.changed.map((entry) => entry.file);
  const files: { file: string; status: DocStatus; editedByHand?: true }[] = [
    ...[...target.keys()].map((file) => ({ file, status: (stale.includes(file) ? (write ? 'updated' : 'stale') : 'unchanged') as DocStatus, ...(plan.conflicts.includes(file) ? { editedByHand: true as const } : {}) })),
    ...(recordChanges ? [{ file: `${RECORD_DIR}/`, status: (write ? 'updated' : 'stale') as DocStatus }] : []),
  ];
  const names = describe([...target.keys()]);
  if (write) {
    for (const entry of files) if (entry.status === 'updated') out.line(`Wrote ${entry.file}`);
    if (stale.length === 0) out.line(`${names} match ${MODEL_FILE}: nothing to write.`);
  } else {
    for (const entry of files) if (entry.status === 'stale') out.line(`Stale: ${entry.file}${entry.editedByHand ? ' (edited by hand: cp-gitops docs will not overwrite it)' : ''}`);
    if (stale.length === 0) out.line(`${names} match ${MODEL_FILE}.`);
    else if (!check) out.line(`cp-gitops docs would rewrite ${stale.join(', ')}${recordChanges ? ` and the record in ${RECORD_DIR}/` : ''}; nothing was written.`);
  }
  out.result({ ok: !(check && stale.length > 0), files });
}

/** The files `generate` writes; the whole tree also goes to the drift cache, so the next validate of this model need not generate it again. */
function generatedFiles(modelText: string, generated: FileTree, env: NodeJS.ProcessEnv): FileTree {
  driftCacheFor(env)?.write(modelText, generated);
  return fileTree([...generated].filter(([path]) => path !== MODEL_FILE && !isRecordPath(path)));
}

function readModel(modelText: string, modelPath: string, command: string): PlatformModel {
  try {
    return parsePlatformModel(modelText, modelPath);
  } catch (error) {
    if (error instanceof ModelError && error.hint === undefined) {
      throw new ModelError(error.problems, `fix ${MODEL_FILE} (cp-gitops validate lists every problem), then run ${command} again; nothing was written`);
    }
    throw error;
  }
}

function describe(files: readonly string[]): string {
  return files.length === 1 ? files[0]! : `${files.slice(0, -1).join(', ')} and ${files[files.length - 1]}`;
}
