import { deployedModel } from '../model/kafka-clusters.js';
import { serializePlatformModel } from '../model/serialize.js';
import type { PlatformModel } from '../model/types.js';
import { stringifyYaml } from '../yaml/stringify.js';
import { ARCHITECTURE_DOC, generateArchitecture } from './architecture.js';
import { generateArgoCd } from './argocd.js';
import { generateBases } from './base.js';
import { withChecksums } from './checksums.js';
import { fileTree, type FileTree } from './file-tree.js';
import { CP_GITOPS_BIN_ENV, CP_GITOPS_PACKAGE, CP_GITOPS_VERSION, GENERATED_MARKER, layout } from './layout.js';
import { generateOverlays } from './overlays.js';
import { generateReadme } from './readme.js';
import type { Templates } from './templates.js';

/**
 * The whole repository for a model: pure and deterministic (same model and templates, same bytes).
 * Nothing here touches the disk; src/adapters/fs.ts writes the tree once it is complete.
 */
export function generateRepository(model: PlatformModel, templates: Templates): FileTree {
  // Every Kafka cluster as an environment of its own ("<env>/<cluster>"); cp-gitops.yaml keeps them nested.
  const deployed = deployedModel(model);
  return withChecksums(fileTree([
    [layout.model, serializePlatformModel(model)],
    ...generateDocs(model, templates),
    [layout.gitignore, ['# Rendered output and editor files; manifests are reviewed as source, never rendered into the repository.', 'rendered/', '.DS_Store', '*.swp', '# Dependencies are installed (npm ci), never committed: the pre-push hook refuses a committed node_modules/.', 'node_modules/', ''].join('\n')],
    [layout.prePushHook, prePushHook()],
    [layout.validateWorkflow, validateWorkflow()],
    ...generateBases(deployed, templates),
    ...generateOverlays(deployed, templates),
    ...generateArgoCd(deployed, templates),
  ]));
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

const INSTALL = `${CP_GITOPS_PACKAGE}@${CP_GITOPS_VERSION}`;

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
    '# Finds cp-gitops through $' + bin + ' (path to its bin), then npx (installed in this repository), then PATH.',
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
    `elif command -v ${CP_GITOPS_PACKAGE} >/dev/null 2>&1; then`,
    '  runner=path',
    'else',
    '  echo "cp-gitops pre-push: cp-gitops was not found, so this push cannot be validated." >&2',
    `  echo "  Install it: npm install --global ${INSTALL} (or npm install --save-dev ${INSTALL} in this repository)," >&2`,
    `  echo "  or set ${bin} to the path of its bin/cp-gitops.js. To push without validation: git push --no-verify" >&2`,
    '  exit 1',
    'fi',
    '',
    'cp_gitops() {',
    '  case $runner in',
    `    bin) if [ -x "$${bin}" ]; then "$${bin}" "$@"; else node "$${bin}" "$@"; fi ;;`,
    `    npx) npx --no-install ${CP_GITOPS_PACKAGE} "$@" ;;`,
    `    *) ${CP_GITOPS_PACKAGE} "$@" ;;`,
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
 * GitHub Actions on pull requests: validate with the real Kustomize as a cross-check, publish the
 * findings to code scanning, then fail the check on errors (after the upload, so they are visible).
 */
function validateWorkflow(): string {
  const workflow = {
    name: 'cp-gitops validate',
    on: { pull_request: {} },
    permissions: { contents: 'read', 'security-events': 'write', actions: 'read' },
    jobs: {
      validate: {
        'runs-on': 'ubuntu-latest',
        steps: [
          { uses: 'actions/checkout@v6' },
          { uses: 'actions/setup-node@v6', with: { 'node-version': '20' } },
          { name: 'Install cp-gitops', run: `npm install --global ${INSTALL}` },
          // No download: the runner's kubectl has Kustomize built in, and --render falls back to `kubectl kustomize`.
          { name: 'Kustomize (built into the runner kubectl)', run: 'kubectl version --client' },
          {
            name: 'Validate',
            id: 'validate',
            run: ['set +e', 'cp-gitops validate --render --format sarif > results.sarif', 'echo "exit=$?" >> "$GITHUB_OUTPUT"'].join('\n'),
          },
          {
            name: 'Upload to code scanning',
            // Exit 2 (usage) or a crash leaves no SARIF: skip the upload, the next step says what happened.
            if: "steps.validate.outputs.exit == '0' || steps.validate.outputs.exit == '1'",
            uses: 'github/codeql-action/upload-sarif@v4',
            with: { sarif_file: 'results.sarif', category: 'cp-gitops' },
          },
          {
            name: 'Fail on errors',
            if: "steps.validate.outputs.exit != '0'",
            env: { VALIDATE_EXIT: '${{ steps.validate.outputs.exit }}' },
            run: ['cp-gitops validate --render || true', 'echo "::error::cp-gitops validate exited with $VALIDATE_EXIT"', 'exit 1'].join('\n'),
          },
          {
            // After a hand edit of cp-gitops.yaml, README.md and docs/architecture.md must follow it.
            name: 'Generated docs follow cp-gitops.yaml',
            if: '!cancelled()',
            run: 'cp-gitops docs --check',
          },
        ],
      },
    },
  };
  return stringifyYaml(workflow, {
    header: [
      'Validates the repository on every pull request: `cp-gitops validate --render`, findings in code scanning.',
      'The same check runs before every push in .githooks/pre-push.',
      GENERATED_MARKER,
    ],
  });
}
