import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from './random.js';

/** Every .yaml/.yml file under `dir`, recursively. */
export function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

const INSERTED = [' ', '  ', ':', ': ', '-', '- ', '#', ' #', '"', "'", '\n', '|', '|-', '|+', '>', '[', ']', '{', '}', '{}', '[]', ',', '&a ', '*a', '!', '?', 'x', '1', '0', '.', '~', '\\', '\\u00e9', 'yes', 'on', '0x1F', '1e3', '.inf', 'null', 'True', '---\n', '...\n', '\t', '\r', '""', "''", 'a: b\n'];

/** One to three random edits of a YAML text: insert a YAML-significant piece, delete a few characters, re-indent or duplicate a line. */
export function mutate(text: string, next: () => number): string {
  let result = text;
  const count = 1 + Math.floor(next() * 3);
  for (let i = 0; i < count; i += 1) {
    const at = Math.floor(next() * (result.length + 1));
    const choice = next();
    if (choice < 0.5) {
      result = result.slice(0, at) + INSERTED[Math.floor(next() * INSERTED.length)]! + result.slice(at);
    } else if (choice < 0.75) {
      result = result.slice(0, at) + result.slice(at + 1 + Math.floor(next() * 3));
    } else {
      // Re-indent or duplicate the line at `at`.
      const lines = result.split('\n');
      const line = Math.floor(next() * lines.length);
      if (next() < 0.5) lines[line] = ' '.repeat(Math.floor(next() * 4)) + lines[line]!.trimStart();
      else lines.splice(line, 0, lines[line]!);
      result = lines.join('\n');
    }
  }
  return result;
}

/**
 * Eight rounds of mutants of every third file (seeded): `check` says whether the parser under test
 * answered for the mutant (it asserts what it must itself). Counts, for the caller's bounds.
 */
export function checkMutants(files: readonly string[], seed: number, check: (text: string, label: string) => boolean): { answered: number; total: number } {
  const next = seededRandom(seed);
  const samples = files.filter((_, index) => index % 3 === 0).map((file) => readFileSync(file, 'utf8'));
  let answered = 0;
  let total = 0;
  for (let round = 0; round < 8; round += 1) {
    for (const text of samples) {
      total += 1;
      if (check(mutate(text, next), `mutant ${round}`)) answered += 1;
    }
  }
  return { answered, total };
}
