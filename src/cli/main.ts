import yargs from 'yargs';
import { handleInterruptions } from '../adapters/interrupt.js';
import { CpGitopsError, UsageError, ValidationFailedError } from '../errors.js';
import { JSON_SCHEMA_VERSION } from '../json-version.js';
import { packageVersion } from '../package-root.js';
import { addClusterCommand } from './commands/add-cluster.js';
import { addComponentCommand } from './commands/add-component.js';
import { addEnvCommand } from './commands/add-env.js';
import { removeClusterCommand } from './commands/remove-cluster.js';
import { removeComponentCommand } from './commands/remove-component.js';
import { removeEnvCommand } from './commands/remove-env.js';
import { initCommand } from './commands/init.js';
import { promoteCommand } from './commands/promote.js';
import { setCommand } from './commands/set.js';
import { scaleCommand } from './commands/scale.js';
import { upgradeCommand } from './commands/upgrade.js';
import { configCommand } from './commands/config.js';
import { docsCommand } from './commands/docs.js';
import { generateCommand } from './commands/generate.js';
import { schemasCommand } from './commands/schemas.js';
import { validateCommand } from './commands/validate.js';
import type { OutputStreams } from './output.js';

export interface MainOptions {
  readonly streams?: OutputStreams;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** Context every command gets: where it runs and where it prints. No global state. */
export interface CommandContext {
  readonly streams: OutputStreams;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** The arguments as given (after `cp-gitops`): a pull request body says how to run the same command again. */
  readonly argv?: readonly string[];
}

/**
 * The one place that turns errors into exit codes: 0 success, 1 failure, 2 usage error.
 * Nothing below src/cli prints or exits.
 */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  if (!options.streams) {
    ignoreClosedReader();
    handleInterruptions((text) => process.stderr.write(text));
  }
  const context: CommandContext = {
    streams: options.streams ?? { stdout: process.stdout, stderr: process.stderr },
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? process.env,
    argv,
  };
  const wantsJson = argv.includes('--json');
  const verbose = argv.includes('--verbose');
  try {
    if (wantsJson && argv.some((word) => word === '--help' || word === '-h')) return await printHelpAsJson(argv, context);
    await buildParser(argv, context).parseAsync();
    return 0;
  } catch (error) {
    return reportError(error, context, wantsJson, verbose, argv);
  }
}

/**
 * `cp-gitops validate | head`: once the reader is gone, the rest of the output has nowhere to go. The
 * command still finishes (a change half-made because nobody read its report would be worse), its exit
 * code stays, and no EPIPE stack trace appears.
 */
function ignoreClosedReader(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
    });
  }
}

function buildParser(argv: readonly string[], context: CommandContext) {
  return yargs([...argv])
    .scriptName('cp-gitops')
    // One language: every message of ours is English, and the bundle carries none of yargs' locale
    // files (docs/decisions.md §70), so yargs' own texts would be English there anyway.
    .locale('en')
    .usage('$0 <command> [options]\n\nA production-grade GitOps repository for Confluent Platform on Kubernetes (CFK, Kustomize, Argo CD).')
    .option('json', { type: 'boolean', default: false, describe: 'Print one JSON document on stdout instead of text' })
    .option('verbose', { type: 'boolean', default: false, describe: 'Show stack traces of internal errors' })
    .command(initCommand(context))
    .command(validateCommand(context))
    .command(addComponentCommand(context))
    .command(addClusterCommand(context))
    .command(removeComponentCommand(context))
    .command(addEnvCommand(context))
    .command(removeEnvCommand(context))
    .command(removeClusterCommand(context))
    .command(promoteCommand(context))
    .command(setCommand(context))
    .command(scaleCommand(context))
    .command(upgradeCommand(context))
    .command(configCommand(context))
    .command(generateCommand(context))
    .command(docsCommand(context))
    .command(schemasCommand(context))
    .example('$0 init ./my-platform', 'Generate and commit a repository with dev, staging and prod')
    .example('$0 init ./kafka --envs dev,prod --components kafka,schemaregistry --remote git@github.com:acme/kafka.git', 'Two environments, two components, pushed')
    .example('$0 validate ./my-platform', 'Check a repository before pushing it (exit 1 on errors)')
    .example('$0 init --help', 'All options of init')
    .example('$0 completion >> ~/.bashrc', 'Tab completion of commands and flags in bash (zsh: >> ~/.zshrc)')
    // yargs' own completion script (bash, zsh): `cp-gitops completion`.
    .completion('completion', 'Print a shell completion script (bash or zsh): cp-gitops completion >> ~/.bashrc')
    .demandCommand(1, 'name a command, for example: cp-gitops init ./my-platform')
    .recommendCommands()
    .strict()
    .strictOptions()
    .version(packageVersion())
    .alias('h', 'help')
    .help()
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .exitProcess(false)
    .showHelpOnFail(false)
    .fail((message: string | undefined, error: Error | undefined) => {
      if (error) throw error;
      throw new UsageError(message ?? 'invalid command line', 'run cp-gitops --help, or cp-gitops <command> --help');
    });
}

function reportError(error: unknown, context: CommandContext, json: boolean, verbose: boolean, argv: readonly string[]): number {
  const known = error instanceof CpGitopsError;
  const exitCode = known ? error.exitCode : 1;
  const message = known ? error.message : `internal error: ${error instanceof Error ? error.message : String(error)}`;
  const hint = known ? error.hint : 'this is a bug in cp-gitops; run again with --verbose and report the output';
  // A validation report already printed on stdout stays its only document; the summary goes to stderr.
  if (json && !(error instanceof ValidationFailedError && error.reportPrinted)) {
    context.streams.stdout.write(`${JSON.stringify({ schemaVersion: JSON_SCHEMA_VERSION, command: commandName(argv), ok: false, error: { code: known ? error.code : 'internal', message, hint, exitCode } }, null, 2)}\n`);
  } else {
    context.streams.stderr.write(`error: ${message}\n`);
    if (hint) context.streams.stderr.write(`hint: ${hint}\n`);
  }
  if (verbose && error instanceof Error && error.stack) context.streams.stderr.write(`${error.stack}\n`);
  return exitCode;
}

/** The command a failed run was for (its first word that is not a flag), or null before one is named. */
function commandName(argv: readonly string[]): string | null {
  return argv.find((word) => !word.startsWith('-')) ?? null;
}

/**
 * `--help --json`: the help text inside the one JSON document --json promises (scripts and editors
 * read it), instead of text that no JSON parser takes. yargs hands its output to the callback.
 */
async function printHelpAsJson(argv: readonly string[], context: CommandContext): Promise<number> {
  const help = await new Promise<string>((resolveHelp, reject) => {
    buildParser(argv, context).parse([...argv], {}, (error: Error | null | undefined, _parsed: unknown, output: string) => (error ? reject(error) : resolveHelp(output)));
  });
  context.streams.stdout.write(`${JSON.stringify({ schemaVersion: JSON_SCHEMA_VERSION, command: commandName(argv), ok: true, help }, null, 2)}\n`);
  return 0;
}
