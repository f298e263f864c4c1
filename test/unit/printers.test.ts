import { expect } from 'chai';
import { printGithubAnnotations, printGithubSummary } from '../../src/validator/printers/github.js';
import { printGitlabCodeQuality, type CodeQualityIssue } from '../../src/validator/printers/gitlab.js';
import { printJson } from '../../src/validator/printers/json.js';
import { printSarif, SARIF_VERSION } from '../../src/validator/printers/sarif.js';
import { printText, summarize, wantsColor } from '../../src/validator/printers/text.js';
import type { ValidationReport } from '../../src/validator/validate.js';
import type { Violation } from '../../src/validator/violation.js';

const VIOLATIONS: Violation[] = [
  { rule: 'policy/plaintext-secret', severity: 'error', file: 'overlays/prod/secret.yaml', line: 6, column: 1, message: 'Secret "db" carries its values in data', fix: 'create it in the cluster' },
  { rule: 'policy/placeholder-repo-url', severity: 'warning', file: 'cp-gitops.yaml', line: 4, column: 10, message: 'placeholder repository', fix: 'set the real URL' },
  { rule: 'policy/prod-pdb', severity: 'error', file: 'overlays/prod/patches/kafka.yaml', line: 8, column: 3, message: 'no PodDisruptionBudget' },
  { rule: 'policy/image-tag', severity: 'error', file: 'overlays/prod/secret.yaml', line: 2, column: 5, message: 'latest', fix: 'pin it' },
  { rule: 'yaml/syntax', severity: 'error', file: 'dir with space/a#b.yaml', line: 1, column: 1, message: 'bad YAML' },
];

function report(violations: readonly Violation[] = VIOLATIONS): ValidationReport {
  return { violations, stats: { files: 42, overlays: 3, resources: 21 }, builds: new Map() };
}

describe('printers', () => {
  describe('text', () => {
    const text = printText(report(), { color: false });
    const lines = text.split('\n');

    it('prints file:line:column: severity: rule: message, the fix indented below', () => {
      const index = lines.indexOf('overlays/prod/secret.yaml:6:1: error: policy/plaintext-secret: Secret "db" carries its values in data');
      expect(index, text).to.be.greaterThan(-1);
      expect(lines[index + 1]).to.equal('  fix: create it in the cluster');
    });

    it('one block per finding, in order of place, a blank line between them', () => {
      const blocks = text.trimEnd().split('\n\n');
      expect(blocks.map((block) => block.split(': ')[0])).to.deep.equal([
        'cp-gitops.yaml:4:10',
        'dir with space/a#b.yaml:1:1',
        'overlays/prod/patches/kafka.yaml:8:3',
        'overlays/prod/secret.yaml:2:5',
        'overlays/prod/secret.yaml:6:1',
        '4 errors, 1 warning in 4 files (42 files, 3 overlays, 21 rendered resources checked)',
      ]);
    });

    it('prints one problem found in many files once, with every place (a fresh init: one placeholder finding, not eleven)', () => {
      const places = ['argocd/dev/platform.yaml', 'argocd/prod/platform.yaml', 'cp-gitops.yaml'].map((file, index): Violation => ({ rule: 'policy/placeholder-repo-url', severity: 'warning', file, line: 6 + index, column: 10, message: 'placeholder repository URL https://x', fix: 'set the real URL' }));
      const grouped = printText(report(places), { color: false });
      expect(grouped).to.equal(
        [
          'argocd/dev/platform.yaml:6:10: warning: policy/placeholder-repo-url: placeholder repository URL https://x (3 places)',
          '  also: argocd/prod/platform.yaml:7:10',
          '  also: cp-gitops.yaml:8:10',
          '  fix: set the real URL',
          '',
          '0 errors, 1 warning (3 places) in 3 files (42 files, 3 overlays, 21 rendered resources checked)',
          '',
        ].join('\n'),
      );
      expect(summarize(places)).to.equal('0 errors, 1 warning (3 places) in 3 files');
    });

    it('ends with the summary line, which says what was checked even when nothing was found', () => {
      expect(text.endsWith('4 errors, 1 warning in 4 files (42 files, 3 overlays, 21 rendered resources checked)\n')).to.equal(true);
      expect(printText(report([]), { color: false })).to.equal('no errors or warnings (42 files, 3 overlays, 21 rendered resources checked)\n');
      expect(summarize(VIOLATIONS.slice(0, 1))).to.equal('1 error, 0 warnings in 1 file');
    });

    it('uses ANSI colour only when asked', () => {
      expect(text).to.not.include('\u001b[');
      const coloured = printText(report(), { color: true });
      expect(coloured).to.include('\u001b[31merror\u001b[39m');
      expect(coloured).to.include('\u001b[33mwarning\u001b[39m');
    });

    it('asks for colour on a TTY only, never with NO_COLOR', () => {
      expect(wantsColor({ isTTY: true }, {})).to.equal(true);
      expect(wantsColor({ isTTY: false }, {})).to.equal(false);
      expect(wantsColor({}, {})).to.equal(false);
      expect(wantsColor({ isTTY: true }, { NO_COLOR: '1' })).to.equal(false);
    });
  });

  describe('JSON', () => {
    it('is one versioned object with ok, stats, the findings and every violation', () => {
      const json = JSON.parse(printJson(report())) as { schemaVersion: number; command: string; ok: boolean; summary: string; stats: Record<string, number>; findings: unknown[]; violations: Violation[] };
      expect(json.schemaVersion).to.equal(1);
      expect(json.command).to.equal('validate');
      expect(json.ok).to.equal(false);
      expect(json.summary).to.equal('4 errors, 1 warning in 4 files');
      expect(json.stats).to.deep.equal({ errors: 4, places: 5, warnings: 1, filesWithViolations: 4, filesChecked: 42, overlays: 3, resources: 21, suppressed: 0 });
      expect(json.findings[0]).to.deep.equal({ rule: 'policy/placeholder-repo-url', severity: 'warning', message: 'placeholder repository', fix: 'set the real URL', locations: [{ file: 'cp-gitops.yaml', line: 4, column: 10 }] });
      expect(json.violations).to.have.length(VIOLATIONS.length);
      expect(json.violations[0]).to.deep.equal(VIOLATIONS[1]);
      expect(JSON.parse(printJson(report([]))).ok).to.equal(true);
    });
  });

  describe('GitHub Actions', () => {
    it('prints one annotation per place, escaped so a message stays one workflow command, then the summary', () => {
      const text = printGithubAnnotations(report([{ rule: 'policy/x', severity: 'error', file: 'a,b:c.yaml', line: 3, column: 7, message: '100% wrong', fix: 'line one\nline two' }]));
      expect(text).to.equal('::error file=a%2Cb%3Ac.yaml,line=3,col=7,title=policy/x::100%25 wrong%0Afix: line one%0Aline two\n1 error, 0 warnings in 1 file (42 files checked)\n');
    });

    it('writes a Markdown job summary with what was checked and a row per place', () => {
      const summary = printGithubSummary(report());
      expect(summary).to.include('4 errors, 1 warning in 4 files; 42 files, 3 overlays and 21 rendered resources checked.');
      expect(summary).to.include('| error | `dir with space/a#b.yaml:1:1` | `yaml/syntax` | bad YAML |');
      expect(printGithubSummary(report([]))).to.include('no errors or warnings; 42 files');
    });
  });

  describe('SARIF', () => {
    const descriptions = { 'policy/prod-pdb': 'PDBs in production', 'policy/memory-request': 'memory requests' };
    const sarif = JSON.parse(printSarif(report(), { toolVersion: '9.9.9', ruleDescriptions: descriptions })) as {
      $schema: string;
      version: string;
      runs: {
        tool: { driver: { name: string; version: string; informationUri: string; rules: { id: string; shortDescription: { text: string }; defaultConfiguration?: { level: string } }[] } };
        columnKind: string;
        results: {
          ruleId: string;
          ruleIndex: number;
          level: string;
          message: { text: string };
          locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: { startLine: number; startColumn: number } } }[];
        }[];
      }[];
    };
    const run = sarif.runs[0]!;

    it('is SARIF 2.1.0 with one run of the cp-gitops driver', () => {
      expect(sarif.version).to.equal(SARIF_VERSION).and.to.equal('2.1.0');
      expect(sarif.$schema).to.match(/sarif-2\.1\.0/);
      expect(sarif.runs).to.have.length(1);
      expect(run.tool.driver).to.include({ name: 'cp-gitops', version: '9.9.9' });
      expect(run.columnKind).to.equal('utf16CodeUnits');
    });

    it('lists every known rule and every rule of a result, each once, with a description', () => {
      const ids = run.tool.driver.rules.map((rule) => rule.id);
      expect(ids).to.deep.equal([...new Set(ids)].sort());
      expect(ids).to.include.members(['policy/memory-request', 'policy/prod-pdb', 'policy/plaintext-secret', 'yaml/syntax']);
      expect(run.tool.driver.rules.find((rule) => rule.id === 'policy/prod-pdb')!.shortDescription.text).to.equal('PDBs in production');
      expect(run.tool.driver.rules.find((rule) => rule.id === 'policy/placeholder-repo-url')!.defaultConfiguration).to.deep.equal({ level: 'warning' });
    });

    it('has one result per violation: ruleId, ruleIndex, level, message, location with region', () => {
      expect(run.results).to.have.length(VIOLATIONS.length);
      for (const result of run.results) {
        expect(run.tool.driver.rules[result.ruleIndex]!.id).to.equal(result.ruleId);
        expect(['error', 'warning']).to.include(result.level);
        expect(result.locations).to.have.length(1);
        expect(result.locations[0]!.physicalLocation.artifactLocation.uriBaseId).to.equal('%SRCROOT%');
      }
      const secret = run.results.find((result) => result.ruleId === 'policy/plaintext-secret')!;
      expect(secret.level).to.equal('error');
      expect(secret.message.text).to.equal('Secret "db" carries its values in data. Fix: create it in the cluster');
      expect(secret.locations[0]!.physicalLocation).to.deep.equal({ artifactLocation: { uri: 'overlays/prod/secret.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 6, startColumn: 1 } });
      expect(run.results.find((result) => result.ruleId === 'policy/placeholder-repo-url')!.level).to.equal('warning');
    });

    it('percent-encodes file names into URIs', () => {
      const yaml = run.results.find((result) => result.ruleId === 'yaml/syntax')!;
      expect(yaml.locations[0]!.physicalLocation.artifactLocation.uri).to.equal('dir%20with%20space/a%23b.yaml');
    });

    it('is valid with no results', () => {
      const empty = JSON.parse(printSarif(report([]), { toolVersion: '1.0.0' })) as typeof sarif;
      expect(empty.runs[0]!.results).to.deep.equal([]);
      expect(empty.runs[0]!.tool.driver.rules).to.deep.equal([]);
    });
  });

  describe('GitLab Code Quality', () => {
    const issues = JSON.parse(printGitlabCodeQuality(report())) as CodeQualityIssue[];

    it('is a JSON array with one issue per violation: description, check_name, fingerprint, severity, location.path, location.lines.begin', () => {
      expect(issues).to.have.length(VIOLATIONS.length);
      const secret = issues.find((issue) => issue.check_name === 'policy/plaintext-secret')!;
      expect(secret).to.deep.equal({
        description: 'Secret "db" carries its values in data. Fix: create it in the cluster',
        check_name: 'policy/plaintext-secret',
        fingerprint: secret.fingerprint,
        severity: 'major',
        location: { path: 'overlays/prod/secret.yaml', lines: { begin: 6 } },
      });
      expect(issues.find((issue) => issue.check_name === 'policy/placeholder-repo-url')!.severity).to.equal('minor');
      expect(issues.find((issue) => issue.check_name === 'yaml/syntax')!.location.path, 'a path, not a URI').to.equal('dir with space/a#b.yaml');
    });

    it('fingerprints are unique, the same on every run, and do not move with the line', () => {
      expect(new Set(issues.map((issue) => issue.fingerprint)).size).to.equal(issues.length);
      expect(issues.every((issue) => /^[0-9a-f]{32}$/.test(issue.fingerprint))).to.equal(true);
      const again = JSON.parse(printGitlabCodeQuality(report([...VIOLATIONS].reverse()))) as CodeQualityIssue[];
      expect(again.map((issue) => issue.fingerprint)).to.deep.equal(issues.map((issue) => issue.fingerprint));
      const moved = VIOLATIONS.map((violation) => ({ ...violation, line: violation.line + 10 }));
      const shifted = JSON.parse(printGitlabCodeQuality(report(moved))) as CodeQualityIssue[];
      expect(shifted.map((issue) => issue.fingerprint)).to.deep.equal(issues.map((issue) => issue.fingerprint));
    });

    it('the same finding twice in one file: two issues, two fingerprints; another message, another fingerprint', () => {
      const twice = [VIOLATIONS[2]!, { ...VIOLATIONS[2]!, line: 20 }];
      const [first, second] = JSON.parse(printGitlabCodeQuality(report(twice))) as CodeQualityIssue[];
      expect(first!.fingerprint).to.not.equal(second!.fingerprint);
      const other = JSON.parse(printGitlabCodeQuality(report([{ ...VIOLATIONS[2]!, message: 'another' }]))) as CodeQualityIssue[];
      expect(other[0]!.fingerprint).to.not.equal(first!.fingerprint);
    });

    it('is an empty array with no violations', () => {
      expect(printGitlabCodeQuality(report([]))).to.equal('[]\n');
    });
  });
});
