/**
 * configOverrides.server lines (key=value, as a Java properties file reads them). CFK writes the lines
 * into the component's properties file in order, so a key given twice silently takes the last value:
 * the generator, `cp-gitops config` and the validator all treat a list as key → value, one line per key.
 */

export interface ServerSetting {
  readonly key: string;
  readonly value: string;
}

/** key=value (spaces around the key trimmed, as Properties.load does); undefined for a line without "=". */
export function parseServerLine(line: string): ServerSetting | undefined {
  const at = line.indexOf('=');
  if (at < 0) return undefined;
  return { key: line.slice(0, at).trim(), value: line.slice(at + 1).trim() };
}

/** The value a list gives a key: its last line, as the properties file ends up. */
export function serverValue(lines: readonly unknown[], key: string): string | undefined {
  let value: string | undefined;
  for (const line of lines) {
    const setting = typeof line === 'string' ? parseServerLine(line) : undefined;
    if (setting?.key === key) value = setting.value;
  }
  return value;
}

/**
 * `over` on top of `base`: a key already in `base` is replaced where it stands (never a second line),
 * a new key is appended. Lines that are not key=value are kept as they are.
 */
export function mergeServerLines(base: readonly string[], over: readonly string[]): string[] {
  const result = [...base];
  for (const line of over) {
    const setting = parseServerLine(line);
    const index = setting === undefined ? -1 : result.findIndex((existing) => parseServerLine(existing)?.key === setting.key);
    if (index >= 0) result[index] = line;
    else result.push(line);
  }
  return result;
}

/** Keys that appear on more than one line, with the indexes of every line after the first. */
export function duplicateServerKeys(lines: readonly unknown[]): { key: string; index: number; first: number }[] {
  const first = new Map<string, number>();
  const duplicates: { key: string; index: number; first: number }[] = [];
  lines.forEach((line, index) => {
    const setting = typeof line === 'string' ? parseServerLine(line) : undefined;
    if (!setting) return;
    const seen = first.get(setting.key);
    if (seen === undefined) first.set(setting.key, index);
    else duplicates.push({ key: setting.key, index, first: seen });
  });
  return duplicates;
}
