import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from '../main.js';
import { CHANGE_FLOW_OPTIONS, type ChangeFlowArgs } from './change-flow-options.js';

interface ConfigArgs extends ChangeFlowArgs {
  component: string;
  action: string;
  settings: string[];
  env: string;
}

export function configCommand(context: CommandContext): CommandModule<object, ConfigArgs> {
  return {
    command: 'config <component> <action> <settings..>',
    describe: 'Set configuration of a component in one environment (configOverrides.server), through a pull request',
    builder: (yargs: Argv<object>) =>
      yargs
        .positional('component', { type: 'string', describe: 'kafka, schemaregistry, connect, ksqldb, controlcenter or restproxy' })
        .positional('action', { type: 'string', choices: ['set'], describe: 'set' })
        .positional('settings', { type: 'string', array: true, describe: 'key=value, replacing the key where the size profile or an earlier config sets it (key= removes it); keys the operator manages are refused' })
        .option('env', { type: 'string', demandOption: true, describe: 'The environment' })
        .options(CHANGE_FLOW_OPTIONS)
        .example('$0 config kafka set log.retention.hours=72 --env dev', 'A broker setting in dev')
        .example('$0 config kafka set num.io.threads=16 num.network.threads=8 --env prod', 'Several at once')
        .example('$0 config connect set offset.flush.interval.ms= --env dev', 'Remove a setting')
        .epilogue('Refused: listeners, TLS, SASL, node identity and storage keys; CFK writes them from the custom resource.') as unknown as Argv<ConfigArgs>,
    handler: async (args) => {
      const [{ proposeChange }, { planConfig }, { loadTemplates }] = await Promise.all([import('./change-flow.js'), import('../../promotion/day2.js'), import('../../adapters/templates.js')]);
      const templates = loadTemplates();
      await proposeChange(args, context, (model) => planConfig(model, templates, { env: args.env, component: args.component, settings: args.settings }));
    },
  };
}
