import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from '../main.js';
import { CHANGE_FLOW_OPTIONS, type ChangeFlowArgs } from './change-flow-options.js';

interface UpgradeArgs extends ChangeFlowArgs {
  env: string;
  'cp-version': string;
  'operator-version'?: string;
}

export function upgradeCommand(context: CommandContext): CommandModule<object, UpgradeArgs> {
  return {
    command: 'upgrade',
    describe: 'Upgrade Confluent Platform (and the operator) in one environment, checked against the compatibility table, through a pull request',
    builder: (yargs: Argv<object>) =>
      yargs
        .option('env', { type: 'string', demandOption: true, describe: 'The environment' })
        .option('cp-version', { type: 'string', demandOption: true, describe: 'The Confluent Platform version, e.g. 8.3.0 (one minor line at a time)' })
        .option('operator-version', { type: 'string', describe: 'The Confluent for Kubernetes version (default: the current one, if it supports the CP version)' })
        .options(CHANGE_FLOW_OPTIONS)
        .example('$0 upgrade --env dev --cp-version 8.2.1', 'A patch release in dev')
        .example('$0 upgrade --env dev --cp-version 8.3.0 --operator-version 3.3.0', 'The next CP line with a CFK that supports it')
        .example('$0 promote --from dev --to staging', 'Then carry the versions along the promotion path')
        .epilogue('The Helm chart and Control Center versions follow from the table in docs/versions.md.') as unknown as Argv<UpgradeArgs>,
    handler: async (args) => {
      const [{ proposeChange }, { planUpgrade }] = await Promise.all([import('./change-flow.js'), import('../../promotion/day2.js')]);
      await proposeChange(args, context, (model) =>
        planUpgrade(model, { env: args.env, cpVersion: args['cp-version'], ...(args['operator-version'] !== undefined ? { operatorVersion: args['operator-version'] } : {}) }),
      );
    },
  };
}
