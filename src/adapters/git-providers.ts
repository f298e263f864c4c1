import type { GitProviderFactory, GitProviderType } from './git-provider.js';
import { githubProviderFactory } from './github-provider.js';
import { gitlabProviderFactory } from './gitlab-provider.js';

/** Every provider cp-gitops knows; a new one is an adapter file with a factory, listed here, and its flag. */
export const GIT_PROVIDER_FACTORIES: Readonly<Record<GitProviderType, GitProviderFactory>> = {
  github: githubProviderFactory,
  gitlab: gitlabProviderFactory,
};
