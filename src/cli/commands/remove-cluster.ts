import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from '../main.js';
import { CHANGE_FLOW_OPTIONS, type ChangeFlowArgs } from './change-flow-options.js';

interface RemoveClusterArgs extends ChangeFlowArgs {
  name: string;
  env: string;
}

export function removeClusterCommand(context: CommandContext): CommandModule<object, RemoveClusterArgs> {
  return {
    command: 'remove-cluster <name>',
    describe: 'Remove a Kafka cluster that add-cluster added, through a pull request whose body gives the teardown order',
    builder: (yargs: Argv<object>) =>
      yargs
        .positional('name', { type: 'string', demandOption: true, describe: 'The Kafka cluster\'s name' })
        .option('env', { type: 'string', demandOption: true, describe: 'Its environment' })
        .options(CHANGE_FLOW_OPTIONS)
        .example('$0 remove-cluster analytics --env dev', 'Branch cp-gitops/remove-cluster-analytics-dev') as unknown as Argv<RemoveClusterArgs>,
    handler: async (args) => {
      const [{ proposeChange }, { planRemoveCluster }] = await Promise.all([import('./change-flow.js'), import('../../promotion/lifecycle.js')]);
      await proposeChange(args, context, (model) => planRemoveCluster(model, { name: args.name, env: args.env }));
    },
  };
}
