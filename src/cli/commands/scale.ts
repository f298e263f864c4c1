import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from '../main.js';
import { CHANGE_FLOW_OPTIONS, type ChangeFlowArgs } from './change-flow-options.js';

interface ScaleArgs extends ChangeFlowArgs {
  component: string;
  env: string;
  replicas?: number;
  cpu?: string;
  memory?: string;
  storage?: string;
}

export function scaleCommand(context: CommandContext): CommandModule<object, ScaleArgs> {
  return {
    command: 'scale <component>',
    describe: 'Scale a component of one environment (replicas, CPU, memory, storage), through a pull request',
    builder: (yargs: Argv<object>) =>
      yargs
        .positional('component', { type: 'string', describe: 'kafka, kraftcontroller, zookeeper, schemaregistry, connect, ksqldb, controlcenter or restproxy' })
        .option('env', { type: 'string', demandOption: true, describe: 'The environment' })
        .option('replicas', { type: 'number', describe: 'Horizontal: the number of pods (a dynamic KRaft quorum only grows, to odd sizes; a static one keeps its size; Kafka\'s replication factors follow the brokers)' })
        .option('cpu', { type: 'string', describe: 'CPU request, e.g. 2 or 500m' })
        .option('memory', { type: 'string', describe: 'Memory request and limit, e.g. 8Gi' })
        .option('storage', { type: 'string', describe: 'Data volume size, e.g. 200Gi (volumes never shrink)' })
        .options(CHANGE_FLOW_OPTIONS)
        .example('$0 scale kafka --env dev --replicas 5', 'Two more brokers (then reassign partitions: the warning says how)')
        .example('$0 scale kafka --env prod --memory 16Gi --storage 1Ti', 'Bigger brokers, rolled one at a time by CFK')
        .example('$0 scale connect --env staging --replicas 3 --dry-run', 'Show the rendered diff first')
        .example('$0 scale kraftcontroller --env prod --replicas 5', 'Grow a dynamic KRaft quorum (kraft.quorum: dynamic) in place')
        .example('$0 scale kafka --env dev --replicas 1', 'One broker: every replication factor becomes 1 and min.insync.replicas 1, each a row of the PR')
        .epilogue('Sizes start from the environment\'s size profile (overlays-templates/sizes.yaml); scale records the difference in cp-gitops.yaml (environments[].overrides).') as unknown as Argv<ScaleArgs>,
    handler: async (args) => {
      const [{ proposeChange }, { planScale }, { loadTemplates }] = await Promise.all([import('./change-flow.js'), import('../../promotion/day2.js'), import('../../adapters/templates.js')]);
      const templates = loadTemplates();
      await proposeChange(args, context, (model) =>
        planScale(model, templates, {
          component: args.component,
          env: args.env,
          ...(args.replicas !== undefined ? { replicas: args.replicas } : {}),
          ...(args.cpu !== undefined ? { cpu: args.cpu } : {}),
          ...(args.memory !== undefined ? { memory: args.memory } : {}),
          ...(args.storage !== undefined ? { storage: args.storage } : {}),
        }),
      );
    },
  };
}
