import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { isYamlPath } from '../../src/validator/sources.js';
import { locateBlockSubset } from '../../src/yaml/block-subset-located.js';
import { YamlLocatedDocument, type YamlPath } from '../../src/yaml/positions.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { checkMutants, yamlFilesUnder } from '../helpers/yaml-mutants.js';

/**
 * The block-subset parser's positions must be the yaml package's, exactly: a finding in a file the
 * fast path read is reported at the same file:line:column as when the yaml package placed it. The
 * oracle is YamlLocatedDocument over yaml's own parse of the same text.
 */

/** Every path into `value` (the root included), with the segments a rule could use for it. */
function pathsOf(value: unknown, path: (string | number)[] = [], into: YamlPath[] = []): YamlPath[] {
  into.push(path);
  if (Array.isArray(value)) {
    value.forEach((item, index) => pathsOf(item, [...path, index], into));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      pathsOf(item, [...path, key], into);
      // A numeric key may be asked for with a number (pointerToPath turns `/0` into 0).
      if (/^(0|[1-9]\d*)$/.test(key)) into.push([...path, Number(key)]);
    }
  }
  return into;
}

/** Paths that do not exist below an existing one: the nearest existing ancestor answers. */
function missingBelow(path: YamlPath): YamlPath[] {
  return [[...path, 'no-such-key'], [...path, 'no-such-key', 'deeper'], [...path, 0], [...path, 999], [...path, -1], [...path, 1.5], [...path, '0'], [...path, 0, 'name']];
}

/** Compares every position of the one document of `text`; false when the subset does not read it. */
function expectSamePositions(text: string, label: string): { compared: number } | false {
  const subset = locateBlockSubset(text);
  if (subset === undefined) return false;
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, uniqueKeys: true });
  if (!Array.isArray(documents)) throw new Error(`${label}: the subset read what yaml does not`);
  expect(documents, label).to.have.length(1);
  const oracle = new YamlLocatedDocument(documents[0]!, lineCounter);
  let compared = 0;
  for (const path of pathsOf(documents[0]!.toJS())) {
    for (const query of [path, ...missingBelow(path)]) {
      for (const key of [false, true]) {
        const actual = subset.positionOf(query, { key });
        const expected = oracle.positionOf(query, { key });
        // The message (with the whole text) only for a difference: hundreds of thousands of comparisons.
        if (actual.line !== expected.line || actual.column !== expected.column) {
          expect(actual, `${label}: ${JSON.stringify(query)}${key ? ' (key)' : ''}\n${text}`).to.deep.equal(expected);
        }
        compared += 1;
      }
    }
  }
  return { compared };
}

/** Every file the validator reads as YAML (.yaml, .yml, .json, Kustomization) under `dir`. */
function manifestFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && isYamlPath(relative(dir, join(entry.parentPath, entry.name))))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('block-subset YAML parser positions (the same line:column as the yaml package)', () => {
  const golden = join(REPO_ROOT, 'test/golden');
  const files = [...manifestFilesUnder(golden), ...yamlFilesUnder(join(REPO_ROOT, 'base-templates')), ...yamlFilesUnder(join(REPO_ROOT, 'overlays-templates'))];

  it('places every path of every generated file of every golden scenario, and of the templates, as yaml does', () => {
    expect(readdirSync(golden).length).to.be.greaterThan(5);
    expect(files.length).to.be.greaterThan(1000);
    let answered = 0;
    let compared = 0;
    for (const file of files) {
      const result = expectSamePositions(readFileSync(file, 'utf8'), relative(REPO_ROOT, file));
      if (result === false) continue;
      answered += 1;
      compared += result.compared;
    }
    expect(answered / files.length).to.be.greaterThan(0.9);
    expect(compared).to.be.greaterThan(100_000);
  });

  const CASES = {
    'empty values after a key': 'a:\nb: # comment\nc:   \nd:    # c\n   # indented comment\ne: 1\n',
    'empty sequence items': 'k:\n  - \n  -   # c\n  -\n    # comment\n  - x\n',
    'empty items, compact': '- - \n  - \n-\n- a: \n  b:\n',
    'a file that starts with comments': '# head\n\n  # indented\na: 1\n',
    'quoted keys and values': '"a": \'x\'\n\'b c\': "y # not a comment"\n"0": zero\n',
    'block scalars': 'a: |\n  one\nb: |- # c\n  two\n\nc:\n  d: |+\n    three\n\n\ne: 1\n',
    'flow empties': 'a: {}\nb: [] # c\nc:\n- {}\n- []\n',
    'a sequence at its key’s indentation': 'a:\n- 1\n- b: 2\n  c:\n  - 3\nd: 4\n',
    'nested compact sequences': '- - - a\n    - b\n  - c\n',
    'non-ASCII text before a value': 'é: ü\nname: "日本語"\nnext: 1\n',
  };
  for (const [what, text] of Object.entries(CASES)) {
    it(`places ${what} as yaml does`, () => {
      expect(expectSamePositions(text, what)).to.not.equal(false);
    });
  }

  it('places every path as yaml does in thousands of mutants of generated files that the subset reads', () => {
    const { answered, total } = checkMutants(files, 1414, (text, label) => expectSamePositions(text, label) !== false);
    expect(total).to.be.greaterThan(1000);
    expect(answered).to.be.greaterThan(total / 10);
  });
});
