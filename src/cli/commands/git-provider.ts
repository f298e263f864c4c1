import type { GitRepository } from '../../adapters/git.js';
import { githubRepositoryOfRemote } from '../../model/git-provider.js';
import type { PlatformModel } from '../../model/types.js';
import type { CommandContext } from '../main.js';
import type { Output } from '../output.js';
import { githubTarget, type GitHubTarget } from './change-flow.js';
import type { ChangeFlowArgs } from './change-flow-options.js';

/**
 * Where a change command opens its pull request, in this order: --github; the gitProvider that
 * `init --github` recorded in cp-gitops.yaml; the remote, when it is on github.com (as `gh` infers a
 * repository from its remotes). The first two need a token and fail without one; an inferred
 * repository without a token says so and prints the body instead, as before.
 */
export async function resolveGitHubTarget(args: ChangeFlowArgs, context: CommandContext, model: PlatformModel, git: GitRepository, out: Output): Promise<GitHubTarget | undefined> {
  const recorded = model.gitProvider?.type === 'github' ? model.gitProvider : undefined;
  if (args.github !== undefined) return githubTarget(args, context, recorded?.apiUrl);
  if (recorded) return githubTarget({ ...args, github: recorded.repository }, context, recorded.apiUrl);
  const url = (await git.hasRemote(args.remote)) ? await git.remoteUrl(args.remote) : undefined;
  const inferred = url === undefined ? undefined : githubRepositoryOfRemote(url);
  if (!inferred) return undefined;
  const repository = `${inferred.owner}/${inferred.repo}`;
  if (!context.env.GITHUB_TOKEN?.trim() && !context.env.GH_TOKEN?.trim()) {
    out.warn(`${args.remote} is GitHub repository ${repository}, but neither GITHUB_TOKEN nor GH_TOKEN is set: the pull request body is printed instead of opened (export GITHUB_TOKEN=<token> to open it)`);
    return undefined;
  }
  out.line(`Opening the pull request on GitHub repository ${repository} (the ${args.remote} remote; --github overrides).`);
  return githubTarget({ ...args, github: repository }, context);
}
