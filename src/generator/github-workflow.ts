import { stringifyYaml } from '../yaml/stringify.js';
import { GENERATED_MARKER, PINNED_CP_GITOPS } from './layout.js';

/**
 * GitHub Actions on pull requests, with the cp-gitops pinned in package.json. Findings become
 * annotations on the changed files and a job summary on every repository; code scanning (SARIF) only
 * where it exists: public repositories, or private ones with GitHub Advanced Security when the
 * repository variable CP_GITOPS_CODE_SCANNING is `true` (the upload fails without it).
 */
export function githubWorkflow(): string {
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
            run: `${PINNED_CP_GITOPS} validate --render --format github`,
          },
          {
            // After a hand edit of cp-gitops.yaml, every generated file (manifests, Argo CD apps, records) must follow it.
            name: 'Generated files follow cp-gitops.yaml',
            if: '!cancelled()',
            run: `${PINNED_CP_GITOPS} generate --check`,
          },
          {
            // README.md and docs/architecture.md: the same check, named apart so a stale doc reads as such.
            name: 'Generated docs follow cp-gitops.yaml',
            if: '!cancelled()',
            run: `${PINNED_CP_GITOPS} docs --check`,
          },
          {
            // Exit 1 means findings (the SARIF is complete); anything else is a failure of its own.
            name: 'SARIF for code scanning',
            if: `!cancelled() && (${codeScanning})`,
            run: [`${PINNED_CP_GITOPS} validate --format sarif > results.sarif && exit 0`, 'status=$?', '[ "$status" -eq 1 ] || exit "$status"'].join('\n'),
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
