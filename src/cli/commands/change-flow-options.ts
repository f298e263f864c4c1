/** Flags every change command shares (light: loaded for --help; the flow itself loads on use). */
export interface ChangeFlowArgs {
  dir?: string;
  remote: string;
  github?: string;
  'github-api-url'?: string;
  gitlab?: string;
  'gitlab-url'?: string;
  'dry-run': boolean;
  force: boolean;
  json: boolean;
  /** yargs: the command words; the first names the --json document. */
  _?: readonly (string | number)[];
}

export const CHANGE_FLOW_OPTIONS = {
  dir: { type: 'string', describe: 'The cp-gitops repository', defaultDescription: 'found walking up to cp-gitops.yaml' },
  remote: { type: 'string', default: 'origin', describe: 'Git remote to push the branch to (skipped when the repository has no such remote)' },
  github: { type: 'string', describe: 'owner/repo on GitHub: open or update a pull request there (token from GITHUB_TOKEN or GH_TOKEN); default: gitProvider in cp-gitops.yaml, else the remote when it is on github.com' },
  'github-api-url': { type: 'string', describe: 'GitHub REST API root, for GitHub Enterprise (default: GITHUB_API_URL, else gitProvider.apiUrl in cp-gitops.yaml, else https://api.github.com)' },
  gitlab: { type: 'string', describe: 'group/project on GitLab (subgroups allowed): open or update a merge request there (token from GITLAB_TOKEN or GL_TOKEN); default: gitProvider in cp-gitops.yaml, else the remote when it is on gitlab.com' },
  'gitlab-url': { type: 'string', describe: 'GitLab instance URL, for self-managed GitLab (default: GITLAB_URL, else gitProvider.apiUrl in cp-gitops.yaml, else https://gitlab.com)' },
  'dry-run': { type: 'boolean', default: false, describe: 'Show the change and the pull (merge) request body; write nothing' },
  force: { type: 'boolean', default: false, describe: 'Rebuild the pull request branch even when it (on the remote, or the local branch of that name) holds commits cp-gitops did not make (a reviewer\'s, your own): they are dropped' },
} as const;
