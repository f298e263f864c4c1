import type { GitRepository } from '../../adapters/git.js';
import type { GitProvider, GitProviderFactory } from '../../adapters/git-provider.js';
import { GIT_PROVIDER_FACTORIES } from '../../adapters/git-providers.js';
import { UsageError } from '../../errors.js';
import type { PlatformModel } from '../../model/types.js';
import type { CommandContext } from '../main.js';
import type { Output } from '../output.js';

/** The provider flags init and the change commands share. */
export interface ProviderArgs {
  github?: string | undefined;
  'github-api-url'?: string | undefined;
  gitlab?: string | undefined;
  'gitlab-url'?: string | undefined;
}

/** The provider named on the command line (--github or --gitlab, never both), with its URL flag. */
export function providerFlag(args: ProviderArgs): { factory: GitProviderFactory; repository: string; url: string | undefined } | undefined {
  if (args.github !== undefined && args.gitlab !== undefined) {
    throw new UsageError('--github and --gitlab both say where the repository is hosted', 'give one of them: --github owner/repo or --gitlab group/project');
  }
  if (args.github !== undefined) return { factory: GIT_PROVIDER_FACTORIES.github, repository: args.github, url: args['github-api-url'] };
  if (args.gitlab !== undefined) return { factory: GIT_PROVIDER_FACTORIES.gitlab, repository: args.gitlab, url: args['gitlab-url'] };
  return undefined;
}

/** Builds a provider; retries and rate-limit waits are announced on stderr, so a wait never looks like a hang. */
export function createProvider(factory: GitProviderFactory, repository: string, url: string | undefined, context: CommandContext, recordedApiUrl?: string): Promise<GitProvider> {
  const log = (line: string) => context.streams.stderr.write(`cp-gitops: ${factory.words.name}: ${line}\n`);
  return factory.create({ repository, url }, context.env, { recordedApiUrl, log });
}

/**
 * Where a change command opens its pull (merge) request, in this order: --github / --gitlab; the
 * gitProvider that init recorded in cp-gitops.yaml; the remote, when it is on github.com or gitlab.com
 * (as `gh` and `glab` infer a repository from their remotes). The first two need a token and fail
 * without one; an inferred repository without a token says so and prints the body instead.
 */
export async function resolveGitProvider(args: ProviderArgs & { remote: string }, context: CommandContext, model: PlatformModel, git: GitRepository, out: Output): Promise<GitProvider | undefined> {
  const recorded = model.gitProvider;
  const flagged = providerFlag(args);
  if (flagged) {
    const recordedApiUrl = recorded?.type === flagged.factory.type ? recorded.apiUrl : undefined;
    return createProvider(flagged.factory, flagged.repository, flagged.url, context, recordedApiUrl);
  }
  if (recorded) {
    const factory = GIT_PROVIDER_FACTORIES[recorded.type];
    const url = recorded.type === 'github' ? args['github-api-url'] : args['gitlab-url'];
    return createProvider(factory, recorded.repository, url, context, recorded.apiUrl);
  }
  const remoteUrl = (await git.hasRemote(args.remote)) ? await git.remoteUrl(args.remote) : undefined;
  if (remoteUrl === undefined) return undefined;
  for (const factory of Object.values(GIT_PROVIDER_FACTORIES)) {
    const repository = factory.repositoryOfRemote(remoteUrl);
    if (repository === undefined) continue;
    const { name, repository: noun, changeRequest } = factory.words;
    const [first, second] = factory.tokenVariables;
    if (!factory.tokenVariables.some((variable) => context.env[variable]?.trim())) {
      out.warn(`${args.remote} is ${name} ${noun} ${repository}, but neither ${first} nor ${second} is set: the ${changeRequest} body is printed instead of opened (export ${first}=<token> to open it)`);
      return undefined;
    }
    out.line(`Opening the ${changeRequest} on ${name} ${noun} ${repository} (the ${args.remote} remote; ${factory.flag} overrides).`);
    return createProvider(factory, repository, undefined, context);
  }
  return undefined;
}
