#!/usr/bin/env node
// `--version` answers from package.json alone: scripts and shell prompts call it often, and loading the
// CLI (yargs, the command tree) would cost several Node start-ups for one line.
const args = process.argv.slice(2);
if (args.length === 1 && args[0] === '--version') {
  const { readFileSync } = await import('node:fs');
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  // The one-file bundle with V8's code cache (src/boot/load-cli.ts).
  const { loadCli } = await import('../dist/src/boot/load-cli.js');
  const cli = await loadCli(args);
  process.exitCode = await cli.main(args);
  cli.saveCache();
  // The command is done: exit once stdout and stderr have flushed (a write's callback runs then, also on
  // pipes that are asynchronous), instead of letting Node finish idle-time garbage collection first.
  process.stdout.write('', () => process.stderr.write('', () => process.exit()));
}
