import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import type { CommandContext } from '../main.js';
import { CHANGE_FLOW_OPTIONS, type ChangeFlowArgs } from './change-flow-options.js';

interface AddComponentArgs extends ChangeFlowArgs {
  component?: string;
  env: string;
  'with-deps': boolean;
  topic?: string;
  partitions?: number;
  replicas?: number;
  config?: string[];
}

export function addComponentCommand(context: CommandContext): CommandModule<object, AddComponentArgs> {
  return {
    command: 'add-component [component]',
    describe: 'Add a component (or a Kafka topic) to one environment, through a branch and a pull request',
    builder: (yargs: Argv<object>) =>
      yargs
        .positional('component', { type: 'string', describe: 'schemaregistry, connect, ksqldb, controlcenter, restproxy (or kafka); omit with --topic' })
        .option('env', { type: 'string', demandOption: true, describe: 'The environment to add it to' })
        .option('with-deps', { type: 'boolean', default: false, describe: 'Also add the components it needs that the environment lacks' })
        .option('topic', { type: 'string', describe: 'Add this Kafka topic (a KafkaTopic resource) instead of a component' })
        .option('partitions', { type: 'number', describe: 'Partitions of --topic' })
        .option('replicas', { type: 'number', describe: 'Replication factor of --topic (default: the brokers\' default.replication.factor)' })
        .option('config', { type: 'string', array: true, describe: 'Topic config key=value (repeatable), e.g. --config retention.ms=604800000' })
        .options(CHANGE_FLOW_OPTIONS)
        .example('$0 add-component connect --env dev', 'Branch cp-gitops/add-connect-dev, a commit, the PR body on stdout')
        .example('$0 add-component schemaregistry --env staging --github acme/kafka', 'Also push and open (or update) the pull request on GitHub')
        .example('$0 add-component --topic orders --partitions 12 --env dev', 'A KafkaTopic in dev')
        .example('$0 add-component ksqldb --env prod --dry-run', 'Show the rendered diff; change nothing') as unknown as Argv<AddComponentArgs>,
    handler: async (args) => {
      // Loaded on use, as every command's implementation: --help and the other commands never pay for them.
      const [{ proposeChange }, { planAddComponent, planAddTopic }, { TOPIC_NAME }] = await Promise.all([import('./change-flow.js'), import('../../promotion/plan.js'), import('../../model/schema.js')]);
      if (args.topic !== undefined) {
        const topic = topicRequest(args, TOPIC_NAME);
        await proposeChange(args, context, (model) => planAddTopic(model, { env: args.env, topic }));
        return;
      }
      if (args.component === undefined) throw new UsageError('name a component, or pass --topic', 'for example: cp-gitops add-component connect --env dev');
      const component = args.component;
      await proposeChange(args, context, (model) => planAddComponent(model, { component, env: args.env, withDeps: args['with-deps'] }));
    },
  };
}

function topicRequest(args: AddComponentArgs, topicName: string) {
  const name = args.topic!;
  if (args.component !== undefined) throw new UsageError('pass either a component or --topic, not both');
  if (!new RegExp(topicName).test(name) || name.length > 249) {
    throw new UsageError(`invalid topic name "${name}"`, 'Kafka topic names use letters, digits, ".", "_" and "-", at most 249 characters');
  }
  if (args.partitions === undefined || !Number.isInteger(args.partitions) || args.partitions < 1) {
    throw new UsageError('--topic needs --partitions, a positive integer', `for example: --topic ${name} --partitions 6`);
  }
  if (args.replicas !== undefined && (!Number.isInteger(args.replicas) || args.replicas < 1)) {
    throw new UsageError(`--replicas must be a positive integer, not ${String(args.replicas)}`, `for example: --topic ${name} --partitions 6 --replicas 3 (leave it out for the brokers' default.replication.factor)`);
  }
  const configs: Record<string, string> = {};
  for (const entry of args.config ?? []) {
    const at = entry.indexOf('=');
    if (at <= 0) throw new UsageError(`--config "${entry}" is not key=value`, 'for example --config cleanup.policy=compact');
    configs[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return { name, partitions: args.partitions, ...(args.replicas !== undefined ? { replicas: args.replicas } : {}), ...(Object.keys(configs).length > 0 ? { configs } : {}) };
}
