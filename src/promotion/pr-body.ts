import type { ChangeRow } from './plan.js';
import type { ResourceDiff } from './rendered-diff.js';

/** GitHub refuses pull request bodies longer than this. */
export const GITHUB_BODY_LIMIT = 65_536;

export interface PullRequestBodyInput {
  readonly title: string;
  readonly changes: readonly ChangeRow[];
  /** The overlays the change renders differently, the target environment's first. */
  readonly overlays: readonly string[];
  readonly diffs: readonly ResourceDiff[];
  /** One line, e.g. "no errors, 2 warnings". */
  readonly validation: string;
  readonly renderer: string;
  /** What the reviewer must know or do besides merging (ChangePlan.warnings); shown before the diff. */
  readonly warnings?: readonly string[];
  /** The command that made the change, to re-run when the base branch moves on (e.g. `cp-gitops add-component connect --env dev`). */
  readonly rerun?: string;
  /** The branch Argo CD follows (the pull request's base). */
  readonly base?: string;
}

/**
 * The pull request body: a summary table, the plan's warnings, the rendered diff of every overlay the
 * change touches, per resource (folded), and the validation result. Cut, with a note, before GitHub's limit; only the
 * diff is ever cut, so the warnings (above it) always reach the reviewer.
 */
export function pullRequestBody(input: PullRequestBodyInput, limit = GITHUB_BODY_LIMIT): string {
  const head = [
    `## ${input.title}`,
    '',
    '| environment | component | field | from | to |',
    '| --- | --- | --- | --- | --- |',
    ...input.changes.map((row) => `| ${row.env} | ${row.component} | ${row.field} | ${cell(row.from)} | ${cell(row.to)} |`),
    '',
    ...warningsSection(input.warnings ?? []),
    `### What changes in the cluster: ${input.overlays.map((overlay) => `\`${input.renderer} ${overlay}\``).join(', ')}, before → after`,
    '',
  ];
  const tail = ['', `### Validation`, '', `\`cp-gitops validate\`: ${input.validation}`, '', ...refreshNote(input), '<sub>Opened by cp-gitops. Argo CD syncs the environment once this is merged.</sub>', ''];
  const sections = input.diffs.map(
    (diff) => ['<details>', `<summary>${diff.resource} (${diff.change})</summary>`, '', '```diff', diff.diff, '```', '</details>', ''].join('\n'),
  );
  if (sections.length === 0) sections.push('_The rendered manifests do not change._\n');
  const fixed = head.join('\n').length + tail.join('\n').length + 2;
  const kept: string[] = [];
  let size = fixed;
  for (const [index, section] of sections.entries()) {
    const note = cutNote(sections.length - index, input.overlays);
    if (size + section.length + note.length + 1 > limit) {
      kept.push(note);
      break;
    }
    kept.push(section);
    size += section.length + 1;
  }
  return [...head, ...kept, ...tail].join('\n');
}

/**
 * What to do when another change is merged first: re-run, which rebuilds this change on the newest base
 * branch and updates this pull request (GitHub's "Update branch" would merge the base in, but the
 * generated files and the diff above would not follow).
 */
function refreshNote(input: PullRequestBodyInput): string[] {
  if (input.rerun === undefined) return [];
  const base = input.base ?? 'the base branch';
  return [`If \`${base}\` moves on before this is merged (this branch is behind or conflicts), refresh it by running the same command again: \`${input.rerun}\`. It rebuilds the change on the newest \`${base}\` and updates this pull request.`, ''];
}

/** One quote per warning, so each stands out on its own; a line break inside one would end the quote. */
function warningsSection(warnings: readonly string[]): string[] {
  if (warnings.length === 0) return [];
  return ['### Warnings', '', ...warnings.flatMap((warning) => [`> **Warning**: ${warning.replace(/\s*\n\s*/g, ' ')}`, ''])];
}

function cutNote(remaining: number, overlays: readonly string[]): string {
  const commands = overlays.map((overlay) => `\`kubectl kustomize ${overlay}\``).join(' and ');
  return `> **${remaining} more resource${remaining === 1 ? '' : 's'} not shown**: the diff is longer than GitHub's 65,536-character limit. Run ${commands} on this branch to see everything.\n`;
}

function cell(value: string): string {
  return value.replace(/\|/g, '\\|');
}
