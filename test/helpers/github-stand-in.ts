import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Ajv, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';
import { branchExists, parseJson, readBody, recordedHeaders, ScriptedFaults, type RecordedRequest, type RequestViolation, type ScriptedResponse } from './stand-in-http.js';

/**
 * A local stand-in for the GitHub REST endpoints cp-gitops uses, on 127.0.0.1 with an ephemeral port.
 * Every request is first checked against GitHub's own OpenAPI description (@octokit/openapi,
 * api.github.com.json): documented method and path, path and query parameters, JSON body against the
 * operation's requestBody schema, an Authorization header. A request GitHub would reject gets a 400
 * and lands in `violations`; tests assert that list is empty. Then a scripted fault, if one is queued
 * for the route, answers instead of the in-memory state.
 */

const run = promisify(execFile);

/** Schema $id under which the whole description is registered, so its local $refs resolve as they are. */
const DESCRIPTION_ID = 'https://stand-in.invalid/api.github.com.json';
const DESCRIPTION_FILE = '@octokit/openapi/generated/api.github.com.json';
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: 'stand-in',
  GIT_AUTHOR_EMAIL: 'stand-in@localhost',
  GIT_COMMITTER_NAME: 'stand-in',
  GIT_COMMITTER_EMAIL: 'stand-in@localhost',
};
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
const DOCS = 'https://docs.github.com/rest';

// ---------------------------------------------------------------------------------------------------
// The OpenAPI description
// ---------------------------------------------------------------------------------------------------

interface OpenApiParameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly required?: boolean;
  readonly schema?: SchemaLike;
}

interface SchemaLike {
  readonly type?: string | readonly string[];
  readonly [key: string]: unknown;
}

interface ResolvedParameter extends OpenApiParameter {
  /** JSON pointer (in the description) of the parameter's schema. */
  readonly schemaPointer: string;
}

interface Operation {
  readonly method: string;
  readonly template: string;
  /** `POST /repos/{owner}/{repo}/pulls`: the key faults are scripted under. */
  readonly key: string;
  readonly operationId: string;
  readonly pattern: RegExp;
  readonly pathNames: readonly string[];
  readonly literalLength: number;
  readonly parameters: readonly ResolvedParameter[];
  readonly body:
    | { readonly required: boolean; readonly mediaTypes: readonly string[]; readonly schemaPointer: string | undefined }
    | undefined;
}

/** The description, compiled lazily: only the schemas of operations actually called get compiled. */
export class GitHubDescription {
  private readonly validators = new Map<string, ValidateFunction>();

  private constructor(
    private readonly ajv: Ajv,
    readonly operations: readonly Operation[],
    readonly file: string,
  ) {}

  static async load(): Promise<GitHubDescription> {
    const file = createRequire(import.meta.url).resolve(DESCRIPTION_FILE);
    const document = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    // OpenAPI 3.0 schemas: draft-07-like plus nullable (ajv knows it), examples and x-* (strict: false).
    const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
    formats.default(ajv);
    ajv.addSchema({ ...document, $id: DESCRIPTION_ID });
    return new GitHubDescription(ajv, collectOperations(document), file);
  }

  /** The documented operation for a method and path, most specific template first. */
  match(method: string, path: string): { operation: Operation; pathValues: Record<string, string> } | undefined {
    for (const operation of this.operations) {
      if (operation.method !== method) continue;
      const found = operation.pattern.exec(path);
      if (!found) continue;
      const pathValues: Record<string, string> = {};
      operation.pathNames.forEach((name, index) => {
        pathValues[name] = safeDecode(found[index + 1]!);
      });
      return { operation, pathValues };
    }
    return undefined;
  }

  has(key: string): boolean {
    return this.operations.some((operation) => operation.key === key);
  }

  validate(pointer: string, value: unknown): string[] {
    let validator = this.validators.get(pointer);
    if (!validator) {
      validator = this.ajv.compile({ $ref: `${DESCRIPTION_ID}#${pointer}` });
      this.validators.set(pointer, validator);
    }
    if (validator(value)) return [];
    return (validator.errors ?? []).map((error) => `${error.instancePath || '(root)'} ${error.message ?? 'is invalid'}`);
  }
}

let description: Promise<GitHubDescription> | undefined;

/** Parsing 13 MB of JSON takes a moment: loaded once per test process. */
export function loadGitHubDescription(): Promise<GitHubDescription> {
  description ??= GitHubDescription.load();
  return description;
}

function collectOperations(document: Record<string, unknown>): Operation[] {
  const paths = document.paths as Record<string, Record<string, unknown>>;
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries(paths)) {
    const pathNames = [...template.matchAll(/\{([^}]+)\}/g)].map((found) => found[1]!);
    const pattern = new RegExp(
      `^${template
        .split(/\{[^}]+\}/)
        .map(escapeRegExp)
        .join('([^/]+)')}$`,
    );
    const literalLength = template.replace(/\{[^}]+\}/g, '').length;
    const itemParameters = (item.parameters as unknown[] | undefined) ?? [];
    for (const method of HTTP_METHODS) {
      const operation = item[method] as Record<string, unknown> | undefined;
      if (!operation) continue;
      const base = `/paths/${escapePointer(template)}/${method}`;
      const byKey = new Map<string, ResolvedParameter>();
      itemParameters.forEach((parameter, index) => {
        const resolved = resolveParameter(document, parameter, `/paths/${escapePointer(template)}/parameters/${index}`);
        byKey.set(`${resolved.in}:${resolved.name}`, resolved);
      });
      ((operation.parameters as unknown[] | undefined) ?? []).forEach((parameter, index) => {
        const resolved = resolveParameter(document, parameter, `${base}/parameters/${index}`);
        byKey.set(`${resolved.in}:${resolved.name}`, resolved);
      });
      const requestBody = operation.requestBody as { required?: boolean; content?: Record<string, { schema?: unknown }> } | undefined;
      const mediaTypes = Object.keys(requestBody?.content ?? {});
      operations.push({
        method: method.toUpperCase(),
        template,
        key: `${method.toUpperCase()} ${template}`,
        operationId: String(operation.operationId ?? ''),
        pattern,
        pathNames,
        literalLength,
        parameters: [...byKey.values()],
        body: requestBody
          ? {
              required: requestBody.required === true,
              mediaTypes,
              schemaPointer: requestBody.content?.['application/json']?.schema
                ? `${base}/requestBody/content/application~1json/schema`
                : undefined,
            }
          : undefined,
      });
    }
  }
  // /repos/{owner}/{repo}/pulls before /repos/{owner}/{repo}/{anything}: more literal text wins.
  return operations.sort((a, b) => b.literalLength - a.literalLength || a.pathNames.length - b.pathNames.length);
}

function resolveParameter(document: Record<string, unknown>, parameter: unknown, pointer: string): ResolvedParameter {
  let value = parameter as { $ref?: string } & OpenApiParameter;
  let at = pointer;
  for (let depth = 0; value.$ref && depth < 5; depth += 1) {
    at = value.$ref.replace(/^#/, '');
    value = at
      .split('/')
      .slice(1)
      .reduce<unknown>((node, part) => (node as Record<string, unknown>)[unescapePointer(part)], document) as typeof value;
  }
  return { name: value.name, in: value.in, required: value.required, schema: value.schema, schemaPointer: `${at}/schema` };
}

function escapePointer(part: string): string {
  return part.replace(/~/g, '~0').replace(/\//g, '~1');
}

function unescapePointer(part: string): string {
  return part.replace(/~1/g, '/').replace(/~0/g, '~');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Query and path values are strings on the wire: coerce them to what the schema says before validating. */
function coerce(value: string, schema: SchemaLike | undefined): unknown {
  const type = Array.isArray(schema?.type) ? schema?.type[0] : schema?.type;
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

// ---------------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------------

export interface StandInOptions {
  /** The token's user (GET /user). Default octocat. */
  readonly login?: string;
  /** Organisations that exist (POST /orgs/{org}/repos). Default acme. */
  readonly organizations?: readonly string[];
  /** When set, any other token gets 401 Bad credentials, as GitHub would answer. */
  readonly token?: string;
  /** clone_url of each repository; default the file: URL of its bare repository (a git daemon URL works too). */
  readonly cloneUrl?: (repository: { readonly owner: string; readonly name: string; readonly bareDir: string }) => string;
  /** Where the bare repositories go; default a temporary folder removed by close(). */
  readonly rootDir?: string;
  /** Refuse pull requests whose head or base branch is not in the bare repository (GitHub does). Default true. */
  readonly requirePushedBranches?: boolean;
}

export type { RecordedRequest, ScriptedResponse };
/** GitHub's name for the shared finding (stand-in-http.ts). */
export type Violation = RequestViolation;

export interface StandInRepository {
  readonly owner: string;
  readonly name: string;
  readonly id: number;
  readonly private: boolean;
  readonly description: string | null;
  readonly defaultBranch: string;
  readonly bareDir: string;
  readonly cloneUrl: string;
}

export interface StandInPullRequest {
  readonly owner: string;
  readonly repo: string;
  readonly number: number;
  state: 'open' | 'closed';
  title: string;
  body: string | null;
  head: string;
  base: string;
  labels: string[];
}

/** Responses GitHub gives, to script with `standIn.script(route, fault, times)`. */
export const faults = {
  unauthorized: (): ScriptedResponse => ({ status: 401, body: { message: 'Bad credentials', documentation_url: DOCS, status: '401' } }),
  forbidden: (message = 'Resource not accessible by personal access token'): ScriptedResponse => ({
    status: 403,
    body: { message, documentation_url: DOCS, status: '403' },
  }),
  /** Primary rate limit: remaining 0, with retry-after and, if given, x-ratelimit-reset. */
  rateLimited: (options: { retryAfterS?: number; resetInS?: number } = {}): ScriptedResponse => ({
    status: 403,
    headers: {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-used': '5000',
      'x-ratelimit-resource': 'core',
      ...(options.retryAfterS === undefined ? {} : { 'retry-after': String(options.retryAfterS) }),
      ...(options.resetInS === undefined ? {} : { 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + options.resetInS) }),
    },
    body: { message: 'API rate limit exceeded for user ID 1.', documentation_url: DOCS, status: '403' },
  }),
  secondaryRateLimited: (retryAfterS = 1): ScriptedResponse => ({
    status: 403,
    headers: { 'retry-after': String(retryAfterS) },
    body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: DOCS, status: '403' },
  }),
  notFound: (): ScriptedResponse => ({ status: 404, body: { message: 'Not Found', documentation_url: DOCS, status: '404' } }),
  serverError: (status = 500): ScriptedResponse => ({ status, body: { message: 'Server Error', status: String(status) } }),
  pullRequestExists: (owner: string, branch: string): ScriptedResponse => pullRequestExistsResponse(owner, branch),
};

function pullRequestExistsResponse(owner: string, branch: string): ScriptedResponse {
  return {
    status: 422,
    body: {
      message: 'Validation Failed',
      errors: [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${owner}:${branch}.` }],
      documentation_url: `${DOCS}/pulls/pulls#create-a-pull-request`,
      status: '422',
    },
  };
}

interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

interface Context {
  readonly operation: Operation;
  readonly path: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
}

export class GitHubStandIn {
  readonly requests: RecordedRequest[] = [];
  readonly violations: Violation[] = [];
  readonly url: string;
  readonly login: string;
  private readonly organizations: Set<string>;
  private readonly repositories = new Map<string, StandInRepository>();
  private readonly pulls: StandInPullRequest[] = [];
  private readonly scripted = new ScriptedFaults();
  private nextId = 1000;
  private requestCount = 0;

  private constructor(
    private readonly server: Server,
    private readonly description: GitHubDescription,
    private readonly options: StandInOptions,
    private readonly rootDir: string,
    private readonly ownsRootDir: boolean,
  ) {
    const { port } = server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    this.login = options.login ?? 'octocat';
    this.organizations = new Set((options.organizations ?? ['acme']).map((org) => org.toLowerCase()));
  }

  static async start(options: StandInOptions = {}): Promise<GitHubStandIn> {
    const description = await loadGitHubDescription();
    const rootDir = options.rootDir ?? (await mkdtemp(join(tmpdir(), 'cp-gitops-github-')));
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const standIn = new GitHubStandIn(server, description, options, rootDir, options.rootDir === undefined);
    server.on('request', (request, response) => {
      standIn.handle(request, response).catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ message: `stand-in failure: ${error instanceof Error ? error.message : String(error)}` }));
      });
    });
    return standIn;
  }

  /** The OpenAPI file every request is checked against. */
  get descriptionFile(): string {
    return this.description.file;
  }

  /**
   * Queues a response for a route (`POST /user/repos`, a documented operation key, or `*` for any),
   * served `times` times (Infinity: forever) before the in-memory behaviour resumes.
   */
  script(route: string, response: ScriptedResponse, times = 1): void {
    if (route !== '*' && !this.description.has(route)) throw new Error(`not a documented GitHub operation: ${route}`);
    this.scripted.add(route, response, times);
  }

  requestsTo(route: string): RecordedRequest[] {
    return this.requests.filter((request) => request.route === route);
  }

  repository(owner: string, name: string): StandInRepository | undefined {
    return this.repositories.get(repoKey(owner, name));
  }

  pullRequests(owner: string, repo: string): StandInPullRequest[] {
    return this.pulls.filter((pull) => repoKey(pull.owner, pull.repo) === repoKey(owner, repo));
  }

  /** A repository that exists before the test starts, with a bare git repository behind clone_url. */
  async seedRepository(owner: string, name: string, options: { private?: boolean; description?: string } = {}): Promise<StandInRepository> {
    return this.createRepository(owner, name, options.private ?? true, options.description ?? null);
  }

  /** A branch with one empty commit, as if pushed (pull requests need their head and base to exist). */
  async seedBranch(owner: string, name: string, branch: string): Promise<string> {
    const repository = this.repository(owner, name);
    if (!repository) throw new Error(`no repository ${owner}/${name}`);
    const env = { ...process.env, ...GIT_IDENTITY };
    const { stdout } = await run('git', ['--git-dir', repository.bareDir, 'commit-tree', EMPTY_TREE, '-m', `seed ${branch}`], { env });
    const sha = stdout.trim();
    await run('git', ['--git-dir', repository.bareDir, 'update-ref', `refs/heads/${branch}`, sha]);
    return sha;
  }

  seedPullRequest(owner: string, repo: string, pull: { head: string; base: string; title: string; body?: string }): StandInPullRequest {
    const record: StandInPullRequest = {
      owner,
      repo,
      number: this.pulls.filter((p) => repoKey(p.owner, p.repo) === repoKey(owner, repo)).length + 1,
      state: 'open',
      title: pull.title,
      body: pull.body ?? null,
      head: pull.head,
      base: pull.base,
      labels: [],
    };
    this.pulls.push(record);
    return record;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (this.ownsRootDir) await rm(this.rootDir, { recursive: true, force: true });
  }

  // -------------------------------------------------------------------------------------------------

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url);
    const method = (request.method ?? 'GET').toUpperCase();
    const raw = (await readBody(request, 5_000_000)).toString('utf8');
    const query = Object.fromEntries(url.searchParams.entries());
    const headers = recordedHeaders(request);
    const matched = this.description.match(method, url.pathname);
    const recorded: RecordedRequest = {
      method,
      path: url.pathname,
      query,
      headers,
      body: parseJson(raw),
      route: matched?.operation.key,
      status: 0,
    };
    this.requests.push(recorded);

    const problems: string[] = [];
    let body: unknown;
    if (!matched) {
      problems.push(`${method} ${url.pathname} is not an operation in GitHub's REST API description`);
    } else {
      body = this.check(matched.operation, matched.pathValues, url.searchParams, request, raw, problems);
    }
    if (problems.length > 0) {
      this.violations.push({ method, path: url.pathname, problems });
      return this.reply(response, recorded, {
        status: 400,
        body: { message: 'stand-in: GitHub would reject this request', errors: problems, documentation_url: DOCS },
      });
    }
    const operation = matched!.operation;

    const authorization = request.headers.authorization ?? '';
    if (this.options.token !== undefined && authorization.replace(/^(token|bearer)\s+/i, '') !== this.options.token) {
      return this.reply(response, recorded, faults.unauthorized());
    }
    const fault = this.scripted.take(operation.key) ?? this.scripted.take('*');
    if (fault) return this.reply(response, recorded, fault);

    const reply = await this.play({ operation, path: matched!.pathValues, query, body });
    return this.reply(response, recorded, reply);
  }

  /** Checks a request against its operation; returns the parsed JSON body. */
  private check(
    operation: Operation,
    pathValues: Record<string, string>,
    search: URLSearchParams,
    request: IncomingMessage,
    raw: string,
    problems: string[],
  ): unknown {
    const authorization = request.headers.authorization;
    if (!authorization) problems.push('no Authorization header');
    else if (!/^(token|bearer|basic)\s+\S+$/i.test(authorization)) problems.push('the Authorization header is not "token <token>" or "Bearer <token>"');

    for (const parameter of operation.parameters) {
      if (parameter.in === 'path') {
        const value = pathValues[parameter.name];
        if (value === undefined || value === '') problems.push(`path parameter ${parameter.name} is missing`);
        else this.checkValue(`path parameter ${parameter.name}`, parameter, value, problems);
      } else if (parameter.in === 'query') {
        const values = search.getAll(parameter.name);
        if (values.length === 0 && parameter.required) problems.push(`query parameter ${parameter.name} is required`);
        for (const value of values) this.checkValue(`query parameter ${parameter.name}`, parameter, value, problems);
      }
    }
    const documented = new Set(operation.parameters.filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name));
    for (const name of new Set(search.keys())) {
      if (!documented.has(name)) problems.push(`query parameter ${name} is not documented for ${operation.key}`);
    }

    const hasBody = raw.length > 0;
    if (!operation.body) {
      if (hasBody) problems.push(`${operation.key} takes no request body`);
      return undefined;
    }
    if (!hasBody) {
      if (operation.body.required) problems.push(`${operation.key} requires a request body`);
      return undefined;
    }
    const mediaType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (!operation.body.mediaTypes.includes(mediaType)) {
      problems.push(`content-type ${mediaType || '(none)'} is not one of ${operation.body.mediaTypes.join(', ')}`);
      return undefined;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      problems.push('the request body is not JSON');
      return undefined;
    }
    if (operation.body.schemaPointer) {
      for (const problem of this.description.validate(operation.body.schemaPointer, body)) problems.push(`body ${problem}`);
    }
    return body;
  }

  private checkValue(what: string, parameter: ResolvedParameter, value: string, problems: string[]): void {
    if (!parameter.schema) return;
    for (const problem of this.description.validate(parameter.schemaPointer, coerce(value, parameter.schema))) {
      problems.push(`${what} ${JSON.stringify(value)}: ${problem.replace(/^\(root\) /, '')}`);
    }
  }

  private reply(response: ServerResponse, recorded: RecordedRequest, reply: Reply): void {
    recorded.status = reply.status;
    this.requestCount += 1;
    const body = reply.body === undefined ? '' : JSON.stringify(reply.body);
    response.writeHead(reply.status, {
      ...(body ? { 'content-type': 'application/json; charset=utf-8' } : {}),
      'x-github-request-id': `STAND-IN:${this.requestCount}`,
      'x-github-media-type': 'github.v3; format=json',
      ...(reply.status === 403 || reply.status === 429 ? {} : { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4999' }),
      ...reply.headers,
    });
    response.end(body);
  }

  // -------------------------------------------------------------------------------------------------
  // The endpoints, on in-memory state
  // -------------------------------------------------------------------------------------------------

  private async play(context: Context): Promise<Reply> {
    const { operation, path } = context;
    switch (operation.key) {
      case 'GET /user':
        return { status: 200, body: this.userJson(this.login) };
      case 'GET /repos/{owner}/{repo}': {
        const repository = this.repository(path.owner!, path.repo!);
        return repository ? { status: 200, body: this.repositoryJson(repository) } : faults.notFound();
      }
      case 'POST /user/repos':
        return this.createFromRequest(this.login, context.body);
      case 'POST /orgs/{org}/repos':
        if (!this.organizations.has(path.org!.toLowerCase())) return faults.notFound();
        return this.createFromRequest(path.org!, context.body);
      case 'GET /repos/{owner}/{repo}/pulls':
        return this.listPulls(path.owner!, path.repo!, context.query);
      case 'POST /repos/{owner}/{repo}/pulls':
        return this.createPull(path.owner!, path.repo!, context.body as { head: string; base: string; title?: string; body?: string });
      case 'PATCH /repos/{owner}/{repo}/pulls/{pull_number}':
        return this.updatePull(path.owner!, path.repo!, Number(path.pull_number), (context.body ?? {}) as Partial<StandInPullRequest>);
      case 'POST /repos/{owner}/{repo}/issues/{issue_number}/labels':
        return this.addLabels(path.owner!, path.repo!, Number(path.issue_number), context.body);
      default:
        // Documented, but not played: the tool called something the stand-in does not know yet.
        this.violations.push({ method: operation.method, path: operation.template, problems: [`${operation.key} is not played by the stand-in`] });
        return { status: 501, body: { message: `stand-in does not play ${operation.key}` } };
    }
  }

  private async createFromRequest(owner: string, body: unknown): Promise<Reply> {
    const { name, private: isPrivate, description } = body as { name: string; private?: boolean; description?: string };
    if (this.repository(owner, name)) {
      return {
        status: 422,
        body: {
          message: 'Repository creation failed.',
          errors: [{ resource: 'Repository', code: 'custom', field: 'name', message: 'name already exists on this account' }],
          documentation_url: `${DOCS}/repos/repos#create-a-repository-for-the-authenticated-user`,
          status: '422',
        },
      };
    }
    const repository = await this.createRepository(owner, name, isPrivate ?? false, description ?? null);
    return { status: 201, body: this.repositoryJson(repository) };
  }

  private async createRepository(owner: string, name: string, isPrivate: boolean, description: string | null): Promise<StandInRepository> {
    const bareDir = join(this.rootDir, owner.toLowerCase(), `${name.toLowerCase()}.git`);
    await mkdir(join(this.rootDir, owner.toLowerCase()), { recursive: true });
    await run('git', ['init', '--quiet', '--bare', '--initial-branch=main', bareDir]);
    const repository: StandInRepository = {
      owner,
      name,
      id: this.nextId++,
      private: isPrivate,
      description,
      defaultBranch: 'main',
      bareDir,
      cloneUrl: this.options.cloneUrl?.({ owner, name, bareDir }) ?? pathToFileURL(bareDir).href,
    };
    this.repositories.set(repoKey(owner, name), repository);
    return repository;
  }

  private listPulls(owner: string, repo: string, query: Readonly<Record<string, string>>): Reply {
    if (!this.repository(owner, repo)) return faults.notFound();
    const state = query.state ?? 'open';
    const found = this.pullRequests(owner, repo).filter(
      (pull) =>
        (state === 'all' || pull.state === state) &&
        (query.head === undefined || `${pull.owner}:${pull.head}`.toLowerCase() === query.head.toLowerCase() || !query.head.includes(':')) &&
        (query.base === undefined || pull.base === query.base),
    );
    return { status: 200, body: found.map((pull) => this.pullJson(pull)) };
  }

  private async createPull(owner: string, repo: string, body: { head: string; base: string; title?: string; body?: string }): Promise<Reply> {
    const repository = this.repository(owner, repo);
    if (!repository) return faults.notFound();
    const head = body.head.includes(':') ? body.head.split(':')[1]! : body.head;
    if (this.options.requirePushedBranches !== false) {
      for (const [field, branch] of [['head', head], ['base', body.base]] as const) {
        if (!(await branchExists(repository.bareDir, branch))) {
          return { status: 422, body: { message: 'Validation Failed', errors: [{ resource: 'PullRequest', field, code: 'invalid' }], status: '422' } };
        }
      }
    }
    if (this.pullRequests(owner, repo).some((pull) => pull.state === 'open' && pull.head === head && pull.base === body.base)) {
      return pullRequestExistsResponse(owner, head);
    }
    const pull = this.seedPullRequest(owner, repo, { head, base: body.base, title: body.title ?? '', ...(body.body === undefined ? {} : { body: body.body }) });
    return { status: 201, body: this.pullJson(pull) };
  }

  private updatePull(owner: string, repo: string, number: number, changes: Partial<StandInPullRequest>): Reply {
    const pull = this.pullRequests(owner, repo).find((candidate) => candidate.number === number);
    if (!pull) return faults.notFound();
    if (changes.title !== undefined) pull.title = changes.title;
    if (changes.body !== undefined) pull.body = changes.body;
    if (changes.state !== undefined) pull.state = changes.state;
    if (changes.base !== undefined) pull.base = changes.base;
    return { status: 200, body: this.pullJson(pull) };
  }

  private addLabels(owner: string, repo: string, number: number, body: unknown): Reply {
    const pull = this.pullRequests(owner, repo).find((candidate) => candidate.number === number);
    if (!pull) return faults.notFound();
    const given = Array.isArray(body) ? body : ((body as { labels?: unknown[] } | undefined)?.labels ?? []);
    for (const label of given) {
      const name = typeof label === 'string' ? label : String((label as { name?: unknown }).name);
      if (!pull.labels.includes(name)) pull.labels.push(name);
    }
    return { status: 200, body: pull.labels.map((name, index) => this.labelJson(owner, repo, name, index)) };
  }

  // -------------------------------------------------------------------------------------------------
  // JSON shapes: the fields GitHub returns that a client may read
  // -------------------------------------------------------------------------------------------------

  private userJson(login: string, type: 'User' | 'Organization' = 'User'): Record<string, unknown> {
    return { login, id: 1, node_id: 'U_stand-in', type, site_admin: false, url: `${this.url}/users/${login}`, html_url: `${this.url}/${login}` };
  }

  private repositoryJson(repository: StandInRepository): Record<string, unknown> {
    const fullName = `${repository.owner}/${repository.name}`;
    const isOrg = this.organizations.has(repository.owner.toLowerCase());
    return {
      id: repository.id,
      node_id: `R_${repository.id}`,
      name: repository.name,
      full_name: fullName,
      owner: this.userJson(repository.owner, isOrg ? 'Organization' : 'User'),
      private: repository.private,
      visibility: repository.private ? 'private' : 'public',
      description: repository.description,
      fork: false,
      url: `${this.url}/repos/${fullName}`,
      html_url: `${this.url}/${fullName}`,
      clone_url: repository.cloneUrl,
      default_branch: repository.defaultBranch,
      archived: false,
      disabled: false,
      permissions: { admin: true, maintain: true, push: true, triage: true, pull: true },
    };
  }

  private pullJson(pull: StandInPullRequest): Record<string, unknown> {
    const fullName = `${pull.owner}/${pull.repo}`;
    const repository = this.repository(pull.owner, pull.repo);
    const side = (ref: string) => ({
      label: `${pull.owner}:${ref}`,
      ref,
      sha: '0'.repeat(40),
      repo: repository ? this.repositoryJson(repository) : null,
      user: this.userJson(pull.owner),
    });
    return {
      id: 5000 + pull.number,
      node_id: `PR_${pull.number}`,
      number: pull.number,
      state: pull.state,
      title: pull.title,
      body: pull.body,
      draft: false,
      merged: false,
      url: `${this.url}/repos/${fullName}/pulls/${pull.number}`,
      html_url: `${this.url}/${fullName}/pull/${pull.number}`,
      user: this.userJson(this.login),
      labels: pull.labels.map((name, index) => this.labelJson(pull.owner, pull.repo, name, index)),
      head: side(pull.head),
      base: side(pull.base),
    };
  }

  private labelJson(owner: string, repo: string, name: string, index: number): Record<string, unknown> {
    return { id: 9000 + index, node_id: `LA_${index}`, name, color: 'ededed', default: false, description: null, url: `${this.url}/repos/${owner}/${repo}/labels/${encodeURIComponent(name)}` };
  }
}

function repoKey(owner: string, name: string): string {
  return `${owner}/${name}`.toLowerCase();
}

