import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from '../main.js';
import { CHANGE_FLOW_OPTIONS, type ChangeFlowArgs } from './change-flow-options.js';

interface AddClusterArgs extends ChangeFlowArgs {
  name: string;
  env: string;
  components?: string[];
  namespace?: string;
  size?: string;
  set?: string[];
}

export function addClusterCommand(context: CommandContext): CommandModule<object, AddClusterArgs> {
  return {
    command: 'add-cluster <name>',
    describe: 'Add another Kafka cluster to an environment, in its own namespace, through a branch and a pull request',
    builder: (yargs: Argv<object>) =>
      yargs
        .positional('name', { type: 'string', demandOption: true, describe: 'The Kafka cluster\'s name (a DNS label, at most 20 characters); later commands address it as --env <env>/<name>' })
        .option('env', { type: 'string', demandOption: true, describe: 'The environment to add it to' })
        .option('components', { type: 'string', coerce: splitList, describe: 'Components besides Kafka (comma-separated), e.g. schemaregistry,connect' })
        .option('namespace', { type: 'string', describe: 'Its namespace (default: <environment namespace>-<name>)' })
        .option('size', { type: 'string', choices: ['small', 'medium', 'large'], describe: 'Its size profile (default: the environment\'s)' })
        .option('set', { type: 'string', array: true, describe: 'Its own option path=value (repeatable), over the environment\'s; see docs/options.md' })
        .options(CHANGE_FLOW_OPTIONS)
        .example('$0 add-cluster analytics --env dev', 'Kafka (and its KRaft controllers) in namespace <dev namespace>-analytics, with its own Argo CD apps')
        .example('$0 add-cluster analytics --env prod --components schemaregistry --github acme/kafka', 'With Schema Registry; push and open the pull request on GitHub')
        .example('$0 add-cluster analytics --env prod --set externalAccess.type=loadBalancer --set externalAccess.domain=analytics.example.com', 'Its own external names, when prod has external access (it would inherit prod\'s)')
        .example('$0 set externalAccess.type=loadBalancer externalAccess.domain=analytics.example.com --env dev/analytics', 'Later changes address the cluster as <env>/<name>')
        .epilogue('The cluster runs its environment\'s versions (promote and upgrade move the whole environment) and inherits its environment\'s options under its own.') as unknown as Argv<AddClusterArgs>,
    handler: async (args) => {
      const [{ proposeChange }, { planAddCluster }] = await Promise.all([import('./change-flow.js'), import('../../promotion/add-cluster.js')]);
      await proposeChange(args, context, (model) =>
        planAddCluster(model, {
          name: args.name,
          env: args.env,
          ...(args.components !== undefined ? { components: args.components } : {}),
          ...(args.namespace !== undefined ? { namespace: args.namespace } : {}),
          ...(args.size !== undefined ? { size: args.size } : {}),
          ...(args.set !== undefined ? { settings: args.set } : {}),
        }),
      );
    },
  };
}

function splitList(value: string | string[]): string[] {
  return (Array.isArray(value) ? value : [value]).flatMap((item) => item.split(',')).map((item) => item.trim()).filter((item) => item.length > 0);
}
