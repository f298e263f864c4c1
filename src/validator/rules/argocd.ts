import { posix } from 'node:path';
import { isPlainObject, type PlainObject } from '../../generator/object-path.js';
import { CFK_HELM_CHART, IN_CLUSTER_SERVER } from '../../generator/layout.js';
import { compareChartVersions } from '../../model/versions.js';
import type { YamlPath } from '../../yaml/positions.js';
import { KUSTOMIZATION_FILES } from '../kustomize/kustomization-keys.js';
import { locate, type SourceDocument, type SourceSet } from '../sources.js';
import type { RuleContext, RuleFamily } from '../validate.js';
import type { Violation } from '../violation.js';
import { modelFacts } from './model.js';

/**
 * Rule family `argocd/`: what Argo CD refuses or fails on only once it syncs: an Application whose
 * path is not in the repository or is no kustomization, a destination or source its AppProject does
 * not allow. Matching follows Argo CD's AppProject semantics (globs, `!` deny patterns, normalised Git URLs).
 */
export const ARGOCD_RULES: Readonly<Record<string, string>> = {
  'argocd/source-path-missing': "An Application's source.path exists in the repository",
  'argocd/source-path-not-kustomization': "An Application's source.path holds a kustomization.yaml",
  'argocd/destination-not-allowed': "An Application's destination (server and namespace) is allowed by its AppProject",
  'argocd/source-repo-not-allowed': "An Application's repoURL is in its AppProject's sourceRepos",
  'argocd/operator-newer-than-crds': 'No CFK operator runs a chart newer than the CRDs installed on its Kubernetes cluster',
  'argocd/crds-owner': 'Exactly one Application per Kubernetes cluster installs the CFK CRDs',
};

const ARGOCD_DIR = 'argocd/';
/** Argo CD names its own cluster in-cluster; Applications may use either form. */
const IN_CLUSTER_NAME = 'in-cluster';

interface ArgoDocument {
  readonly document: SourceDocument;
  readonly name: string;
  readonly spec: PlainObject;
}

export const argocdRules: RuleFamily = ({ sources }: RuleContext): Violation[] => {
  const projects = new Map<string, ArgoDocument>();
  const applications: ArgoDocument[] = [];
  for (const argo of argoDocuments(sources, 'AppProject')) if (!projects.has(argo.name)) projects.set(argo.name, argo);
  for (const argo of argoDocuments(sources, 'Application')) if (argo.document.file.startsWith(ARGOCD_DIR)) applications.push(argo);

  const ownRepo = modelFacts(sources)?.repoURL;
  const violations: Violation[] = [];
  for (const application of applications) {
    const projectName = typeof application.spec.project === 'string' && application.spec.project !== '' ? application.spec.project : 'default';
    const project = projects.get(projectName);
    const subject = `Application "${application.name}"`;
    for (const { source, path } of applicationSources(application.spec)) {
      const repoURL = typeof source.repoURL === 'string' ? source.repoURL : undefined;
      if (project && repoURL !== undefined && !isSourcePermitted(project.spec, repoURL)) {
        violations.push({
          rule: 'argocd/source-repo-not-allowed',
          severity: 'error',
          ...locate(application.document, [...path, 'repoURL']),
          message: `${subject} pulls from ${repoURL}, which AppProject "${projectName}" (${project.document.file}) does not list in spec.sourceRepos: Argo CD refuses to sync it`,
          fix: `add ${repoURL} to spec.sourceRepos of AppProject "${projectName}", or correct repoURL`,
        });
      }
      const inThisRepo = repoURL === undefined || ownRepo === undefined || normalizeGitUrl(repoURL) === normalizeGitUrl(ownRepo);
      if (typeof source.path === 'string' && source.chart === undefined && inThisRepo) {
        violations.push(...pathProblems(sources, application, subject, source.path, [...path, 'path']));
      }
    }
    if (project && isPlainObject(application.spec.destination)) {
      const destination = application.spec.destination;
      const server = typeof destination.server === 'string' ? destination.server : '';
      const name = typeof destination.name === 'string' ? destination.name : '';
      const namespace = typeof destination.namespace === 'string' ? destination.namespace : '';
      if (isDestinationPermitted(project.spec, { server, name, namespace }) === false) {
        const target = `${server || name}${namespace ? `, namespace ${namespace}` : ''}`;
        violations.push({
          rule: 'argocd/destination-not-allowed',
          severity: 'error',
          ...locate(application.document, ['spec', 'destination']),
          message: `${subject} deploys to ${target}, which AppProject "${projectName}" (${project.document.file}) does not allow in spec.destinations: Argo CD refuses to sync it`,
          fix: `add {server: ${server || '…'}, namespace: ${namespace || '…'}} to spec.destinations of AppProject "${projectName}", or correct the destination`,
        });
      }
    }
  }
  violations.push(...crdOwnershipProblems(applications));
  return violations;
};

interface ChartApplication {
  readonly application: ArgoDocument;
  readonly source: PlainObject;
  readonly path: YamlPath;
  readonly chart: string;
  readonly installsCrds: boolean;
}

/**
 * The CFK CRDs per Kubernetes cluster: one Application installs them (two would fight over them, and
 * deleting either deletes every custom resource of every kind), at a chart no older than any operator
 * on the cluster (an operator past its CRDs writes fields the API server drops; Confluent upgrades the
 * CRDs first).
 */
function crdOwnershipProblems(applications: readonly ArgoDocument[]): Violation[] {
  const byCluster = new Map<string, ChartApplication[]>();
  for (const application of applications) {
    for (const { source, path } of applicationSources(application.spec)) {
      if (source.chart !== CFK_HELM_CHART || typeof source.targetRevision !== 'string') continue;
      const helm = isPlainObject(source.helm) ? source.helm : {};
      const destination = isPlainObject(application.spec.destination) ? application.spec.destination : {};
      const cluster = typeof destination.server === 'string' && destination.server !== '' ? destination.server : destination.name === IN_CLUSTER_NAME ? IN_CLUSTER_SERVER : String(destination.name ?? '');
      const entry = { application, source, path, chart: source.targetRevision, installsCrds: helm.skipCrds !== true };
      byCluster.set(cluster, [...(byCluster.get(cluster) ?? []), entry]);
    }
  }
  const violations: Violation[] = [];
  for (const [cluster, charts] of byCluster) {
    const owners = charts.filter((chart) => chart.installsCrds);
    const newest = charts.reduce((best, chart) => (compareChartVersions(chart.chart, best.chart) > 0 ? chart : best));
    if (owners.length === 0) {
      for (const chart of charts) {
        violations.push({
          rule: 'argocd/crds-owner',
          severity: 'error',
          ...locate(chart.application.document, [...chart.path, 'helm', 'skipCrds']),
          message: `Application "${chart.application.name}" runs the CFK operator on ${cluster} with skipCrds, and no Application installs the CFK CRDs on that cluster: the operator and the platform cannot start`,
          fix: `restore the cluster's CRD Application (argocd/clusters/<cluster>/crds.yaml, chart ${newest.chart}, skipCrds: false) and its root in argocd/bootstrap/`,
        });
      }
      continue;
    }
    const owner = owners.reduce((best, chart) => (compareChartVersions(chart.chart, best.chart) > 0 ? chart : best));
    for (const extra of owners.filter((chart) => chart !== owners[0])) {
      violations.push({
        rule: 'argocd/crds-owner',
        severity: 'error',
        ...locate(extra.application.document, [...extra.path, 'helm']),
        message: `Application "${extra.application.name}" installs the CFK CRDs on ${cluster}, and so does "${owners[0]!.application.name}" (${owners[0]!.application.document.file}): two owners overwrite each other's version, and deleting either deletes every CFK custom resource on the cluster`,
        fix: `set spec.source.helm.skipCrds: true in ${extra.application.document.file}; the cluster's CRD Application is the one owner`,
      });
    }
    for (const chart of charts) {
      if (compareChartVersions(chart.chart, owner.chart) <= 0) continue;
      violations.push({
        rule: 'argocd/operator-newer-than-crds',
        severity: 'error',
        ...locate(chart.application.document, [...chart.path, 'targetRevision']),
        message: `Application "${chart.application.name}" runs CFK chart ${chart.chart} on ${cluster}, newer than the CRDs installed there (chart ${owner.chart}, ${owner.application.document.file}): the operator writes fields the older CRDs drop`,
        fix: `set spec.source.targetRevision: ${newest.chart} in ${owner.application.document.file} (CRDs first, as Confluent's upgrade procedure does), or run cp-gitops upgrade, which moves both`,
      });
    }
  }
  return violations;
}

function argoDocuments(sources: SourceSet, kind: string): ArgoDocument[] {
  const found: ArgoDocument[] = [];
  for (const file of sources.yaml.values()) {
    for (const document of file.documents) {
      const value = document.value;
      if (!isPlainObject(value) || value.kind !== kind || typeof value.apiVersion !== 'string' || !value.apiVersion.startsWith('argoproj.io/')) continue;
      if (!isPlainObject(value.spec)) continue;
      const name = isPlainObject(value.metadata) && typeof value.metadata.name === 'string' ? value.metadata.name : '';
      found.push({ document, name, spec: value.spec });
    }
  }
  return found;
}

function applicationSources(spec: PlainObject): { source: PlainObject; path: YamlPath }[] {
  if (isPlainObject(spec.source)) return [{ source: spec.source, path: ['spec', 'source'] }];
  if (!Array.isArray(spec.sources)) return [];
  return spec.sources.flatMap((source, index) => (isPlainObject(source) ? [{ source, path: ['spec', 'sources', index] as YamlPath }] : []));
}

function pathProblems(sources: SourceSet, application: ArgoDocument, subject: string, rawPath: string, at: YamlPath): Violation[] {
  const folder = normalizeRepoPath(rawPath);
  // A function: a position costs a positioned parse of the file, paid only for a finding.
  const where = () => locate(application.document, at);
  const shown = folder === '' ? 'the repository root' : folder;
  const exists = folder !== undefined && (folder === '' || foldersOf(sources).has(folder));
  if (!exists) {
    return [
      {
        rule: 'argocd/source-path-missing',
        severity: 'error',
        ...where(),
        message: `${subject} syncs path "${rawPath}", which is not a folder of this repository: Argo CD reports ComparisonError and syncs nothing`,
        fix: 'correct spec.source.path (paths are relative to the repository root, for example overlays/prod)',
      },
    ];
  }
  const prefix = folder === '' ? '' : `${folder}/`;
  if (!KUSTOMIZATION_FILES.some((file) => sources.tree.has(`${prefix}${file}`))) {
    return [
      {
        rule: 'argocd/source-path-not-kustomization',
        severity: 'error',
        ...where(),
        message: `${subject} syncs ${shown}, which has no kustomization.yaml: Argo CD would apply its files as plain manifests, without the overlay`,
        fix: `point spec.source.path at a Kustomize folder (overlays/<env>), or add a kustomization.yaml to ${shown}`,
      },
    ];
  }
  return [];
}

/** Every folder that holds a file, at any depth (one pass per repository instead of one per Application). */
const FOLDERS = new WeakMap<SourceSet, ReadonlySet<string>>();

function foldersOf(sources: SourceSet): ReadonlySet<string> {
  let folders = FOLDERS.get(sources);
  if (!folders) {
    const found = new Set<string>();
    for (const file of sources.tree.keys()) {
      for (let slash = file.lastIndexOf('/'); slash > 0; slash = file.lastIndexOf('/', slash - 1)) {
        const folder = file.slice(0, slash);
        if (found.has(folder)) break;
        found.add(folder);
      }
    }
    FOLDERS.set(sources, (folders = found));
  }
  return folders;
}

/** A repository-relative folder ('' for the root), or undefined when the path leaves the repository. */
function normalizeRepoPath(path: string): string | undefined {
  const normalized = posix.normalize(path.trim().replace(/^\/+/, '')).replace(/\/+$/, '');
  if (normalized === '.' || normalized === '') return '';
  if (normalized === '..' || normalized.startsWith('../')) return undefined;
  return normalized;
}

// ---------------------------------------------------------------------------------------------------
// Argo CD's AppProject matching (pkg/apis/application/v1alpha1/app_project_types.go, util/git)

/** Like Argo CD's git.NormalizeGitURL: case, scp-style SSH, `ssh://` and `.git` do not matter. */
export function normalizeGitUrl(url: string): string {
  let repo = url.trim().toLowerCase();
  if (/^(ssh:\/\/)?([^/:]*?)@[^@]+$/.test(repo) && !repo.startsWith('ssh://')) repo = `ssh://${repo.replace(':', '/')}`;
  if (repo.endsWith('.git')) repo = repo.slice(0, -'.git'.length);
  return repo.replace(/^ssh:\/\//, '');
}

export function isSourcePermitted(projectSpec: PlainObject, repoURL: string): boolean {
  const repos = Array.isArray(projectSpec.sourceRepos) ? projectSpec.sourceRepos.filter((repo): repo is string => typeof repo === 'string') : [];
  const source = normalizeGitUrl(repoURL);
  let any = false;
  for (const repo of repos) {
    const pattern = repo.startsWith('!') ? `!${normalizeGitUrl(repo.slice(1))}` : normalizeGitUrl(repo);
    const matched = globMatch(pattern, source, '/');
    if (matched) any = true;
    else if (isDeny(pattern)) return false;
  }
  return any;
}

/** true / false as Argo CD decides; undefined when it depends on a cluster name this repository cannot resolve. */
export function isDestinationPermitted(projectSpec: PlainObject, destination: { server: string; name: string; namespace: string }): boolean | undefined {
  const items = Array.isArray(projectSpec.destinations) ? projectSpec.destinations.filter(isPlainObject) : [];
  const server = destination.server || (destination.name === IN_CLUSTER_NAME ? IN_CLUSTER_SERVER : '');
  const name = destination.name || (destination.server === IN_CLUSTER_SERVER ? IN_CLUSTER_NAME : '');
  if (server === '' && !items.some((item) => typeof item.name === 'string' && item.name !== '')) return undefined;
  let any = false;
  let denied = false;
  for (const item of items) {
    const itemServer = typeof item.server === 'string' ? item.server : '';
    const itemName = typeof item.name === 'string' ? item.name : '';
    const itemNamespace = typeof item.namespace === 'string' ? item.namespace : '';
    const nameMatched = name !== '' && globMatch(itemName, name);
    const serverMatched = server !== '' && globMatch(itemServer, server);
    const namespaceMatched = globMatch(itemNamespace, destination.namespace);
    if ((serverMatched || nameMatched) && namespaceMatched) any = true;
    else if ((!nameMatched && isDeny(itemName)) || (!serverMatched && isDeny(itemServer)) || (!namespaceMatched && isDeny(itemNamespace))) denied = true;
  }
  return any && !denied;
}

function isDeny(pattern: string): boolean {
  return pattern.startsWith('!');
}

/** Argo CD's globMatch: `!` negates, `*` alone matches anything, else a gobwas/glob pattern. */
export function globMatch(pattern: string, value: string, separator?: string): boolean {
  if (isDeny(pattern)) return !compileGlob(pattern.slice(1), separator).test(value);
  if (pattern === '*') return true;
  return compileGlob(pattern, separator).test(value);
}

const globCache = new Map<string, RegExp>();

/**
 * gobwas/glob syntax: `*` (any run without the separator), `**` (any run), `?`, `[abc]`, `[!a-z]`,
 * `{a,b}`, `\\` escapes. A pattern that does not compile matches nothing, as in Argo CD.
 */
function compileGlob(pattern: string, separator?: string): RegExp {
  const key = `${separator ?? ''}\u0000${pattern}`;
  const cached = globCache.get(key);
  if (cached) return cached;
  const notSeparator = separator ? `[^${escapeRegExp(separator)}]` : '[\\s\\S]';
  let source = '';
  let depth = 0;
  let valid = true;
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern[index]!;
    if (char === '\\') {
      index += 1;
      source += escapeRegExp(pattern[index] ?? '\\');
    } else if (char === '*') {
      if (pattern[index + 1] === '*') {
        source += '[\\s\\S]*';
        index += 1;
      } else {
        source += `${notSeparator}*`;
      }
    } else if (char === '?') {
      source += notSeparator;
    } else if (char === '[') {
      const end = pattern.indexOf(']', index + 1);
      if (end < 0) {
        valid = false;
        break;
      }
      const body = pattern.slice(index + 1, end);
      source += body.startsWith('!') ? `[^${escapeClass(body.slice(1))}]` : `[${escapeClass(body)}]`;
      index = end;
    } else if (char === '{') {
      depth += 1;
      source += '(?:';
    } else if (char === '}' && depth > 0) {
      depth -= 1;
      source += ')';
    } else if (char === ',' && depth > 0) {
      source += '|';
    } else {
      source += escapeRegExp(char);
    }
  }
  const compiled = valid && depth === 0 ? new RegExp(`^${source}$`) : /(?!)/;
  globCache.set(key, compiled);
  return compiled;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function escapeClass(body: string): string {
  return body.replace(/[\\\]^]/g, '\\$&');
}
