import type { LocatedProblem } from '../errors.js';

/**
 * Size bounds checked before any YAML is parsed: parsing with positions costs about 80 times the
 * file's size in memory (a 47 MB file took 3.9 GB and 3 minutes), so a pull request must not be able
 * to make CI parse an arbitrarily large file. Generated manifests are a few KiB; the bounds are far above.
 */
export const MAX_YAML_BYTES = 8 * 1024 * 1024;
/** cp-gitops.yaml describes a platform in a few hundred lines: 1 MiB is ample. */
export const MAX_MODEL_BYTES = 1024 * 1024;

/** The problem for a file over its bound, or undefined. Pure: the caller has the text. */
export function sizeProblem(file: string, text: string, limit: number): LocatedProblem | undefined {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= limit) return undefined;
  return {
    file,
    line: 1,
    column: 1,
    message: `the file is ${formatBytes(bytes)}, over cp-gitops' limit of ${formatBytes(limit)} for this file; it was not parsed`,
    fix: 'split it into smaller files (Kustomize lists several resources), or remove what does not belong in the repository',
  };
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MiB` : `${bytes} bytes`;
}
