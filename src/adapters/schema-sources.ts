import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { CpGitopsError, UsageError } from '../errors.js';
import type { SchemaSource } from '../validator/schemas/import.js';

export interface ReadSchemaSourcesOptions {
  /** Where relative paths start. */
  readonly cwd: string;
  /** The repository the schemas go to: a file inside it is recorded by its path there. */
  readonly repoDir: string;
  readonly fetch?: typeof fetch;
}

const SCHEMA_FILE = /\.(ya?ml|json)$/i;

/**
 * Reads what `schemas import` was given: files, folders (their .yaml/.yml/.json files, recursively,
 * in name order) and http(s) URLs. What is recorded as a source never holds an absolute path: a file
 * in the repository by its repository path, any other by its name.
 */
export async function readSchemaSources(inputs: readonly string[], options: ReadSchemaSourcesOptions): Promise<SchemaSource[]> {
  const sources: SchemaSource[] = [];
  for (const input of inputs) {
    if (/^https?:\/\//i.test(input)) {
      sources.push({ origin: input, location: input, content: await fetchText(input, options.fetch ?? fetch) });
      continue;
    }
    const path = isAbsolute(input) ? input : resolve(options.cwd, input);
    let isFolder: boolean;
    try {
      isFolder = statSync(path).isDirectory();
    } catch {
      throw new UsageError(`${input} does not exist`, 'pass CRD YAML files, catalog JSON schemas, folders of them, or http(s) URLs');
    }
    const files = isFolder ? schemaFilesIn(path) : [path];
    if (isFolder && files.length === 0) throw new UsageError(`${input} holds no .yaml, .yml or .json file`);
    for (const file of files) sources.push({ origin: recordedName(file, options.repoDir), location: file, content: readFileSync(file, 'utf8') });
  }
  return sources;
}

function schemaFilesIn(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...schemaFilesIn(path));
    else if (entry.isFile() && SCHEMA_FILE.test(entry.name)) found.push(path);
  }
  return found;
}

function recordedName(file: string, repoDir: string): string {
  const inRepo = relative(resolve(repoDir), file);
  return inRepo !== '' && !inRepo.startsWith('..') && !isAbsolute(inRepo) ? inRepo.split(sep).join('/') : basename(file);
}

async function fetchText(url: string, fetcher: typeof fetch): Promise<string> {
  let response: Response;
  try {
    response = await fetcher(url, { redirect: 'follow', signal: AbortSignal.timeout(60_000) });
  } catch (error) {
    throw new CpGitopsError('schema-import', `cannot fetch ${url}: ${error instanceof Error ? error.message : String(error)}`, { hint: 'check the URL and the network, or download the file and import it from disk' });
  }
  if (!response.ok) throw new CpGitopsError('schema-import', `cannot fetch ${url}: HTTP ${response.status} ${response.statusText}`, { hint: 'check the URL' });
  return response.text();
}
