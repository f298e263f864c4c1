import type { PlatformModel } from '../model/types.js';
import { githubWorkflow } from './github-workflow.js';
import { gitlabCi } from './gitlab-ci.js';
import { layout } from './layout.js';

/**
 * The CI of the provider the repository lives on: GitLab CI for `gitProvider.type: gitlab`, else
 * GitHub Actions (also without a recorded provider, as before providers were recorded). One file
 * only, so when gitProvider changes `generate` deletes the other through the record.
 */
export function generateCi(model: PlatformModel): [string, string][] {
  if (model.gitProvider?.type === 'gitlab') return [[layout.gitlabCi, gitlabCi()]];
  return [[layout.validateWorkflow, githubWorkflow()]];
}
