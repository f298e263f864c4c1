import { kafkaClusterKey } from '../../model/kafka-clusters.js';
import type { LocatedProblem } from '../../errors.js';
import { checkModelSemantics, checkModelWarnings } from '../../model/check.js';
import { modelValidator } from '../../model/model-validator.js';
import { checkPlatformModel } from '../../model/parse.js';
import type { PlatformModel } from '../../model/types.js';
import { MODEL_FILE } from '../../model/types.js';
import type { SourceSet } from '../sources.js';
import type { RuleContext, RuleFamily } from '../validate.js';
import type { Violation } from '../violation.js';

/** Rule family `model/`: cp-gitops.yaml, against its JSON Schema and the rules a schema cannot express. */
export const MODEL_RULES: Readonly<Record<string, string>> = {
  'model/missing': 'The repository has a cp-gitops.yaml platform model at its root',
  'model/schema': 'cp-gitops.yaml follows its JSON Schema',
  'model/semantic': 'cp-gitops.yaml is consistent: compatible versions, unique environments, Kafka in every environment, no unsafe exposure',
  'model/security': 'Security trade-offs in cp-gitops.yaml are visible: security.allowInsecure, authorization simple in production, ldaps:// without the directory CA',
};

export const modelRules: RuleFamily = ({ sources }: RuleContext): Violation[] => {
  const text = sources.tree.get(MODEL_FILE);
  if (text === undefined) {
    return [
      {
        rule: 'model/missing',
        severity: 'error',
        file: MODEL_FILE,
        line: 1,
        column: 1,
        message: `not a cp-gitops repository: there is no ${MODEL_FILE} at its root`,
        fix: 'run cp-gitops validate on the root of a repository made by cp-gitops init, or create one with cp-gitops init',
      },
    ];
  }
  if (isCleanModel(sources)) return [];
  const check = checkPlatformModel(text, MODEL_FILE);
  // The yaml/ family already reports what does not parse; a model that parses as YAML but still has
  // YAML problems here (several documents, warnings) is reported as a schema problem.
  const documents = sources.yaml.get(MODEL_FILE)?.documents;
  const parsed = documents !== undefined && (documents.length > 0 || text.trim() === '') && documents.every((document) => document.value !== undefined);
  return [
    ...(parsed ? check.syntax.map((problem) => toViolation('model/schema', problem, `${MODEL_FILE} holds exactly one YAML document`)) : []),
    ...check.schema.map((problem) => toViolation('model/schema', problem, `see docs/model.md for every field of ${MODEL_FILE}`)),
    ...check.semantic.map((problem) => toViolation('model/semantic', problem, `correct ${MODEL_FILE}`)),
    ...(check.warnings ?? []).map((problem) => ({ ...toViolation('model/security', problem, `correct ${MODEL_FILE}`), severity: 'warning' as const })),
  ];
};

/**
 * The common case without a second, positioned parse of cp-gitops.yaml: its one document already
 * parsed cleanly (the fast path reads only what the precise parser reports nothing on), fits the
 * schema, and has neither semantic problems nor warnings. Anything else goes through
 * checkPlatformModel, which places every finding.
 */
function isCleanModel(sources: SourceSet): boolean {
  const documents = sources.yaml.get(MODEL_FILE)?.documents;
  if (documents?.length !== 1 || documents[0]!.value === undefined) return false;
  const value = documents[0]!.value;
  if (!modelValidator()(value)) return false;
  const model = value as PlatformModel;
  return checkModelSemantics(model).length === 0 && checkModelWarnings(model).length === 0;
}

function toViolation(rule: string, problem: LocatedProblem, defaultFix: string): Violation {
  return { rule, severity: 'error', file: problem.file, line: problem.line, column: problem.column, message: problem.message, fix: problem.fix ?? defaultFix };
}

/** The little of the model other families need, read leniently (a broken model is model/'s to report). */
export interface ModelFacts {
  readonly repoURL?: string;
  readonly environments: readonly { readonly name: string; readonly size?: string; readonly allowInsecure?: boolean }[];
}

export function modelFacts(sources: SourceSet): ModelFacts | undefined {
  const value = sources.yaml.get(MODEL_FILE)?.documents[0]?.value;
  if (!isRecord(value)) return undefined;
  const environments = Array.isArray(value.environments)
    ? value.environments.filter(isRecord).flatMap((env) => {
        if (typeof env.name !== 'string') return [];
        const size = typeof env.size === 'string' ? { size: env.size } : {};
        // security.allowInsecure of the environment, else of the platform (its Kafka clusters inherit it).
        const own = allowInsecureOf(env.options) ?? allowInsecureOf(value.options);
        Object.assign(size, own !== undefined ? { allowInsecure: own } : {});
        // A Kafka cluster is an environment of its own ("<env>/<cluster>"), sized like its environment unless it says otherwise.
        const clusters = Array.isArray(env.kafkaClusters)
          ? env.kafkaClusters.filter(isRecord).flatMap((cluster) => (typeof cluster.name === 'string' ? [{ name: kafkaClusterKey(env.name as string, cluster.name), ...(typeof cluster.size === 'string' ? { size: cluster.size } : size) }] : []))
          : [];
        return [{ name: env.name, ...size }, ...clusters];
      })
    : [];
  return { ...(typeof value.repoURL === 'string' ? { repoURL: value.repoURL } : {}), environments };
}

function allowInsecureOf(options: unknown): boolean | undefined {
  if (!isRecord(options) || !isRecord(options.security)) return undefined;
  return typeof options.security.allowInsecure === 'boolean' ? options.security.allowInsecure : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
