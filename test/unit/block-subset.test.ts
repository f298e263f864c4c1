import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments, visit } from 'yaml';
import { loadBlockSubset } from '../../src/yaml/block-subset.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { checkMutants, yamlFilesUnder } from '../helpers/yaml-mutants.js';

/**
 * The subset parser may answer only when the precise parser (yaml, YAML 1.2 core) gives the same
 * values and reports nothing: no error, no YAML 1.1 boolean in a value. Checked on every YAML file
 * of the golden trees and templates, on hand-written cases, and on thousands of mutants of them.
 */
function precise(text: string): { values: unknown[]; clean: boolean } {
  const documents = parseAllDocuments(text, { uniqueKeys: true });
  if (!Array.isArray(documents)) return { values: [], clean: false };
  let clean = documents.every((document) => document.errors.length === 0 && document.warnings.length === 0);
  for (const document of documents) {
    visit(document, {
      Scalar(key, node) {
        if (key !== 'key' && node.type === 'PLAIN' && typeof node.value === 'string' && /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/.test(node.value)) clean = false;
      },
    });
  }
  return { values: clean ? documents.map((document) => document.toJS({ maxAliasCount: 100 })) : [], clean };
}

function expectSameAsPrecise(text: string, label: string): boolean {
  const values = loadBlockSubset(text);
  if (values === undefined) return false;
  const reference = precise(text);
  expect(reference.clean, `${label}: the subset answered where the precise parser reports a problem (an error or a warning)\n${text}`).to.equal(true);
  expect(values, `${label}\n${text}`).to.deep.equal(reference.values);
  return true;
}

describe('block-subset YAML parser (fast path for plain block YAML)', () => {
  const files = [...yamlFilesUnder(join(REPO_ROOT, 'test/golden')), ...yamlFilesUnder(join(REPO_ROOT, 'base-templates')), ...yamlFilesUnder(join(REPO_ROOT, 'overlays-templates'))];

  it('gives the precise parser\'s values for every YAML file of the golden trees and templates, and reads nearly all of them', () => {
    expect(files.length).to.be.greaterThan(100);
    const answered = files.filter((file) => expectSameAsPrecise(readFileSync(file, 'utf8'), relative(REPO_ROOT, file))).length;
    expect(answered / files.length).to.be.greaterThan(0.9);
  });

  const SAME = [
    'a: 1\nb: -2\nc: 1.50\nd: 012\ne: 0o17\nf: 0x1F\ng: 1e3\nh: .inf\ni: -.inf\nj: .nan\nk: -.nan\nl: 1.\nm: .5\nn: 12345678901234567890\n',
    'a: ~\nb:\nc: null\nd: Null\ne: NULL\nf: nULL\ng: true\nh: False\ni: TRUE\nj: tRUE\n',
    "a: 'it''s'\nb: \"x\\ty\\u00e9\\\\\\\"\"\nc: ''\nd: \"\"\ne: ' x '\n",
    'url: https://x.example.com:8443/a?b=c#d\nk: "on"\nm: \'no\'\non: push\nkey with spaces: value with spaces # comment\n',
    'a:\n  b:\n    - c\n    - d: 1\n      e: 2\n    -\n      f: 3\n    - - g\n      - h\n  i: []\n  j: {}\n',
    'list:\n- a\n- b\nnext: 1\n',
    'a: |\n  line 1\n\n  line 3\nb: |-\n  x\n  y\n\nc: |+\n  kept\n\n\nd: 1\n',
    'a: |\n  # not a comment\n    indented\n',
    '- a\n- b: 1\n  c: [] # empty\n-\n- - 1\n',
    'a: 2024-01-01\nb: 8.2.0\nc: 10Gi\nd: -Xmx1g\ne: a#b\nf: "#"\n',
    '# head\n\na: 1 # one\n  # indented comment\nb: 2\n',
  ];
  for (const text of SAME) {
    it(`reads ${JSON.stringify(text).slice(0, 60)}… as the precise parser does`, () => {
      expect(expectSameAsPrecise(text, 'case')).to.equal(true);
    });
  }

  const GIVES_UP = {
    'several documents': 'a: 1\n---\nb: 2\n',
    'a document marker': '---\na: 1\n',
    'an empty file': '',
    'no final newline': 'a: 1',
    'a duplicate key': 'a: 1\na: 2\n',
    'a YAML 1.1 boolean in a value': 'a: yes\n',
    'a YAML 1.1 boolean in a sequence': 'a:\n  - off\n',
    'an anchor and an alias': 'a: &x 1\nb: *x\n',
    'a tag': 'a: !!str 1\n',
    'a flow collection with content': 'a: [1, 2]\n',
    'a multi-line plain scalar': 'a: one\n  two\n',
    'a multi-line quoted scalar': 'a: "one\n  two"\n',
    'a folded scalar': 'a: >\n  x\n',
    'a tab': 'a:\t1\n',
    'a carriage return': 'a: 1\r\n',
    'a binary number': 'a: 0b101\n',
    'an underscored number': 'a: 1_000\n',
    'a plus-signed number': 'a: +1\n',
    'a key that is not a string': '1: a\n',
    'a __proto__ key': '__proto__: {}\n',
    'a merge key': '<<: {}\n',
    'a mapping in a value': 'a: b: c\n',
    'bad indentation': 'a:\n    b: 1\n  c: 2\n',
    'a top-level scalar': 'just text\n',
  };
  for (const [what, text] of Object.entries(GIVES_UP)) {
    it(`gives up on ${what}`, () => {
      expect(loadBlockSubset(text)).to.equal(undefined);
    });
  }

  it('answers only as the precise parser does on thousands of mutants of generated files', () => {
    const { answered, total } = checkMutants(files, 14, (text, label) => expectSameAsPrecise(text, label));
    expect(total).to.be.greaterThan(1000);
    // Both ways must be exercised: mutants it reads, and mutants it leaves to the other parsers.
    expect(answered).to.be.greaterThan(total / 10);
    expect(answered).to.be.lessThan(total);
  });
});
