/**
 * Ctrl-C (SIGINT) or a stop from CI (SIGTERM) must leave the repository as cp-gitops found it. Each
 * command registers, for as long as it holds something half-made, a synchronous undo (a signal handler
 * cannot wait for promises: the process exits right after it). The undos run newest first; what they
 * did is printed, and the exit code is the shell's for the signal (130, 143).
 */
export type Undo = () => string | undefined;

const undos: Undo[] = [];
let installed = false;

/** Registers an undo; the returned function unregisters it (once the work is complete or undone normally). */
export function onInterrupt(undo: Undo): () => void {
  undos.push(undo);
  return () => {
    const index = undos.lastIndexOf(undo);
    if (index >= 0) undos.splice(index, 1);
  };
}

const SIGNALS: readonly [NodeJS.Signals, number][] = [
  ['SIGINT', 130],
  ['SIGTERM', 143],
];

/** Installed once by the CLI entry point (never in-process in tests). */
export function handleInterruptions(write: (text: string) => void): void {
  if (installed) return;
  installed = true;
  for (const [signal, exitCode] of SIGNALS) {
    process.on(signal, () => {
      const notes: string[] = [];
      for (const undo of undos.splice(0).reverse()) {
        try {
          const note = undo();
          if (note) notes.push(note);
        } catch (error) {
          notes.push(`could not undo everything: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
        }
      }
      write(`cp-gitops: interrupted (${signal}); ${notes.length > 0 ? notes.join('; ') : 'nothing had been changed'}.\n`);
      process.exit(exitCode);
    });
  }
}
