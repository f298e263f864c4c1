import { expect } from 'chai';
import { fileTree } from '../../src/generator/file-tree.js';
import { applySuppressions, findSuppressions } from '../../src/validator/suppressions.js';
import type { Violation } from '../../src/validator/violation.js';

const SECRET_FILE = 'overlays/prod/secret.yaml';
const OTHER_FILE = 'overlays/dev/secret.yaml';

function violation(file: string, rule = 'policy/plaintext-secret', line = 8): Violation {
  return { rule, severity: 'error', file, line, column: 1, message: 'a Secret with data', fix: 'remove it' };
}

const header = (comment: string) => `apiVersion: v1\n${comment}\nkind: Secret\n`;

interface Case {
  readonly title: string;
  readonly files: [string, string][];
  readonly violations: Violation[];
  /** [rule, file, line, column] of what is left, in order. */
  readonly expected: [string, string, number, number][];
}

const CASES: Case[] = [
  {
    title: 'a suppression with a reason silences its rule in its file',
    files: [[SECRET_FILE, header('# cp-gitops:ignore policy/plaintext-secret test fixture, the value is not a credential')]],
    violations: [violation(SECRET_FILE)],
    expected: [],
  },
  {
    title: 'it silences every violation of that rule in the file, and only that rule',
    files: [[SECRET_FILE, header('# cp-gitops:ignore policy/plaintext-secret test fixture')]],
    violations: [violation(SECRET_FILE, 'policy/plaintext-secret', 8), violation(SECRET_FILE, 'policy/plaintext-secret', 12), violation(SECRET_FILE, 'policy/image-tag', 3)],
    expected: [['policy/image-tag', SECRET_FILE, 3, 1]],
  },
  {
    title: 'it does not reach another file, and is then unused (a warning at the comment)',
    files: [[SECRET_FILE, header('  # cp-gitops:ignore policy/plaintext-secret dev only')], [OTHER_FILE, 'kind: Secret\n']],
    violations: [violation(OTHER_FILE)],
    expected: [
      ['policy/plaintext-secret', OTHER_FILE, 8, 1],
      ['suppression/unused', SECRET_FILE, 2, 3],
    ],
  },
  {
    title: 'a suppression without a reason is an error, and silences nothing',
    files: [[SECRET_FILE, header('# cp-gitops:ignore policy/plaintext-secret')]],
    violations: [violation(SECRET_FILE)],
    expected: [
      ['suppression/missing-reason', SECRET_FILE, 2, 1],
      ['policy/plaintext-secret', SECRET_FILE, 8, 1],
    ],
  },
  {
    title: 'a suppression that names no rule is an error',
    files: [[SECRET_FILE, header('data: {} # cp-gitops:ignore')]],
    violations: [],
    expected: [['suppression/missing-reason', SECRET_FILE, 2, 10]],
  },
  {
    title: 'the suppression rules themselves cannot be silenced',
    files: [[SECRET_FILE, header('# cp-gitops:ignore suppression/unused because')]],
    violations: [],
    expected: [['suppression/missing-reason', SECRET_FILE, 2, 1]],
  },
  {
    title: 'a # inside a value (a URL fragment) is no comment',
    files: [[SECRET_FILE, header('url: https://example.org/x#cp-gitops:ignore policy/plaintext-secret no')]],
    violations: [violation(SECRET_FILE)],
    expected: [['policy/plaintext-secret', SECRET_FILE, 8, 1]],
  },
  {
    title: 'Markdown headings are not suppressions',
    files: [['README.md', '# cp-gitops:ignore policy/plaintext-secret how to silence a rule\n']],
    violations: [violation('README.md')],
    expected: [['policy/plaintext-secret', 'README.md', 8, 1]],
  },
];

describe('suppressions', () => {
  for (const testCase of CASES) {
    it(testCase.title, () => {
      const result = applySuppressions(testCase.violations, fileTree(testCase.files));
      expect(result.map((found) => [found.rule, found.file, found.line, found.column])).to.deep.equal(testCase.expected);
      for (const found of result) expect(found.fix, found.rule).to.be.a('string').and.not.empty;
    });
  }

  it('severities: missing reason is an error, unused is a warning', () => {
    const result = applySuppressions([], fileTree([[SECRET_FILE, '# cp-gitops:ignore policy/image-tag\n# cp-gitops:ignore policy/memory-request set by the operator\n']]));
    expect(result.map((found) => [found.rule, found.severity])).to.deep.equal([
      ['suppression/missing-reason', 'error'],
      ['suppression/unused', 'warning'],
    ]);
  });

  it('reads the rule and the whole reason', () => {
    const { suppressions } = findSuppressions(fileTree([[SECRET_FILE, 'a: 1 # cp-gitops:ignore policy/image-tag  tag set by the release pipeline\r\n']]));
    expect(suppressions).to.deep.equal([{ file: SECRET_FILE, line: 1, column: 6, rule: 'policy/image-tag', reason: 'tag set by the release pipeline' }]);
  });

  it('is pure: same input, same output, input untouched', () => {
    const input = [violation(SECRET_FILE)];
    const tree = fileTree([[SECRET_FILE, header('# cp-gitops:ignore policy/plaintext-secret fixture')]]);
    const frozen = JSON.stringify(input);
    expect(applySuppressions(input, tree)).to.deep.equal(applySuppressions(input, tree));
    expect(JSON.stringify(input)).to.equal(frozen);
  });
});
