import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from '../main.js';
import { CHANGE_FLOW_OPTIONS, type ChangeFlowArgs } from './change-flow-options.js';

interface PromoteArgs extends ChangeFlowArgs {
  from: string;
  to: string;
  component?: string;
  'skip-stage': boolean;
}

export function promoteCommand(context: CommandContext): CommandModule<object, PromoteArgs> {
  return {
    command: 'promote',
    describe: 'Make one environment run what the previous one runs (components, versions, topics), through a pull request',
    builder: (yargs: Argv<object>) =>
      yargs
        .option('from', { type: 'string', demandOption: true, describe: 'The environment to copy from' })
        .option('to', { type: 'string', demandOption: true, describe: 'The next environment on the promotion path (the order in cp-gitops.yaml)' })
        .option('component', { type: 'string', describe: 'Promote only this component' })
        .option('skip-stage', { type: 'boolean', default: false, describe: 'Allow skipping environments of the promotion path' })
        .options(CHANGE_FLOW_OPTIONS)
        .example('$0 promote --from dev --to staging', 'Branch cp-gitops/promote-dev-to-staging, a commit, the PR body on stdout')
        .example('$0 promote --from staging --to prod --github acme/kafka', 'Push and open (or update) the pull request on GitHub')
        .example('$0 promote --from dev --to staging --component connect', 'Only Connect')
        .epilogue('Never promoted: namespaces, destination clusters, sizes, secret references.') as unknown as Argv<PromoteArgs>,
    handler: async (args) => {
      const [{ proposeChange }, { planPromote }] = await Promise.all([import('./change-flow.js'), import('../../promotion/plan.js')]);
      await proposeChange(args, context, (model) => planPromote(model, { from: args.from, to: args.to, ...(args.component !== undefined ? { component: args.component } : {}), skipStage: args['skip-stage'] }));
    },
  };
}
