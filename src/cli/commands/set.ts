import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from '../main.js';
import { CHANGE_FLOW_OPTIONS, type ChangeFlowArgs } from './change-flow-options.js';

interface SetArgs extends ChangeFlowArgs {
  settings: string[];
  env?: string;
}

export function setCommand(context: CommandContext): CommandModule<object, SetArgs> {
  return {
    command: 'set <settings..>',
    describe: 'Change production options (TLS, storage, monitoring, …) of the platform or one environment, through a pull request',
    builder: (yargs: Argv<object>) =>
      yargs
        .positional('settings', { type: 'string', array: true, describe: 'path=value, e.g. storage.storageClass=fast-ssd (a YAML value; empty removes it)' })
        .option('env', { type: 'string', describe: 'Only this environment (default: the platform, every environment)' })
        .options(CHANGE_FLOW_OPTIONS)
        .example('$0 set monitoring.podMonitors=true', 'PodMonitors in every environment, through a PR')
        .example('$0 set storage.storageClass=gp3 --env prod', 'Only prod')
        .example("$0 set 'logging.levels.kafka.controller=WARN' --env dev --dry-run", 'Show the rendered diff first')
        .epilogue('Every option: docs/options.md') as unknown as Argv<SetArgs>,
    handler: async (args) => {
      const [{ proposeChange }, { planSetOptions }] = await Promise.all([import('./change-flow.js'), import('../../promotion/plan.js')]);
      await proposeChange(args, context, (model) => planSetOptions(model, { ...(args.env !== undefined ? { env: args.env } : {}), settings: args.settings }));
    },
  };
}
