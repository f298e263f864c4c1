import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadJsonSubset } from '../../src/yaml/json-subset.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { seededRandom } from '../helpers/random.js';

/** The precise parser (yaml, YAML 1.2 core): its values, and whether it reports anything. */
function precise(text: string): { values: unknown[]; clean: boolean } {
  const documents = parseAllDocuments(text, { uniqueKeys: true });
  return { values: documents.map((document) => document.toJS({ maxAliasCount: 100 })), clean: documents.every((document) => document.errors.length === 0 && document.warnings.length === 0) };
}

function expectSameAsPrecise(text: string, label: string): void {
  const fast = loadJsonSubset(text);
  if (fast === undefined) return;
  const reference = precise(text);
  expect(reference.clean, `${label}: the precise parser reports something for a text the JSON path took`).to.equal(true);
  expect(fast, label).to.deep.equal(reference.values);
}

const STRINGS = ['', ' ', 'a', 'yes', 'on', 'null', '~', '#x', 'a: b', '- x', '? q', '"q"', "it's", 'back\\slash', 'tab\tin', 'new\nline', 'é', '日本', '😀', '\u0085', '\u00a0', '__proto__', 'constructor', '1.0', '0x1F', '1e3', '2024-01-01', '*alias', '&anchor', '!tag', '%dir', '@at', '`tick`', '{}', '[]', ',', '/', '\u0001', 'x'.repeat(1100)];
const NUMBERS = [0, -0, 1, -1, 1.5, 1e21, 1e-7, 12345678901234567890, 3.141592653589793, -2.5e-300];

function value(next: () => number, depth: number): unknown {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const kind = depth > 4 ? Math.floor(next() * 4) : Math.floor(next() * 6);
  switch (kind) {
    case 0:
      return pick(STRINGS);
    case 1:
      return pick(NUMBERS);
    case 2:
      return pick([true, false, null]);
    case 3:
      return `${pick(STRINGS)}${pick(STRINGS)}`;
    case 4:
      return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: Math.floor(next() * 4) }, () => [pick(STRINGS), value(next, depth + 1)]));
  }
}

describe('JSON files through JSON.parse (json-subset)', () => {
  it("takes this project's package.json and package-lock.json with the precise parser's values", () => {
    for (const name of ['package.json', 'package-lock.json']) {
      const text = readFileSync(join(REPO_ROOT, name), 'utf8');
      expect(loadJsonSubset(text), name).to.not.equal(undefined);
      expectSameAsPrecise(text, name);
    }
  });

  it('gives the precise values for every JSON file of the golden trees', () => {
    const files = readdirSync(join(REPO_ROOT, 'test/golden'), { withFileTypes: true, recursive: true }).filter((entry) => entry.isFile() && entry.name.endsWith('.json'));
    expect(files.length).to.be.greaterThan(0);
    for (const entry of files) {
      const file = join(entry.parentPath, entry.name);
      expectSameAsPrecise(readFileSync(file, 'utf8'), relative(REPO_ROOT, file));
    }
  });

  it('agrees with the precise parser on 3,000 generated documents (compact, indented, escaped)', () => {
    let taken = 0;
    for (let seed = 1; seed <= 1000; seed += 1) {
      const next = seededRandom(seed);
      const document = next() < 0.5 ? Object.fromEntries(Array.from({ length: 3 }, (_, index) => [`k${index}`, value(next, 0)])) : [value(next, 0), value(next, 0)];
      for (const [form, text] of [
        ['compact', JSON.stringify(document)],
        ['indented', `${JSON.stringify(document, null, 2)}\n`],
        ['ASCII-escaped', JSON.stringify(document).replace(/[\u007f-\uffff]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`)],
      ] as const) {
        expectSameAsPrecise(text, `seed ${seed}, ${form}: ${text.slice(0, 200)}`);
        if (loadJsonSubset(text) !== undefined) taken += 1;
      }
    }
    expect(taken, 'most generated documents take the JSON path').to.be.greaterThan(1500);
  });

  const LEFT_TO_YAML = {
    'a duplicate key': '{"a": 1, "b": 2, "a": 3}\n',
    'a duplicate key spelled with an escape': '{"a": 1, "\\u0061": 2}\n',
    'a duplicate key in a nested object': '{"x": [{"a": 1}, {"b": 1, "b": 2}]}\n',
    'a tab': '{\n\t"a": 1\n}\n',
    'a key of 1,024 characters': `{"${'k'.repeat(1024)}": 1}\n`,
    'a C1 control character': '{"a": "\u0086"}\n',
    'a line separator': '{"a": "\u2028"}\n',
    'nesting deeper than 200': `${'['.repeat(201)}${']'.repeat(201)}\n`,
    'a bare scalar': '"just a string"\n',
    'a number': '42\n',
    'YAML that is not JSON': '{a: 1}\n',
    'a block mapping': 'a: 1\n',
    'a byte order mark': '\ufeff{"a": 1}\n',
  };
  for (const [title, text] of Object.entries(LEFT_TO_YAML)) {
    it(`leaves ${title} to the YAML parsers`, () => {
      expect(loadJsonSubset(text)).to.equal(undefined);
    });
  }

  it('takes the same keys in different objects, and a key reused as a value', () => {
    const text = '{"a": {"a": "a"}, "b": [{"a": 1}, {"a": 2}], "c": "a"}\n';
    expect(loadJsonSubset(text)).to.deep.equal([{ a: { a: 'a' }, b: [{ a: 1 }, { a: 2 }], c: 'a' }]);
    expectSameAsPrecise(text, text);
  });
});
