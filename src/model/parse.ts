import { Ajv2020 } from 'ajv/dist/2020.js';
import { LineCounter, parseDocument } from 'yaml';
import { ModelError, type LocatedProblem } from '../errors.js';
import { pointerToPath, positionOf, type LocatedDocument, type YamlPath } from '../yaml/positions.js';
import { checkModelSemantics, type ModelProblem } from './check.js';
import { PLATFORM_MODEL_SCHEMA } from './schema.js';
import type { PlatformModel } from './types.js';

type ModelValidator = ((data: unknown) => boolean) & { errors?: { instancePath: string; keyword: string; params: Record<string, unknown>; message?: string }[] | null };

let compiled: ModelValidator | undefined;

/** Compiled lazily and once: the schema is small (a few ms), and commands that never read a model skip it. */
function modelValidator(): ModelValidator {
  compiled ??= new Ajv2020({ allErrors: true, strict: true }).compile(PLATFORM_MODEL_SCHEMA) as ModelValidator;
  return compiled;
}

/**
 * Parses and validates cp-gitops.yaml. Every problem comes back with file:line:column and, where we
 * know one, a fix. Pure: the caller reads the file.
 */
export function parsePlatformModel(text: string, file: string): PlatformModel {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const located: LocatedDocument = { document, lineCounter };
  const syntax = [...document.errors, ...document.warnings];
  if (syntax.length > 0) {
    throw new ModelError(
      syntax.map((problem) => {
        const { line, col } = lineCounter.linePos(problem.pos[0]);
        return { file, line, column: col, message: `YAML: ${problem.message.split('\n')[0]}` };
      }),
      `fix the YAML syntax of ${file}`,
    );
  }
  const data: unknown = document.toJS({ maxAliasCount: 100 });
  const validate = modelValidator();
  if (!validate(data)) {
    throw new ModelError(
      (validate.errors ?? []).map((error) => schemaProblem(located, file, error)),
      `see docs/model.md for every field of ${file}`,
    );
  }
  const model = data as PlatformModel;
  const semantic = checkModelSemantics(model);
  if (semantic.length > 0) {
    throw new ModelError(semantic.map((problem) => locate(located, file, problem.path, problem)));
  }
  return model;
}

function schemaProblem(
  located: LocatedDocument,
  file: string,
  error: { instancePath: string; keyword: string; params: Record<string, unknown>; message?: string },
): LocatedProblem {
  const path = pointerToPath(error.instancePath);
  const where = error.instancePath === '' ? 'the document' : error.instancePath.slice(1).replace(/\//g, '.');
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
  const { line, column } = positionOf(located, path, { key });
  return { file, line, column, message: problem.message, ...(problem.fix ? { fix: problem.fix } : {}) };
}
