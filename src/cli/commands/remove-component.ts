import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from '../main.js';
import { CHANGE_FLOW_OPTIONS, type ChangeFlowArgs } from './change-flow-options.js';

interface RemoveComponentArgs extends ChangeFlowArgs {
  component: string;
  env: string;
}

export function removeComponentCommand(context: CommandContext): CommandModule<object, RemoveComponentArgs> {
  return {
    command: 'remove-component <component>',
    describe: 'Remove a component from one environment (or Kafka cluster), through a branch and a pull request',
    builder: (yargs: Argv<object>) =>
      yargs
        .positional('component', { type: 'string', demandOption: true, describe: 'schemaregistry, connect, ksqldb, controlcenter or restproxy (Kafka goes with its environment: remove-env, remove-cluster)' })
        .option('env', { type: 'string', demandOption: true, describe: 'The environment, or <env>/<kafka cluster>' })
        .options(CHANGE_FLOW_OPTIONS)
        .example('$0 remove-component connect --env prod', 'Branch cp-gitops/remove-connect-prod; Argo CD prunes Connect once merged')
        .example('$0 remove-component ksqldb --env dev/analytics', 'From a Kafka cluster of dev')
        .epilogue('Removals go in reverse promotion order: a component still running in a later environment is refused.') as unknown as Argv<RemoveComponentArgs>,
    handler: async (args) => {
      const [{ proposeChange }, { planRemoveComponent }] = await Promise.all([import('./change-flow.js'), import('../../promotion/lifecycle.js')]);
      await proposeChange(args, context, (model) => planRemoveComponent(model, { component: args.component, env: args.env }));
    },
  };
}
