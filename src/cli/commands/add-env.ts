import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from '../main.js';
import { CHANGE_FLOW_OPTIONS, type ChangeFlowArgs } from './change-flow-options.js';

interface AddEnvArgs extends ChangeFlowArgs {
  name: string;
  after?: string;
  first: boolean;
  namespace?: string;
  cluster?: string;
  size?: string;
  components?: string[];
}

export function addEnvCommand(context: CommandContext): CommandModule<object, AddEnvArgs> {
  return {
    command: 'add-env <name>',
    describe: 'Add an environment at its place on the promotion path, with its overlay and Argo CD apps, through a pull request',
    builder: (yargs: Argv<object>) =>
      yargs
        .positional('name', { type: 'string', demandOption: true, describe: 'The environment\'s name (a DNS label, at most 20 characters)' })
        .option('after', { type: 'string', describe: 'The environment it follows on the promotion path (default: it comes last)' })
        .option('first', { type: 'boolean', default: false, describe: 'Put it at the start of the promotion path instead' })
        .option('namespace', { type: 'string', describe: 'Its namespace (default: <platform>-<name>)' })
        .option('cluster', { type: 'string', describe: 'Argo CD destination API server (default: the previous environment\'s)' })
        .option('size', { type: 'string', choices: ['small', 'medium', 'large'], describe: 'Its size profile (default: by its name, as init chooses)' })
        .option('components', { type: 'string', coerce: splitList, describe: 'Its components, comma-separated (default: the previous environment\'s, at its versions)' })
        .options(CHANGE_FLOW_OPTIONS)
        .example('$0 add-env qa --after dev', 'dev → qa → staging → prod; qa runs what dev runs')
        .example('$0 add-env perf --cluster https://perf.example.com:6443 --components kafka,schemaregistry', 'Last on the path, on another cluster')
        .epilogue('Once merged, apply its root Application once: kubectl apply -k argocd/bootstrap.') as unknown as Argv<AddEnvArgs>,
    handler: async (args) => {
      const [{ proposeChange }, { planAddEnvironment }] = await Promise.all([import('./change-flow.js'), import('../../promotion/lifecycle.js')]);
      await proposeChange(args, context, (model) =>
        planAddEnvironment(model, {
          name: args.name,
          ...(args.after !== undefined ? { after: args.after } : {}),
          ...(args.first ? { first: true } : {}),
          ...(args.namespace !== undefined ? { namespace: args.namespace } : {}),
          ...(args.cluster !== undefined ? { cluster: args.cluster } : {}),
          ...(args.size !== undefined ? { size: args.size } : {}),
          ...(args.components !== undefined ? { components: args.components } : {}),
        }),
      );
    },
  };
}

function splitList(value: string | string[]): string[] {
  return (Array.isArray(value) ? value : [value]).flatMap((item) => item.split(',')).map((item) => item.trim()).filter((item) => item.length > 0);
}
