import type { ModelProblem } from './check.js';
import { secretSettingFix, secretSettingProblem } from './secret-settings.js';
import type { Environment, PlatformModel } from './types.js';
import type { YamlPath } from '../yaml/positions.js';
import { URL_CREDENTIAL_FIX, urlCredentialProblem } from './url-credentials.js';

/** Credentials written into cp-gitops.yaml by hand: the same refusals as the commands that write it. */
export function secretProblems(model: PlatformModel): ModelProblem[] {
  const problems: ModelProblem[] = [];
  const url = urlCredentialProblem(model.repoURL);
  if (url) problems.push({ path: ['repoURL'], message: `repoURL has credentials in it: ${url}`, fix: URL_CREDENTIAL_FIX });
  model.environments.forEach((env, envIndex) => {
    problems.push(...configProblems(env.config, ['environments', envIndex, 'config']));
    (env.kafkaClusters ?? []).forEach((cluster, clusterIndex) => problems.push(...configProblems(cluster.config, ['environments', envIndex, 'kafkaClusters', clusterIndex, 'config'])));
  });
  return problems;
}

function configProblems(config: Environment['config'], at: YamlPath): ModelProblem[] {
  return Object.entries(config ?? {}).flatMap(([component, lines]) =>
    (lines ?? []).flatMap((line, lineIndex) => {
      const split = line.indexOf('=');
      const key = split === -1 ? line : line.slice(0, split);
      const problem = secretSettingProblem(key, split === -1 ? '' : line.slice(split + 1));
      return problem ? [{ path: [...at, component, lineIndex], message: `${problem}: credentials must not be committed`, fix: secretSettingFix(key) }] : [];
    }),
  );
}
