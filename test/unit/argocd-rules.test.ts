import { expect } from 'chai';
import { join } from 'node:path';
import { readTree } from '../../src/adapters/fs.js';
import { fileTree } from '../../src/generator/file-tree.js';
import { argocdRules, globMatch, isDestinationPermitted, isSourcePermitted, normalizeGitUrl } from '../../src/validator/rules/argocd.js';
import { parseSources } from '../../src/validator/sources.js';
import type { Violation } from '../../src/validator/violation.js';
import { REPO_ROOT } from '../helpers/paths.js';

const REPO = 'https://github.com/acme/acme.git';

const MODEL = `apiVersion: cp-gitops.io/v1alpha1
kind: Platform
name: acme
repoURL: ${REPO}
`;

const PROJECT = `apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: acme-prod
  namespace: argocd
spec:
  sourceRepos:
    - ${REPO}
    - https://packages.confluent.io/helm
  destinations:
    - server: https://kubernetes.default.svc
      namespace: acme-prod
`;

const PLATFORM = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: acme-prod
  namespace: argocd
spec:
  project: acme-prod
  source:
    repoURL: ${REPO}
    targetRevision: main
    path: overlays/prod
  destination:
    server: https://kubernetes.default.svc
    namespace: acme-prod
`;

const OPERATOR = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: acme-prod-operator
  namespace: argocd
spec:
  project: acme-prod
  source:
    repoURL: https://packages.confluent.io/helm
    chart: confluent-for-kubernetes
    targetRevision: 0.1718.10
  destination:
    server: https://kubernetes.default.svc
    namespace: acme-prod
`;

const FILES = {
  model: 'cp-gitops.yaml',
  project: 'argocd/prod/project.yaml',
  platform: 'argocd/prod/platform.yaml',
  operator: 'argocd/prod/operator.yaml',
} as const;

type Texts = Record<keyof typeof FILES, string | undefined>;
const DEFAULT_TEXTS: Texts = { model: MODEL, project: PROJECT, platform: PLATFORM, operator: OPERATOR };

function run(texts: Partial<Texts> = {}): Violation[] {
  const all = { ...DEFAULT_TEXTS, ...texts };
  const entries: [string, string][] = [
    ['overlays/prod/kustomization.yaml', 'resources: []\n'],
    ['base/kafka/kafka.yaml', 'kind: Kafka\n'],
  ];
  for (const key of Object.keys(FILES) as (keyof typeof FILES)[]) {
    const text = all[key];
    if (text !== undefined) entries.push([FILES[key], text]);
  }
  const { sources } = parseSources(fileTree(entries));
  return argocdRules({ sources, builds: new Map(), allBuilds: new Map() });
}

function valueAt(text: string, needle: string): { line: number; column: number } {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`fixture lacks ${needle}`);
  const offset = index + needle.indexOf(': ') + 2;
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}

interface Case {
  readonly title: string;
  readonly texts: Partial<Texts>;
  readonly rule: string;
  readonly file: string;
  readonly position: { line: number; column: number };
  readonly message: RegExp;
}

const MISSING_PATH = PLATFORM.replace('path: overlays/prod', 'path: overlays/prd');
const NOT_KUSTOMIZE = PLATFORM.replace('path: overlays/prod', 'path: base/kafka');
const OTHER_NAMESPACE = PLATFORM.replace('  destination:\n    server: https://kubernetes.default.svc\n    namespace: acme-prod', '  destination:\n    server: https://kubernetes.default.svc\n    namespace: kube-system');
const OTHER_REPO = PLATFORM.replace(`repoURL: ${REPO}`, 'repoURL: https://github.com/evil/acme.git');
const OTHER_CHART_REPO = OPERATOR.replace('repoURL: https://packages.confluent.io/helm', 'repoURL: https://charts.example.org');

const CASES: Case[] = [
  { title: 'a path that does not exist', texts: { platform: MISSING_PATH }, rule: 'argocd/source-path-missing', file: FILES.platform, position: valueAt(MISSING_PATH, 'path: overlays/prd'), message: /"overlays\/prd", which is not a folder/ },
  { title: 'a path without a kustomization', texts: { platform: NOT_KUSTOMIZE }, rule: 'argocd/source-path-not-kustomization', file: FILES.platform, position: valueAt(NOT_KUSTOMIZE, 'path: base/kafka'), message: /base\/kafka, which has no kustomization\.yaml/ },
  { title: 'a destination namespace the project does not allow', texts: { platform: OTHER_NAMESPACE }, rule: 'argocd/destination-not-allowed', file: FILES.platform, position: { line: 13, column: 5 }, message: /namespace kube-system.*AppProject "acme-prod" \(argocd\/prod\/project\.yaml\)/ },
  { title: 'a Git repository the project does not list', texts: { platform: OTHER_REPO }, rule: 'argocd/source-repo-not-allowed', file: FILES.platform, position: valueAt(OTHER_REPO, 'repoURL: https://github.com/evil'), message: /github\.com\/evil\/acme\.git/ },
  { title: 'a Helm repository the project does not list', texts: { operator: OTHER_CHART_REPO }, rule: 'argocd/source-repo-not-allowed', file: FILES.operator, position: valueAt(OTHER_CHART_REPO, 'repoURL: https://charts'), message: /charts\.example\.org/ },
];

describe('Argo CD rules', () => {
  it('accept consistent applications and projects', () => {
    expect(run()).to.deep.equal([]);
  });

  for (const testCase of CASES) {
    it(`${testCase.rule}: ${testCase.title}`, () => {
      const violations = run(testCase.texts);
      expect(violations, JSON.stringify(violations, null, 2)).to.have.length(1);
      expect(violations[0]).to.include({ rule: testCase.rule, severity: 'error', file: testCase.file, ...testCase.position });
      expect(violations[0]!.message).to.match(testCase.message);
      expect(violations[0]!.fix).to.be.a('string').and.not.empty;
    });
  }

  it('check nothing against a project that is not in the repository', () => {
    expect(run({ project: undefined, platform: OTHER_NAMESPACE.replace(`repoURL: ${REPO}`, 'repoURL: https://github.com/evil/acme.git') })).to.deep.equal([]);
  });

  it('do not look for the path of an application that pulls another repository', () => {
    const project = PROJECT.replace('    - https://packages.confluent.io/helm', '    - https://github.com/acme/other.git');
    const platform = MISSING_PATH.replace(`repoURL: ${REPO}`, 'repoURL: https://github.com/acme/other.git');
    expect(run({ project, platform, operator: undefined })).to.deep.equal([]);
  });

  it('check the paths of every source of a multi-source application', () => {
    const platform = PLATFORM.replace(
      `  source:\n    repoURL: ${REPO}\n    targetRevision: main\n    path: overlays/prod\n`,
      `  sources:\n    - repoURL: ${REPO}\n      path: overlays/prod\n    - repoURL: ${REPO}\n      path: ./missing/\n`,
    );
    const violations = run({ platform });
    expect(violations.map((violation) => [violation.rule, violation.line, violation.column])).to.deep.equal([['argocd/source-path-missing', 12, 13]]);
  });

  describe("Argo CD's matching", () => {
    it('normalises Git URLs like Argo CD (case, .git, scp-style SSH)', () => {
      expect(normalizeGitUrl('https://GitHub.com/Acme/Repo.git')).to.equal(normalizeGitUrl('https://github.com/acme/repo'));
      expect(normalizeGitUrl('git@github.com:acme/repo.git')).to.equal(normalizeGitUrl('ssh://git@github.com/acme/repo'));
      expect(normalizeGitUrl('git@github.com:acme/repo.git')).to.not.equal(normalizeGitUrl('https://github.com/acme/repo.git'));
    });

    const globs: [string, string, string | undefined, boolean][] = [
      ['*', 'anything/at/all', '/', true],
      ['https://github.com/acme/*', 'https://github.com/acme/repo', '/', true],
      ['https://github.com/acme/*', 'https://github.com/acme/group/repo', '/', false],
      ['https://github.com/acme/**', 'https://github.com/acme/group/repo', '/', true],
      ['acme-*', 'acme-prod', undefined, true],
      ['acme-{dev,prod}', 'acme-staging', undefined, false],
      ['acme-[dp]*', 'acme-prod', undefined, true],
      ['!kube-system', 'acme-prod', undefined, true],
      ['!kube-*', 'kube-system', undefined, false],
    ];
    for (const [pattern, value, separator, expected] of globs) {
      it(`${pattern} ${expected ? 'matches' : 'does not match'} ${value}`, () => {
        expect(globMatch(pattern, value, separator)).to.equal(expected);
      });
    }

    it('sourceRepos: globs allow, deny patterns win', () => {
      expect(isSourcePermitted({ sourceRepos: ['https://github.com/acme/*'] }, 'https://github.com/acme/x.git')).to.equal(true);
      expect(isSourcePermitted({ sourceRepos: ['*', '!https://github.com/evil/*'] }, 'https://github.com/evil/x.git')).to.equal(false);
      expect(isSourcePermitted({ sourceRepos: [] }, 'https://github.com/acme/x.git')).to.equal(false);
    });

    it('destinations: by server or name, in-cluster both ways, deny patterns win, unknown cluster names undecided', () => {
      const project = { destinations: [{ server: 'https://kubernetes.default.svc', namespace: 'acme-*' }, { server: '*', namespace: '!kube-system' }] };
      expect(isDestinationPermitted(project, { server: 'https://kubernetes.default.svc', name: '', namespace: 'acme-prod' })).to.equal(true);
      expect(isDestinationPermitted(project, { server: '', name: 'in-cluster', namespace: 'acme-prod' })).to.equal(true);
      expect(isDestinationPermitted(project, { server: 'https://kubernetes.default.svc', name: '', namespace: 'kube-system' })).to.equal(false);
      expect(isDestinationPermitted({ destinations: [{ server: 'https://a', namespace: 'x' }] }, { server: '', name: 'prod-cluster', namespace: 'x' })).to.equal(undefined);
    });
  });

  it('find nothing in the golden repositories', () => {
    for (const scenario of ['default', 'minimal', 'cp79-zookeeper']) {
      const { sources } = parseSources(readTree(join(REPO_ROOT, 'test', 'golden', scenario)));
      expect(argocdRules({ sources, builds: new Map(), allBuilds: new Map() }), scenario).to.deep.equal([]);
    }
  });
});
