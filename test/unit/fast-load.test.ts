import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { fileTree } from '../../src/generator/file-tree.js';
import { locate, parseSources } from '../../src/validator/sources.js';
import { fastLoadAll } from '../../src/yaml/fast-load.js';
import { YamlLocatedDocument } from '../../src/yaml/positions.js';
import { REPO_ROOT } from '../helpers/paths.js';

/** The precise parser's values: what the validator used before the fast path, and still uses as the reference. */
function preciseValues(text: string): unknown[] {
  return parseAllDocuments(text, { uniqueKeys: true }).map((document) => document.toJS({ maxAliasCount: 100 }));
}

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('fast YAML load (values first, positions on demand)', () => {
  it('gives the precise parser\'s values for every YAML file of every golden tree and template', () => {
    const files = [...yamlFilesUnder(join(REPO_ROOT, 'test/golden')), ...yamlFilesUnder(join(REPO_ROOT, 'base-templates')), ...yamlFilesUnder(join(REPO_ROOT, 'overlays-templates'))];
    expect(files.length).to.be.greaterThan(100);
    let fast = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const values = fastLoadAll(text);
      if (values === undefined) continue;
      fast += 1;
      expect(values, relative(REPO_ROOT, file)).to.deep.equal(preciseValues(text));
    }
    // The point of the fast path: nearly every generated file takes it.
    expect(fast / files.length).to.be.greaterThan(0.9);
  });

  const SAME = [
    '', '# only a comment\n', '---\n', 'a: 1\n---\n', 'a: 1\n---\n# only\n', '--- |\n  x\n', "a: 'it''s'\nb: \"x\\ty\\u00e9\"\n",
    'a: 0o17\nb: 0x1F\nc: 1e3\nd: .inf\ne: -.nan\nf: 012\ng: 1.\n', 'a: 2024-01-01\n', 'a: ~\nb:\nc: null\n', '? a\n: b\n',
    'a: [1, {b: c}]\n', 'a: >-\n  first\n  second\n', 'a: 12345678901234567890\n', 'url: https://x.example.com:8443/a?b=c#d\n', 'k: "on"\nm: \'no\'\n',
  ];
  for (const text of SAME) {
    it(`takes the fast path with the precise parser's values: ${JSON.stringify(text)}`, () => {
      expect(fastLoadAll(text)).to.deep.equal(preciseValues(text));
    });
  }

  const PRECISE = {
    'a YAML 1.1 boolean (yaml/ambiguous-scalar needs its position)': 'enabled: yes\n',
    'a YAML 1.1 boolean in a sequence': 'flags:\n  - on\n',
    'a duplicate key': 'a: 1\na: 2\n',
    'an alias (expansion is bounded by the precise parser)': 'a: &x [1]\nb: *x\n',
    'a syntax error': 'a: [1, 2\n',
    'a tag': 'a: !!binary aGk=\n',
    'a binary number js-yaml reads and YAML 1.2 does not': 'a: 0b101\n',
    'an underscored number': 'a: 1_000\n',
    'a directive': '%YAML 1.2\n---\na: 1\n',
  };
  for (const [what, text] of Object.entries(PRECISE)) {
    it(`hands ${what} to the precise parser`, () => {
      expect(fastLoadAll(text)).to.equal(undefined);
    });
  }

  it('positions are computed on first use and point where the precise parser points', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  key: value\n---\nkind: Other\n';
    const { sources, violations } = parseSources(fileTree([['a.yaml', text]]));
    expect(violations).to.deep.equal([]);
    const documents = sources.yaml.get('a.yaml')!.documents;
    expect(documents.map((document) => document.value)).to.deep.equal(preciseValues(text));
    expect(locate(documents[0]!, ['data', 'key'])).to.deep.equal({ file: 'a.yaml', line: 6, column: 8 });
    expect(locate(documents[1]!, ['kind'])).to.deep.equal({ file: 'a.yaml', line: 8, column: 7 });
    // Several documents: beyond the block subset, so the yaml package places them.
    const located = documents[1]!.located;
    expect(located).to.be.instanceOf(YamlLocatedDocument);
    expect((located as YamlLocatedDocument).document.toJS()).to.deep.equal({ kind: 'Other' });
  });

  it('positions in a file the block-subset parser reads come from that parser, not the yaml package', () => {
    const text = '# head\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  key: |\n    value\n  empty:   # nothing\nlist:\n- a\n-   "b"\n';
    const { sources } = parseSources(fileTree([['a.yaml', text]]));
    const [document] = sources.yaml.get('a.yaml')!.documents;
    const at = (path: (string | number)[], key = false) => locate(document!, path, { key });
    expect([at([]), at(['data', 'key']), at(['data', 'empty']), at(['data', 'empty'], true), at(['list', 1]), at(['metadata', 'missing'])]).to.deep.equal([
      { file: 'a.yaml', line: 2, column: 1 },
      { file: 'a.yaml', line: 7, column: 8 },
      { file: 'a.yaml', line: 9, column: 12 },
      { file: 'a.yaml', line: 9, column: 3 },
      { file: 'a.yaml', line: 12, column: 5 },
      { file: 'a.yaml', line: 5, column: 3 },
    ]);
    expect(document!.located).not.to.be.instanceOf(YamlLocatedDocument);
  });

  it('files the fast path hands over still give their yaml/ findings at their positions', () => {
    const { violations } = parseSources(fileTree([['b.yaml', 'a: 1\nb: yes\na: 2\n']]));
    expect(violations.map((violation) => [violation.rule, violation.line, violation.column])).to.deep.equal([['yaml/duplicate-key', 3, 1]]);
  });
});
