import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { runInNewContext } from 'node:vm';

/**
 * GitLab's own schema of `.gitlab-ci.yml` (app/assets/javascripts/editor/schema/ci.json in gitlab-org/gitlab, the
 * one its pipeline editor validates with), as the npm package gitlab-ci-local (MIT, a devDependency pinned
 * exactly) ships it for its own validation: an object literal in its bundle, found by the schema's `$id`.
 * Read from node_modules at test time, so no copy of GitLab's file is committed here.
 */
const SCHEMA_START = '{$schema:"http://json-schema.org/draft-07/schema#",$id:"https://gitlab.com/.gitlab-ci.yml"';

export function gitlabCiSchema(): Record<string, unknown> {
  const bundlePath = createRequire(import.meta.url).resolve('gitlab-ci-local/dist/index.js');
  const bundle = readFileSync(bundlePath, 'utf8');
  const start = bundle.indexOf(SCHEMA_START);
  if (start < 0) throw new Error(`GitLab's CI schema ($id https://gitlab.com/.gitlab-ci.yml) is not in ${bundlePath}: did gitlab-ci-local change how it ships it?`);
  const literal = bundle.slice(start, endOfObjectLiteral(bundle, start));
  // Data only (strings, numbers, booleans, arrays, objects): evaluated in an empty context.
  const schema = runInNewContext(`(${literal})`, Object.create(null), { timeout: 5_000 }) as Record<string, unknown>;
  if (schema.$id !== 'https://gitlab.com/.gitlab-ci.yml' || typeof schema.definitions !== 'object') throw new Error(`what ${bundlePath} holds at the schema's $id is not GitLab's CI schema`);
  return schema;
}

/** The index just past the `}` that closes the object literal opening at `start`, skipping string literals. */
function endOfObjectLiteral(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i += 1) {
    const char = text[i];
    if (char === '"' || char === "'" || char === '`') {
      i = endOfString(text, i);
    } else if (char === '{' || char === '[') {
      depth += 1;
    } else if (char === '}' || char === ']') {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
  }
  throw new Error('unterminated object literal in the gitlab-ci-local bundle');
}

function endOfString(text: string, open: number): number {
  const quote = text[open];
  for (let i = open + 1; i < text.length; i += 1) {
    if (text[i] === '\\') i += 1;
    else if (text[i] === quote) return i;
    else if (quote === '`' && text[i] === '$' && text[i + 1] === '{') throw new Error('a template expression inside GitLab\'s CI schema literal: not plain data');
  }
  throw new Error('unterminated string in the gitlab-ci-local bundle');
}
