import { LineCounter, parseAllDocuments, visit, type Document } from 'yaml';
import type { FileTree } from '../generator/file-tree.js';
import { MODEL_FILE } from '../model/types.js';
import { fastLoadAll, needsPreciseParse } from '../yaml/fast-load.js';
import { MAX_MODEL_BYTES, MAX_YAML_BYTES, sizeProblem } from '../yaml/limits.js';
import { locateBlockSubset } from '../yaml/block-subset-located.js';
import { YamlLocatedDocument, type LocatedDocument, type YamlPath } from '../yaml/positions.js';
import type { WrittenYaml } from '../yaml/stringify.js';
import type { Violation } from './violation.js';

export const YAML_RULES: Readonly<Record<string, string>> = {
  'yaml/syntax': 'The file is not valid YAML',
  'yaml/duplicate-key': 'A mapping has the same key twice; tools disagree on which value wins',
  'yaml/alias-bomb': 'Aliases expand beyond the bound (a "billion laughs" document)',
  'yaml/ambiguous-scalar': 'A plain scalar that YAML 1.1 reads as a boolean (yes, no, on, off, …)',
  'yaml/too-large': 'The file is over the size bound (8 MiB; cp-gitops.yaml 1 MiB) and is not parsed',
};

/** Alias expansion bound: a "billion laughs" file is reported, never expanded. */
export const MAX_ALIAS_COUNT = 100;

/** One YAML document of a file, with what is needed to point at any of its values. */
export interface SourceDocument {
  readonly file: string;
  /** 0-based index of the document in its file. */
  readonly index: number;
  readonly located: LocatedDocument;
  /** The plain data (undefined when the document did not parse). */
  readonly value: unknown;
}

export interface SourceFile {
  readonly path: string;
  readonly text: string;
  readonly documents: readonly SourceDocument[];
}

/** The repository as the validator sees it: every file's text, and every YAML file parsed with positions. */
export interface SourceSet {
  readonly tree: FileTree;
  readonly yaml: ReadonlyMap<string, SourceFile>;
}

/**
 * Every file Kustomize or Argo CD may read as manifests: .yaml/.yml in any case, .json (JSON is YAML),
 * and the extensionless `Kustomization`. A check that skipped one of them would be a bypass. Imported
 * schemas (.cp-gitops/) are data, not manifests.
 */
export function isYamlPath(path: string): boolean {
  if (path.startsWith('.cp-gitops/')) return false;
  return /\.(ya?ml|json)$/i.test(path) || path === 'Kustomization' || path.endsWith('/Kustomization');
}

/** Where a value of a document is, as a violation position. */
export function locate(document: SourceDocument, path: YamlPath, options: { key?: boolean } = {}): { file: string; line: number; column: number } {
  return { file: document.file, ...document.located.positionOf(path, options) };
}

/** YAML 1.1 readers (and so some tools) read these plain scalars as booleans; YAML 1.2 as strings. */
const AMBIGUOUS_SCALARS = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;

/**
 * Parses every YAML file of the tree (rule family `yaml/`): syntax, duplicate keys, alias bombs,
 * and plain scalars that YAML 1.1 reads as booleans. `written`: the values a text was generated from
 * (captureWrittenYaml), used instead of parsing it; positions still come from the text, when needed.
 */
export function parseSources(tree: FileTree, written?: WrittenYaml): { sources: SourceSet; violations: Violation[] } {
  const yaml = new Map<string, SourceFile>();
  const violations: Violation[] = [];
  for (const [path, text] of tree) {
    if (!isYamlPath(path)) continue;
    // Bounded before parsing: a huge file would take minutes and gigabytes (see src/yaml/limits.ts).
    const tooLarge = sizeProblem(path, text, path === MODEL_FILE ? MAX_MODEL_BYTES : MAX_YAML_BYTES);
    if (tooLarge) {
      violations.push({ rule: 'yaml/too-large', severity: 'error', ...tooLarge });
      yaml.set(path, { path, text: '', documents: [] });
      continue;
    }
    // Values the generator wrote this very text from (init): no parse at all, unless the text needs the precise one.
    const values = (written && !needsPreciseParse(text) ? written.get(text) : undefined) ?? fastLoadAll(text);
    const documents = values ? fastDocuments(path, text, values) : parsePrecisely(path, text, violations);
    yaml.set(path, { path, text, documents: documents.filter((document) => document.value !== null || documents.length === 1) });
  }
  return { sources: { tree, yaml }, violations };
}

/**
 * Documents whose values came from the fast parsers: a clean file, so no violations. Positions are
 * needed only for findings, so the positioned parse runs on first use, once per file: the
 * block-subset parser again, recording where nodes start, for the files it reads (nearly all), and
 * the yaml package for the others (several documents, flow collections, …).
 */
function fastDocuments(file: string, text: string, values: readonly unknown[]): SourceDocument[] {
  let located: readonly LocatedDocument[] | undefined;
  const locatedAt = (index: number): LocatedDocument => {
    if (!located) {
      const subset = locateBlockSubset(text);
      located = subset ? [subset] : locateWithYaml(text);
    }
    return located[index]!;
  };
  return values.map((value, index) => ({
    file,
    index,
    value,
    get located() {
      return locatedAt(index);
    },
  }));
}

function locateWithYaml(text: string): LocatedDocument[] {
  const lineCounter = new LineCounter();
  return parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false }).map((document) => new YamlLocatedDocument(document, lineCounter));
}

/** The precise parse: positions for every node, and the `yaml/` findings with theirs. */
function parsePrecisely(path: string, text: string, violations: Violation[]): SourceDocument[] {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const documents: SourceDocument[] = [];
  const list = Array.isArray(parsed) ? parsed : [];
  if (!Array.isArray(parsed)) {
    violations.push({ rule: 'yaml/syntax', severity: 'error', file: path, line: 1, column: 1, message: 'not a YAML stream', fix: 'fix the YAML syntax' });
  }
  list.forEach((document: Document.Parsed, index) => {
    const located = new YamlLocatedDocument(document, lineCounter);
    let value: unknown;
    let broken = false;
    for (const error of document.errors) {
      broken = true;
      const { line, col } = lineCounter.linePos(error.pos[0]);
      const duplicate = error.code === 'DUPLICATE_KEY';
      violations.push({
        rule: duplicate ? 'yaml/duplicate-key' : 'yaml/syntax',
        severity: 'error',
        file: path,
        line,
        column: col,
        message: error.message.split('\n')[0]!,
        fix: duplicate ? 'keep one of the keys: YAML tools disagree on which one wins' : 'fix the YAML syntax',
      });
    }
    if (!broken) {
      try {
        value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      } catch (error) {
        broken = true;
        violations.push({
          rule: 'yaml/alias-bomb',
          severity: 'error',
          file: path,
          line: lineCounter.linePos(document.range[0]).line,
          column: 1,
          message: `aliases expand too much (${error instanceof Error ? error.message : String(error)})`,
          fix: 'write the values out instead of nesting aliases',
        });
      }
    }
    if (!broken) violations.push(...ambiguousScalars(path, located));
    documents.push({ file: path, index, located, value: broken ? undefined : value });
  });
  return documents;
}

function ambiguousScalars(file: string, located: YamlLocatedDocument): Violation[] {
  const found: Violation[] = [];
  visit(located.document, {
    Scalar(key, node) {
      if (key === 'key' || node.type !== 'PLAIN' || typeof node.value !== 'string' || !AMBIGUOUS_SCALARS.test(node.value)) return;
      const { line, col } = located.lineCounter.linePos(node.range?.[0] ?? 0);
      found.push({
        rule: 'yaml/ambiguous-scalar',
        severity: 'warning',
        file,
        line,
        column: col,
        message: `"${node.value}" is a string in YAML 1.2 but a boolean in YAML 1.1 (and so for some tools)`,
        fix: `quote it ("${node.value}") or write true/false`,
      });
    },
  });
  return found;
}
