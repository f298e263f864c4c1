import { buildNewModel, type NewModelOptions } from '../../src/model/build.js';
import type { PlatformModel } from '../../src/model/types.js';

/** The golden scenarios: each is a model; its whole generated tree is kept under test/golden/<name>/. */
export const GOLDEN_SCENARIOS: Readonly<Record<string, NewModelOptions>> = {
  default: { name: 'acme-kafka', repoURL: 'https://github.com/acme/acme-kafka.git' },
  minimal: { name: 'mini', environments: ['dev'], components: ['kafka'], repoURL: 'https://github.com/acme/mini.git' },
  'cp79-zookeeper': {
    name: 'legacy',
    cpVersion: '7.9.0',
    controller: 'zookeeper',
    repoURL: 'git@github.com:acme/legacy.git',
    cluster: 'https://prod.k8s.example.com:6443',
  },
};

export function goldenModel(scenario: string): PlatformModel {
  const options = GOLDEN_SCENARIOS[scenario];
  if (!options) throw new Error(`unknown golden scenario ${scenario}`);
  return buildNewModel(options);
}
