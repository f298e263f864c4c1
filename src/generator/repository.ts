import { deployedModel } from '../model/kafka-clusters.js';
import { serializePlatformModel } from '../model/serialize.js';
import type { PlatformModel } from '../model/types.js';
import { ARCHITECTURE_DOC, generateArchitecture } from './architecture.js';
import { generateArgoCd } from './argocd.js';
import { generateBases } from './base.js';
import { withRecord } from './checksums.js';
import { fileTree, type FileTree } from './file-tree.js';
import { generateCi } from './ci.js';
import { githubWorkflow } from './github-workflow.js';
import { gitlabCi } from './gitlab-ci.js';
import { CP_GITOPS_BIN_ENV, CP_GITOPS_PACKAGE, GENERATED_MARKER, layout, PINNED_CP_GITOPS } from './layout.js';
import { generateOverlays } from './overlays.js';
import { generateReadme } from './readme.js';
import type { Templates } from './templates.js';
import { generateToolchainFiles } from './toolchain.js';

/**
 * The whole repository for a model: pure and deterministic (same model and templates, same bytes).
 * Nothing here touches the disk; src/adapters/fs.ts writes the tree once it is complete.
 */
export function generateRepository(model: PlatformModel, templates: Templates): FileTree {
  // Every Kafka cluster as an environment of its own ("<env>/<cluster>"); cp-gitops.yaml keeps them nested.
  const deployed = deployedModel(model);
  return withRecord(fileTree([
    [layout.model, serializePlatformModel(model)],
    ...generateDocs(model, templates),
    [layout.gitignore, gitignore(model)],
    [layout.gitattributes, gitattributes()],
    [layout.prePushHook, prePushHook()],
    ...generateCi(model),
    ...generateToolchainFiles(model, templates.toolchain),
    ...generateBases(deployed, templates),
    ...generateOverlays(deployed, templates),
    ...generateArgoCd(deployed, templates),
  ]));
}

/**
 * The generated files that run code: the pre-push hook (on a reviewer's `git push`) and the CI file
 * of every provider (in CI, with its secrets). `validate` compares the repository's copies with these,
 * never with a hash stored in the repository (a pull request can rewrite that too). Every provider's
 * CI file is listed, so the check needs no model (which the same pull request may edit): a CI file of
 * the other provider, exactly as generated, is drift's business (orphan), not a code-execution risk.
 */
export function generatedExecutables(): FileTree {
  return fileTree([
    [layout.prePushHook, prePushHook()],
    [layout.validateWorkflow, githubWorkflow()],
    [layout.gitlabCi, gitlabCi()],
  ]);
}

/**
 * The documents generated from the model: README.md and docs/architecture.md. `cp-gitops docs`
 * regenerates exactly these after a hand edit of cp-gitops.yaml, so both go through this one list.
 */
export function generateDocs(model: PlatformModel, templates: Templates): FileTree {
  // The documents describe every Kafka cluster as an environment of its own, as the manifests do.
  const deployed = deployedModel(model);
  return fileTree([
    [layout.readme, generateReadme(deployed, templates)],
    [ARCHITECTURE_DOC, generateArchitecture(deployed, templates)],
  ]);
}

function gitignore(model: PlatformModel): string {
  const lines = ['# Rendered output and editor files; manifests are reviewed as source, never rendered into the repository.', 'rendered/', '.DS_Store', '*.swp', '# The pinned cp-gitops: npm ci installs it from package-lock.json; never commit it (the pre-push hook refuses a committed node_modules/).', 'node_modules/'];
  // GitLab CI keeps npm's cache in the checkout and writes the Code Quality report there.
  if (model.gitProvider?.type === 'gitlab') lines.push('# GitLab CI: npm cache and the Code Quality report.', `${layout.ciNpmCache}/`, layout.codeQualityReport);
  return [...lines, ''].join('\n');
}

/**
 * LF in the repository and in every checkout, whatever core.autocrlf says: Kustomize, Argo CD and
 * the POSIX pre-push hook read these files on Linux, and a hook with CRLF fails to run (`sh\r`).
 */
function gitattributes(): string {
  return [
    '# Line endings: LF in the repository and in every checkout, whatever core.autocrlf says.',
    `# ${GENERATED_MARKER}`,
    '* text=auto eol=lf',
    '# Hooks are POSIX sh scripts: with CRLF they do not run.',
    `${layout.githooksDir}/* text eol=lf`,
    '',
  ].join('\n');
}

/**
 * A POSIX sh pre-push hook (written executable by src/adapters/fs.ts). It validates the tree of each
 * commit being pushed, not the working tree: uncommitted edits neither block nor excuse a push.
 */
function prePushHook(): string {
  const bin = CP_GITOPS_BIN_ENV;
  return [
    '#!/bin/sh',
    '# Pre-push hook: runs `cp-gitops validate` on every commit being pushed; a commit with errors is not pushed.',
    `# Enabled by cp-gitops init (git config core.hooksPath ${layout.githooksDir}); run that command again in a new clone.`,
    '# Runs $' + bin + ' when set (a bin/cp-gitops.js; cp-gitops change commands set it), else the cp-gitops pinned in package.json (npm ci).',
    '# To push once without validation, knowingly: git push --no-verify',
    `# ${GENERATED_MARKER}`,
    'set -u',
    '',
    // A pull request can commit node_modules/.bin/cp-gitops (git add -f): that code must never run on push.
    'if [ -n "$(git ls-files -- node_modules | head -n 1)" ]; then',
    '  echo "cp-gitops pre-push: node_modules/ is committed to this repository, so its code is not run. Remove it: git rm -r --cached node_modules" >&2',
    '  exit 1',
    'fi',
    `if [ -n "\${${bin}:-}" ]; then`,
    `  if [ ! -f "$${bin}" ]; then`,
    `    echo "cp-gitops pre-push: ${bin}=$${bin} is not a file" >&2`,
    '    exit 1',
    '  fi',
    '  runner=bin',
    // Checked on disk: asking npx whether a package it cannot find exists would query the registry.
    `elif [ -x "$(git rev-parse --show-toplevel)/node_modules/.bin/${CP_GITOPS_PACKAGE}" ] && command -v npx >/dev/null 2>&1; then`,
    '  runner=npx',
    'else',
    '  echo "cp-gitops pre-push: the cp-gitops pinned in package.json is not installed, so this push cannot be validated." >&2',
    '  echo "  Install it once in this clone: npm ci (needs Node.js; it installs only what package-lock.json lists)." >&2',
    '  echo "  To push once without validation, knowingly: git push --no-verify" >&2',
    '  exit 1',
    'fi',
    '',
    'cp_gitops() {',
    '  case $runner in',
    `    bin) if [ -x "$${bin}" ]; then "$${bin}" "$@"; else node "$${bin}" "$@"; fi ;;`,
    `    *) ${PINNED_CP_GITOPS} "$@" ;;`,
    '  esac',
    '}',
    '',
    'work=$(mktemp -d "${TMPDIR:-/tmp}/cp-gitops-pre-push.XXXXXX") || exit 1',
    `trap 'rm -rf "$work"' EXIT`,
    `trap 'exit 1' INT TERM`,
    'status=0',
    'seen=" "',
    '# stdin: one line per pushed ref: <local ref> <local object> <remote ref> <remote object>',
    'while read -r local_ref local_object _remote_ref _remote_object; do',
    '  case $local_object in *[!0]*) ;; *) continue ;; esac # all zeros: a ref being deleted',
    '  case $seen in *" $local_object "*) continue ;; esac',
    '  seen="$seen$local_object "',
    '  tree="$work/$local_object"',
    '  if ! mkdir "$tree" || ! git archive --format=tar "$local_object" | tar -xf - -C "$tree"; then',
    '    echo "cp-gitops pre-push: could not read $local_ref ($local_object)" >&2',
    '    exit 1',
    '  fi',
    '  echo "cp-gitops pre-push: validating $local_ref" >&2',
    '  cp_gitops validate "$tree" </dev/null >&2 || status=1',
    'done',
    'exit $status',
    '',
  ].join('\n');
}
