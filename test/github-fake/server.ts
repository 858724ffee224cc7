// A loopback stand-in for the slice of the GitHub REST API the actions use: issue comments
// (list, create, update), issues (list by label, create, update), deployments and deployment
// statuses, a pull request's files, a comparison of two commits, the repository itself (its
// immutable ids), GitHub Environments (as GitHub answers "Get an environment": 404 for one
// never created, its protection rules otherwise) and deploy keys (list and add, which need the
// Administration permission: 403 without it, as for every workflow token; 422 for a key already
// in use on this or any other repository, or not an OpenSSH public key). It checks the token, enforces
// GitHub's 65,536-character body limit, paginates with absolute Link URLs as GitHub does, and
// records every request (never the token). Tests seed pull requests and inject faults. Comments
// have owners as on GitHub: the token authenticates as one user (github-actions[bot] for a
// workflow token, which GET /user refuses with 403; a named user for a personal token, which
// GET /user returns), and only a comment's author may edit it: anyone else gets 403. A second,
// read-only token models what a fork's pull request gets: it reads, and every write is refused
// with 403 as GitHub refuses it. A workflow job's token carries exactly its permissions
// (issueToken, permissions.ts): a call outside them is refused with GitHub's 403, and in a private
// repository (the default; `visibility` makes it public) reads need their scope too. Branches,
// commits and pull requests (the git refs and pulls APIs, and the git data API's trees and
// commits) live in a small commit graph: GitHub's
// refusals are kept (422 "Reference already exists", "Update is not a fast forward", a tree or
// parent that does not exist, "A pull request already exists", "No commits between").
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { acceptedHeader, allAt, allows, requirement, SCOPES, type Permissions } from "./permissions.js";

export const BOT = { login: "github-actions[bot]", id: 41898282, type: "Bot" };
const MAX_BODY = 65_536;

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: Record<string, unknown>;
  /** Whether the right token came with it. */
  authorized: boolean;
  /** It came with a token that may write nothing (a fork's, or a job's granted only reads). */
  readOnly?: boolean;
  /** The status the fake answered. */
  status?: number;
}

export interface Comment {
  id: number;
  issueNumber: number;
  body: string;
  user: typeof BOT | { login: string; id: number; type: string };
  createdAt: string;
  updatedAt: string;
}

export interface Issue {
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  stateReason?: string;
  labels: string[];
  pullRequest: boolean;
}

export interface Deployment {
  id: number;
  ref: string;
  environment: string;
  description?: string;
  payload?: unknown;
  productionEnvironment?: boolean;
  statuses: { state: string; description?: string; logUrl?: string; environmentUrl?: string }[];
}

/** A GitHub Environment as its settings page defines it. */
export interface FakeEnvironment {
  reviewers?: string[];
  waitTimer?: number;
  /** Deployment branches limited to protected or named branches. */
  branchPolicy?: boolean;
}

export interface FakeDeployKey {
  id: number;
  /** Stored as GitHub does: type and base64, the comment dropped. */
  key: string;
  title: string;
  readOnly: boolean;
}

export interface FakeFault {
  method: string;
  /** Tested against the path. */
  path: RegExp;
  status: number;
  /** How many matching requests fail (default: all). */
  times?: number;
}

/** A commit of the fake's repository: the whole tree, path → text. */
export interface FakeCommit {
  parent?: string;
  message: string;
  files: Map<string, string>;
}

export interface FakePull {
  number: number;
  head: string;
  base: string;
  title: string;
  body: string;
  state: "open" | "closed";
}

/** Git's blob id of a text, as GitHub reports a file's sha. */
export const blobSha = (text: string): string =>
  createHash("sha1")
    .update(`blob ${Buffer.byteLength(text)}\0${text}`)
    .digest("hex");

function invalid(message: string, errors?: Record<string, unknown>[]): Reply {
  return {
    status: 422,
    body: { message, ...(errors ? { errors } : {}), documentation_url: "https://docs.github.com/rest" },
  };
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface HandlerRequest {
  path: string;
  query: URLSearchParams;
  body: Record<string, unknown>;
}

type Handler = (match: Record<string, string>, request: HandlerRequest) => Reply;

const notFound: Reply = {
  status: 404,
  body: { message: "Not Found", documentation_url: "https://docs.github.com/rest" },
};

function tooLong(resource: string): Reply {
  return {
    status: 422,
    body: {
      message: "Validation Failed",
      errors: [
        { resource, code: "custom", field: "body", message: `body is too long (maximum is ${MAX_BODY} characters)` },
      ],
    },
  };
}

export class GitHubFake {
  readonly requests: RecordedRequest[] = [];
  readonly comments: Comment[] = [];
  readonly issues: Issue[] = [];
  readonly deployments: Deployment[] = [];
  readonly faults: FakeFault[] = [];
  /** The token a fork's pull request gets: GET only. */
  readonly readOnlyToken = "ghs_read_only_token_for_a_fork";
  /** A private repository's reads need the token's scope; a public one's need none. */
  visibility: "private" | "public" = "private";
  /** Workflow job tokens (issueToken) and what each may do. */
  private readonly scoped = new Map<string, Permissions>([
    [this.readOnlyToken, { ...allAt("read"), "id-token": "none" }],
  ]);
  private readonly pullFiles = new Map<number, string[]>();
  private readonly comparisons = new Map<string, string[]>();
  /** Merge commit → the pull request it merged (GET /commits/{sha}/pulls). */
  private readonly mergedPulls = new Map<string, number>();
  readonly environments = new Map<string, FakeEnvironment>();
  readonly deployKeys: FakeDeployKey[] = [];
  /** Branch name → commit sha; commit sha → commit. Empty until seedRepository. */
  readonly branches = new Map<string, string>();
  readonly commits = new Map<string, FakeCommit>();
  /** Tree sha → its files; every commit's tree is one. */
  private readonly trees = new Map<string, Map<string, string>>();
  readonly pulls: FakePull[] = [];
  /** Key material registered on other repositories: GitHub refuses it here too. */
  readonly keysElsewhere = new Set<string>();
  /** Whether the token has the repository's Administration permission (deploy keys); a workflow token never does. */
  administration: boolean;
  /** The repository's immutable ids and creation date (GET /repos/OWNER/NAME). */
  readonly repository = { id: 821_093_847, ownerId: 5_544_123, createdAt: "2024-03-11T09:30:00Z" };
  private nextId = 1000;
  /** Who the token authenticates as; a workflow (installation) token is the bot and cannot read /user. */
  readonly viewer: Comment["user"];
  private readonly installationToken: boolean;
  private readonly routes: [string, RegExp, Handler][];

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly token: string,
    readonly owner: string,
    readonly repo: string,
    user?: Comment["user"],
    administration = false,
  ) {
    this.administration = administration;
    this.viewer = user ?? BOT;
    this.installationToken = user === undefined;
    const repoPath = `/repos/${owner}/${repo}`;
    const route = (method: string, pattern: string, handler: Handler): [string, RegExp, Handler] => [
      method,
      new RegExp(`^${repoPath}${pattern}$`),
      handler,
    ];
    this.routes = [
      route("GET", "/issues/(?<n>\\d+)/comments", (m, r) =>
        this.page(
          r,
          this.comments.filter((c) => c.issueNumber === Number(m.n)).map((c) => this.commentJson(c)),
        ),
      ),
      route("POST", "/issues/(?<n>\\d+)/comments", (m, r) =>
        this.createComment(Number(m.n), String(r.body.body ?? "")),
      ),
      route("PATCH", "/issues/comments/(?<id>\\d+)", (m, r) =>
        this.updateComment(Number(m.id), String(r.body.body ?? "")),
      ),
      route("GET", "/issues", (_, r) => this.listIssues(r)),
      route("POST", "/issues", (_, r) => this.createIssue(r.body)),
      route("PATCH", "/issues/(?<n>\\d+)", (m, r) => this.updateIssue(Number(m.n), r.body)),
      route("POST", "/deployments", (_, r) => this.createDeployment(r.body)),
      route("POST", "/deployments/(?<id>\\d+)/statuses", (m, r) => this.createDeploymentStatus(Number(m.id), r.body)),
      // Newest first, as GitHub lists them; filtered by environment when asked.
      route("GET", "/deployments", (_, r) => {
        const environment = r.query.get("environment");
        const listed = this.deployments.filter((d) => environment === null || d.environment === environment).reverse();
        return this.page(
          r,
          listed.map((d) => ({
            id: d.id,
            ref: d.ref,
            sha: d.ref,
            environment: d.environment,
            task: "deploy",
            payload: d.payload ?? {},
            created_at: "2026-01-05T10:00:00Z",
          })),
        );
      }),
      route("GET", "/deployments/(?<id>\\d+)/statuses", (m, r) => {
        const deployment = this.deployments.find((d) => d.id === Number(m.id));
        return deployment
          ? this.page(
              r,
              [...deployment.statuses]
                .reverse()
                .map((st, i) => ({ id: i + 1, state: st.state, description: st.description ?? "" })),
            )
          : notFound;
      }),
      route("GET", "/pulls/(?<n>\\d+)/files", (m, r) =>
        this.page(
          r,
          (this.pullFiles.get(Number(m.n)) ?? []).map((f) => ({ filename: f, status: "modified" })),
        ),
      ),
      route("GET", "/commits/(?<sha>[0-9a-f]{40})/pulls", (m, r) => {
        const number = this.mergedPulls.get(m.sha!);
        return this.page(
          r,
          number === undefined
            ? []
            : [{ number, state: "closed", merged_at: "2026-01-05T10:00:00Z", merge_commit_sha: m.sha }],
        );
      }),
      route("GET", "", () => this.repositoryJson()),
      route("GET", "/environments/(?<name>[^/]+)", (m) => this.environmentJson(decodeURIComponent(m.name!))),
      route(
        "GET",
        "/keys",
        (_, r) =>
          this.denied() ??
          this.page(
            r,
            this.deployKeys.map((k) => this.deployKeyJson(k)),
          ),
      ),
      route("POST", "/keys", (_, r) => this.denied() ?? this.addDeployKey(r.body)),
      route("GET", "/git/ref/(?<ref>.+)", (m) => this.refJson(decodeURIComponent(m.ref!))),
      route("POST", "/git/refs", (_, r) => this.createRef(r.body)),
      route("GET", "/git/commits/(?<sha>[0-9a-f]{40})", (m) => this.commitJson(m.sha!)),
      route("POST", "/git/trees", (_, r) => this.createTree(r.body)),
      route("POST", "/git/commits", (_, r) => this.createCommit(r.body)),
      route("PATCH", "/git/refs/(?<ref>.+)", (m, r) => this.updateRef(decodeURIComponent(m.ref!), r.body)),
      route("DELETE", "/git/refs/(?<ref>.+)", (m) => this.deleteRef(decodeURIComponent(m.ref!))),
      route("GET", "/pulls", (_, r) => this.listPulls(r)),
      route("POST", "/pulls", (_, r) => this.createPull(r.body)),
      route("PATCH", "/pulls/(?<n>\\d+)", (m, r) => this.updatePull(Number(m.n), r.body)),
      route("GET", "/compare/(?<basehead>[^/]+)", (m) => {
        const files = this.comparisons.get(decodeURIComponent(m.basehead!));
        return files
          ? {
              status: 200,
              body: { status: "ahead", files: files.map((f) => ({ filename: f, status: "modified" })), commits: [] },
            }
          : notFound;
      }),
    ];
  }

  /** `user`: the token is that user's personal token (default: a workflow token, authenticating as the bot). */
  /** `administration`: the token may manage the repository's deploy keys (a personal or app token granted it). */
  static async start(
    options: { token?: string; owner?: string; repo?: string; user?: Comment["user"]; administration?: boolean } = {},
  ): Promise<GitHubFake> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new GitHubFake(
      server,
      `http://127.0.0.1:${port}`,
      options.token ?? "ghs_fake_token_for_tests",
      options.owner ?? "acme",
      options.repo ?? "codemie-platform",
      options.user,
      options.administration,
    );
    server.on("request", (req: IncomingMessage, res: ServerResponse) => void fake.handle(req, res));
    return fake;
  }

  /** A token for one workflow job, carrying exactly these permissions (as GitHub issues each job's GITHUB_TOKEN). */
  issueToken(permissions: Permissions): string {
    const token =
      `ghs_job_${this.scoped.size}_` +
      `${createHash("sha1").update(JSON.stringify(permissions)).digest("hex").slice(0, 12)}`;
    this.scoped.set(token, { ...permissions });
    return token;
  }

  /** What a token issueToken gave out may do. */
  permissionsOf(token: string): Permissions | undefined {
    const permissions = this.scoped.get(token);
    return permissions && { ...permissions };
  }

  /** A pull request the API knows, with the files it changes. */
  addPullRequest(number: number, files: string[]): void {
    this.pullFiles.set(number, files);
  }

  /** The pull request `number` merged as commit `sha`. */
  mergePullRequest(number: number, sha: string): void {
    this.mergedPulls.set(sha, number);
  }

  /** The default branch (main) at a first commit holding these files. */
  seedRepository(files: Record<string, string>): string {
    const sha = this.addCommit({ message: "Initial commit", files: new Map(Object.entries(files)) });
    this.branches.set("main", sha);
    return sha;
  }

  /** Someone else's commit on a branch: these files changed. */
  pushCommit(branch: string, files: Record<string, string>, message = "Another change"): string {
    const parent = this.branches.get(branch)!;
    const tree = new Map([...this.commits.get(parent)!.files, ...Object.entries(files)]);
    const sha = this.addCommit({ parent, message, files: tree });
    this.branches.set(branch, sha);
    return sha;
  }

  /** A file's text at a branch's head, undefined when either is missing. */
  fileAt(branch: string, path: string): string | undefined {
    const sha = this.branches.get(branch);
    return sha === undefined ? undefined : this.commits.get(sha)?.files.get(path);
  }

  /** The paths whose text differs between two commits. */
  changedFiles(base: string, head: string): string[] {
    const a = this.commits.get(base)?.files ?? new Map<string, string>();
    const b = this.commits.get(head)?.files ?? new Map<string, string>();
    return [...new Set([...a.keys(), ...b.keys()])].filter((path) => a.get(path) !== b.get(path)).sort();
  }

  addComparison(base: string, head: string, files: string[]): void {
    this.comparisons.set(`${base}...${head}`, files);
  }

  /** A comment someone else wrote. */
  addComment(issueNumber: number, body: string, login = "octocat"): Comment {
    const now = new Date().toISOString();
    const comment: Comment = {
      id: this.nextId++,
      issueNumber,
      body,
      user: { login, id: 1, type: "User" },
      createdAt: now,
      updatedAt: now,
    };
    this.comments.push(comment);
    return comment;
  }

  addIssue(issue: Omit<Issue, "number">): Issue {
    const created = { ...issue, number: this.nextId++ };
    this.issues.push(created);
    return created;
  }

  commentsOn(issueNumber: number): Comment[] {
    return this.comments.filter((c) => c.issueNumber === issueNumber);
  }

  requestsTo(method: string, path: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && path.test(r.path));
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", this.url);
    const method = (req.method ?? "GET").toUpperCase();
    // Octokit sends "token <value>"; GitHub also accepts "Bearer <value>".
    const presented = /^(token|bearer) (.+)$/i.exec(req.headers.authorization ?? "")?.[2];
    const permissions = presented === undefined ? undefined : this.scoped.get(presented);
    const readOnly = permissions !== undefined && !SCOPES.some((scope) => permissions[scope] === "write");
    const authorized = presented === this.token || permissions !== undefined;
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    const recorded: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      ...(text ? { body } : {}),
      authorized,
      ...(readOnly ? { readOnly } : {}),
    };
    this.requests.push(recorded);
    const reply =
      (authorized && permissions && this.outOfScope(method, url.pathname, permissions)) ||
      this.reply(method, url, body, authorized);
    recorded.status = reply.status;
    const headers = { "content-type": "application/json; charset=utf-8", ...reply.headers };
    res.writeHead(reply.status, headers).end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
  }

  /** GitHub's refusal of a call the job token's permissions do not cover. */
  private outOfScope(method: string, path: string, permissions: Permissions): Reply | undefined {
    const below = path.startsWith(`/repos/${this.owner}/${this.repo}`)
      ? path.slice(`/repos/${this.owner}/${this.repo}`.length)
      : undefined;
    if (below === undefined) return undefined;
    const needed = requirement(method, below, () => this.isPull(below));
    if (!needed || allows(permissions, needed.needs)) return undefined;
    const administration = needed.needs.some((n) => n.permission === "administration");
    if (this.visibility === "public" && method === "GET" && !administration) return undefined;
    return {
      status: 403,
      body: {
        message: "Resource not accessible by integration",
        documentation_url: needed.documentation,
        status: "403",
      },
      headers: { "x-accepted-github-permissions": acceptedHeader(needed.needs) },
    };
  }

  /** Whether an issues-API call targets a pull request (a plain issue's comments need the issues permission). */
  private isPull(path: string): boolean {
    const comment = /^\/issues\/comments\/(\d+)$/.exec(path);
    const number = comment
      ? this.comments.find((c) => c.id === Number(comment[1]))?.issueNumber
      : Number(/^\/issues\/(\d+)/.exec(path)?.[1]);
    return !this.issues.some((i) => i.number === number && !i.pullRequest);
  }

  private reply(method: string, url: URL, body: Record<string, unknown>, authorized: boolean): Reply {
    if (!authorized)
      return { status: 401, body: { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" } };
    const fault = this.faults.find(
      (f) => f.method === method && f.path.test(url.pathname) && (f.times === undefined || f.times > 0),
    );
    if (fault) {
      if (fault.times !== undefined) fault.times -= 1;
      return {
        status: fault.status,
        body: { message: fault.status === 403 ? "Resource not accessible by integration" : "Emulated fault" },
      };
    }
    if (method === "GET" && url.pathname === "/user") {
      return this.installationToken
        ? { status: 403, body: { message: "Resource not accessible by integration" } }
        : { status: 200, body: this.viewer };
    }
    for (const [routeMethod, pattern, handler] of this.routes) {
      const match = pattern.exec(url.pathname);
      if (match && routeMethod === method)
        return handler({ ...match.groups }, { path: url.pathname, query: url.searchParams, body });
    }
    return notFound;
  }

  /** GitHub's pagination: per_page (default 30, at most 100), page, and a Link header with absolute URLs. */
  private page({ path, query }: HandlerRequest, items: unknown[]): Reply {
    const perPage = Math.min(Number(query.get("per_page") ?? 30), 100);
    const page = Number(query.get("page") ?? 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (n: number, rel: string): string => {
      const next = new URLSearchParams(query);
      next.set("page", String(n));
      return `<${this.url}${path}?${next.toString()}>; rel="${rel}"`;
    };
    const links = [
      ...(page < last ? [link(page + 1, "next"), link(last, "last")] : []),
      ...(page > 1 ? [link(1, "first"), link(page - 1, "prev")] : []),
    ];
    return {
      status: 200,
      body: items.slice((page - 1) * perPage, page * perPage),
      ...(links.length ? { headers: { link: links.join(", ") } } : {}),
    };
  }

  private repositoryJson(): Reply {
    const { id, ownerId, createdAt } = this.repository;
    return {
      status: 200,
      body: {
        id,
        node_id: `R_${id}`,
        name: this.repo,
        full_name: `${this.owner}/${this.repo}`,
        private: this.visibility === "private",
        visibility: this.visibility,
        owner: { login: this.owner, id: ownerId, type: "Organization" },
        html_url: `https://github.com/${this.owner}/${this.repo}`,
        default_branch: "main",
        created_at: createdAt,
        updated_at: createdAt,
        pushed_at: createdAt,
      },
    };
  }

  /** GitHub's shape: protection_rules lists wait_timer, required_reviewers and branch_policy entries. */
  private environmentJson(name: string): Reply {
    const env = [...this.environments].find(([key]) => key.toLowerCase() === name.toLowerCase());
    if (!env) return notFound;
    const [key, settings] = env;
    const id = 161_088_000 + [...this.environments.keys()].indexOf(key);
    const rules: Record<string, unknown>[] = [];
    if (settings.waitTimer)
      rules.push({ id: id * 10 + 1, node_id: `GA_wait_${id}`, type: "wait_timer", wait_timer: settings.waitTimer });
    if (settings.reviewers?.length) {
      rules.push({
        id: id * 10 + 2,
        node_id: `GA_reviewers_${id}`,
        prevent_self_review: false,
        type: "required_reviewers",
        reviewers: settings.reviewers.map((login, i) => ({
          type: "User",
          reviewer: { login, id: 1000 + i, type: "User" },
        })),
      });
    }
    if (settings.branchPolicy) rules.push({ id: id * 10 + 3, node_id: `GA_branch_${id}`, type: "branch_policy" });
    return {
      status: 200,
      body: {
        id,
        node_id: `EN_${id}`,
        name: key,
        url: `${this.url}/repos/${this.owner}/${this.repo}/environments/${encodeURIComponent(key)}`,
        html_url:
          `https://github.com/${this.owner}/${this.repo}` +
          `/deployments/activity_log?environments_filter=${encodeURIComponent(key)}`,
        created_at: "2026-01-05T10:00:00Z",
        updated_at: "2026-01-05T10:00:00Z",
        protection_rules: rules,
        deployment_branch_policy: settings.branchPolicy
          ? { protected_branches: false, custom_branch_policies: true }
          : null,
      },
    };
  }

  /** GitHub's answer to a token without the Administration permission. */
  private denied(): Reply | undefined {
    if (this.administration) return undefined;
    return {
      status: 403,
      body: {
        message: this.installationToken
          ? "Resource not accessible by integration"
          : "Resource not accessible by personal access token",
        documentation_url: "https://docs.github.com/rest/deploy-keys/deploy-keys",
      },
    };
  }

  private deployKeyJson(k: FakeDeployKey): Record<string, unknown> {
    return {
      id: k.id,
      key: k.key,
      url: `${this.url}/repos/${this.owner}/${this.repo}/keys/${k.id}`,
      title: k.title,
      verified: true,
      created_at: "2026-11-29T12:00:00Z",
      read_only: k.readOnly,
      added_by: this.viewer.login,
      last_used: null,
      enabled: true,
    };
  }

  private addDeployKey(body: Record<string, unknown>): Reply {
    const invalid = (message: string): Reply => ({
      status: 422,
      body: {
        message: "Validation Failed",
        errors: [{ resource: "PublicKey", code: "custom", field: "key", message }],
        documentation_url: "https://docs.github.com/rest/deploy-keys/deploy-keys#create-a-deploy-key",
      },
    });
    const match = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(?:256|384|521)) ([A-Za-z0-9+/]+={0,2})(?: .*)?$/.exec(
      String(body.key ?? "").trim(),
    );
    if (!match) return invalid("key is invalid. You must supply a key in OpenSSH public key format");
    const key = `${match[1]} ${match[2]}`;
    if (this.keysElsewhere.has(key) || this.deployKeys.some((k) => k.key === key))
      return invalid("key is already in use");
    const created: FakeDeployKey = {
      id: this.nextId++,
      key,
      title: String(body.title ?? ""),
      readOnly: body.read_only === true,
    };
    this.deployKeys.push(created);
    return { status: 201, body: this.deployKeyJson(created) };
  }

  private addCommit(commit: FakeCommit): string {
    const sha = createHash("sha1")
      .update(`${this.nextId++}:${commit.parent ?? ""}:${commit.message}`)
      .digest("hex");
    this.commits.set(sha, commit);
    return sha;
  }

  /** A tree's sha: git's is a hash of its entries, so the same files give the same sha. */
  private addTree(files: Map<string, string>): string {
    const entries = [...files].sort(([a], [b]) => (a < b ? -1 : 1)).map(([path, text]) => `${path}\0${blobSha(text)}`);
    const sha = createHash("sha1")
      .update(`tree ${entries.join("\n")}`)
      .digest("hex");
    this.trees.set(sha, files);
    return sha;
  }

  private commitJson(sha: string): Reply {
    const commit = this.commits.get(sha);
    if (!commit) return notFound;
    return {
      status: 200,
      body: {
        sha,
        message: commit.message,
        tree: { sha: this.addTree(commit.files) },
        parents: commit.parent ? [{ sha: commit.parent }] : [],
      },
    };
  }

  /** "Create a tree": base_tree's files with each entry's content set (blob entries with content only). */
  private createTree(body: Record<string, unknown>): Reply {
    const base = typeof body.base_tree === "string" ? this.trees.get(body.base_tree) : new Map<string, string>();
    if (!base) return invalid("base_tree is not a valid tree oid");
    const files = new Map(base);
    for (const entry of (body.tree as Record<string, unknown>[] | undefined) ?? []) {
      if (typeof entry.path !== "string" || entry.type !== "blob" || typeof entry.content !== "string")
        return invalid("Invalid tree info");
      files.set(entry.path, entry.content);
    }
    return { status: 201, body: { sha: this.addTree(files) } };
  }

  private createCommit(body: Record<string, unknown>): Reply {
    const files = typeof body.tree === "string" ? this.trees.get(body.tree) : undefined;
    if (!files) return invalid("Tree SHA does not exist");
    const parents = (body.parents as unknown[] | undefined) ?? [];
    if (parents.length > 1 || parents.some((p) => typeof p !== "string" || !this.commits.has(p)))
      return invalid("Parent SHA does not exist or is not a commit object");
    const parent = parents[0] as string | undefined;
    const sha = this.addCommit({ ...(parent ? { parent } : {}), message: String(body.message ?? ""), files });
    return { status: 201, body: { sha, tree: { sha: body.tree }, parents: parents.map((p) => ({ sha: p })) } };
  }

  /** "heads/NAME" → NAME, or undefined for any other kind of ref. */
  private branchOf(ref: string): string | undefined {
    return /^(?:refs\/)?heads\/(.+)$/.exec(ref)?.[1];
  }

  private refJson(ref: string): Reply {
    const branch = this.branchOf(ref);
    const sha = branch === undefined ? undefined : this.branches.get(branch);
    if (sha === undefined) return notFound;
    return {
      status: 200,
      body: { ref: `refs/heads/${branch}`, object: { sha, type: "commit", url: `${this.url}/commits/${sha}` } },
    };
  }

  private createRef(body: Record<string, unknown>): Reply {
    const ref = String(body.ref ?? "");
    if (!/^refs\/[^/]+\/.+/.test(ref))
      return invalid("Reference name must start with 'refs/' and have at least two slashes.");
    const branch = this.branchOf(ref);
    if (branch === undefined) return invalid("Only branches are modelled by the fake");
    if (typeof body.sha !== "string" || !this.commits.has(body.sha)) return invalid("Object does not exist");
    if (this.branches.has(branch)) return invalid("Reference already exists");
    this.branches.set(branch, body.sha);
    return { ...this.refJson(ref), status: 201 };
  }

  private isAncestor(ancestor: string, sha: string | undefined): boolean {
    for (let at = sha; at !== undefined; at = this.commits.get(at)?.parent) if (at === ancestor) return true;
    return false;
  }

  private updateRef(ref: string, body: Record<string, unknown>): Reply {
    const branch = this.branchOf(ref);
    const current = branch === undefined ? undefined : this.branches.get(branch);
    if (current === undefined) return invalid("Reference does not exist");
    if (typeof body.sha !== "string" || !this.commits.has(body.sha)) return invalid("Object does not exist");
    if (body.force !== true && !this.isAncestor(current, body.sha)) return invalid("Update is not a fast forward");
    this.branches.set(branch!, body.sha);
    return this.refJson(ref);
  }

  private deleteRef(ref: string): Reply {
    const branch = this.branchOf(ref);
    if (branch === undefined || !this.branches.delete(branch)) return invalid("Reference does not exist");
    return { status: 204 };
  }

  private pullJson(p: FakePull): Record<string, unknown> {
    return {
      number: p.number,
      state: p.state,
      title: p.title,
      body: p.body,
      html_url: `https://github.com/${this.owner}/${this.repo}/pull/${p.number}`,
      head: { ref: p.head, sha: this.branches.get(p.head), label: `${this.owner}:${p.head}` },
      base: { ref: p.base, sha: this.branches.get(p.base), label: `${this.owner}:${p.base}` },
    };
  }

  /** head is OWNER:BRANCH, as GitHub filters it. */
  private listPulls(request: HandlerRequest): Reply {
    const { query } = request;
    const state = query.get("state") ?? "open";
    const head = query.get("head");
    const base = query.get("base");
    const listed = this.pulls.filter(
      (p) =>
        (state === "all" || p.state === state) &&
        (head === null || `${this.owner}:${p.head}` === head) &&
        (base === null || p.base === base),
    );
    return this.page(
      request,
      listed.map((p) => this.pullJson(p)),
    );
  }

  private createPull(body: Record<string, unknown>): Reply {
    const head = String(body.head ?? "").replace(new RegExp(`^${this.owner}:`), "");
    const base = String(body.base ?? "");
    const text = String(body.body ?? "");
    if ([...text].length > MAX_BODY) return tooLong("PullRequest");
    const headSha = this.branches.get(head);
    const baseSha = this.branches.get(base);
    if (headSha === undefined || baseSha === undefined)
      return invalid("Validation Failed", [
        { resource: "PullRequest", field: headSha === undefined ? "head" : "base", code: "invalid" },
      ]);
    if (this.pulls.some((p) => p.state === "open" && p.head === head && p.base === base))
      return invalid("Validation Failed", [
        {
          resource: "PullRequest",
          code: "custom",
          message: `A pull request already exists for ${this.owner}:${head}.`,
        },
      ]);
    if (headSha === baseSha || this.isAncestor(headSha, baseSha))
      return invalid("Validation Failed", [
        { resource: "PullRequest", code: "custom", message: `No commits between ${base} and ${head}` },
      ]);
    const pull: FakePull = {
      number: this.nextId++,
      head,
      base,
      title: String(body.title ?? ""),
      body: text,
      state: "open",
    };
    this.pulls.push(pull);
    return { status: 201, body: this.pullJson(pull) };
  }

  private updatePull(number: number, body: Record<string, unknown>): Reply {
    const pull = this.pulls.find((p) => p.number === number);
    if (!pull) return notFound;
    if (typeof body.body === "string") {
      if ([...body.body].length > MAX_BODY) return tooLong("PullRequest");
      pull.body = body.body;
    }
    if (typeof body.title === "string") pull.title = body.title;
    return { status: 200, body: this.pullJson(pull) };
  }

  private commentJson(c: Comment): Record<string, unknown> {
    const base = `${this.url}/repos/${this.owner}/${this.repo}`;
    return {
      id: c.id,
      node_id: `IC_${c.id}`,
      url: `${base}/issues/comments/${c.id}`,
      html_url: `https://github.com/${this.owner}/${this.repo}/pull/${c.issueNumber}#issuecomment-${c.id}`,
      issue_url: `${base}/issues/${c.issueNumber}`,
      body: c.body,
      user: c.user,
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      author_association: "NONE",
    };
  }

  private createComment(issueNumber: number, body: string): Reply {
    if ([...body].length > MAX_BODY) return tooLong("IssueComment");
    const now = new Date().toISOString();
    const comment: Comment = {
      id: this.nextId++,
      issueNumber,
      body,
      user: this.viewer,
      createdAt: now,
      updatedAt: now,
    };
    this.comments.push(comment);
    return {
      status: 201,
      body: this.commentJson(comment),
      headers: { location: `${this.url}/repos/${this.owner}/${this.repo}/issues/comments/${comment.id}` },
    };
  }

  private updateComment(id: number, body: string): Reply {
    const comment = this.comments.find((c) => c.id === id);
    if (!comment) return notFound;
    if (comment.user.login !== this.viewer.login)
      return { status: 403, body: { message: "Resource not accessible by integration" } };
    if ([...body].length > MAX_BODY) return tooLong("IssueComment");
    comment.body = body;
    comment.updatedAt = new Date().toISOString();
    return { status: 200, body: this.commentJson(comment) };
  }

  private issueJson(i: Issue): Record<string, unknown> {
    return {
      number: i.number,
      title: i.title,
      body: i.body,
      state: i.state,
      state_reason: i.stateReason ?? null,
      labels: i.labels.map((name) => ({ name })),
      html_url: `https://github.com/${this.owner}/${this.repo}/${i.pullRequest ? "pull" : "issues"}/${i.number}`,
      user: BOT,
      ...(i.pullRequest
        ? { pull_request: { url: `${this.url}/repos/${this.owner}/${this.repo}/pulls/${i.number}` } }
        : {}),
    };
  }

  private listIssues(request: HandlerRequest): Reply {
    const { query } = request;
    const state = query.get("state") ?? "open";
    const labels = (query.get("labels") ?? "").split(",").filter((l) => l !== "");
    const matching = this.issues.filter(
      (i) => (state === "all" || i.state === state) && labels.every((l) => i.labels.includes(l)),
    );
    return this.page(
      request,
      matching.map((i) => this.issueJson(i)),
    );
  }

  private createIssue(body: Record<string, unknown>): Reply {
    const text = String(body.body ?? "");
    if ([...text].length > MAX_BODY) return tooLong("Issue");
    const issue = this.addIssue({
      title: String(body.title ?? ""),
      body: text,
      state: "open",
      labels: (body.labels as string[] | undefined) ?? [],
      pullRequest: false,
    });
    return { status: 201, body: this.issueJson(issue) };
  }

  private updateIssue(number: number, body: Record<string, unknown>): Reply {
    const issue = this.issues.find((i) => i.number === number);
    if (!issue) return notFound;
    if (typeof body.body === "string") {
      if ([...body.body].length > MAX_BODY) return tooLong("Issue");
      issue.body = body.body;
    }
    if (typeof body.title === "string") issue.title = body.title;
    if (body.state === "open" || body.state === "closed") issue.state = body.state;
    if (typeof body.state_reason === "string") issue.stateReason = body.state_reason;
    return { status: 200, body: this.issueJson(issue) };
  }

  private createDeployment(body: Record<string, unknown>): Reply {
    if (typeof body.ref !== "string") return { status: 422, body: { message: "Validation Failed" } };
    const deployment: Deployment = {
      id: this.nextId++,
      ref: body.ref,
      environment: String(body.environment ?? "production"),
      ...(typeof body.description === "string" ? { description: body.description } : {}),
      payload: body.payload,
      ...(typeof body.production_environment === "boolean"
        ? { productionEnvironment: body.production_environment }
        : {}),
      statuses: [],
    };
    this.deployments.push(deployment);
    return {
      status: 201,
      body: {
        id: deployment.id,
        ref: deployment.ref,
        environment: deployment.environment,
        task: body.task ?? "deploy",
        payload: deployment.payload,
      },
    };
  }

  private createDeploymentStatus(id: number, body: Record<string, unknown>): Reply {
    const deployment = this.deployments.find((d) => d.id === id);
    if (!deployment) return notFound;
    const description = typeof body.description === "string" ? body.description : undefined;
    if (description && description.length > 140)
      return {
        status: 422,
        body: { message: "Validation Failed", errors: [{ field: "description", code: "custom" }] },
      };
    const status = {
      state: String(body.state),
      ...(description ? { description } : {}),
      ...(typeof body.log_url === "string" ? { logUrl: body.log_url } : {}),
      ...(typeof body.environment_url === "string" ? { environmentUrl: body.environment_url } : {}),
    };
    deployment.statuses.push(status);
    return { status: 201, body: { id: this.nextId++, state: status.state, description: description ?? "" } };
  }
}
