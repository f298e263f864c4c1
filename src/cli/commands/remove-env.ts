import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from '../main.js';
import { CHANGE_FLOW_OPTIONS, type ChangeFlowArgs } from './change-flow-options.js';

interface RemoveEnvArgs extends ChangeFlowArgs {
  name: string;
}

export function removeEnvCommand(context: CommandContext): CommandModule<object, RemoveEnvArgs> {
  return {
    command: 'remove-env <name>',
    describe: 'Remove an environment (its overlay, Argo CD apps and root app) through a pull request whose body gives the teardown order',
    builder: (yargs: Argv<object>) =>
      yargs
        .positional('name', { type: 'string', demandOption: true, describe: 'The environment to remove; the promotion path keeps the order of the others' })
        .options(CHANGE_FLOW_OPTIONS)
        .example('$0 remove-env staging', 'dev → prod; the PR body lists the kubectl deletions to run after the merge')
        .epilogue('Refused for the last environment, and for the environment whose operator installs the CFK CRDs other environments on its cluster use.') as unknown as Argv<RemoveEnvArgs>,
    handler: async (args) => {
      const [{ proposeChange }, { planRemoveEnvironment }] = await Promise.all([import('./change-flow.js'), import('../../promotion/lifecycle.js')]);
      await proposeChange(args, context, (model) => planRemoveEnvironment(model, { name: args.name }));
    },
  };
}
