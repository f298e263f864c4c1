import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { branchExists, parseJson, readBody, recordedHeaders, ScriptedFaults, type RecordedRequest, type RequestViolation, type ScriptedResponse } from './stand-in-http.js';

/**
 * A local stand-in for the GitLab REST API v4 endpoints cp-gitops uses, over HTTPS on 127.0.0.1 with a
 * throw-away self-signed certificate (the CLI trusts it through NODE_EXTRA_CA_CERTS, git through
 * GIT_SSL_CAINFO: cp-gitops sends tokens to git over HTTPS only, as it would to a real GitLab).
 *
 * Each route is written from GitLab's REST API documentation (the page is cited at the route): its
 * method and path, the attributes it takes (an undocumented one, a missing required one or a wrong type
 * lands in `violations`, answered 400), the token header (PRIVATE-TOKEN or Authorization: Bearer,
 * https://docs.gitlab.com/ee/api/rest/authentication.html), and the JSON fields a client reads.
 * Projects are bare git repositories served by `git http-backend` as the project's http_url_to_repo,
 * which requires HTTP Basic auth with the token as the password, as GitLab does for Git over HTTPS
 * (https://docs.gitlab.com/ee/user/profile/personal_access_tokens.html). Scripted faults answer first.
 */

const run = promisify(execFile);
const API = '/api/v4';

export interface GitLabStandInOptions {
  /** The token's user (GET /user). Default root. */
  readonly username?: string;
  /** Groups that exist, by full path (nested allowed). Default acme and acme/platform. */
  readonly groups?: readonly string[];
  /** Any other token gets 401. */
  readonly token: string;
}

/** GitLab's names for the shared stand-in records (stand-in-http.ts). */
export type GitLabRecordedRequest = RecordedRequest;
export type GitLabViolation = RequestViolation;
export type { ScriptedResponse };

export interface StandInProject {
  readonly id: number;
  /** Full path, group/subgroup/project. */
  readonly path: string;
  readonly namespaceId: number;
  visibility: 'private' | 'internal' | 'public';
  readonly description: string | null;
  readonly bareDir: string;
  readonly labels: Set<string>;
}

export interface StandInMergeRequest {
  readonly projectId: number;
  readonly iid: number;
  state: 'opened' | 'closed' | 'merged';
  title: string;
  description: string | null;
  readonly sourceBranch: string;
  readonly targetBranch: string;
  labels: string[];
  removeSourceBranch: boolean;
}

/** GitLab's error answers, to script with `standIn.script(route, fault, times)`. */
export const gitlabFaults = {
  unauthorized: (): ScriptedResponse => ({ status: 401, body: { message: '401 Unauthorized' } }),
  forbidden: (): ScriptedResponse => ({ status: 403, body: { message: '403 Forbidden' } }),
  notFound: (what = 'Project'): ScriptedResponse => ({ status: 404, body: { message: `404 ${what} Not Found` } }),
  /** Rack Attack's throttle answer (https://docs.gitlab.com/ee/administration/settings/user_and_ip_rate_limits.html): text, Retry-After and RateLimit-* headers. */
  rateLimited: (retryAfterS: number): ScriptedResponse => ({
    status: 429,
    headers: {
      'content-type': 'text/plain',
      'retry-after': String(retryAfterS),
      'ratelimit-limit': '600',
      'ratelimit-observed': '601',
      'ratelimit-remaining': '0',
      'ratelimit-reset': String(Math.ceil(Date.now() / 1000) + retryAfterS),
    },
    body: 'Retry later\n',
  }),
  serverError: (status = 500): ScriptedResponse => ({ status, body: { message: '500 Internal Server Error' } }),
  /** POST /projects/:id/merge_requests for a branch with an open merge request (https://docs.gitlab.com/ee/api/merge_requests.html#create-mr). */
  mergeRequestExists: (iid: number): ScriptedResponse => ({ status: 409, body: { message: [`Another open merge request already exists for this source branch: !${iid}`] } }),
  unprocessable: (): ScriptedResponse => ({ status: 422, body: { message: 'Unprocessable Entity' } }),
};

type AttributeType = 'string' | 'integer' | 'boolean';

/** A documented route: attributes it takes (body for POST/PUT, query for GET) and which are required. */
interface Route {
  readonly method: string;
  readonly template: string;
  readonly doc: string;
  readonly attributes: Readonly<Record<string, AttributeType>>;
  readonly required?: readonly string[];
}

const DOCS = 'https://docs.gitlab.com/ee/api';
/** The routes cp-gitops calls, as GitLab documents them. `:id` is an ID or a URL-encoded path. */
const ROUTES: readonly Route[] = [
  // https://docs.gitlab.com/ee/api/users.html#get-the-current-user
  { method: 'GET', template: '/user', doc: `${DOCS}/users.html`, attributes: {} },
  // https://docs.gitlab.com/ee/api/groups.html#get-a-single-group
  { method: 'GET', template: '/groups/:id', doc: `${DOCS}/groups.html#get-a-single-group`, attributes: { with_custom_attributes: 'boolean', with_projects: 'boolean' } },
  // https://docs.gitlab.com/ee/api/projects.html#get-a-single-project
  { method: 'GET', template: '/projects/:id', doc: `${DOCS}/projects.html#get-a-single-project`, attributes: { license: 'boolean', statistics: 'boolean', with_custom_attributes: 'boolean' } },
  // https://docs.gitlab.com/ee/api/projects.html#create-a-project ("Either path or name is required")
  {
    method: 'POST',
    template: '/projects',
    doc: `${DOCS}/projects.html#create-a-project`,
    attributes: { name: 'string', path: 'string', namespace_id: 'integer', visibility: 'string', description: 'string', initialize_with_readme: 'boolean', default_branch: 'string' },
  },
  // https://docs.gitlab.com/ee/api/merge_requests.html#list-project-merge-requests
  {
    method: 'GET',
    template: '/projects/:id/merge_requests',
    doc: `${DOCS}/merge_requests.html#list-project-merge-requests`,
    attributes: { state: 'string', source_branch: 'string', target_branch: 'string', per_page: 'integer', page: 'integer', labels: 'string', order_by: 'string', sort: 'string' },
  },
  // https://docs.gitlab.com/ee/api/merge_requests.html#create-mr
  {
    method: 'POST',
    template: '/projects/:id/merge_requests',
    doc: `${DOCS}/merge_requests.html#create-mr`,
    attributes: { source_branch: 'string', target_branch: 'string', title: 'string', description: 'string', labels: 'string', remove_source_branch: 'boolean', squash: 'boolean', assignee_id: 'integer', target_project_id: 'integer' },
    required: ['source_branch', 'target_branch', 'title'],
  },
  // https://docs.gitlab.com/ee/api/merge_requests.html#update-mr
  {
    method: 'PUT',
    template: '/projects/:id/merge_requests/:merge_request_iid',
    doc: `${DOCS}/merge_requests.html#update-mr`,
    attributes: { title: 'string', description: 'string', labels: 'string', add_labels: 'string', remove_labels: 'string', remove_source_branch: 'boolean', state_event: 'string', target_branch: 'string', squash: 'boolean' },
  },
  // https://docs.gitlab.com/ee/api/labels.html#list-labels
  { method: 'GET', template: '/projects/:id/labels', doc: `${DOCS}/labels.html#list-labels`, attributes: { with_counts: 'boolean', search: 'string', per_page: 'integer', page: 'integer' } },
];

/** https://docs.gitlab.com/ee/api/merge_requests.html: "description ... Limited to 1,048,576 characters." */
const DESCRIPTION_LIMIT = 1_048_576;

export class GitLabStandIn {
  readonly requests: GitLabRecordedRequest[] = [];
  readonly violations: GitLabViolation[] = [];
  readonly url: string;
  readonly username: string;
  private readonly groups = new Map<string, number>();
  private readonly projects = new Map<string, StandInProject>();
  private readonly mergeRequests: StandInMergeRequest[] = [];
  private readonly scripted = new ScriptedFaults();
  private nextId = 100;

  private constructor(
    private readonly server: Server,
    private readonly options: GitLabStandInOptions,
    private readonly rootDir: string,
    /** The self-signed certificate, PEM: NODE_EXTRA_CA_CERTS and GIT_SSL_CAINFO point at it. */
    readonly caFile: string,
  ) {
    const { port } = server.address() as AddressInfo;
    this.url = `https://127.0.0.1:${port}`;
    this.username = options.username ?? 'root';
    for (const group of options.groups ?? ['acme', 'acme/platform']) this.groups.set(group.toLowerCase(), this.nextId++);
  }

  static async start(options: GitLabStandInOptions): Promise<GitLabStandIn> {
    const rootDir = await mkdtemp(join(tmpdir(), 'cp-gitops-gitlab-'));
    const keyFile = join(rootDir, 'key.pem');
    const caFile = join(rootDir, 'cert.pem');
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', caFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']);
    const server = createServer({ key: await readFile(keyFile), cert: await readFile(caFile) });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const standIn = new GitLabStandIn(server, options, rootDir, caFile);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      standIn.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ message: `stand-in failure: ${error instanceof Error ? error.message : String(error)}` }));
      });
    });
    return standIn;
  }

  /** Queues a response for a route (`POST /projects/:id/merge_requests`, or `*` for any API route), served `times` times. */
  script(route: string, response: ScriptedResponse, times = 1): void {
    if (route !== '*' && !ROUTES.some((known) => `${known.method} ${known.template}` === route)) throw new Error(`not a route the stand-in plays: ${route}`);
    this.scripted.add(route, response, times);
  }

  requestsTo(route: string): GitLabRecordedRequest[] {
    return this.requests.filter((request) => request.route === route);
  }

  project(path: string): StandInProject | undefined {
    return this.projects.get(path.toLowerCase());
  }

  mergeRequestsOf(path: string): StandInMergeRequest[] {
    const project = this.project(path);
    return project ? this.mergeRequests.filter((mr) => mr.projectId === project.id) : [];
  }

  /** A project that exists before the test starts (its group must exist), with an empty bare repository. */
  async seedProject(path: string, visibility: StandInProject['visibility'] = 'private'): Promise<StandInProject> {
    const namespace = path.slice(0, path.lastIndexOf('/'));
    return this.createProject(path, this.groups.get(namespace.toLowerCase()) ?? 1, visibility, null);
  }

  seedMergeRequest(path: string, mr: { sourceBranch: string; targetBranch: string; title: string; description?: string }): StandInMergeRequest {
    const project = this.project(path);
    if (!project) throw new Error(`no project ${path}`);
    const record: StandInMergeRequest = {
      projectId: project.id,
      iid: this.mergeRequests.filter((existing) => existing.projectId === project.id).length + 1,
      state: 'opened',
      title: mr.title,
      description: mr.description ?? null,
      sourceBranch: mr.sourceBranch,
      targetBranch: mr.targetBranch,
      labels: [],
      removeSourceBranch: false,
    };
    this.mergeRequests.push(record);
    return record;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.rootDir, { recursive: true, force: true });
  }

  // -------------------------------------------------------------------------------------------------

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url);
    const method = (request.method ?? 'GET').toUpperCase();
    const raw = await readBody(request);
    if (!url.pathname.startsWith(`${API}/`)) return this.serveGit(request, response, url, method, raw);

    const path = url.pathname.slice(API.length);
    const query = Object.fromEntries(url.searchParams.entries());
    const text = raw.toString('utf8');
    const recorded: GitLabRecordedRequest = { method, path, query, headers: recordedHeaders(request, ['private-token']), body: parseJson(text), route: undefined, status: 0 };
    this.requests.push(recorded);
    const matched = matchRoute(method, path);
    const problems: string[] = [];
    let attributes: Record<string, unknown> = {};
    if (!matched) problems.push(`${method} ${path} is not a route the stand-in knows from GitLab's REST API documentation`);
    else {
      (recorded as { route: string | undefined }).route = `${matched.route.method} ${matched.route.template}`;
      attributes = this.check(matched.route, request, url.searchParams, text, problems);
    }
    if (problems.length > 0) {
      this.violations.push({ method, path, problems });
      return reply(response, recorded, { status: 400, body: { message: problems.join('; ') } });
    }
    const route = matched!.route;
    const token = request.headers['private-token'] ?? String(request.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
    if (token !== this.options.token) return reply(response, recorded, gitlabFaults.unauthorized());
    const fault = this.scripted.take(`${route.method} ${route.template}`) ?? this.scripted.take('*');
    if (fault) return reply(response, recorded, fault);
    return reply(response, recorded, await this.play(route, matched!.values, attributes));
  }

  /** Checks a request against its documented attributes; returns them parsed. */
  private check(route: Route, request: IncomingMessage, search: URLSearchParams, text: string, problems: string[]): Record<string, unknown> {
    const hasToken = request.headers['private-token'] !== undefined || /^Bearer\s+\S+$/i.test(String(request.headers.authorization ?? ''));
    if (!hasToken) problems.push('neither a PRIVATE-TOKEN header nor Authorization: Bearer');
    let given: Record<string, unknown> = {};
    if (route.method === 'GET') {
      if (text.length > 0) problems.push(`${route.method} ${route.template} takes no body`);
      given = Object.fromEntries(search.entries());
    } else {
      if (search.size > 0) problems.push(`attributes go in the JSON body, not the query (${[...search.keys()].join(', ')})`);
      const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim();
      if (type !== 'application/json') problems.push(`content-type ${type || '(none)'} is not application/json`);
      const parsed = parseJson(text);
      if (parsed === undefined || typeof parsed !== 'object' || Array.isArray(parsed)) problems.push('the body is not a JSON object');
      else given = parsed as Record<string, unknown>;
    }
    for (const [name, value] of Object.entries(given)) {
      const type = route.attributes[name];
      if (!type) problems.push(`attribute ${name} is not documented for ${route.method} ${route.template} (${route.doc})`);
      else if (!hasType(value, type, route.method === 'GET')) problems.push(`attribute ${name} is not ${type}: ${JSON.stringify(value)}`);
    }
    for (const name of route.required ?? []) if (given[name] === undefined) problems.push(`attribute ${name} is required (${route.doc})`);
    if (typeof given.description === 'string' && given.description.length > DESCRIPTION_LIMIT) problems.push(`description is over ${DESCRIPTION_LIMIT} characters`);
    return given;
  }

  private async play(route: Route, values: Record<string, string>, attributes: Record<string, unknown>): Promise<ScriptedResponse> {
    switch (`${route.method} ${route.template}`) {
      case 'GET /user':
        return { status: 200, body: { id: 1, username: this.username, name: this.username, state: 'active', web_url: `${this.url}/${this.username}` } };
      case 'GET /groups/:id': {
        const id = this.groupId(values.id!);
        if (id === undefined) return gitlabFaults.notFound('Group');
        const fullPath = [...this.groups].find(([, groupId]) => groupId === id)![0];
        return { status: 200, body: { id, name: fullPath.split('/').at(-1), path: fullPath.split('/').at(-1), full_path: fullPath, visibility: 'private', web_url: `${this.url}/groups/${fullPath}` } };
      }
      case 'GET /projects/:id': {
        const project = this.projectById(values.id!);
        return project ? { status: 200, body: this.projectJson(project) } : gitlabFaults.notFound();
      }
      case 'POST /projects':
        return this.createFromRequest(attributes);
      case 'GET /projects/:id/merge_requests': {
        const project = this.projectById(values.id!);
        if (!project) return gitlabFaults.notFound();
        const found = this.mergeRequests.filter(
          (mr) =>
            mr.projectId === project.id &&
            (attributes.state === undefined || attributes.state === 'all' || mr.state === attributes.state) &&
            (attributes.source_branch === undefined || mr.sourceBranch === attributes.source_branch) &&
            (attributes.target_branch === undefined || mr.targetBranch === attributes.target_branch),
        );
        return { status: 200, body: found.map((mr) => this.mergeRequestJson(project, mr)) };
      }
      case 'POST /projects/:id/merge_requests':
        return this.createMergeRequest(values.id!, attributes);
      case 'PUT /projects/:id/merge_requests/:merge_request_iid': {
        const project = this.projectById(values.id!);
        const mr = project && this.mergeRequests.find((candidate) => candidate.projectId === project.id && candidate.iid === Number(values.merge_request_iid));
        if (!project || !mr) return gitlabFaults.notFound(project ? 'Merge Request' : 'Project');
        if (typeof attributes.title === 'string') mr.title = attributes.title;
        if (typeof attributes.description === 'string') mr.description = attributes.description;
        if (typeof attributes.remove_source_branch === 'boolean') mr.removeSourceBranch = attributes.remove_source_branch;
        if (typeof attributes.labels === 'string') mr.labels = [];
        for (const list of [attributes.labels, attributes.add_labels]) if (typeof list === 'string') this.addLabels(project, mr, list);
        return { status: 200, body: this.mergeRequestJson(project, mr) };
      }
      case 'GET /projects/:id/labels': {
        const project = this.projectById(values.id!);
        return project ? { status: 200, body: [...project.labels].map((name, index) => ({ id: 500 + index, name, color: '#6699cc' })) } : gitlabFaults.notFound();
      }
      default:
        return { status: 501, body: { message: 'not played' } };
    }
  }

  private async createFromRequest(attributes: Record<string, unknown>): Promise<ScriptedResponse> {
    const name = String(attributes.path ?? attributes.name);
    const namespaceId = typeof attributes.namespace_id === 'number' ? attributes.namespace_id : undefined;
    let namespace: string;
    if (namespaceId === undefined) namespace = this.username;
    else {
      const found = [...this.groups].find(([, id]) => id === namespaceId);
      if (!found) return gitlabFaults.notFound('Namespace');
      namespace = found[0];
    }
    const path = `${namespace}/${name}`;
    if (this.project(path)) return { status: 400, body: { message: { name: ['has already been taken'], path: ['has already been taken'] } } };
    const visibility = attributes.visibility === 'public' || attributes.visibility === 'internal' ? attributes.visibility : 'private';
    const project = await this.createProject(path, namespaceId ?? 1, visibility, typeof attributes.description === 'string' ? attributes.description : null);
    return { status: 201, body: this.projectJson(project) };
  }

  private async createProject(path: string, namespaceId: number, visibility: StandInProject['visibility'], description: string | null): Promise<StandInProject> {
    const bareDir = join(this.rootDir, 'git', `${path.toLowerCase()}.git`);
    await mkdir(join(bareDir, '..'), { recursive: true });
    await run('git', ['init', '--quiet', '--bare', '--initial-branch=main', bareDir]);
    const project: StandInProject = { id: this.nextId++, path, namespaceId, visibility, description, bareDir, labels: new Set() };
    this.projects.set(path.toLowerCase(), project);
    return project;
  }

  private async createMergeRequest(id: string, attributes: Record<string, unknown>): Promise<ScriptedResponse> {
    const project = this.projectById(id);
    if (!project) return gitlabFaults.notFound();
    const sourceBranch = String(attributes.source_branch);
    const targetBranch = String(attributes.target_branch);
    for (const branch of [sourceBranch, targetBranch]) {
      if (!(await branchExists(project.bareDir, branch))) return { status: 422, body: { message: [`Branch ${branch} does not exist`] } };
    }
    const open = this.mergeRequests.find((mr) => mr.projectId === project.id && mr.state === 'opened' && mr.sourceBranch === sourceBranch);
    if (open) return gitlabFaults.mergeRequestExists(open.iid);
    const mr = this.seedMergeRequest(project.path, { sourceBranch, targetBranch, title: String(attributes.title), ...(typeof attributes.description === 'string' ? { description: attributes.description } : {}) });
    mr.removeSourceBranch = attributes.remove_source_branch === true;
    if (typeof attributes.labels === 'string') this.addLabels(project, mr, attributes.labels);
    return { status: 201, body: this.mergeRequestJson(project, mr) };
  }

  /** "If a label does not already exist, this creates a new project label and assigns it" (merge_requests.html#update-mr). Scoped labels: one per scope. */
  private addLabels(project: StandInProject, mr: StandInMergeRequest, list: string): void {
    for (const label of list.split(',').map((item) => item.trim()).filter(Boolean)) {
      project.labels.add(label);
      const scope = label.includes('::') ? label.slice(0, label.lastIndexOf('::')) : undefined;
      if (scope !== undefined) mr.labels = mr.labels.filter((existing) => !existing.startsWith(`${scope}::`) || existing === label);
      if (!mr.labels.includes(label)) mr.labels.push(label);
    }
  }

  private groupId(id: string): number | undefined {
    return /^\d+$/.test(id) ? [...this.groups.values()].find((groupId) => groupId === Number(id)) : this.groups.get(id.toLowerCase());
  }

  private projectById(id: string): StandInProject | undefined {
    return /^\d+$/.test(id) ? [...this.projects.values()].find((project) => project.id === Number(id)) : this.project(id);
  }

  private projectJson(project: StandInProject): Record<string, unknown> {
    const name = project.path.split('/').at(-1);
    return {
      id: project.id,
      name,
      path: name,
      path_with_namespace: project.path,
      name_with_namespace: project.path.split('/').join(' / '),
      description: project.description,
      visibility: project.visibility,
      // GitLab gives no default_branch until the first push.
      default_branch: null,
      http_url_to_repo: `${this.url}/${project.path}.git`,
      ssh_url_to_repo: `git@127.0.0.1:${project.path}.git`,
      web_url: `${this.url}/${project.path}`,
      namespace: { id: project.namespaceId, full_path: project.path.slice(0, project.path.lastIndexOf('/')) },
    };
  }

  private mergeRequestJson(project: StandInProject, mr: StandInMergeRequest): Record<string, unknown> {
    return {
      id: 7000 + mr.iid,
      iid: mr.iid,
      project_id: project.id,
      title: mr.title,
      description: mr.description,
      state: mr.state,
      source_branch: mr.sourceBranch,
      target_branch: mr.targetBranch,
      labels: mr.labels,
      force_remove_source_branch: mr.removeSourceBranch,
      web_url: `${this.url}/${project.path}/-/merge_requests/${mr.iid}`,
      references: { short: `!${mr.iid}`, full: `${project.path}!${mr.iid}` },
    };
  }

  /**
   * Git over HTTPS: `git http-backend` (CGI) on the project's bare repository. Like GitLab, a request
   * without Basic credentials whose password is the token gets 401 and never reaches the repository.
   */
  private async serveGit(request: IncomingMessage, response: ServerResponse, url: URL, method: string, raw: Buffer): Promise<void> {
    const recorded: GitLabRecordedRequest = { method, path: url.pathname, query: Object.fromEntries(url.searchParams.entries()), headers: recordedHeaders(request, ['private-token']), body: undefined, route: 'git', status: 0 };
    this.requests.push(recorded);
    const match = /^\/(.+?\.git)(\/.*)$/.exec(url.pathname);
    const project = match ? this.project(match[1]!.replace(/\.git$/, '')) : undefined;
    if (!match || !project) return reply(response, recorded, { status: 404, body: 'not found' });
    const basic = /^Basic\s+(\S+)$/i.exec(String(request.headers.authorization ?? ''));
    const password = basic ? Buffer.from(basic[1]!, 'base64').toString('utf8').split(':').slice(1).join(':') : undefined;
    if (password !== this.options.token) {
      recorded.status = 401;
      response.writeHead(401, { 'www-authenticate': 'Basic realm="GitLab"', 'content-type': 'text/plain' });
      response.end('HTTP Basic: Access denied\n');
      return;
    }
    const child = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: join(this.rootDir, 'git'),
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: `/${project.path.toLowerCase()}.git${match[2]}`,
        REQUEST_METHOD: method,
        QUERY_STRING: url.search.replace(/^\?/, ''),
        CONTENT_TYPE: String(request.headers['content-type'] ?? ''),
        CONTENT_LENGTH: String(raw.length),
        HTTP_CONTENT_ENCODING: String(request.headers['content-encoding'] ?? ''),
        HTTP_GIT_PROTOCOL: String(request.headers['git-protocol'] ?? ''),
        REMOTE_USER: 'oauth2',
        REMOTE_ADDR: '127.0.0.1',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // git http-backend may answer (and exit) without reading the whole request body: the pipe then
    // breaks (EPIPE), which is its answer to give, not an error of the stand-in's.
    child.stdin.on('error', () => undefined);
    child.stdin.end(raw);
    const out: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.resume();
    await new Promise<void>((resolve) => child.on('close', () => resolve()));
    const all = Buffer.concat(out);
    const split = all.indexOf('\r\n\r\n');
    const headerText = all.subarray(0, split).toString('latin1');
    const headers: Record<string, string> = {};
    let status = 200;
    for (const line of headerText.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else headers[name] = value;
    }
    recorded.status = status;
    response.writeHead(status, headers);
    response.end(all.subarray(split + 4));
  }
}

function matchRoute(method: string, path: string): { route: Route; values: Record<string, string> } | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const names: string[] = [];
    // `:id` is one path segment: a path-with-namespace id comes URL-encoded (group%2Fproject).
    const pattern = new RegExp(`^${route.template.replace(/:([a-z_]+)/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    })}$`);
    const found = pattern.exec(path);
    if (!found) continue;
    const values: Record<string, string> = {};
    names.forEach((name, index) => {
      values[name] = decodeURIComponent(found[index + 1]!);
    });
    return { route, values };
  }
  return undefined;
}

function hasType(value: unknown, type: AttributeType, fromQuery: boolean): boolean {
  if (fromQuery) {
    const text = String(value);
    return type === 'integer' ? /^\d+$/.test(text) : type === 'boolean' ? text === 'true' || text === 'false' : true;
  }
  return type === 'integer' ? Number.isInteger(value) : typeof value === type;
}

function reply(response: ServerResponse, recorded: GitLabRecordedRequest, answer: ScriptedResponse): void {
  recorded.status = answer.status;
  const text = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  response.writeHead(answer.status, { 'content-type': typeof answer.body === 'string' ? 'text/plain' : 'application/json', ...answer.headers });
  response.end(text);
}

