import { LineCounter, parseDocument } from 'yaml';
import { ModelError, type LocatedProblem } from '../errors.js';
import { MAX_MODEL_BYTES, sizeProblem } from '../yaml/limits.js';
import { locateBlockSubset } from '../yaml/block-subset-located.js';
import { loadBlockSubset } from '../yaml/block-subset.js';
import { describePath, locatedOnFirstUse, pointerToPath, YamlLocatedDocument, type LocatedDocument, type YamlPath } from '../yaml/positions.js';
import { checkModelSemantics, checkModelWarnings, type ModelProblem } from './check.js';
import { modelValidator } from './model-validator.js';
import type { PlatformModel } from './types.js';


/** What checking cp-gitops.yaml found, stage by stage; later stages run only when the earlier ones pass. */
export interface PlatformModelCheck {
  /** The model, when every stage passed. */
  readonly model?: PlatformModel;
  /** YAML errors and warnings (duplicate keys, several documents, …). */
  readonly syntax: readonly LocatedProblem[];
  /** JSON Schema violations. */
  readonly schema: readonly LocatedProblem[];
  /** Rules a schema cannot express (version compatibility, unique names, …). */
  readonly semantic: readonly LocatedProblem[];
  /** Settings that work but a reviewer must see (security.allowInsecure, …); only when every stage passed. */
  readonly warnings?: readonly LocatedProblem[];
}

/**
 * Checks cp-gitops.yaml and collects every located problem instead of throwing, for `validate`, which
 * reports them next to everything else. Pure: the caller reads the file.
 */
export function checkPlatformModel(text: string, file: string): PlatformModelCheck {
  // Bounded before parsing, like every YAML file (src/yaml/limits.ts).
  const tooLarge = sizeProblem(file, text, MAX_MODEL_BYTES);
  if (tooLarge) return { syntax: [tooLarge], schema: [], semantic: [] };
  const parsed = readYaml(text, file);
  if ('syntax' in parsed) return { syntax: parsed.syntax, schema: [], semantic: [] };
  const { data, located } = parsed;
  const validate = modelValidator();
  if (!validate(data)) {
    return { syntax: [], schema: (validate.errors ?? []).map((error) => schemaProblem(located, file, error, data)), semantic: [] };
  }
  const model = data as PlatformModel;
  const semantic = checkModelSemantics(model).map((problem) => locate(located, file, problem.path, problem));
  if (semantic.length > 0) return { syntax: [], schema: [], semantic };
  const warnings = checkModelWarnings(model).map((problem) => locate(located, file, problem.path, problem));
  return { model, syntax: [], schema: [], semantic, warnings };
}

/**
 * The model's data and a way to place its problems. Plain block YAML (what init writes) goes to the
 * block-subset parser, which answers only where the yaml package would report nothing and give the
 * same values, and places problems itself, on first need; anything else to the yaml package, which
 * reports its YAML problems.
 */
function readYaml(text: string, file: string): { data: unknown; located: LocatedDocument } | { syntax: LocatedProblem[] } {
  const subset = loadBlockSubset(text);
  if (subset !== undefined) return { data: subset[0], located: locatedOnFirstUse(() => locateBlockSubset(text)!) };
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const syntax = [...document.errors, ...document.warnings].map((problem): LocatedProblem => {
    const { line, col } = lineCounter.linePos(problem.pos[0]);
    return { file, line, column: col, message: `YAML: ${problem.message.split('\n')[0]}` };
  });
  if (syntax.length > 0) return { syntax };
  try {
    return { data: document.toJS({ maxAliasCount: 100 }), located: new YamlLocatedDocument(document, lineCounter) };
  } catch (error) {
    // A "billion laughs" document: reported at the document like any YAML problem, never expanded.
    const { line, col } = lineCounter.linePos(document.range[0]);
    return { syntax: [{ file, line, column: col, message: `YAML: aliases expand too much (${error instanceof Error ? error.message : String(error)})`, fix: 'write the values out instead of nesting aliases' }] };
  }
}

/**
 * Parses and validates cp-gitops.yaml. Every problem comes back with file:line:column and, where we
 * know one, a fix. Pure: the caller reads the file.
 */
export function parsePlatformModel(text: string, file: string): PlatformModel {
  const check = checkPlatformModel(text, file);
  if (check.syntax.length > 0) throw new ModelError(check.syntax, `fix the YAML syntax of ${file}`);
  if (check.schema.length > 0) throw new ModelError(check.schema, `see docs/model.md for every field of ${file}`);
  if (check.semantic.length > 0 || !check.model) throw new ModelError(check.semantic);
  return check.model;
}

function schemaProblem(
  located: LocatedDocument,
  file: string,
  error: { instancePath: string; keyword: string; params: Record<string, unknown>; message?: string },
  data: unknown,
): LocatedProblem {
  const path = pointerToPath(error.instancePath);
  const where = error.instancePath === '' ? 'the document' : describePath(data, path);
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(error.params.additionalProperty);
      return locate(located, file, [...path, key], { message: `unknown key "${key}" in ${where}`, fix: `remove "${key}" or correct its spelling` }, true);
    }
    case 'required':
      return locate(located, file, path, { message: `${where} lacks the required key "${String(error.params.missingProperty)}"`, fix: `add "${String(error.params.missingProperty)}"` });
    case 'enum':
      return locate(located, file, path, { message: `${where} ${error.message}`, fix: `use one of: ${(error.params.allowedValues as unknown[]).join(', ')}` });
    default:
      return locate(located, file, path, { message: `${where} ${error.message ?? 'is invalid'}` });
  }
}

function locate(located: LocatedDocument, file: string, path: YamlPath, problem: Omit<ModelProblem, 'path'>, key = false): LocatedProblem {
  const { line, column } = located.positionOf(path, { key });
  return { file, line, column, message: problem.message, ...(problem.fix ? { fix: problem.fix } : {}) };
}
