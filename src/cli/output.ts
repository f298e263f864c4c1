import { JSON_SCHEMA_VERSION } from '../json-version.js';

/** Where commands print: text for people, or one JSON document for scripts (--json). */
export interface Output {
  readonly json: boolean;
  /** A line for people; suppressed with --json. */
  line(text?: string): void;
  /** A warning for people, on stderr (so stdout stays clean for pipes). */
  warn(text: string): void;
  /**
   * A progress line for a slow step (network, renders), on stderr: only on a terminal and never with
   * --json, like gh and npm, so logs and pipes stay as they were.
   */
  progress(text: string): void;
  /** The command's result: printed as JSON with --json. */
  result(value: Record<string, unknown>): void;
}

export interface OutputStreams {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
}

/**
 * `command` names the document: every --json result starts with schemaVersion and command, so a
 * script can check what it reads (docs/json/).
 */
export function createOutput(json: boolean, streams: OutputStreams, command: string): Output {
  return {
    json,
    line(text = '') {
      if (!json) streams.stdout.write(`${text}\n`);
    },
    warn(text) {
      streams.stderr.write(`warning: ${text}\n`);
    },
    progress(text) {
      if (!json && streams.stderr.isTTY === true) streams.stderr.write(`… ${text}\n`);
    },
    result(value) {
      if (json) streams.stdout.write(`${JSON.stringify({ schemaVersion: JSON_SCHEMA_VERSION, command, ...(value as object) }, null, 2)}\n`);
    },
  };
}
