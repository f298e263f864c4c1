/**
 * Line diffs for pull request bodies: unified hunks with context, from a longest-common-subsequence
 * table. Rendered resources are small (tens to a few hundred lines), so O(n·m) is fine; beyond a
 * bound the diff says "replaced" rather than spend seconds.
 */
const CONTEXT = 3;
const MAX_CELLS = 4_000_000;

type Edit = { readonly kind: ' ' | '-' | '+'; readonly line: string };

export function unifiedDiff(before: string, after: string): string {
  const a = splitLines(before);
  const b = splitLines(after);
  if (a.length * b.length > MAX_CELLS) return [...a.map((line) => `-${line}`), ...b.map((line) => `+${line}`)].join('\n');
  return hunks(edits(a, b)).join('\n');
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function edits(a: string[], b: string[]): Edit[] {
  const n = a.length;
  const m = b.length;
  const table = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) {
      table[i * (m + 1) + j] = a[i] === b[j] ? table[(i + 1) * (m + 1) + j + 1]! + 1 : Math.max(table[(i + 1) * (m + 1) + j]!, table[i * (m + 1) + j + 1]!);
    }
  }
  const result: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      result.push({ kind: ' ', line: a[i]! });
      i += 1;
      j += 1;
    } else if (table[(i + 1) * (m + 1) + j]! >= table[i * (m + 1) + j + 1]!) {
      result.push({ kind: '-', line: a[i]! });
      i += 1;
    } else {
      result.push({ kind: '+', line: b[j]! });
      j += 1;
    }
  }
  while (i < n) result.push({ kind: '-', line: a[i++]! });
  while (j < m) result.push({ kind: '+', line: b[j++]! });
  return result;
}

function hunks(all: Edit[]): string[] {
  const out: string[] = [];
  const changed = all.map((edit) => edit.kind !== ' ');
  let index = 0;
  while (index < all.length) {
    const next = changed.indexOf(true, index);
    if (next === -1) break;
    const start = Math.max(0, next - CONTEXT);
    let end = next;
    // Extend while another change is within 2×CONTEXT lines.
    for (;;) {
      const following = changed.indexOf(true, end + 1);
      if (following === -1 || following - end > 2 * CONTEXT) break;
      end = following;
    }
    const stop = Math.min(all.length, end + CONTEXT + 1);
    const oldStart = all.slice(0, start).filter((edit) => edit.kind !== '+').length + 1;
    const newStart = all.slice(0, start).filter((edit) => edit.kind !== '-').length + 1;
    const slice = all.slice(start, stop);
    out.push(`@@ -${oldStart},${slice.filter((edit) => edit.kind !== '+').length} +${newStart},${slice.filter((edit) => edit.kind !== '-').length} @@`);
    for (const edit of slice) out.push(`${edit.kind}${edit.line}`);
    index = stop;
  }
  return out;
}
