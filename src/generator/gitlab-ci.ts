import { stringifyYaml } from '../yaml/stringify.js';
import { GENERATED_MARKER, layout, PINNED_CP_GITOPS } from './layout.js';

/**
 * The job image: Node 24 (the active LTS line, as the GitHub workflow), pinned to an exact release so
 * every pipeline runs the same Node; the full Debian image because the validate job needs curl and tar.
 */
export const GITLAB_CI_IMAGE = 'node:24.11.1-bookworm';

/**
 * Kustomize for `validate --render`: the node image has neither kustomize nor kubectl. The release
 * Argo CD 3.x ships (hack/tool-versions.sh), checked against the SHA-256 sums Argo CD publishes for it
 * (hack/installers/checksums/kustomize_5.8.1_linux_<arch>.tar.gz.sha256) before it is unpacked.
 */
export const KUSTOMIZE_PIN = {
  version: '5.8.1',
  sha256: {
    amd64: '029a7f0f4e1932c52a0476cf02a0fd855c0bb85694b82c338fc648dcb53a819d',
    arm64: '0953ea3e476f66d6ddfcd911d750f5167b9365aa9491b2326398e289fef2c142',
  },
} as const;

/** The job lines that put the pinned Kustomize on PATH (a test runs the validate job without them, offline). */
export const INSTALL_KUSTOMIZE = [
  'case "$(uname -m)" in',
  `  x86_64) arch=amd64; sum=${KUSTOMIZE_PIN.sha256.amd64} ;;`,
  `  aarch64 | arm64) arch=arm64; sum=${KUSTOMIZE_PIN.sha256.arm64} ;;`,
  '  *) echo "no pinned Kustomize for $(uname -m)" >&2; exit 1 ;;',
  'esac',
  `curl -fsSL --retry 3 -o /tmp/kustomize.tar.gz "https://github.com/kubernetes-sigs/kustomize/releases/download/kustomize/v${KUSTOMIZE_PIN.version}/kustomize_v${KUSTOMIZE_PIN.version}_linux_$arch.tar.gz"`,
  'echo "$sum  /tmp/kustomize.tar.gz" | sha256sum -c -',
  'tar -xzf /tmp/kustomize.tar.gz -C /usr/local/bin kustomize',
].join('\n');

/**
 * GitLab CI for merge requests and the default branch, with the cp-gitops pinned in package.json.
 * validate, the drift check and the docs check are separate jobs, so each fails on its own. Findings
 * become a Code Quality report: GitLab shows in the merge request widget what the merge request adds
 * or fixes compared with the default branch's last report, so the default branch runs it too.
 */
export function gitlabCi(): string {
  const ci = {
    workflow: {
      rules: [{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }, { if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH' }],
    },
    default: {
      image: GITLAB_CI_IMAGE,
      interruptible: true,
      // npm's own cache, keyed on the lockfile (npm ci removes node_modules/ anyway).
      cache: { key: { files: [layout.packageLock] }, paths: [`${layout.ciNpmCache}/`] },
      before_script: [`npm ci --cache ${layout.ciNpmCache} --prefer-offline`],
    },
    validate: {
      script: [INSTALL_KUSTOMIZE, `${PINNED_CP_GITOPS} validate --render --format gitlab --output ${layout.codeQualityReport}`],
      // Uploaded when validation fails too: that is when the widget has something to show.
      artifacts: { when: 'always', reports: { codequality: layout.codeQualityReport } },
    },
    drift: { script: [`${PINNED_CP_GITOPS} generate --check`] },
    docs: { script: [`${PINNED_CP_GITOPS} docs --check`] },
  };
  return stringifyYaml(ci, {
    header: [
      'Validates the repository in every merge request pipeline and on the default branch with the cp-gitops',
      'pinned in package.json: findings in the merge request\'s Code Quality widget and in the job log; the',
      'drift check (generated files follow cp-gitops.yaml) and the docs check as jobs of their own.',
      'The same check runs before every push in .githooks/pre-push.',
      GENERATED_MARKER,
    ],
  });
}
