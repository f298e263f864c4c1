import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { assertNoSymlinks, pathExists, readTextFile, readTree, removeFile, writeTree } from '../../adapters/fs.js';
import { GitRepository } from '../../adapters/git.js';
import { lockRepository } from '../../adapters/lock.js';
import { createGitHub, gitAuthEnvironment, gitHubGitUrls, resolveApiUrl, resolveGitHubToken, type GitHubPort, type PullInfo } from '../../adapters/github.js';
import { findKustomize } from '../../adapters/kustomize.js';
import { defaultSchemaCacheDir } from '../../adapters/schema-cache.js';
import { loadTemplates } from '../../adapters/templates.js';
import { GitError, UsageError, ValidationFailedError, WorkspaceError } from '../../errors.js';
import { fileTree } from '../../generator/file-tree.js';
import { CP_GITOPS_BIN_ENV, layout } from '../../generator/layout.js';
import { PACKAGE_ROOT } from '../../package-root.js';
import { generateRepository } from '../../generator/repository.js';
import { parsePlatformModel } from '../../model/parse.js';
import { MODEL_FILE, type PlatformModel } from '../../model/types.js';
import type { ChangePlan } from '../../promotion/plan.js';
import { commitMessage } from '../../promotion/commit-message.js';
import { pullRequestBody } from '../../promotion/pr-body.js';
import { changedOverlays, diffRenders } from '../../promotion/rendered-diff.js';
import { planTreeChange } from '../../promotion/tree-change.js';
import { validateTree } from '../../validator/full-validation.js';
import { summarize } from '../../validator/printers/text.js';
import { hasErrors } from '../../validator/violation.js';
import type { CommandContext } from '../main.js';
import { createOutput } from '../output.js';

import type { ChangeFlowArgs } from './change-flow-options.js';




/**
 * Every change to a cp-gitops repository goes the same way: read the model, plan the change (pure),
 * regenerate what it touches, render every overlay it changes (the target first) before and after, validate, then a branch
 * with a deterministic name, one commit, a push, and a pull request whose body shows the rendered
 * diff. Nothing reaches the default branch; a re-run updates the same branch and pull request.
 */
export async function proposeChange(args: ChangeFlowArgs, context: CommandContext, plan: (model: PlatformModel) => ChangePlan): Promise<void> {
  const root = resolve(context.cwd, args.dir);
  const modelPath = join(root, MODEL_FILE);
  assertNoSymlinks(root, [MODEL_FILE]);
  if (!pathExists(modelPath)) {
    throw new WorkspaceError(`${root} is not a cp-gitops repository (no ${MODEL_FILE})`, 'run the command inside a repository made by cp-gitops init, or pass --dir');
  }
  const github = args.github === undefined ? undefined : githubTarget(args, context);
  const git = new GitRepository(root);
  if (!(await git.isRepository())) throw new WorkspaceError(`${root} is not a git repository`, 'cp-gitops changes a repository through commits: run git init, or clone it');
  const lock = lockRepository(await git.gitDir(), `cp-gitops ${process.argv.slice(2).join(' ')}`.trim());
  try {
    const dirty = await git.dirtyFiles();
    if (dirty.length > 0) {
      throw new WorkspaceError(`the working tree has uncommitted changes: ${dirty.slice(0, 10).join(', ')}${dirty.length > 10 ? `, and ${dirty.length - 10} more` : ''}`, 'commit or stash them first (git stash), so the change holds only what cp-gitops makes');
    }

    // Changes start from the branch Argo CD follows; the tree is clean, so switching is safe.
    const original = await git.currentBranch();
    if (original === 'HEAD') {
      // Switching away would leave commits made on the detached HEAD reachable from no branch.
      const head = await git.revParse('HEAD');
      throw new WorkspaceError(`HEAD is detached at ${head.slice(0, 12)}; cp-gitops would switch branches and leave its commits on no branch`, `keep them on a branch first (git switch -c <name>), or go back to a branch (git switch main), then run again`);
    }
    const base = parsePlatformModel(readTextFile(modelPath), modelPath).targetRevision;
    if (original !== base) await git.checkout(base);
    try {
      await applyChange(args, context, root, git, plan, github);
    } finally {
      if (original !== base) await git.checkout(original).catch(() => undefined);
    }
  } finally {
    lock.release();
  }
}

async function applyChange(
  args: ChangeFlowArgs,
  context: CommandContext,
  root: string,
  git: GitRepository,
  plan: (model: PlatformModel) => ChangePlan,
  github: GitHubTarget | undefined,
): Promise<void> {
  const out = createOutput(args.json, context.streams);
  const modelPath = join(root, MODEL_FILE);
  const model = parsePlatformModel(readTextFile(modelPath), modelPath);
  const change = plan(model);
  for (const warning of change.warnings ?? []) out.warn(warning);
  if (change.changes.length === 0) {
    out.line(`Nothing to change: ${change.title.charAt(0).toLowerCase()}${change.title.slice(1)} is already the case. No commit, no push.`);
    out.result({ ok: true, changed: false, title: change.title });
    return;
  }

  const templates = loadTemplates();
  const disk = readTree(root, new Set(['.git', 'node_modules']));
  const treeChange = planTreeChange(generateRepository(model, templates), generateRepository(change.model, templates), disk);
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

  const report = validateTree(afterTree, { schemaCacheDir: defaultSchemaCacheDir(context.env) });
  if (hasErrors(report.violations)) {
    const first = report.violations.filter((violation) => violation.severity === 'error').slice(0, 5);
    throw new ValidationFailedError(`the change does not validate (${summarize(report.violations)}); nothing was committed`, {
      hint: first.map((violation) => `${violation.file}:${violation.line}:${violation.column}: ${violation.rule}: ${violation.message}`).join('\n'),
    });
  }
  const warnings = report.violations.length;

  const renderer = findKustomize(context.env);
  const overlays = changedOverlays([...treeChange.writes.keys(), ...treeChange.deletes], layout.overlayDir(change.targetEnv));
  const renderedBefore = renderTree(renderer, disk, overlays);
  const renderedAfter = renderTree(renderer, afterTree, overlays);
  const diffs = overlays.flatMap((overlay) =>
    diffRenders(renderedBefore.get(overlay)!, renderedAfter.get(overlay)!).map((diff) => (overlays.length > 1 ? { ...diff, resource: `${overlay}: ${diff.resource}` } : diff)),
  );
  const body = pullRequestBody({
    title: change.title,
    changes: change.changes,
    overlays,
    diffs,
    validation: warnings === 0 && (report.suppressed ?? []).length === 0 ? 'no errors, no warnings' : summarize(report.violations, report.suppressed),
    renderer: renderer.command,
    warnings: change.warnings ?? [],
  });

  if (args['dry-run']) {
    out.line(`Would commit on branch ${change.branch}: ${[...treeChange.writes.keys(), ...treeChange.deletes].join(', ')}`);
    out.line('');
    out.line(body);
    out.result({ ok: true, dryRun: true, changed: true, branch: change.branch, title: change.title, changes: change.changes, warnings: change.warnings ?? [], files: [...treeChange.writes.keys()], deleted: treeChange.deletes, body });
    return;
  }

  // The branch starts from the branch Argo CD follows, so the pull request holds this change only.
  const base = model.targetRevision;
  // The pre-push hook validates again with this very cp-gitops (it may not be installed globally).
  const pushEnv: Record<string, string> = { [CP_GITOPS_BIN_ENV]: join(PACKAGE_ROOT, 'bin', 'cp-gitops.js'), ...(github ? gitAuthEnvironment(github.token, gitHubGitUrls(github.apiUrl), { env: context.env }) : {}) };
  const hasRemote = await git.hasRemote(args.remote);
  let commit: string;
  let pushed = false;
  let upToDate = false;
  // Ask the remote first: an unreachable remote must leave every local branch as it was.
  const remoteHasBranch = hasRemote && (await git.fetchBranch(args.remote, change.branch, pushEnv));
  const previous = (await git.branchExists(change.branch)) ? await git.revParse(`refs/heads/${change.branch}`) : undefined;
  await git.checkoutFresh(change.branch, base);
  try {
    writeTree(root, fileTree(treeChange.writes));
    for (const path of treeChange.deletes) removeFile(join(root, ...path.split('/')));
    const tree = await git.stagedTree();
    const baseCommit = await git.revParse(base);
    const remoteState = remoteHasBranch ? await git.treeAndParent(`refs/remotes/${args.remote}/${change.branch}`) : undefined;
    if (remoteState && remoteState.tree === tree && remoteState.parent === baseCommit) {
      // Same change on the same base as last time: keep the pushed commit, push nothing.
      upToDate = true;
      await git.discardChanges();
      await git.checkoutFresh(change.branch, `refs/remotes/${args.remote}/${change.branch}`);
      commit = await git.revParse('HEAD');
    } else {
      commit = (await git.commitAll(commitMessage(change))).commit || (await git.revParse('HEAD'));
      if (hasRemote) {
        try {
          await git.push(args.remote, change.branch, { force: true, env: pushEnv });
        } catch (error) {
          // The commit stays on its branch (the error says how to push it); only the checkout is undone.
          await git.checkout(base).catch(() => undefined);
          throw error;
        }
        pushed = true;
      }
    }
  } catch (error) {
    await git.discardChanges().catch(() => undefined);
    await git.checkout(base).catch(() => undefined);
    // No commit made: the branch goes back to what it was (or away); a made commit stays for a retry.
    const head = await git.revParse(`refs/heads/${change.branch}`).catch(() => undefined);
    if (head !== undefined && head === (await git.revParse(base).catch(() => undefined))) {
      if (previous === undefined) await git.deleteBranch(change.branch).catch(() => undefined);
      else await git.resetBranch(change.branch, previous).catch(() => undefined);
    }
    throw error;
  }
  await git.checkout(base);

  let pull: PullInfo | undefined;
  if (github) {
    if (!hasRemote) throw new GitError(`the repository has no remote "${args.remote}" to push ${change.branch} to`, `add it: git remote add ${args.remote} <clone URL of ${github.owner}/${github.repo}>`);
    pull = await openOrUpdatePullRequest(github.port, { owner: github.owner, repo: github.repo, head: change.branch, base, title: change.title, body, labels: change.labels });
  }

  out.line(`${change.title}: ${upToDate ? 'the branch already holds this change' : `committed ${commit.slice(0, 12)}`} on ${change.branch}${pushed ? `, pushed to ${args.remote}` : upToDate ? ', nothing pushed' : hasRemote ? '' : ' (no remote: not pushed)'}.`);
  if (pull) out.line(`Pull request #${pull.number}: ${pull.htmlUrl}`);
  else {
    out.line('Pull request body (no --github: open the pull request with it):');
    out.line('');
    out.line(body);
  }
  out.result({ ok: true, changed: true, branch: change.branch, commit, pushed, upToDate, pullRequest: pull ?? null, title: change.title, changes: change.changes, warnings: change.warnings ?? [], labels: change.labels, body });
}

interface GitHubTarget {
  readonly owner: string;
  readonly repo: string;
  readonly token: string;
  readonly apiUrl: string;
  readonly port: GitHubPort;
}

export function parseGitHubRepo(value: string): { owner: string; repo: string } {
  const match = /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/.exec(value);
  if (!match) throw new UsageError(`--github "${value}" is not owner/repo`, 'for example --github acme/kafka-platform');
  return { owner: match[1]!, repo: match[2]!.replace(/\.git$/, '') };
}

/** The token is read (or refused) before anything else touches the network. */
export function githubTarget(args: { github?: string; 'github-api-url'?: string }, context: CommandContext): GitHubTarget {
  const { owner, repo } = parseGitHubRepo(args.github!);
  const token = resolveGitHubToken(context.env);
  const apiUrl = resolveApiUrl(args['github-api-url'], context.env);
  return { owner, repo, token, apiUrl, port: createGitHub({ token, apiUrl, timing: githubTiming(context.env) }) };
}

/** Operators can shorten GitHub's recommended spacing between writes (for a GitHub Enterprise, or tests). */
function githubTiming(env: NodeJS.ProcessEnv): { writeSpacingMs?: number; retryBaseMs?: number; notFoundRetryMs?: number } {
  const number = (name: string) => (env[name] !== undefined && /^\d+$/.test(env[name]!) ? Number(env[name]) : undefined);
  const timing: { writeSpacingMs?: number; retryBaseMs?: number; notFoundRetryMs?: number } = {};
  const spacing = number('CP_GITOPS_GITHUB_WRITE_SPACING_MS');
  const retry = number('CP_GITOPS_GITHUB_RETRY_MS');
  if (spacing !== undefined) timing.writeSpacingMs = spacing;
  if (retry !== undefined) {
    timing.retryBaseMs = retry;
    timing.notFoundRetryMs = retry;
  }
  return timing;
}

async function openOrUpdatePullRequest(
  port: GitHubPort,
  request: { owner: string; repo: string; head: string; base: string; title: string; body: string; labels: readonly string[] },
): Promise<PullInfo> {
  const existing = await port.findOpenPullRequest({ owner: request.owner, repo: request.repo, head: request.head, base: request.base });
  const pull = existing
    ? await port.updatePullRequest({ owner: request.owner, repo: request.repo, number: existing.number, title: request.title, body: request.body })
    : await port.createPullRequest({ owner: request.owner, repo: request.repo, head: request.head, base: request.base, title: request.title, body: request.body });
  if (request.labels.length > 0) await port.addLabels({ owner: request.owner, repo: request.repo, number: pull.number, labels: request.labels });
  return pull;
}

/** Renders overlays of a tree that is not on disk (before or after the change) in one scratch folder; a missing overlay renders empty. */
function renderTree(renderer: ReturnType<typeof findKustomize>, tree: ReadonlyMap<string, string>, overlays: readonly string[]): Map<string, string> {
  const scratch = mkdtempSync(join(tmpdir(), 'cp-gitops-render-'));
  try {
    writeTree(scratch, tree);
    return new Map(overlays.map((overlay) => [overlay, tree.has(`${overlay}/kustomization.yaml`) ? renderer.render(join(scratch, ...overlay.split('/'))) : '']));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

