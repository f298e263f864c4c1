import { expect } from 'chai';
import { inspect } from 'node:util';
import { loadTemplates } from '../../src/adapters/templates.js';
import { generateRepository } from '../../src/generator/repository.js';
import { writePlainYaml } from '../../src/yaml/plain-yaml.js';
import { captureWrittenYaml, stringifyWithYamlPackage, stringifyYaml } from '../../src/yaml/stringify.js';
import { GOLDEN_SCENARIOS, goldenModel } from '../golden/scenarios.js';
import { seededRandom } from '../helpers/random.js';

/**
 * writePlainYaml may answer only with the `yaml` package's bytes (stringifyWithYamlPackage, the
 * generator's options): checked on every document of every golden scenario, on every tricky string in
 * every position, and on thousands of random nested values. Where it is not certain it answers
 * undefined and stringifyYaml asks `yaml`.
 */

/** The reference, or the error it throws (then the fast writer must not answer either). */
function reference(value: unknown): string | Error {
  try {
    return stringifyWithYamlPackage(value);
  } catch (error) {
    return error as Error;
  }
}

/** Compares one value; true when the fast writer answered (false: it left the value to yaml). */
function agrees(value: unknown, label: string): boolean {
  const fast = writePlainYaml(value);
  if (fast === undefined) return false;
  const expected = reference(value);
  const shown = `${label}: ${inspect(value, { depth: null, breakLength: 120 })}`;
  expect(expected, `${shown}\nyaml throws but the fast writer wrote:\n${fast}`).to.be.a('string');
  expect(fast, `${shown}\nfast writer (actual) vs yaml (expected)`).to.equal(expected);
  return true;
}

/** Strings that sit on the edges of yaml's quoting, block and escaping rules. */
const TRICKY_STRINGS: readonly string[] = [
  '', ' ', '  ', 'a', 'abc', 'kafka-0', ' a', 'a ', ' a ', 'a: b', 'a:b', 'a:', ':a', ': a', 'a::b', 'a #b', 'a#b', '#a', '# a',
  "'", '"', "a'b", 'a"b', `a'b"c`, "'a'", '"a"', `"'`, "''", '""',
  'yes', 'no', 'on', 'off', 'y', 'n', 'Yes', 'NO', 'On', 'OFF', 'null', 'Null', 'NULL', 'nULL', '~', '~a', 'true', 'True', 'TRUE', 'tRUE', 'false', 'False', 'FALSE',
  '0', '1', '-1', '+1', '-', '+', '1.0', '8.2', '7.9.0', '.5', '-.5', '1.', '1..2', '0x1', '0x1F', '0xG', '0X1', '0o7', '0o8', '0O7', '07', '01', '08', '1e3', '1E3', '1e+3', '1e', 'e3', '-1.5e-3', '.1e3',
  '.inf', '-.Inf', '+.INF', '.nan', '.NaN', '.NAN', '.Nan', 'inf', 'nan', 'NaN', 'Infinity',
  '2024-01-01', '2024-01-01T00:00:00Z', '12:30', '12:30:00', '1_000', '0b101', '1,000', '1 000', '1/2',
  'é', 'ü', '日本語', 'Ünïcödé text', '😀', 'a😀b', '\u00a0', 'a\u00a0b', '\u2028', 'a\u2029b', '\ufeff', '\ufeffa', '\ud800', 'a\udc00',
  '-', '- a', '-a', '--', '---', '--- a', '---a', '...', '... a', '....', '?', '? a', '?a', 'a?', ':', '::', '|', '|-', '| a', '>', '>-', '> a',
  '*', '*a', '&', '&a', '!', '!a', '!!str', '%', '%YAML', '% a', 'a%', '@', '@a', '`', '`a`', ',', ',a', 'a,b', '[', ']', '{', '}', '[a]', '{a: b}', '{}', '[]', 'a[0]', 'a{b}',
  '\t', 'a\tb', '\ta', 'a\t', '\x00', 'a\x07b', '\x1b[0m', '\x7f', '\x85', '\x9f', '\r', 'a\rb', 'a\r\nb', '\v', '\f',
  '\\', 'a\\b', 'a\\nb', '\\"', "\\'", '\\u00e9', '$', '$HOME', '${{ github.sha }}', '${{ secrets.TOKEN }}', 'a=b', '<', '=', '<<', '<< : a',
  'http://example.com:8080/path?x=1#frag', 'git@github.com:acme/repo.git', 'https://github.com/acme/acme-kafka.git', 'kafka.confluent.io/v1beta1', 'platform.confluent.io/cp-gitops',
  'a long string that goes on and on '.repeat(4), `${'word '.repeat(40)}end`, 'x'.repeat(600), 'x'.repeat(1100), `${'x'.repeat(90)} #`, `${'y'.repeat(85)}: z`,
  '\n', '\n\n', 'a\n', 'a\nb', 'a\nb\n', 'a\n\nb', 'a\n\n\nb\n', 'a\nb\n\n', 'a\n\n', ' a\nb', 'a\n b', '  a\n  b\n', 'a \nb', 'a\n\tb', 'a\nb ', 'a\nb \n', 'a\nb\t',
  '\na', '\n a', 'a\n#b', 'a\n# b', 'a\n- b', '- a\n- b\n', 'a\n---\nb', '---\na', 'a\n...', '...\n', '%a\nb', 'a\n%b', '|\na', '>\na', '"a\nb"', "'a\nb'", 'a: b\nc: d\n',
  'line one\n  indented\nline three\n', 'set -eu\nif [ -n "$X" ]; then\n  echo "$X"\nfi\n', 'key=value\nother.key=${file:/a/b:c}\n', 'a\u00a0\nb', 'a\n\u00a0b', 'é\nü\n',
  `${'long line '.repeat(12)}\nshort\n`,
];

const NUMBERS: readonly number[] = [0, 1, -1, 42, 6443, 1.5, -2.25, 0.1, 0.1 + 0.2, 1e20, 1e21, 1e-7, 123e-20, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53, 2 ** 53 + 2, Number.MAX_VALUE, Number.MIN_VALUE, 100, 3.0, 65536];

class Instance {
  readonly a = 1;
}

/** Values a plain-data writer must not mistake for plain data. */
function oddValue(pick: number): unknown {
  const odd = [
    () => new Date(0),
    () => new Map([['a', 1]]),
    () => new Set([1, 2]),
    () => new Instance(),
    () => ({ toJSON: () => 'from toJSON' }),
    () => ({ a: 1, toJSON: 'not a function' }),
    () => Object.assign(Object.create(null) as object, { a: 'null prototype', b: [1] }),
    () => 10n,
    () => Symbol('s'),
    () => () => 1,
    () => new String('boxed'),
    () => new Number(1),
    () => Object.assign([1, 2], { toJSON: () => 'array toJSON' }),
    // eslint-disable-next-line no-sparse-arrays
    () => [1, , 3],
    () => [undefined, null],
    () => ({ a: undefined }),
    () => ({ a: undefined, b: null }),
    () => ({ a: null }),
    () => ({ a: null, b: null }),
    () => ({ __proto__: null, c: 1 }),
    () => JSON.parse('{"__proto__": {"x": 1}, "y": 2}') as unknown,
  ];
  return odd[pick % odd.length]!();
}

/** Ordinary words, so that many random values are ones the writer answers for (the tricky pieces often make it give up). */
const WORDS: readonly string[] = ['kafka', 'dev', 'prod', 'confluent', 'x', '8', '.', '-', '_', '/', ' ', 'value', 'Retain', 'cp-gitops', '${{', '}}', 'a.b/c'];

function randomString(next: () => number): string {
  const pick = () => (next() < 0.6 ? TRICKY_STRINGS[Math.floor(next() * TRICKY_STRINGS.length)]! : WORDS[Math.floor(next() * WORDS.length)]!);
  const pieces = 1 + Math.floor(next() * 3);
  let text = '';
  for (let i = 0; i < pieces; i += 1) text += pick();
  return text;
}

function randomKey(next: () => number): string {
  return next() < 0.5 ? ['name', 'apiVersion', 'kind', 'metadata', 'spec', 'replicas', 'app.kubernetes.io/name', 'a-b', 'a_b', 'A'][Math.floor(next() * 10)]! : randomString(next);
}

function randomScalar(next: () => number): unknown {
  const choice = next();
  if (choice < 0.6) return randomString(next);
  if (choice < 0.78) return NUMBERS[Math.floor(next() * NUMBERS.length)];
  if (choice < 0.86) return next() < 0.5;
  if (choice < 0.94) return null;
  if (choice < 0.97) return undefined;
  return oddValue(Math.floor(next() * 100));
}

/** A random value; the root (depth 0) is always a map or a list, the documents the generator writes. */
function randomValue(next: () => number, depth: number): unknown {
  const choice = depth === 0 ? 0.4 + next() * 0.6 : next();
  if (depth >= 4 || choice < 0.4) return randomScalar(next);
  const size = Math.floor(next() * 5);
  if (choice < 0.65) return Array.from({ length: size }, () => randomValue(next, depth + 1));
  const map: Record<string, unknown> = {};
  for (let i = 0; i < size; i += 1) map[randomKey(next)] = randomValue(next, depth + 1);
  return map;
}

describe('writePlainYaml writes what the yaml package writes, or leaves the value to it', () => {
  it('on every document of every golden scenario, and answers for all of them (else init and validate slow down silently)', () => {
    const templates = loadTemplates();
    let documents = 0;
    let answered = 0;
    for (const scenario of Object.keys(GOLDEN_SCENARIOS)) {
      const { written } = captureWrittenYaml(() => generateRepository(goldenModel(scenario), templates));
      for (const [text, values] of written) {
        for (const value of values) {
          documents += 1;
          if (agrees(value, `${scenario}: the document written as\n${text}`)) answered += 1;
        }
      }
    }
    expect(documents).to.be.greaterThan(1000);
    expect(answered).to.equal(documents);
  });

  it('on every tricky string as a value, a key, a sequence item and nested deeper', () => {
    let answered = 0;
    for (const text of TRICKY_STRINGS) {
      const shapes: unknown[] = [{ k: text }, { [text]: 'v' }, [text], { a: [text, { [text]: text }] }, [[text]], [{ k: [text] }], { a: { b: { c: text } } }, text];
      for (const value of shapes) if (agrees(value, `tricky string ${JSON.stringify(text)}`)) answered += 1;
    }
    // Certainty first, but most of them are still written directly (else the writer would be pointless).
    expect(answered).to.be.greaterThan(TRICKY_STRINGS.length * 4);
  });

  it('on every number and odd value in every position', () => {
    for (const number of NUMBERS) for (const value of [{ n: number }, [number], { a: [{ n: number }] }]) agrees(value, `number ${String(number)}`);
    for (let pick = 0; pick < 21; pick += 1) {
      for (const value of [{ v: oddValue(pick) }, [oddValue(pick)], { a: [{ v: oddValue(pick) }] }, oddValue(pick)]) agrees(value, `odd value ${pick}`);
    }
  });

  it('on 20,000 random nested values (seeded: the failing case is printed with its index)', () => {
    const next = seededRandom(93);
    let answered = 0;
    for (let index = 0; index < 20_000; index += 1) {
      const value = randomValue(next, 0);
      if (agrees(value, `random value #${index}`)) answered += 1;
    }
    expect(answered).to.be.greaterThan(6_000);
  });

  it('leaves to yaml the forms it does not reproduce: exponents, -0, NaN, keep chomping, indentation indicators, tabs', () => {
    for (const value of [{ a: 1e21 }, { a: 1e-7 }, { a: -0 }, { a: Number.NaN }, { a: 'a\n\n' }, { a: ' a\nb' }, { a: 'a\nb ' }, { a: 'a\tb' }, { a: new Date(0) }, 'root scalar']) {
      expect(writePlainYaml(value), inspect(value)).to.equal(undefined);
    }
  });

  it('stringifyYaml gives the same bytes either way, header included', () => {
    for (const value of [{ a: 'x', b: [1, '8.2'] }, { a: -0, b: 'a\n\n' }]) {
      expect(stringifyYaml(value, { header: ['Title.', ''] })).to.equal(`# Title.\n#\n${stringifyWithYamlPackage(value)}`);
    }
  });
});
