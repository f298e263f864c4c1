import type { PlainObject } from '../../generator/object-path.js';
import type { YamlPath } from '../../yaml/positions.js';
import type { SourceDocument } from '../sources.js';
import { cloneData } from './clone.js';
import { unescapePointer, type SourceRef } from './types.js';

export interface JsonPatchProblem {
  /** Where in the patch document: the op's field. */
  readonly path: YamlPath;
  readonly message: string;
  readonly fix: string;
}

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/**
 * Applies RFC 6902 operations one by one, as Kustomize does, but reports every problem at the op's
 * line instead of stopping at the first: ops that are not objects, unknown ops, paths that are not
 * JSON pointers (Kustomize silently writes `spec/replicas` to a key named "spec/replicas"), and paths
 * that do not exist where they must.
 */
export function applyJsonPatch(
  target: PlainObject,
  ops: unknown,
  patch: SourceDocument,
  blame: Map<string, SourceRef>,
): { result: PlainObject; problems: JsonPatchProblem[] } {
  const problems: JsonPatchProblem[] = [];
  let document: unknown = cloneData(target);
  if (!Array.isArray(ops)) {
    return { result: target, problems: [{ path: [], message: 'a JSON6902 patch must be a list of operations', fix: 'write a YAML list of {op, path, value}' }] };
  }
  ops.forEach((op: unknown, index) => {
    if (typeof op !== 'object' || op === null || Array.isArray(op)) {
      problems.push({ path: [index], message: `operation ${index + 1} is not an object`, fix: 'write {op: replace, path: /spec/replicas, value: 3}' });
      return;
    }
    const { op: name, path, value, from } = op as Record<string, unknown>;
    if (typeof name !== 'string' || !OPS.has(name)) {
      problems.push({ path: [index, 'op'], message: `unknown operation "${String(name)}"`, fix: 'use add, remove, replace, move, copy or test' });
      return;
    }
    if (typeof path !== 'string' || (path !== '' && !path.startsWith('/'))) {
      problems.push({ path: [index, 'path'], message: `path "${String(path)}" is not a JSON pointer`, fix: `start it with "/": /${String(path)}` });
      return;
    }
    if ((name === 'move' || name === 'copy') && (typeof from !== 'string' || (from !== '' && !from.startsWith('/')))) {
      problems.push({ path: [index, 'from'], message: `from "${String(from)}" is not a JSON pointer`, fix: 'start it with "/"' });
      return;
    }
    if ((name === 'add' || name === 'replace' || name === 'test') && !('value' in (op as object))) {
      problems.push({ path: [index], message: `operation "${name}" has no value`, fix: 'add a value' });
      return;
    }
    const outcome = applyOne(document, name, path, value, from as string | undefined);
    if (typeof outcome === 'string') {
      problems.push({ path: [index, 'path'], message: outcome, fix: name === 'replace' || name === 'remove' ? 'use "add" to create it, or correct the path' : 'correct the path' });
      return;
    }
    document = outcome.document;
    for (const key of blame.keys()) if (key.startsWith(`${path}/`)) blame.delete(key);
    if (name !== 'remove' && name !== 'test') blame.set(resolvedPointer(path, outcome.appendedIndex), { document: patch, path: [index, 'value'] });
  });
  return { result: document as PlainObject, problems };
}

function resolvedPointer(path: string, appended: number | undefined): string {
  return appended === undefined ? path : `${path.slice(0, path.lastIndexOf('/'))}/${appended}`;
}

type Outcome = { document: unknown; appendedIndex?: number } | string;

function applyOne(document: unknown, op: string, path: string, value: unknown, from: string | undefined): Outcome {
  if (op === 'test') {
    const current = get(document, path);
    if (current === MISSING) return `path ${path} does not exist`;
    return JSON.stringify(current) === JSON.stringify(value) ? { document } : `test failed: ${path} is ${JSON.stringify(current)}, not ${JSON.stringify(value)}`;
  }
  if (op === 'move' || op === 'copy') {
    const moved = get(document, from!);
    if (moved === MISSING) return `from ${from} does not exist`;
    const base = op === 'move' ? remove(document, from!) : document;
    if (typeof base === 'string') return base;
    return add(base, path, cloneData(moved));
  }
  if (op === 'remove') {
    const result = remove(document, path);
    return typeof result === 'string' ? result : { document: result };
  }
  if (op === 'replace') {
    if (get(document, path) === MISSING) return `path ${path} does not exist (replace needs an existing value)`;
    const removed = remove(document, path);
    if (typeof removed === 'string') return removed;
    return add(removed, path, cloneData(value));
  }
  return add(document, path, cloneData(value));
}

const MISSING = Symbol('missing');

function segmentsOf(path: string): string[] {
  return path === '' ? [] : path.slice(1).split('/').map(unescapePointer);
}

function get(document: unknown, path: string): unknown {
  let node: unknown = document;
  for (const segment of segmentsOf(path)) {
    if (Array.isArray(node)) {
      const index = Number(segment);
      if (!/^(0|[1-9]\d*)$/.test(segment) || index >= node.length) return MISSING;
      node = node[index];
    } else if (typeof node === 'object' && node !== null && segment in node) {
      node = (node as Record<string, unknown>)[segment];
    } else {
      return MISSING;
    }
  }
  return node;
}

function parentOf(document: unknown, path: string): { parent: unknown; key: string } | string {
  const segments = segmentsOf(path);
  const key = segments.pop();
  if (key === undefined) return 'the whole document cannot be changed this way';
  const parentPath = segments.length === 0 ? '' : `/${segments.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
  const parent = get(document, parentPath);
  if (parent === MISSING || typeof parent !== 'object' || parent === null) return `path ${parentPath || '/'} (the parent of ${path}) does not exist`;
  return { parent, key };
}

function add(document: unknown, path: string, value: unknown): Outcome {
  if (path === '') return { document: value };
  const found = parentOf(document, path);
  if (typeof found === 'string') return found;
  const { parent, key } = found;
  if (Array.isArray(parent)) {
    if (key === '-') {
      parent.push(value);
      return { document, appendedIndex: parent.length - 1 };
    }
    const index = Number(key);
    if (!/^(0|[1-9]\d*)$/.test(key) || index > parent.length) return `index ${key} is out of range at ${path}`;
    parent.splice(index, 0, value);
    return { document };
  }
  (parent as Record<string, unknown>)[key] = value;
  return { document };
}

function remove(document: unknown, path: string): unknown {
  const found = parentOf(document, path);
  if (typeof found === 'string') return found;
  const { parent, key } = found;
  if (Array.isArray(parent)) {
    const index = Number(key);
    if (!/^(0|[1-9]\d*)$/.test(key) || index >= parent.length) return `path ${path} does not exist`;
    parent.splice(index, 1);
    return document;
  }
  if (!(key in (parent as object))) return `path ${path} does not exist`;
  delete (parent as Record<string, unknown>)[key];
  return document;
}
