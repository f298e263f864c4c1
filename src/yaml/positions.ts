import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, type Document, type Node } from 'yaml';

export type YamlPath = readonly (string | number)[];

export interface LinePosition {
  readonly line: number;
  readonly column: number;
}

/**
 * A parsed YAML document that can say where any of its values is. Where a path points: the value's
 * node when it exists, else its nearest existing ancestor (a missing required key is blamed on the
 * object that lacks it). With `key`, the position of the mapping key instead of its value (for
 * "unknown key" problems). Two implementations give the same answers: YamlLocatedDocument (from the
 * yaml package's nodes) and the block-subset parser's (src/yaml/block-subset-located.ts), which
 * spares the yaml package's parser for the files the fast path read.
 */
export interface LocatedDocument {
  positionOf(path: YamlPath, options?: { key?: boolean }): LinePosition;
}

/** A document parsed by the yaml package, with the line index that turns its offsets into line:column. */
export class YamlLocatedDocument implements LocatedDocument {
  constructor(
    readonly document: Document.Parsed,
    readonly lineCounter: LineCounter,
  ) {}

  positionOf(path: YamlPath, options: { key?: boolean } = {}): LinePosition {
    const offset = offsetOf(this.document.contents, path, options.key ?? false) ?? 0;
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }
}

/** A LocatedDocument made on first use: positions are needed only for findings, and most runs have none. */
export function locatedOnFirstUse(make: () => LocatedDocument): LocatedDocument {
  let located: LocatedDocument | undefined;
  return { positionOf: (path, options) => (located ??= make()).positionOf(path, options) };
}

/** Converts a JSON pointer from ajv (`/environments/0/name`) into a path of keys and indexes. */
export function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^(0|[1-9]\d*)$/.test(part) ? Number(part) : part));
}

function offsetOf(root: unknown, path: YamlPath, wantKey: boolean): number | undefined {
  let node: unknown = root;
  let best = rangeStart(root);
  for (let index = 0; index < path.length; index += 1) {
    const segment = path[index];
    const last = index === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && scalarValue(item.key) === String(segment));
      if (!pair) return best;
      if (last && wantKey) return rangeStart(pair.key) ?? best;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
    } else {
      return best;
    }
    best = rangeStart(node) ?? best;
  }
  return best;
}

function scalarValue(node: unknown): unknown {
  return isScalar(node) ? String(node.value) : node;
}

function rangeStart(node: unknown): number | undefined {
  return isNode(node) ? (node as Node).range?.[0] : undefined;
}

/**
 * A path for people: an array element with a string `name` is named by it, so
 * `environments.2.options.tls` reads `environments[prod].options.tls`; other indexes stay `[2]`.
 */
export function describePath(data: unknown, path: readonly (string | number)[]): string {
  let text = '';
  let value: unknown = data;
  for (const key of path) {
    const index = typeof key === 'number' ? key : /^\d+$/.test(key) && Array.isArray(value) ? Number(key) : undefined;
    if (index !== undefined && Array.isArray(value)) {
      const element: unknown = value[index];
      const name = element !== null && typeof element === 'object' && typeof (element as { name?: unknown }).name === 'string' ? (element as { name: string }).name : undefined;
      text += `[${name ?? index}]`;
      value = element;
    } else {
      text += text === '' ? String(key) : `.${String(key)}`;
      value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[String(key)] : undefined;
    }
  }
  return text;
}
