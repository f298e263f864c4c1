import { join } from 'node:path';
import { assertNoSymlinks, pathExists, readTextFile, readTreeAndLinks, removeFile, writeTree } from '../../adapters/fs.js';
import { GitRepository, restoreCheckoutSync, type CheckoutState } from '../../adapters/git.js';
import { onInterrupt } from '../../adapters/interrupt.js';
import { lockRepository } from '../../adapters/lock.js';
import type { ChangeRequestInfo, GitProvider } from '../../adapters/git-provider.js';
import { findKustomizeAsync, type KustomizeRenderer } from '../../adapters/kustomize.js';
import { defaultSchemaCacheDir } from '../../adapters/schema-cache.js';
import { loadTemplates } from '../../adapters/templates.js';
import { GitError, ValidationFailedError, WorkspaceError } from '../../errors.js';
import { RECORD_DIR } from '../../generator/checksums.js';
import { fileTree } from '../../generator/file-tree.js';
import { CP_GITOPS_BIN_ENV, layout } from '../../generator/layout.js';
import { PACKAGE_ROOT } from '../../package-root.js';
import { generateRepository } from '../../generator/repository.js';
import { parsePlatformModel } from '../../model/parse.js';
import { MODEL_FILE, type PlatformModel } from '../../model/types.js';
import type { ChangePlan } from '../../promotion/plan.js';
import { commitMessage, isCpGitopsCommit } from '../../promotion/commit-message.js';
import { resolveGitProvider } from './git-provider.js';
import { pullRequestBody } from '../../promotion/pr-body.js';
import { securityWarnings } from '../../model/security-warnings.js';
import { changedOverlays, diffRenders } from '../../promotion/rendered-diff.js';
import { planTreeChange } from '../../promotion/tree-change.js';
import { expectedFromTree } from '../../validator/expected-files.js';
import { validateTree } from '../../validator/full-validation.js';
import { summarize } from '../../validator/printers/text.js';
import { hasErrors } from '../../validator/violation.js';
import type { CommandContext } from '../main.js';
import { createOutput } from '../output.js';

import type { ChangeFlowArgs } from './change-flow-options.js';
import { RenderQueue, type OverlayRenders } from '../../adapters/overlay-renders.js';
import { repositoryRoot } from './repository-root.js';




/**
 * Every change to a cp-gitops repository goes the same way: read the model, plan the change (pure),
 * regenerate what it touches, render every overlay it changes (the target first) before and after, validate, then a branch
 * with a deterministic name, one commit, a push, and a pull request whose body shows the rendered
 * diff. Nothing reaches the default branch; a re-run updates the same branch and pull request.
 */
export async function proposeChange(args: ChangeFlowArgs, context: CommandContext, plan: (model: PlatformModel) => ChangePlan): Promise<void> {
  const root = repositoryRoot(context.cwd, args.dir);
  const modelPath = join(root, MODEL_FILE);
  assertNoSymlinks(root, [MODEL_FILE]);
  if (!pathExists(modelPath)) {
    throw new WorkspaceError(`${root} is not a cp-gitops repository (no ${MODEL_FILE})`, 'run the command inside a repository made by cp-gitops init, or pass --dir');
  }
  const git = new GitRepository(root);
  const gitDir = await git.workTreeGitDir();
  if (gitDir === undefined) throw new WorkspaceError(`${root} is not a git repository`, 'cp-gitops changes a repository through commits: run git init, or clone it');
  // One change at a time per repository: two runs would share a checkout and corrupt both branches.
  const lock = lockRepository(gitDir, `cp-gitops ${process.argv.slice(2).join(' ')}`.trim());
  // Ctrl-C or a stop from CI: the repository goes back to how it was, and the lock is released.
  const moved: CheckoutState = {};
  const forget = onInterrupt(() => {
    try {
      return [restoreCheckoutSync(root, moved), 'the lock is released'].filter(Boolean).join('; ');
    } finally {
      lock.release();
    }
  });
  // Stops the Kustomize processes (the probe, renders) whose answer is no longer awaited: an error, an early return.
  const children = new AbortController();
  try {
    // Which Kustomize renders is found while git and the generator work (its answer waits until needed).
    const renderer = settle(findKustomizeAsync(context.env, children.signal));
    // git answers these while Node parses the model; each answer (or error) is taken where it always was.
    const dirtyFiles = settle(git.dirtyFiles());
    const currentBranch = settle(git.currentBranch());
    void settle(git.hasRemote(args.remote));
    const parsed = settle(
      Promise.resolve().then(() => {
        const text = readTextFile(modelPath);
        return { text, model: parsePlatformModel(text, modelPath) };
      }),
    );
    const dirty = await settled(dirtyFiles);
    if (dirty.length > 0) {
      throw new WorkspaceError(`the working tree has uncommitted changes: ${dirty.slice(0, 10).join(', ')}${dirty.length > 10 ? `, and ${dirty.length - 10} more` : ''}`, 'commit or stash them first (git stash), so the change holds only what cp-gitops makes');
    }
    const out = createOutput(args.json, context.streams, String(args._?.[0] ?? 'change'));
    const checkedOut = await settled(parsed);
    const localModel = checkedOut.model;
    const provider = await resolveGitProvider(args, context, localModel, git, out);

    // Changes start from the branch Argo CD follows, fetched first (a merge on the remote is seen without a pull);
    // HEAD is detached meanwhile: the tree is clean, so switching is safe, and no local branch moves.
    const base = localModel.targetRevision;
    // The pre-push hook validates again with this very cp-gitops (it may not be installed globally).
    const pushEnv: Record<string, string> = { [CP_GITOPS_BIN_ENV]: join(PACKAGE_ROOT, 'bin', 'cp-gitops.js'), ...(provider ? provider.gitEnvironment(undefined, context.env) : {}) };
    const hasRemote = await git.hasRemote(args.remote);
    const remoteBase = hasRemote && (await git.fetchBranch(args.remote, base, pushEnv)) ? `refs/remotes/${args.remote}/${base}` : undefined;
    const start = await startPoint(git, base, remoteBase, `${args.remote}/${base}`, out);
    const original = await settled(currentBranch);
    if (original === 'HEAD') {
      // Commits made on a detached HEAD belong to no branch: say so rather than switch away from them.
      const head = await git.revParse('HEAD');
      throw new WorkspaceError(`HEAD is detached at ${head.slice(0, 12)}; cp-gitops would switch branches and leave its commits on no branch`, `keep them on a branch first (git switch -c <name>), or go back to a branch (git switch main), then run again`);
    }
    moved.original = original;
    await git.checkoutDetached(start);
    try {
      await applyChange(args, context, { root, git, plan, provider, base, start, hasRemote, pushEnv, out, moved, renderer, children: children.signal, checkedOut });
    } finally {
      await git.checkout(original).catch(() => undefined);
    }
  } finally {
    children.abort();
    forget();
    lock.release();
  }
}

/** A promise's outcome as a value, so an answer not awaited yet (or never) is no unhandled rejection. */
type Settled<T> = Promise<{ ok: true; value: T } | { ok: false; error: unknown }>;

function settle<T>(promise: Promise<T>): Settled<T> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

async function settled<T>(outcome: Settled<T>): Promise<T> {
  const result = await outcome;
  if (!result.ok) throw result.error;
  return result.value;
}

/**
 * Where the change branch starts: whichever of the local and the remote base branch holds the other
 * (a merge on the remote is seen without a pull; local commits not pushed yet stay in, and the output
 * says so). Diverged branches are refused, as git refuses to push them.
 */
async function startPoint(git: GitRepository, base: string, remoteBase: string | undefined, remoteName: string, out: ReturnType<typeof createOutput>): Promise<string> {
  if (remoteBase === undefined) return base;
  if (!(await git.branchExists(base))) return remoteBase;
  const { ahead, behind } = await git.aheadBehind(`refs/heads/${base}`, remoteBase);
  if (ahead > 0 && behind > 0) {
    throw new WorkspaceError(
      `your local ${base} and ${remoteName} have diverged (${ahead} local and ${behind} remote commit${behind === 1 ? '' : 's'})`,
      `bring them together first (git pull --rebase), then run again; nothing was committed or pushed`,
    );
  }
  if (behind > 0) {
    out.line(`Your local ${base} is ${behind} commit${behind === 1 ? '' : 's'} behind ${remoteName}: the change is built on ${remoteName} (git pull updates your ${base}).`);
    return remoteBase;
  }
  if (ahead > 0) out.warn(`your local ${base} has ${ahead} commit${ahead === 1 ? '' : 's'} that ${remoteName} lacks: the change is built on them, so the pull request holds them too`);
  return base;
}

/**
 * Commits of the pull request branch that neither cp-gitops made nor only bring in the base branch
 * (GitHub's "Update branch" merges `main` into it): a reviewer's work, which a re-run must not drop silently.
 */
async function foreignCommits(git: GitRepository, branch: string, base: string): Promise<{ sha: string; author: string; subject: string }[]> {
  const foreign: { sha: string; author: string; subject: string }[] = [];
  for (const entry of await git.commitsMissingFrom(branch, base)) {
    if (isCpGitopsCommit(entry.message)) continue;
    if (entry.parents.length > 1) {
      const merged = await Promise.all(entry.parents.slice(1).map((parent) => git.isAncestor(parent, base)));
      if (merged.every(Boolean)) continue;
    }
    foreign.push(entry);
  }
  return foreign;
}

/**
 * The change branch is rebuilt with `checkout -B`, which moves a local branch of that name: commits a
 * person made on it (and did not push) would be left on no branch. Refused, like the remote's, unless
 * --force; commits cp-gitops made (a push that failed) are rebuilt from cp-gitops.yaml as before.
 */
async function refuseLocalWork(git: GitRepository, branch: string, start: string, remoteBranch: string | undefined, force: boolean, out: ReturnType<typeof createOutput>): Promise<void> {
  const local = `refs/heads/${branch}`;
  const own = [];
  for (const entry of await foreignCommits(git, local, start)) {
    // Already on the remote branch: the check of the remote's commits has dealt with it.
    if (remoteBranch !== undefined && (await git.isAncestor(entry.sha, remoteBranch))) continue;
    own.push(entry);
  }
  if (own.length === 0) return;
  const listed = own.map((entry) => `${entry.sha.slice(0, 12)} "${entry.subject}" (${entry.author})`).join(', ');
  const them = own.length === 1 ? 'it' : 'them';
  const keep = `git branch keep-${branch.replace(/^cp-gitops\//, '')} ${own[own.length - 1]!.sha.slice(0, 12)}`;
  if (!force) {
    throw new GitError(
      `your local branch ${branch} holds ${own.length} commit${own.length === 1 ? '' : 's'} cp-gitops did not make: ${listed}; cp-gitops rebuilds that branch, so ${them} would be left on no branch; nothing was committed or pushed`,
      `to keep ${them}: push ${them} (git push origin ${branch}) and merge the pull request, or move ${them} to a branch of your own (git branch -m ${branch} <name>); ` +
        `to drop ${them} and rebuild the branch from cp-gitops.yaml: run the same command with --force (${keep} saves ${them} first)`,
    );
  }
  out.warn(`--force: dropping ${listed} from your local ${branch} (${keep} would keep ${them} until git gc)`);
}

interface ChangeSetting {
  readonly root: string;
  readonly git: GitRepository;
  readonly plan: (model: PlatformModel) => ChangePlan;
  /** Where the pull (merge) request is opened; undefined: the body is printed. */
  readonly provider: GitProvider | undefined;
  /** The branch Argo CD follows: the pull request's base. */
  readonly base: string;
  /** Where the change branch starts (see startPoint): the remote's base branch, or the local one when it holds the remote's. */
  readonly start: string;
  readonly hasRemote: boolean;
  readonly pushEnv: Record<string, string>;
  readonly out: ReturnType<typeof createOutput>;
  /** What the change has moved so far, for the undo after a signal. */
  readonly moved: CheckoutState;
  /** The Kustomize found on PATH (searched since the command started). */
  readonly renderer: Settled<KustomizeRenderer>;
  /** Aborted when the command ends: stops renders nobody waits for any more. */
  readonly children: AbortSignal;
  /** cp-gitops.yaml of the branch the user had checked out, parsed: the start's is the same text more often than not. */
  readonly checkedOut: { readonly text: string; readonly model: PlatformModel };
}

async function applyChange(args: ChangeFlowArgs, context: CommandContext, setting: ChangeSetting): Promise<void> {
  const { root, git, plan, provider, base, start, hasRemote, pushEnv, out, moved, children } = setting;
  const modelPath = join(root, MODEL_FILE);
  const text = readTextFile(modelPath);
  // Parsing is pure (and checks the whole model): the same text gives the same model.
  const model = text === setting.checkedOut.text ? setting.checkedOut.model : parsePlatformModel(text, modelPath);
  const planned = plan(model);
  // Security trade-offs of the resulting model (security.allowInsecure, …) go into every pull request.
  const extra = securityWarnings(planned.model).filter((warning) => !(planned.warnings ?? []).includes(warning));
  const change: ChangePlan = extra.length > 0 ? { ...planned, warnings: [...(planned.warnings ?? []), ...extra] } : planned;
  for (const warning of change.warnings ?? []) out.warn(warning);
  if (change.changes.length === 0) {
    out.line(`Nothing to change: ${change.title.charAt(0).toLowerCase()}${change.title.slice(1)} is already the case. No commit, no push.`);
    out.result(changeResult(args, change, { changed: false }));
    return;
  }

  const templates = loadTemplates();
  const { files: disk, links } = readTreeAndLinks(root, new Set(['.git', 'node_modules']));
  // The "before" renders run while the change is generated and validated, the target's first. The work
  // tree is the start commit's tree: the command refused uncommitted and untracked files, then checked
  // the start out, and `disk` is what lies there (ignored files too, as before), so rendering the real
  // folder renders `disk`. Not so when it holds symbolic links (readTree passes over them, Kustomize
  // would follow them): a scratch copy then, as for every render before decision 95.
  const inPlace = links.length === 0;
  const found = await setting.renderer;
  const queue = found.ok ? new RenderQueue(found.value, children) : undefined;
  const beforeInPlace = new Map<string, Settled<string>>();
  const renderBeforeInPlace = (overlay: string) => {
    if (queue && inPlace && !beforeInPlace.has(overlay)) beforeInPlace.set(overlay, settle(queue.render(root, disk, overlay)));
  };
  renderBeforeInPlace(layout.overlayDir(change.targetEnv));
  const generated = generateRepository(change.model, templates);
  const treeChange = planTreeChange(generateRepository(model, templates), generated, disk);
  if (treeChange.conflicts.length > 0) {
    throw new WorkspaceError(
      `the change would overwrite hand edits in: ${treeChange.conflicts.join(', ')}`,
      'move those edits into cp-gitops.yaml or a file cp-gitops does not generate, or revert them (git checkout -- <file>), then run again',
    );
  }
  assertNoSymlinks(root, [...treeChange.writes.keys(), ...treeChange.deletes]);
  const after = new Map(disk);
  for (const [path, content] of treeChange.writes) after.set(path, content);
  for (const path of treeChange.deletes) after.delete(path);
  const afterTree = fileTree(after);
  const overlays = changedOverlays([...treeChange.writes.keys(), ...treeChange.deletes], layout.overlayDir(change.targetEnv));
  overlays.forEach(renderBeforeInPlace);
  const beforeInScratch = queue && !inPlace ? settle(queue.renderInScratch(disk, overlays)) : undefined;

  // Drift included: the tree after the change must be what the new model generates (hand edits it keeps aside).
  const report = validateTree(afterTree, { schemaCacheDir: defaultSchemaCacheDir(context.env), expected: expectedFromTree(generated) });
  if (hasErrors(report.violations)) {
    const first = report.violations.filter((violation) => violation.severity === 'error').slice(0, 5);
    throw new ValidationFailedError(`the change does not validate (${summarize(report.violations)}); nothing was committed`, {
      hint: first.map((violation) => `${violation.file}:${violation.line}:${violation.column}: ${violation.rule}: ${violation.message}`).join('\n'),
    });
  }
  const warnings = report.violations.length;

  const renderer = await settled(setting.renderer);
  out.progress(`rendering ${overlays.length === 1 ? 'overlay' : `${overlays.length} overlays`} ${overlays.join(', ')} before and after the change (${renderer.command})`);
  const before: OverlayRenders = beforeInScratch ? await settled(beforeInScratch) : new Map();
  for (const overlay of overlays) if (inPlace) before.set(overlay, await settled(beforeInPlace.get(overlay)!));
  const bodyOf = (renderedAfter: OverlayRenders): string => {
    const diffs = overlays.flatMap((overlay) =>
      diffRenders(before.get(overlay)!, renderedAfter.get(overlay)!).map((diff) => (overlays.length > 1 ? { ...diff, resource: `${overlay}: ${diff.resource}` } : diff)),
    );
    return pullRequestBody({
      title: change.title,
      changes: change.changes,
      overlays,
      diffs,
      validation: warnings === 0 && (report.suppressed ?? []).length === 0 ? 'no errors, no warnings' : summarize(report.violations, report.suppressed),
      renderer: renderer.command,
      warnings: change.warnings ?? [],
      rerun: rerunCommand(context.argv),
      base,
    }, provider?.bodyLimit);
  };

  if (args['dry-run']) {
    // Nothing may be written to the repository: the tree after the change is rendered from a scratch copy.
    const body = bodyOf(await queue!.renderInScratch(afterTree, overlays));
    out.line(`Would commit on branch ${change.branch}: ${treeChange.changed.map((entry) => entry.file).join(', ')} (and the record in ${RECORD_DIR}/)`);
    out.line('');
    out.line(body);
    out.result(changeResult(args, change, { changed: true, files: [...treeChange.writes.keys()], deleted: treeChange.deletes, body }));
    return;
  }

  let commit: string;
  let body: string;
  let pushed = false;
  let upToDate = false;
  // Ask the remote first: an unreachable remote must leave every local branch as it was.
  const remoteHasBranch = hasRemote && (await git.fetchBranch(args.remote, change.branch, pushEnv));
  const remoteBranch = `refs/remotes/${args.remote}/${change.branch}`;
  const remoteHead = remoteHasBranch ? await git.revParse(remoteBranch) : undefined;
  if (remoteHasBranch) {
    const foreign = await foreignCommits(git, remoteBranch, start);
    if (foreign.length > 0) {
      const listed = foreign.map((entry) => `${entry.sha.slice(0, 12)} "${entry.subject}" (${entry.author})`).join(', ');
      if (!args.force) {
        throw new GitError(
          `${change.branch} on ${args.remote} holds ${foreign.length} commit${foreign.length === 1 ? '' : 's'} cp-gitops did not make: ${listed}; nothing was committed or pushed`,
          `to keep ${foreign.length === 1 ? 'it' : 'them'}: merge the pull request as it is, then run the command again if anything is left; ` +
            `to drop ${foreign.length === 1 ? 'it' : 'them'} and rebuild the branch from cp-gitops.yaml: run the same command with --force (git branch keep-review ${foreign[foreign.length - 1]!.sha.slice(0, 12)} saves ${foreign.length === 1 ? 'it' : 'them'} first)`,
        );
      }
      out.warn(`--force: dropping ${listed} from ${change.branch} (git branch keep-review ${foreign[foreign.length - 1]!.sha.slice(0, 12)} would keep ${foreign.length === 1 ? 'it' : 'them'} until git gc)`);
    }
  }
  const previous = await git.branchHead(change.branch);
  if (previous !== undefined) await refuseLocalWork(git, change.branch, start, remoteHasBranch ? remoteBranch : undefined, args.force === true, out);
  moved.branch = change.branch;
  moved.previous = previous;
  await git.checkoutFresh(change.branch, start);
  try {
    writeTree(root, fileTree(treeChange.writes));
    for (const path of treeChange.deletes) removeFile(join(root, ...path.split('/')));
    // The work tree now is `afterTree` (the start's files, the change written and deleted): the "after"
    // renders read it in place while git stages it. They end before anything moves the checkout again.
    const renderedAfter = settle(inPlace ? queue!.renderInPlace(root, afterTree, overlays) : queue!.renderInScratch(afterTree, overlays));
    const [tree, baseCommit] = await Promise.all([git.stagedTree(), git.revParse(start)]);
    // The branch as last made: the pushed one, or without a remote the local one (with a remote, a
    // local branch that never reached it is committed and pushed again).
    const existing = remoteHasBranch ? remoteBranch : hasRemote ? undefined : previous;
    const existingState = existing ? await git.treeAndParent(existing) : undefined;
    body = bodyOf(await settled(renderedAfter));
    if (existing && existingState && existingState.tree === tree && existingState.parent === baseCommit) {
      // Same change on the same base as last time: keep that commit, push nothing.
      upToDate = true;
      await git.discardChanges();
      await git.checkoutFresh(change.branch, existing);
      commit = await git.revParse('HEAD');
    } else {
      commit = (await git.commitStaged(commitMessage(change))).commit || (await git.revParse('HEAD'));
      if (hasRemote) {
        try {
          out.progress(`pushing ${change.branch} to ${args.remote}`);
          // The lease: replace the branch only as cp-gitops saw it, so a commit pushed meanwhile is never lost.
          await git.push(args.remote, change.branch, { lease: { expected: remoteHead }, env: pushEnv });
        } catch (error) {
          // The commit stays on its branch (the error says how to push it); only the checkout is undone.
          await git.checkoutDetached(start).catch(() => undefined);
          throw error;
        }
        pushed = true;
      }
    }
  } catch (error) {
    await git.discardChanges().catch(() => undefined);
    await git.checkoutDetached(start).catch(() => undefined);
    // No commit made: the branch goes back to what it was (or away); a made commit stays for a retry.
    const head = await git.revParse(`refs/heads/${change.branch}`).catch(() => undefined);
    if (head !== undefined && head === (await git.revParse(start).catch(() => undefined))) {
      if (previous === undefined) await git.deleteBranch(change.branch).catch(() => undefined);
      else await git.resetBranch(change.branch, previous).catch(() => undefined);
    }
    throw error;
  }
  // No checkout back to the start here: proposeChange's finally checks the user's branch out, one checkout instead of two.

  let pull: ChangeRequestInfo | undefined;
  if (provider) {
    if (!hasRemote) throw new GitError(`the repository has no remote "${args.remote}" to push ${change.branch} to`, `add it: git remote add ${args.remote} <clone URL of ${provider.repository}>`);
    out.progress(`${provider.words.name}: opening or updating the ${provider.words.changeRequest} in ${provider.repository}`);
    pull = await provider.openOrUpdateChangeRequest({ head: change.branch, base, title: change.title, body, labels: change.labels });
  }

  out.line(`${change.title}: ${upToDate ? 'the branch already holds this change' : `committed ${commit.slice(0, 12)}`} on ${change.branch}${pushed ? `, pushed to ${args.remote}` : upToDate ? ', nothing pushed' : hasRemote ? '' : ' (no remote: not pushed)'}.`);
  if (pull && provider) out.line(`${capitalise(provider.words.changeRequest)} ${provider.words.reference(pull.number)}: ${pull.htmlUrl}`);
  else {
    out.line('Pull request body (no --github or --gitlab: open the pull or merge request with it):');
    out.line('');
    out.line(body);
  }
  out.result(changeResult(args, change, { changed: true, commit, pushed, upToDate, pullRequest: pull ?? null, files: [...treeChange.writes.keys()], deleted: treeChange.deletes, body }));
}

/**
 * The --json document of every change command (docs/json/change.schema.json): the same keys in a dry
 * run, a real run and a run with nothing to change, null or empty where a key does not apply.
 */
function changeResult(
  args: { 'dry-run'?: boolean },
  change: ChangePlan,
  outcome: { changed: boolean; commit?: string; pushed?: boolean; upToDate?: boolean; pullRequest?: unknown; files?: readonly string[]; deleted?: readonly string[]; body?: string },
): Record<string, unknown> {
  return {
    ok: true,
    dryRun: args['dry-run'] === true,
    changed: outcome.changed,
    branch: change.branch,
    commit: outcome.commit ?? null,
    pushed: outcome.pushed ?? false,
    upToDate: outcome.upToDate ?? false,
    pullRequest: outcome.pullRequest ?? null,
    title: change.title,
    changes: change.changes,
    warnings: change.warnings ?? [],
    labels: change.labels ?? [],
    files: outcome.files ?? [],
    deleted: outcome.deleted ?? [],
    body: outcome.body ?? null,
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The command line to run again, without the flags of one run (--json, --dry-run, --force, --verbose). */
function rerunCommand(argv: readonly string[] | undefined): string | undefined {
  if (argv === undefined) return undefined;
  const kept = argv.filter((arg) => !['--json', '--dry-run', '--force', '--verbose'].includes(arg));
  return ['cp-gitops', ...kept.map(shellWord)].join(' ');
}

function shellWord(value: string): string {
  return /^[A-Za-z0-9@%+=:,./_-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}


