import { isPlainObject } from '../../generator/object-path.js';
import { pointerToPath, type YamlPath } from '../../yaml/positions.js';
import { blameOf, escapePointer, type AppliedPatch, type BuiltResource, type KustomizationBuild, type SourceRef } from '../kustomize/types.js';
import { importedSchemasFromTree } from '../schemas/import.js';
import { createSchemaRegistry, type SchemaError, type SchemaRegistry } from '../schemas/registry.js';
import { locate, type SourceDocument } from '../sources.js';
import type { RuleContext, RuleFamily } from '../validate.js';
import type { Violation } from '../violation.js';

/** Rule family `schema/`: custom resources and Argo CD manifests against JSON schemas (ours or imported). */
export const SCHEMA_RULES: Readonly<Record<string, string>> = {
  'schema/patch': "A strategic-merge patch fits its kind's schema: known fields, types, enums, patterns (required fields are checked on the merged result)",
  'schema/resource': "Every resource an overlay builds fits its kind's full schema, required fields included (blamed on the patch that set the field, else the base)",
  'schema/argocd': 'Argo CD Application and AppProject manifests under argocd/ fit their schemas',
  'schema/imported': 'Every schema under .cp-gitops/schemas/ can be used (valid JSON, named <group>_<kind>_<version>.json, compiles)',
};

export interface SchemaRulesOptions {
  /** Imported schema files that did not parse (importedSchemasFromTree's problems). */
  readonly importProblems?: readonly { readonly file: string; readonly message: string }[];
}

const ARGOCD_DIR = 'argocd/';

/**
 * The family for a repository as it is: its imported schemas (.cp-gitops/schemas/, from the tree being
 * validated) before the built-in ones, compiled imported schemas cached in `cacheDir`
 * (adapters/schema-cache.ts: defaultSchemaCacheDir(env)).
 */
export function repositorySchemaRules(options: { cacheDir?: string } = {}): RuleFamily {
  return (context: RuleContext): Violation[] => {
    const { schemas, problems } = importedSchemasFromTree(context.sources.tree);
    const registry = createSchemaRegistry({ importedSchemas: schemas, ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }) });
    return schemaRules(registry, { importProblems: problems })(context);
  };
}

/**
 * The family, for a registry the caller made (with the repository's imported schemas and a cache).
 * One finding per place: a problem that several overlays share is reported once, naming the overlays,
 * and a problem already reported in a patch is not reported again on the merged result.
 */
export function schemaRules(registry: SchemaRegistry, options: SchemaRulesOptions = {}): RuleFamily {
  return (context: RuleContext): Violation[] => {
    const findings = new Findings();
    const allBuilds = sortedBuilds(context.allBuilds ?? context.builds);
    const argoPatches = new Set<SourceDocument>();

    // (a) every strategic-merge patch, once, against the patch form of its kind.
    const seenPatches = new Set<SourceDocument>();
    for (const build of allBuilds) {
      const argo = isUnderArgo(build.dir);
      for (const patch of build.patches) {
        if (patch.kind !== 'strategic-merge' || seenPatches.has(patch.document)) continue;
        seenPatches.add(patch.document);
        if (argo) argoPatches.add(patch.document);
        checkPatch(registry, patch, argo ? 'schema/argocd' : 'schema/patch', findings);
      }
    }

    // (b) every resource an overlay builds, against the full form, blamed on where the field came from.
    for (const build of sortedBuilds(context.builds)) {
      for (const resource of build.resources) checkResource(registry, resource, build, 'schema/resource', findings);
    }

    // (c) Argo CD manifests: as written, and as their argocd/ kustomizations build them.
    for (const [file, source] of [...context.sources.yaml].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (!file.startsWith(ARGOCD_DIR)) continue;
      for (const document of source.documents) {
        if (argoPatches.has(document)) continue;
        checkDocument(registry, document, findings);
      }
    }
    for (const build of allBuilds) {
      if (!isUnderArgo(build.dir)) continue;
      for (const resource of build.resources) {
        if (isArgoKind(resource.object.apiVersion)) checkResource(registry, resource, build, 'schema/argocd', findings);
      }
    }

    // Imported schemas that could not be used: the built-in schema (if any) stood in for them.
    const unusable = [...(options.importProblems ?? []), ...registry.problems.map((problem) => ({ file: problem.key, message: problem.message }))];
    for (const { file, message } of unusable) {
      findings.add(
        { rule: 'schema/imported', file, line: 1, column: 1, message: `${file}: ${message}; validation used the built-in schema of that kind, if any`, fix: 'import it again with cp-gitops schemas import, or delete the file' },
        'schema',
        { patch: false },
      );
    }
    return findings.violations();
  };
}

function checkPatch(registry: SchemaRegistry, patch: AppliedPatch, rule: string, findings: Findings): void {
  const value = patch.document.value;
  if (!isPlainObject(value)) return;
  const target = patch.targets[0];
  const apiVersion = typeof value.apiVersion === 'string' ? value.apiVersion : target?.apiVersion;
  const kind = typeof value.kind === 'string' ? value.kind : target?.kind;
  if (apiVersion === undefined || kind === undefined) return;
  const errors = registry.validate(apiVersion, kind, 'patch', value);
  if (!errors) return;
  const name = nameOf(value) ?? target?.name;
  for (const error of errors) {
    const { path, key } = pathOf(error);
    findings.add({ rule, ...locate(patch.document, path, { key }), message: `patch of ${subject(kind, name)}: ${error.message}`, fix: error.fix }, error.keyword, { patch: true });
  }
}

function checkResource(registry: SchemaRegistry, resource: BuiltResource, build: KustomizationBuild, rule: string, findings: Findings): void {
  const object = resource.object;
  if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') return;
  const errors = registry.validate(object.apiVersion, object.kind, 'full', object);
  if (!errors) return;
  for (const error of errors) {
    const pointer = error.key === undefined ? error.pointer : `${error.pointer}/${escapePointer(error.key)}`;
    const ref = error.keyword === 'required' ? blameOfObject(resource, pointer) : blameOf(resource, pointer);
    const position = locate(ref.document, ref.path, { key: error.key !== undefined });
    // Shared files (a base) get the overlays whose build shows the problem; a file of the overlay itself needs no such note.
    const sharedFile = !position.file.startsWith(`${build.dir}/`);
    findings.add(
      { rule, ...position, message: `${subject(object.kind, resource.originalId.name)}: ${error.message}`, fix: error.fix },
      error.keyword,
      { patch: false, overlay: sharedFile && rule === 'schema/resource' ? build.dir : undefined },
    );
  }
}

function checkDocument(registry: SchemaRegistry, document: SourceDocument, findings: Findings): void {
  const value = document.value;
  if (!isPlainObject(value) || !isArgoKind(value.apiVersion) || typeof value.kind !== 'string') return;
  const errors = registry.validate(value.apiVersion as string, value.kind, 'full', value);
  if (!errors) return;
  for (const error of errors) {
    const { path, key } = pathOf(error);
    findings.add({ rule: 'schema/argocd', ...locate(document, path, { key }), message: `${subject(value.kind, nameOf(value))}: ${error.message}`, fix: error.fix }, error.keyword, { patch: false });
  }
}

/**
 * Blame for an object that lacks a required field. When the base does not have the object at all, the
 * patch that brought it in (whose fields sit below it) is to blame, not the base's nearest ancestor.
 */
function blameOfObject(resource: BuiltResource, pointer: string): SourceRef {
  const ref = blameOf(resource, pointer);
  if (ref.document !== resource.origin || hasPath(resource.origin.value, ref.path)) return ref;
  const depth = pointerToPath(pointer).length;
  for (const [field, fieldRef] of resource.blame) {
    if (!field.startsWith(`${pointer}/`)) continue;
    const below = pointerToPath(field).length - depth;
    return { document: fieldRef.document, path: fieldRef.path.slice(0, fieldRef.path.length - below) };
  }
  return ref;
}

function hasPath(value: unknown, path: YamlPath): boolean {
  let node = value;
  for (const segment of path) {
    if (Array.isArray(node) && typeof segment === 'number') node = node[segment];
    else if (isPlainObject(node) && typeof segment === 'string' && segment in node) node = node[segment];
    else return false;
  }
  return true;
}

/** Where a finding points: the unknown key itself for additionalProperties, else the value. */
function pathOf(error: SchemaError): { path: YamlPath; key: boolean } {
  const path = pointerToPath(error.pointer);
  return error.key === undefined ? { path, key: false } : { path: [...path, error.key], key: true };
}

function subject(kind: string, name: string | undefined): string {
  return name ? `${kind} "${name}"` : kind;
}

function nameOf(value: Record<string, unknown>): string | undefined {
  return isPlainObject(value.metadata) && typeof value.metadata.name === 'string' ? value.metadata.name : undefined;
}

function isArgoKind(apiVersion: unknown): boolean {
  return typeof apiVersion === 'string' && apiVersion.startsWith('argoproj.io/');
}

function isUnderArgo(dir: string): boolean {
  return dir === 'argocd' || dir.startsWith(ARGOCD_DIR);
}

function sortedBuilds(builds: ReadonlyMap<string, KustomizationBuild>): KustomizationBuild[] {
  return [...builds.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, build]) => build);
}

interface Finding {
  readonly rule: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly fix: string;
}

/**
 * Collects findings without repeats: the same rule and message at the same place is one finding (the
 * overlays that share it are listed), and a merged-result finding where a patch finding with the same
 * keyword already stands is dropped (it is the same mistake).
 */
class Findings {
  private readonly byKey = new Map<string, { finding: Finding; overlays: string[] }>();
  private readonly patchSpots = new Set<string>();

  add(finding: Finding, keyword: string, { patch, overlay }: { patch: boolean; overlay?: string | undefined }): void {
    const spot = `${finding.file}:${finding.line}:${finding.column}:${keyword}`;
    if (patch) this.patchSpots.add(spot);
    else if (this.patchSpots.has(spot)) return;
    const key = `${finding.rule}\u0000${finding.file}:${finding.line}:${finding.column}\u0000${finding.message}`;
    const existing = this.byKey.get(key);
    if (!existing) this.byKey.set(key, { finding, overlays: overlay === undefined ? [] : [overlay] });
    else if (overlay !== undefined && !existing.overlays.includes(overlay)) existing.overlays.push(overlay);
  }

  violations(): Violation[] {
    return [...this.byKey.values()].map(({ finding, overlays }) => ({
      rule: finding.rule,
      severity: 'error',
      file: finding.file,
      line: finding.line,
      column: finding.column,
      message: overlays.length > 0 ? `${finding.message} (in the build of ${overlays.join(', ')})` : finding.message,
      fix: finding.fix,
    }));
  }
}
