import { posix } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { isPlainObject, type PlainObject } from '../../generator/object-path.js';
import { YamlLocatedDocument, type YamlPath } from '../../yaml/positions.js';
import { locate, type SourceDocument, type SourceSet } from '../sources.js';
import { dedupeViolations, type Violation } from '../violation.js';
import { applyJsonPatch } from './json-patch.js';
import { BUILTIN_REPLICA_KINDS, CLUSTER_SCOPED_KINDS, DEPRECATED_KEYS, KUSTOMIZATION_FILES, KUSTOMIZATION_KEYS } from './kustomization-keys.js';
import { strategicMerge } from './merge.js';
import { applyFieldSpecs, emptyFieldSpecs, mergeFieldSpecs, parseFieldSpecs, withValueAt, type FieldSpecs } from './field-specs.js';
import { formatId, type AppliedPatch, type BuiltResource, type KustomizationBuild, type ResourceId, type SourceRef } from './types.js';

interface MutableResource {
  object: PlainObject;
  origin: SourceDocument;
  originalId: ResourceId;
  blame: Map<string, SourceRef>;
}

interface Accumulated {
  resources: MutableResource[];
  fieldSpecs: FieldSpecs;
  patches: AppliedPatch[];
}

/** Folders of the tree that hold a kustomization, and the file name used there. */
export function kustomizationFileOf(sources: SourceSet, dir: string): string | undefined {
  for (const name of KUSTOMIZATION_FILES) {
    const path = dir === '' ? name : `${dir}/${name}`;
    if (sources.tree.has(path)) return path;
  }
  return undefined;
}

export function idOf(object: PlainObject): ResourceId {
  const metadata = isPlainObject(object.metadata) ? object.metadata : {};
  return {
    apiVersion: String(object.apiVersion ?? ''),
    kind: String(object.kind ?? ''),
    name: String(metadata.name ?? ''),
    ...(typeof metadata.namespace === 'string' ? { namespace: metadata.namespace } : {}),
  };
}

/** Equal for the IDs Kustomize takes for the same resource (group, kind, name, namespace; not the version). */
function idKey(id: ResourceId): string {
  // Each part prefixed by its length, so no two different IDs give the same key.
  return [group(id.apiVersion), id.kind, id.name, id.namespace ?? ''].map((part) => `${part.length}:${part}`).join('');
}

function group(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}

function isCustomResource(object: PlainObject): boolean {
  return group(String(object.apiVersion ?? '')).includes('.') && !group(String(object.apiVersion ?? '')).endsWith('.k8s.io');
}

/**
 * An emulation of `kustomize build <dir>` that keeps positions: the same resources (for what
 * cp-gitops generates and the common features), and on the way every mistake Kustomize lets pass
 * silently (rule family `kustomize/`). `validate --render` compares it with the real Kustomize.
 */
export function buildKustomization(sources: SourceSet, dir: string): KustomizationBuild {
  const violations: Violation[] = [];
  const accumulated = buildFolder(sources, dir, violations, [], new Set());
  const resources: BuiltResource[] = accumulated.resources.map((resource) => ({ ...resource }));
  return { dir, resources, violations: dedupeViolations(violations), patches: accumulated.patches };
}

/** A folder's build, kept for the next kustomization that lists it (50 overlays share each base). */
interface CachedBuild {
  readonly accumulated: Accumulated;
  /** The violations its build pushed, in order: replayed on every use. */
  readonly violations: readonly Violation[];
  /** Every kustomization folder its build referred to, itself included. */
  readonly reached: ReadonlySet<string>;
}

/** Per parsed repository, so a cache never outlives the files it was built from. */
const BUILD_CACHES = new WeakMap<SourceSet, Map<string, CachedBuild>>();

/** A copy whose resources the caller may change (their objects are copied on write anyway). */
function copyAccumulated(accumulated: Accumulated): Accumulated {
  return {
    resources: accumulated.resources.map((resource) => ({ ...resource, blame: new Map(resource.blame) })),
    fieldSpecs: accumulated.fieldSpecs,
    patches: [...accumulated.patches],
  };
}

/**
 * The build of a folder listed under `resources:` (or asked for by itself), from the cache when
 * nothing it reaches is on the current stack: then the result cannot depend on the stack (a cycle
 * would have to pass through it), and a build that found a cycle is never cached.
 */
function buildFolder(sources: SourceSet, dir: string, violations: Violation[], stack: readonly string[], reached: Set<string>): Accumulated {
  let cache = BUILD_CACHES.get(sources);
  if (!cache) BUILD_CACHES.set(sources, (cache = new Map()));
  const hit = cache.get(dir);
  if (hit && !stack.some((entry) => hit.reached.has(entry))) {
    violations.push(...hit.violations);
    for (const entry of hit.reached) reached.add(entry);
    return copyAccumulated(hit.accumulated);
  }
  const own: Violation[] = [];
  const ownReached = new Set<string>();
  const result = buildDir(sources, dir, undefined, own, [...stack, dir], ownReached);
  violations.push(...own);
  for (const entry of ownReached) reached.add(entry);
  if (!own.some((violation) => violation.rule === 'kustomize/cycle') && !stack.some((entry) => ownReached.has(entry))) {
    cache.set(dir, { accumulated: copyAccumulated(result), violations: own, reached: ownReached });
  }
  return result;
}

function buildDir(sources: SourceSet, dir: string, input: Accumulated | undefined, violations: Violation[], stack: string[], reached: Set<string>): Accumulated {
  reached.add(dir);
  const file = kustomizationFileOf(sources, dir);
  const result: Accumulated = input ?? { resources: [], fieldSpecs: emptyFieldSpecs(), patches: [] };
  if (!file) return result;
  const document = sources.yaml.get(file)?.documents[0];
  if (!document || !isPlainObject(document.value)) return result;
  const k = document.value;
  const problem = (path: YamlPath, rule: string, message: string, fix: string, severity: 'error' | 'warning' = 'error', key = false) =>
    violations.push({ rule, severity, ...locate(document, path, { key }), message, fix });

  for (const key of Object.keys(k)) {
    if (!KUSTOMIZATION_KEYS.has(key)) problem([key], 'kustomize/unknown-key', `unknown kustomization key "${key}" (Kustomize ignores or rejects it)`, 'remove it or correct its spelling', 'error', true);
    const replacement = DEPRECATED_KEYS.get(key);
    if (replacement) problem([key], 'kustomize/deprecated-key', `"${key}" is deprecated`, replacement, 'warning', true);
  }

  const own: MutableResource[] = [];
  const entries = [...listOf(k.resources).map((entry, index) => ({ entry, path: ['resources', index] as YamlPath })), ...listOf(k.bases).map((entry, index) => ({ entry, path: ['bases', index] as YamlPath }))];
  for (const { entry, path } of entries) {
    if (typeof entry !== 'string') {
      problem(path, 'kustomize/invalid-entry', 'a resources entry must be a path', 'write a relative path to a file or folder');
      continue;
    }
    if (/^[a-z][a-z0-9+.-]*:\/\/|^git@|^github\.com\//i.test(entry)) {
      // An error, not a warning: a pull request could make CI (validate --render) or Argo CD fetch any URL.
      problem(path, 'kustomize/remote-resource', `remote resource "${entry}": validate never touches the network, and what it fetches could change after review`, 'vendor it into the repository (a pinned copy of the files), then list the local path');
      continue;
    }
    const target = posix.normalize(posix.join(dir, entry));
    if (target.startsWith('..')) {
      problem(path, 'kustomize/missing-resource', `"${entry}" points outside the repository`, 'keep every resource inside the repository');
      continue;
    }
    if (sources.tree.has(target)) {
      own.push(...resourcesOfFile(sources, target));
    } else if (kustomizationFileOf(sources, target)) {
      if (stack.includes(target)) {
        reached.add(target);
        problem(path, 'kustomize/cycle', `"${entry}" includes itself (${[...stack, target].join(' → ')})`, 'remove the cycle');
        continue;
      }
      const child = buildFolder(sources, target, violations, stack, reached);
      own.push(...child.resources);
      result.fieldSpecs = mergeFieldSpecs(result.fieldSpecs, child.fieldSpecs);
      result.patches.push(...child.patches);
      checkKind(sources, target, 'Kustomization', path, problem, entry);
    } else if ([...sources.tree.keys()].some((key) => key.startsWith(`${target}/`))) {
      problem(path, 'kustomize/missing-resource', `folder "${entry}" has no kustomization.yaml`, 'add a kustomization.yaml there, or list its files');
    } else {
      problem(path, 'kustomize/missing-resource', `"${entry}" does not exist`, 'correct the path or add the file');
    }
  }

  for (const [index, entry] of listOf(k.configurations).entries()) {
    const target = typeof entry === 'string' ? posix.normalize(posix.join(dir, entry)) : '';
    const config = sources.yaml.get(target)?.documents[0];
    if (!config) {
      problem(['configurations', index], 'kustomize/missing-resource', `configuration "${String(entry)}" does not exist`, 'correct the path');
      continue;
    }
    result.fieldSpecs = mergeFieldSpecs(result.fieldSpecs, parseFieldSpecs(config.value));
  }

  // Duplicate IDs among what this kustomization brings in (Kustomize stops at the first).
  const all = [...result.resources, ...own];
  const byId = new Map<string, MutableResource[]>();
  for (const resource of all) {
    const key = idKey(idOf(resource.object));
    byId.set(key, [...(byId.get(key) ?? []), resource]);
  }
  own.forEach((resource) => {
    const twins = byId.get(idKey(idOf(resource.object)))!;
    if (twins.length > 1 && twins[twins.length - 1] === resource) {
      violations.push({
        rule: 'kustomize/duplicate-resource-id',
        severity: 'error',
        ...locate(resource.origin, ['metadata', 'name']),
        message: `${formatId(idOf(resource.object))} is declared ${twins.length} times in the build of ${dir} (also in ${twins[0]!.origin.file})`,
        fix: 'keep one of them, or give them different names',
      });
    }
  });
  result.resources = all;

  for (const [index, entry] of listOf(k.components).entries()) {
    if (typeof entry !== 'string') continue;
    const target = posix.normalize(posix.join(dir, entry));
    if (!kustomizationFileOf(sources, target)) {
      problem(['components', index], 'kustomize/missing-resource', `component "${entry}" does not exist`, 'correct the path');
      continue;
    }
    if (checkKind(sources, target, 'Component', ['components', index], problem, entry)) {
      buildDir(sources, target, result, violations, [...stack, target], reached);
    }
  }

  applyPatches(sources, dir, document, k, result, violations);
  applyTransformers(document, k, result, violations);
  return result;
}

function checkKind(
  sources: SourceSet,
  dir: string,
  expected: 'Kustomization' | 'Component',
  path: YamlPath,
  problem: (path: YamlPath, rule: string, message: string, fix: string) => void,
  entry: string,
): boolean {
  const file = kustomizationFileOf(sources, dir)!;
  const value = sources.yaml.get(file)?.documents[0]?.value;
  const kind = isPlainObject(value) && typeof value.kind === 'string' ? value.kind : 'Kustomization';
  if (expected === 'Component' && kind !== 'Component') {
    problem(path, 'kustomize/not-a-component', `"${entry}" is listed under components but is a ${kind}`, 'set kind: Component (apiVersion kustomize.config.k8s.io/v1alpha1) there, or list it under resources');
    return false;
  }
  if (expected === 'Kustomization' && kind === 'Component') {
    problem(path, 'kustomize/component-as-resource', `"${entry}" is a Component listed under resources`, 'list it under components');
    return false;
  }
  return true;
}

function resourcesOfFile(sources: SourceSet, path: string): MutableResource[] {
  const file = sources.yaml.get(path);
  if (!file) return [];
  return file.documents
    .filter((document) => isPlainObject(document.value))
    .map((document) => {
      // Not copied: every change makes a new object (copy on write), so the parsed value stays as read.
      const object = document.value as PlainObject;
      return { object, origin: document, originalId: idOf(object), blame: new Map<string, SourceRef>() };
    });
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

interface PatchEntry {
  readonly path: YamlPath;
  readonly documents: SourceDocument[];
  readonly target: unknown;
}

function patchEntries(sources: SourceSet, dir: string, kustomization: SourceDocument, k: PlainObject, violations: Violation[]): PatchEntry[] {
  const entries: PatchEntry[] = [];
  const fromFile = (entryPath: YamlPath, file: unknown): SourceDocument[] | undefined => {
    const target = typeof file === 'string' ? posix.normalize(posix.join(dir, file)) : '';
    const source = sources.yaml.get(target);
    if (!source) {
      violations.push({ rule: 'kustomize/missing-resource', severity: 'error', ...locate(kustomization, entryPath), message: `patch file "${String(file)}" does not exist`, fix: 'correct the path or add the file' });
      return undefined;
    }
    return source.documents.filter((document) => document.value !== undefined && document.value !== null);
  };
  listOf(k.patches).forEach((entry, index) => {
    if (!isPlainObject(entry)) return;
    if (typeof entry.path === 'string') {
      const documents = fromFile(['patches', index, 'path'], entry.path);
      if (documents) entries.push({ path: ['patches', index], documents, target: entry.target });
    } else if (typeof entry.patch === 'string') {
      entries.push({ path: ['patches', index], documents: inlinePatch(sources, kustomization, ['patches', index, 'patch'], entry.patch), target: entry.target });
    }
  });
  listOf(k.patchesStrategicMerge).forEach((entry, index) => {
    if (typeof entry !== 'string') return;
    const documents = entry.includes('\n') || entry.includes(':') && !/\.ya?ml$/.test(entry) ? inlinePatch(sources, kustomization, ['patchesStrategicMerge', index], entry) : fromFile(['patchesStrategicMerge', index], entry);
    if (documents) entries.push({ path: ['patchesStrategicMerge', index], documents, target: undefined });
  });
  listOf(k.patchesJson6902).forEach((entry, index) => {
    if (!isPlainObject(entry)) return;
    const documents = typeof entry.path === 'string' ? fromFile(['patchesJson6902', index, 'path'], entry.path) : typeof entry.patch === 'string' ? inlinePatch(sources, kustomization, ['patchesJson6902', index, 'patch'], entry.patch) : undefined;
    if (documents) entries.push({ path: ['patchesJson6902', index], documents, target: entry.target });
  });
  return entries;
}

/**
 * An inline patch is a string inside the kustomization: parse it so that its positions are those of
 * the kustomization file (leading blank lines and indentation put it where it stands).
 */
function inlinePatch(sources: SourceSet, kustomization: SourceDocument, path: YamlPath, text: string): SourceDocument[] {
  const start = locate(kustomization, path);
  const lines = (sources.yaml.get(kustomization.file)?.text ?? '').split('\n');
  const block = /^[|>]/.test((lines[start.line - 1] ?? '').slice(start.column - 1));
  let lineOffset = start.line - 1;
  let indent = start.column;
  if (block) {
    const first = lines.findIndex((line, index) => index >= start.line && line.trim() !== '');
    lineOffset = first >= 0 ? first : start.line;
    indent = first >= 0 ? (lines[first]!.match(/^ */)?.[0].length ?? 0) : 0;
  }
  const shifted = '\n'.repeat(lineOffset) + text.split('\n').map((line) => (line === '' ? line : ' '.repeat(indent) + line)).join('\n');
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(shifted, { lineCounter, uniqueKeys: true });
  if (!Array.isArray(documents)) return [];
  return documents.map((document, index) => ({
    file: kustomization.file,
    index: 1000 + index,
    located: new YamlLocatedDocument(document, lineCounter),
    value: document.errors.length > 0 ? undefined : document.toJS({ maxAliasCount: 100 }),
  }));
}

function selectTargets(resources: MutableResource[], target: unknown, patchObject: unknown): MutableResource[] {
  if (isPlainObject(target)) {
    return resources.filter((resource) => matchesSelector(resource.object, target));
  }
  if (isPlainObject(patchObject)) {
    const id = idOf(patchObject);
    return resources.filter((resource) => {
      const current = idOf(resource.object);
      return current.kind === id.kind && current.name === id.name && (id.namespace === undefined || id.namespace === current.namespace) && (group(id.apiVersion) === '' || group(id.apiVersion) === group(current.apiVersion));
    });
  }
  return [];
}

function matchesSelector(object: PlainObject, selector: PlainObject): boolean {
  const id = idOf(object);
  const anchored = (pattern: unknown, value: string) => typeof pattern !== 'string' || new RegExp(`^(?:${pattern})$`).test(value);
  if (typeof selector.kind === 'string' && selector.kind !== id.kind) return false;
  if (typeof selector.group === 'string' && selector.group !== group(id.apiVersion)) return false;
  if (typeof selector.version === 'string' && selector.version !== id.apiVersion.split('/').pop()) return false;
  if (!anchored(selector.name, id.name)) return false;
  if (!anchored(selector.namespace, id.namespace ?? '')) return false;
  if (typeof selector.labelSelector === 'string') {
    const labels = isPlainObject(object.metadata) && isPlainObject(object.metadata.labels) ? object.metadata.labels : {};
    for (const term of selector.labelSelector.split(',')) {
      const [key, value] = term.split('=').map((part) => part.trim());
      if (key && (value === undefined ? !(key in labels) : labels[key] !== value)) return false;
    }
  }
  return true;
}

function applyPatches(sources: SourceSet, dir: string, kustomization: SourceDocument, k: PlainObject, result: Accumulated, violations: Violation[]): void {
  for (const entry of patchEntries(sources, dir, kustomization, k, violations)) {
    for (const document of entry.documents) {
      const isJson6902 = Array.isArray(document.value);
      const targets = selectTargets(result.resources, entry.target, document.value);
      // A function: positions cost a positioned parse, paid only when there is something to report.
      const where = () => (entry.target !== undefined ? locate(kustomization, [...entry.path, 'target']) : locate(document, []));
      if (isJson6902 && entry.target === undefined) {
        violations.push({ rule: 'kustomize/patch-target-missing', severity: 'error', ...locate(kustomization, entry.path), message: 'a JSON6902 patch needs a target', fix: 'add target: {kind, name}' });
        continue;
      }
      if (targets.length === 0) {
        violations.push({
          rule: 'kustomize/patch-target-missing',
          severity: 'error',
          ...where(),
          message: `the patch matches no resource in ${dir} (Kustomize applies nothing and says nothing)`,
          fix: 'patches match IDs before this overlay\'s namespace and prefix: use the base\'s kind and name',
        });
        continue;
      }
      if (!isJson6902 && entry.target === undefined && targets.length > 1) {
        violations.push({ rule: 'kustomize/patch-target-ambiguous', severity: 'error', ...where(), message: `the patch matches ${targets.length} resources`, fix: 'add metadata.namespace or a target to pick one' });
      }
      result.patches.push({ kustomization, entryPath: entry.path, kind: isJson6902 ? 'json6902' : 'strategic-merge', document, targets: targets.map((target) => idOf(target.object)) });
      for (const target of targets) {
        if (isJson6902) {
          const { result: patched, problems } = applyJsonPatch(target.object, document.value, document, target.blame);
          for (const problemFound of problems) {
            violations.push({ rule: 'kustomize/json6902', severity: 'error', ...locate(document, problemFound.path), message: `${problemFound.message} in ${formatId(idOf(target.object))}`, fix: problemFound.fix });
          }
          target.object = patched;
        } else if (isPlainObject(document.value)) {
          const patchValue = document.value;
          target.object = strategicMerge(target.object, patchValue, {
            customResource: isCustomResource(target.object),
            patch: document,
            blame: target.blame,
            onListReplaced: (pointer, patchPath, dropped) =>
              violations.push({
                rule: 'kustomize/list-replaced',
                severity: 'warning',
                ...locate(document, patchPath),
                message: `this list replaces ${pointer} of ${formatId(idOf(target.object))} wholesale and drops ${dropped} entr${dropped === 1 ? 'y' : 'ies'} of the base (custom resources have no merge keys)`,
                fix: 'repeat the base entries you want to keep, or use a JSON6902 add with path …/-',
              }),
          });
        }
      }
    }
  }
}

function applyTransformers(kustomization: SourceDocument, k: PlainObject, result: Accumulated, violations: Violation[]): void {
  // Remember the IDs as they were before this kustomization renamed anything (for nameReference).
  const before = result.resources.map((resource) => idOf(resource.object));
  // Copy on write: a resource's object is shared with the parsed file and with other builds, so this
  // kustomization changes a copy of its root and metadata (made once per resource), never the original.
  const copied = new Set<MutableResource>();
  const metadataOf = (resource: MutableResource): PlainObject => {
    if (!copied.has(resource)) {
      copied.add(resource);
      const metadata = resource.object.metadata;
      resource.object = { ...resource.object, metadata: isPlainObject(metadata) ? { ...metadata } : {} };
    }
    return resource.object.metadata as PlainObject;
  };
  if (typeof k.namespace === 'string') {
    for (const resource of result.resources) {
      if (CLUSTER_SCOPED_KINDS.has(String(resource.object.kind))) continue;
      metadataOf(resource).namespace = k.namespace;
    }
  }
  const prefix = typeof k.namePrefix === 'string' ? k.namePrefix : '';
  const suffix = typeof k.nameSuffix === 'string' ? k.nameSuffix : '';
  if (prefix || suffix) {
    for (const resource of result.resources) {
      if (resource.object.kind === 'Namespace' || resource.object.kind === 'CustomResourceDefinition') continue;
      const metadata = metadataOf(resource);
      metadata.name = `${prefix}${String(metadata.name ?? '')}${suffix}`;
    }
  }
  const labelSets: PlainObject[] = [];
  for (const entry of listOf(k.labels)) if (isPlainObject(entry) && isPlainObject(entry.pairs)) labelSets.push(entry.pairs);
  if (isPlainObject(k.commonLabels)) labelSets.push(k.commonLabels);
  for (const labels of labelSets) {
    const values = stringValues(labels);
    for (const resource of result.resources) {
      const metadata = metadataOf(resource);
      metadata.labels = { ...(isPlainObject(metadata.labels) ? metadata.labels : {}), ...values };
    }
  }
  if (isPlainObject(k.commonAnnotations)) {
    const values = stringValues(k.commonAnnotations);
    for (const resource of result.resources) {
      const metadata = metadataOf(resource);
      metadata.annotations = { ...(isPlainObject(metadata.annotations) ? metadata.annotations : {}), ...values };
    }
  }
  const renamed = new Map<string, string>();
  result.resources.forEach((resource, index) => {
    const old = before[index]!;
    const now = idOf(resource.object);
    if (old.name !== now.name) renamed.set(`${old.kind}/${old.name}`, now.name);
  });
  applyFieldSpecs(result.resources, result.fieldSpecs, renamed, listOf(k.images), kustomization, violations);
  listOf(k.replicas).forEach((entry, index) => {
    if (!isPlainObject(entry) || typeof entry.name !== 'string') return;
    const matches = result.resources.filter((resource) => before[result.resources.indexOf(resource)]!.name === entry.name || idOf(resource.object).name === entry.name);
    if (matches.length === 0) {
      violations.push({ rule: 'kustomize/replicas-target-missing', severity: 'error', ...locate(kustomization, ['replicas', index, 'name']), message: `replicas: no resource is named "${entry.name}"`, fix: 'use the base name of the resource' });
      return;
    }
    for (const resource of matches) {
      const kind = String(resource.object.kind);
      const spec = result.fieldSpecs.replicas.find((candidate) => candidate.kind === kind);
      if (!spec && !BUILTIN_REPLICA_KINDS.has(kind)) {
        violations.push({ rule: 'kustomize/replicas-unsupported', severity: 'error', ...locate(kustomization, ['replicas', index]), message: `replicas: Kustomize does not know where ${kind} keeps its replicas (the build fails)`, fix: `declare a replicas field spec for ${kind} in configurations, or patch spec.replicas` });
        continue;
      }
      resource.object = withValueAt(resource.object, ['spec', 'replicas'], Number(entry.count));
      resource.blame.set('/spec/replicas', { document: kustomization, path: ['replicas', index, 'count'] });
    }
  });
}

function stringValues(values: PlainObject): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, String(value)]));
}
