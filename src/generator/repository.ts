import { deployedModel } from '../model/kafka-clusters.js';
import { serializePlatformModel } from '../model/serialize.js';
import type { PlatformModel } from '../model/types.js';
import { stringifyYaml } from '../yaml/stringify.js';
import { ARCHITECTURE_DOC, generateArchitecture } from './architecture.js';
import { generateArgoCd } from './argocd.js';
import { generateBases } from './base.js';
import { withRecord } from './checksums.js';
import { fileTree, type FileTree } from './file-tree.js';
import { CP_GITOPS_BIN_ENV, CP_GITOPS_PACKAGE, GENERATED_MARKER, layout } from './layout.js';
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
    [layout.gitignore, ['# Rendered output and editor files; manifests are reviewed as source, never rendered into the repository.', 'rendered/', '.DS_Store', '*.swp', '# The pinned cp-gitops: npm ci installs it from package-lock.json; never commit it (the pre-push hook refuses a committed node_modules/).', 'node_modules/', ''].join('\n')],
    [layout.gitattributes, gitattributes()],
    ...generatedExecutables(),
    ...generateToolchainFiles(model, templates.toolchain),
    ...generateBases(deployed, templates),
    ...generateOverlays(deployed, templates),
    ...generateArgoCd(deployed, templates),
  ]));
}

/**
 * The generated files that run code: the pre-push hook (on a reviewer's `git push`) and the CI
 * workflow (in CI, with its secrets). `validate` compares the repository's copies with these, never
 * with a hash stored in the repository (a pull request can rewrite that too). They do not depend on
 * the model; one that comes to must take it here, so the check keeps using the generator's output.
 */
export function generatedExecutables(): FileTree {
  return fileTree([
    [layout.prePushHook, prePushHook()],
    [layout.validateWorkflow, validateWorkflow()],
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

/** The pinned copy (package.json), as CI and the hook run it: never a download at run time. */
const PINNED = `npx --no-install ${CP_GITOPS_PACKAGE}`;

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
    `    *) ${PINNED} "$@" ;;`,
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

/**
 * GitHub Actions on pull requests, with the cp-gitops pinned in package.json. Findings become
 * annotations on the changed files and a job summary on every repository; code scanning (SARIF) only
 * where it exists: public repositories, or private ones with GitHub Advanced Security when the
 * repository variable CP_GITOPS_CODE_SCANNING is `true` (the upload fails without it).
 */
function validateWorkflow(): string {
  const codeScanning = "github.event.repository.visibility == 'public' || vars.CP_GITOPS_CODE_SCANNING == 'true'";
  const workflow = {
    name: 'cp-gitops validate',
    on: { pull_request: {} },
    permissions: { contents: 'read' },
    jobs: {
      validate: {
        'runs-on': 'ubuntu-latest',
        // security-events and actions only for the code scanning upload (actions: read for private repositories).
        permissions: { contents: 'read', 'security-events': 'write', actions: 'read' },
        steps: [
          { uses: 'actions/checkout@v6' },
          // Node 24: the active LTS line (https://nodejs.org/en/about/previous-releases).
          { uses: 'actions/setup-node@v6', with: { 'node-version': '24', cache: 'npm' } },
          { name: 'Install the pinned cp-gitops', run: 'npm ci' },
          // No download: the runner's kubectl has Kustomize built in, and --render falls back to `kubectl kustomize`.
          { name: 'Kustomize (built into the runner kubectl)', run: 'kubectl version --client' },
          {
            // Annotations on the files and the job summary; exit 1 on errors fails the check here.
            name: 'Validate manifests and cp-gitops.yaml',
            run: `${PINNED} validate --render --format github`,
          },
          {
            // After a hand edit of cp-gitops.yaml, every generated file (manifests, Argo CD apps, records) must follow it.
            name: 'Generated files follow cp-gitops.yaml',
            if: '!cancelled()',
            run: `${PINNED} generate --check`,
          },
          {
            // README.md and docs/architecture.md: the same check, named apart so a stale doc reads as such.
            name: 'Generated docs follow cp-gitops.yaml',
            if: '!cancelled()',
            run: `${PINNED} docs --check`,
          },
          {
            // Exit 1 means findings (the SARIF is complete); anything else is a failure of its own.
            name: 'SARIF for code scanning',
            if: `!cancelled() && (${codeScanning})`,
            run: [`${PINNED} validate --format sarif > results.sarif && exit 0`, 'status=$?', '[ "$status" -eq 1 ] || exit "$status"'].join('\n'),
          },
          {
            name: 'Upload to code scanning',
            if: `!cancelled() && (${codeScanning})`,
            uses: 'github/codeql-action/upload-sarif@v4',
            with: { sarif_file: 'results.sarif', category: 'cp-gitops' },
          },
        ],
      },
    },
  };
  return stringifyYaml(workflow, {
    header: [
      'Validates the repository on every pull request with the cp-gitops pinned in package.json: annotations',
      'and a job summary always; code scanning on public repositories, or with the repository variable',
      'CP_GITOPS_CODE_SCANNING=true (private repositories with GitHub Advanced Security).',
      'The same check runs before every push in .githooks/pre-push.',
      GENERATED_MARKER,
    ],
  });
}
