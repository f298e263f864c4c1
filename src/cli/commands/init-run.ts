import { basename, isAbsolute, resolve } from 'node:path';
import { createStagingDirectory, isDirectory, isEmptyDirectory, pathExists, promoteStagingDirectory, readTextFile, readTree, removeCreatedDirectory, removeDirectory, removeStaleStagingDirectories } from '../../adapters/fs.js';
import { onInterrupt } from '../../adapters/interrupt.js';
import type { GitRepository } from '../../adapters/git.js';
import { addRemote, setGitConfig, startRepository } from '../../adapters/git-first-commit.js';
import { defaultSchemaCacheDir } from '../../adapters/schema-cache.js';
import { createProvider, providerFlag } from './git-provider.js';
import { loadTemplates } from '../../adapters/templates.js';
import { GitError, UsageError, ValidationFailedError, WorkspaceError } from '../../errors.js';
import { isRecordPath, sameText } from '../../generator/checksums.js';
import type { FileTree } from '../../generator/file-tree.js';
import { layout } from '../../generator/layout.js';
import { generateRepository } from '../../generator/repository.js';
import { buildNewModel, PLACEHOLDER_REPO_HOST } from '../../model/build.js';
import { suggestName } from '../../model/names.js';
import { withGitProvider } from '../../model/git-provider.js';
import { redactUrl, URL_CREDENTIAL_FIX, urlCredentialProblem } from '../../model/url-credentials.js';
import { parsePlatformModel } from '../../model/parse.js';
import { securityWarnings } from '../../model/security-warnings.js';
import { MODEL_FILE, type PlatformModel } from '../../model/types.js';
import { summarize } from '../../validator/printers/text.js';
import { hasErrors } from '../../validator/violation.js';
import type { CommandContext } from '../main.js';
import { createOutput, type Output } from '../output.js';
import { validateTree } from '../../validator/full-validation.js';
import { captureWrittenYaml, type WrittenYaml } from '../../yaml/stringify.js';
import type { InitArgs } from './init.js';

const COMMIT_MESSAGE = 'cp-gitops init: Confluent Platform GitOps repository';

export async function runInit(args: InitArgs, context: CommandContext): Promise<void> {
  const out = createOutput(args.json, context.streams, 'init');
  const target = resolve(context.cwd, args.dir);
  const templates = loadTemplates();
  // First: every later message (and file) would repeat the URL.
  for (const flag of ['remote', 'repo-url'] as const) {
    const problem = args[flag] === undefined ? undefined : urlCredentialProblem(args[flag]);
    if (problem) throw new UsageError(`--${flag} ${redactUrl(args[flag]!)}: ${problem}; it would be written into cp-gitops.yaml, the Argo CD manifests and .git/config`, `${URL_CREDENTIAL_FIX}; nothing was written`);
  }

  if (pathExists(resolve(target, MODEL_FILE))) {
    reportExistingRepository(target, args, templates, out);
    return;
  }
  if (pathExists(target) && !isDirectory(target)) throw new WorkspaceError(`${target} exists and is not a folder`, 'choose another path');
  if (isDirectory(target) && !isEmptyDirectory(target)) {
    throw new WorkspaceError(`${target} is not empty and is not a cp-gitops repository (no ${MODEL_FILE})`, 'choose an absent or empty folder; nothing was written');
  }

  const flagged = providerFlag(args);
  if (flagged && args.remote !== undefined) {
    throw new UsageError(`${flagged.factory.flag} and --remote both say where to push`, `use ${flagged.factory.flag} ${flagged.factory.type === 'github' ? 'owner/repo' : 'group/project'} (it pushes to the ${flagged.factory.words.repository}'s clone URL), or --remote alone`);
  }
  // The token is checked before anything touches the network; a dry run makes no request at all.
  const provider = flagged ? await createProvider(flagged.factory, flagged.repository, flagged.url, context) : undefined;
  let createdOnProvider = false;
  let remote = args.remote === undefined ? undefined : normaliseRemote(args.remote, context.cwd);
  if (provider && !args['dry-run']) {
    const { name, repository: noun } = provider.words;
    out.progress(`${name}: looking up or creating ${provider.repository}`);
    const existing = await provider.getRepository();
    const repo = existing ?? (await provider.createRepository({ private: !args.public, description: 'Confluent Platform GitOps repository (cp-gitops)' }));
    createdOnProvider = existing === undefined;
    remote = repo.cloneUrl;
    // An existing repository with history cannot take a new root commit: refuse before writing anything.
    const { remoteHasBranch } = await import('../../adapters/git.js');
    if (!createdOnProvider && (await remoteHasBranch(repo.cloneUrl, args.branch, provider.gitEnvironment(repo.cloneUrl, context.env)))) {
      throw new WorkspaceError(
        `${name} ${noun} ${repo.fullName} already has a ${args.branch} branch; init starts a new history and would be refused`,
        `clone it (git clone ${repo.cloneUrl}) and change it with cp-gitops add-component / promote / set, or choose another ${flagged!.factory.flag} name; nothing was written`,
      );
    }
    out.line(`${createdOnProvider ? 'Created' : 'Using'} ${name} ${noun} ${repo.fullName} (${repo.private ? 'private' : 'public'}): ${repo.webUrl}`);
  } else if (provider) {
    remote = provider.plannedCloneUrl();
  }
  const built = buildNewModel({
    name: args.name ?? suggestName(basename(target)),
    environments: args.envs,
    components: args.components,
    cpVersion: args['cp-version'],
    controller: args.controller,
    operatorVersion: args['operator-version'],
    chartVersion: args['chart-version'],
    controlCenterVersion: args['control-center-version'],
    repoURL: args['repo-url'] ?? remote,
    cluster: args.cluster,
    targetRevision: args.branch,
    ...(args.set ? { settings: args.set } : {}),
  });
  // Later change commands open their pull (merge) requests there without --github / --gitlab (never the token: it stays in the environment).
  const model = provider ? withGitProvider(built, provider.record()) : built;
  if (args['dry-run']) {
    const { result: tree, written } = captureWrittenYaml(() => generateRepository(model, templates));
    validateGenerated(tree, written, context);
    printPlan(out, target, model, tree, true);
    out.result(initResult({ dryRun: true, changed: true, directory: target, branch: args.branch, model, files: [...tree.keys()] }));
    return;
  }

  // Everything happens in a staging folder; the target appears only once the commit exists.
  for (const stale of removeStaleStagingDirectories(target)) out.warn(`removed ${stale}, left by an init that was killed`);
  const targetExisted = pathExists(target);
  const staging = createStagingDirectory(target);
  // git init and git var -l start now and run beside the generation. Without a remote, the pre-push hook is
  // turned on right away too (in the staging folder, so only in a repository that passed the validation).
  const repository = startRepository({ dir: staging, branch: args.branch, env: context.env, config: remote ? {} : { 'core.hooksPath': layout.githooksDir } });
  // Ctrl-C or a stop from CI: no staging folder stays behind, and no repository that was never pushed.
  let forget = onInterrupt(() => {
    repository.stop();
    removeDirectory(staging);
    return `nothing was written (the staging folder ${staging} is removed)`;
  });
  let commit: string;
  let tree: FileTree;
  let validation: ReturnType<typeof validateTree>;
  try {
    const generated = captureWrittenYaml(() => generateRepository(model, templates));
    tree = generated.result;
    // The commit straight from the in-memory tree (git fast-import), not git add + git commit. The tree is
    // validated while git writes the files into the staging folder, which goes if the validation finds an error.
    let validated: ReturnType<typeof validateTree> | undefined;
    commit = (await repository.commit(tree, COMMIT_MESSAGE, () => {
      validated = validateGenerated(tree, generated.written, context);
    })).commit;
    validation = validated ?? validateGenerated(tree, generated.written, context);
    if (remote) await addRemote(staging, 'origin', remote, context.env);
    promoteStagingDirectory(staging, target);
  } catch (error) {
    repository.stop();
    await repository.settled();
    removeDirectory(staging);
    throw error;
  } finally {
    forget();
  }
  // Until pushed and hooked up, an interrupted init takes its repository away again, so a rerun starts
  // afresh instead of calling a half-set-up repository fine. (A push that fails keeps it: the error says how to finish.)
  forget = onInterrupt(() => {
    removeCreatedDirectory(target, targetExisted);
    return `${target} is ${targetExisted ? 'empty' : 'removed'} again (init had not finished; run it again)`;
  });
  try {
    printPlan(out, target, model, tree, false);
    out.line(`Committed ${tree.size} files as ${commit.slice(0, 12)} on ${args.branch}.`);
    out.line(`cp-gitops validate: ${summarize(validation.violations)}.`);
    if (isAbsolute(model.repoURL) || model.repoURL.startsWith('file:')) {
      out.warn(`Argo CD will pull from the local path ${model.repoURL}, which it cannot reach: pass --repo-url with the URL Argo CD can clone`);
    }
    for (const warning of securityWarnings(model)) out.warn(warning);
    if (model.repoURL.includes(PLACEHOLDER_REPO_HOST)) {
      out.warn(`Argo CD will pull from the placeholder ${model.repoURL}: run init with --repo-url or --remote, or edit repoURL in ${MODEL_FILE} and run cp-gitops generate`);
    }
    const enableHook = `git -C ${target} config core.hooksPath ${layout.githooksDir}`;
    if (remote) {
      try {
        out.progress(`pushing ${args.branch} to ${remote}`);
        // simple-git (and its load time) only for a push.
        const { GitRepository } = await import('../../adapters/git.js');
        await pushWithRetry(new GitRepository(target), args.branch, provider ? provider.gitEnvironment(remote, context.env) : undefined, createdOnProvider ? 4 : 1);
      } catch (error) {
        throw error instanceof GitError ? new GitError(error.message, [error.hint, `then turn on the pre-push validation hook: ${enableHook}`].filter(Boolean).join('\n'), error) : error;
      }
      out.line(`Pushed ${args.branch} to ${remote}.`);
    }
    // With a remote, only now: the first push runs without the hook, which needs cp-gitops installed
    // (`npx cp-gitops init` does not guarantee it); this commit was validated above. From here on, every
    // push is validated first. (Without a remote it was set in the staging folder.)
    if (remote) await setGitConfig(target, 'core.hooksPath', layout.githooksDir, context.env);
  } finally {
    forget();
  }
  out.line(`Every push now runs cp-gitops validate first (${layout.prePushHook}); in a new clone, turn it on with: git config core.hooksPath ${layout.githooksDir}`);
  out.line('Next: read README.md in the new repository to bootstrap Argo CD.');
  out.result(initResult({ dryRun: false, changed: true, directory: target, commit, branch: args.branch, pushed: remote !== undefined, remote: remote ?? null, model, files: [...tree.keys()] }));
}

/**
 * The tree is checked as `cp-gitops validate` would check it once written: nothing with errors reaches
 * the target. From the values it was generated from: its YAML is not parsed again (positions only for findings).
 */
function validateGenerated(tree: FileTree, written: WrittenYaml, context: CommandContext): ReturnType<typeof validateTree> {
  const validation = validateTree(tree, { schemaCacheDir: defaultSchemaCacheDir(context.env), written });
  if (hasErrors(validation.violations)) {
    const errors = validation.violations.filter((violation) => violation.severity === 'error');
    throw new ValidationFailedError(
      `the generated repository does not validate (${summarize(validation.violations)}); nothing was written:\n${errors.map((violation) => `  ${violation.file}:${violation.line}:${violation.column}: ${violation.rule}: ${violation.message}`).join('\n')}`,
      { hint: 'this is a bug in cp-gitops or in its templates: report it with the lines above' },
    );
  }
  return validation;
}

/** The --json document of init (docs/json/init.schema.json): the same keys in every outcome. */
function initResult(outcome: { dryRun: boolean; changed: boolean; directory: string; branch: string; model: PlatformModel; commit?: string; pushed?: boolean; remote?: string | null; files?: readonly string[]; differingFiles?: readonly string[] }): Record<string, unknown> {
  return {
    ok: true,
    dryRun: outcome.dryRun,
    changed: outcome.changed,
    directory: outcome.directory,
    commit: outcome.commit ?? null,
    branch: outcome.branch,
    pushed: outcome.pushed ?? false,
    remote: outcome.remote ?? null,
    model: outcome.model,
    files: outcome.files ?? [],
    differingFiles: outcome.differingFiles ?? [],
  };
}

/**
 * Right after GitHub (or GitLab) creates a repository, a push can be refused for a moment (eventual
 * consistency): a few tries, a second apart, then the error with its retry command.
 */
async function pushWithRetry(repository: GitRepository, branch: string, env: Record<string, string> | undefined, tries: number): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await repository.push('origin', branch, env ? { env } : {});
      return;
    } catch (error) {
      if (attempt >= tries) throw error;
      await new Promise((resolveWait) => setTimeout(resolveWait, 1000 * attempt));
    }
  }
}

/** A path to a bare repository becomes absolute, so the remote still works from inside the new repo. */
function normaliseRemote(remote: string, cwd: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(remote) || /^[^/]+@[^:]+:/.test(remote)) return remote;
  return isAbsolute(remote) ? remote : resolve(cwd, remote);
}

function printPlan(out: Output, target: string, model: PlatformModel, tree: FileTree, dryRun: boolean): void {
  out.line(`${dryRun ? 'Would create' : 'Created'} ${target} for platform "${model.name}":`);
  out.line(`  Confluent Platform ${model.versions.confluentPlatform}, CFK ${model.versions.operator} (chart ${model.versions.operatorChart}), ${model.controller === 'kraft' ? 'KRaft' : 'ZooKeeper'}, Control Center ${model.versions.controlCenter}`);
  for (const env of model.environments) out.line(`  ${env.name}: namespace ${env.namespace}, size ${env.size}, ${env.components.join(', ')}`);
  out.line(`  Argo CD pulls ${model.repoURL} (${model.targetRevision})`);
  if (dryRun) {
    out.line('Files:');
    for (const path of tree.keys()) out.line(`  ${path}`);
    out.line('Dry run: nothing was written.');
  }
}

/** init on its own repository: reports whether the files still match the model, and changes nothing. */
function reportExistingRepository(target: string, args: InitArgs, templates: ReturnType<typeof loadTemplates>, out: Output): void {
  const modelPath = resolve(target, MODEL_FILE);
  const model = parsePlatformModel(readTextFile(modelPath), modelPath);
  const conflicts = conflictingFlags(args, model);
  if (conflicts.length > 0) {
    throw new UsageError(
      `${target} is already a cp-gitops repository, and ${conflicts.join('; ')}`,
      'init never rewrites an existing repository: change it with cp-gitops add-component / promote, or init a new folder',
    );
  }
  const expected = generateRepository(model, templates);
  const actual = readTree(target);
  const differing = [...expected].filter(([path, content]) => !isRecordPath(path) && !sameText(actual.get(path), content)).map(([path]) => path);
  out.line(`${target} is already a cp-gitops repository for platform "${model.name}": nothing changed.`);
  if (differing.length > 0) out.line(`${differing.length} generated file(s) differ from what the model would give (kept as they are; cp-gitops generate rewrites them): ${differing.slice(0, 5).join(', ')}${differing.length > 5 ? ', …' : ''}`);
  out.result(initResult({ dryRun: args['dry-run'] === true, changed: false, directory: target, branch: model.targetRevision, model, differingFiles: differing }));
}

function conflictingFlags(args: InitArgs, model: PlatformModel): string[] {
  const conflicts: string[] = [];
  const check = (flag: string, given: string | undefined, actual: string) => {
    if (given !== undefined && given !== actual) conflicts.push(`--${flag} ${given} differs from its ${actual}`);
  };
  check('name', args.name, model.name);
  check('cp-version', args['cp-version'], model.versions.confluentPlatform);
  check('controller', args.controller, model.controller);
  check('operator-version', args['operator-version'], model.versions.operator);
  check('repo-url', args['repo-url'], model.repoURL);
  check('branch', args.branch === 'main' ? undefined : args.branch, model.targetRevision);
  check('chart-version', args['chart-version'], model.versions.operatorChart);
  check('control-center-version', args['control-center-version'], model.versions.controlCenter);
  if (args.cluster !== undefined && model.environments.some((env) => env.cluster !== args.cluster)) conflicts.push(`--cluster ${args.cluster} differs from its clusters`);
  if (args.components !== undefined) {
    const wanted = args.components.includes('all') ? null : [...new Set(['kafka', ...args.components])].sort().join(',');
    if (wanted !== null && model.environments.some((env) => [...env.components].sort().join(',') !== wanted)) conflicts.push(`--components ${args.components.join(',')} differs from its components`);
  }
  if (args.remote !== undefined || args.github !== undefined || args.gitlab !== undefined) conflicts.push('--remote/--github/--gitlab: init does not push an existing repository (use git push)');
  if (args.envs !== undefined && args.envs.join(',') !== model.environments.map((env) => env.name).join(',')) {
    conflicts.push(`--envs ${args.envs.join(',')} differs from its ${model.environments.map((env) => env.name).join(',')}`);
  }
  return conflicts;
}
