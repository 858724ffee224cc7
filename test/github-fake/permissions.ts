// What a workflow job's GITHUB_TOKEN may do: its scopes (the keys of `permissions:`), and the scope
// each REST endpoint the fake serves needs, from GitHub's "Permissions required for GitHub Apps"
// (docs.github.com, the server-to-server table, src/github-apps/data of github/docs). A call
// outside the token's scopes is answered as GitHub answers it: 403 "Resource not accessible by
// integration", with the x-accepted-github-permissions header naming what would do (alternatives
// separated by "; "). The endpoints are required for a private repository's resources; a public
// repository's can be read with no scope at all. Deploy keys need Administration, which no
// GITHUB_TOKEN can be given.
import { allAt, RANK, SCOPES, type Grant, type Level, type Scope } from "../action/workflow-loader.js";

/** GitHub's scopes and levels, as the workflow loader knows them. */
export { allAt, SCOPES };
export type { Level, Scope };
/** Every scope's level: what a token carries once `permissions:` is read. */
export type Permissions = Grant;

/** `level` or more of `scope`. */
export const atLeast = (permissions: Permissions, scope: Scope, level: Level): boolean =>
  RANK[permissions[scope]] >= RANK[level];

/** The lower of two levels, scope by scope. */
export const narrower = (a: Permissions, b: Permissions): Permissions =>
  Object.fromEntries(SCOPES.map((s) => [s, RANK[a[s]] <= RANK[b[s]] ? a[s] : b[s]])) as Permissions;

/** One way to be allowed a call. */
export interface Need {
  /** GitHub's permission name (pull_requests, not pull-requests); administration is never a GITHUB_TOKEN's. */
  permission: string;
  level: "read" | "write";
}

/** The permissions an endpoint accepts (any one will do) and where GitHub documents it. */
export interface Requirement {
  needs: Need[];
  documentation: string;
}

type Kind = "issue-or-pull" | "fixed";
interface Endpoint {
  method: string;
  /** Below /repos/OWNER/NAME. */
  path: RegExp;
  needs: Need[];
  /** issue-or-pull: the issues permission, or pull_requests when the number is a pull request's. */
  kind?: Kind;
  documentation: string;
}

const read = (permission: string): Need => ({ permission, level: "read" });
const write = (permission: string): Need => ({ permission, level: "write" });
const DOCS = "https://docs.github.com/rest";

const ENDPOINTS: Endpoint[] = [
  {
    method: "GET",
    path: /^\/issues\/\d+\/comments$/,
    needs: [read("issues"), read("pull_requests")],
    kind: "issue-or-pull",
    documentation: `${DOCS}/issues/comments#list-issue-comments`,
  },
  {
    method: "POST",
    path: /^\/issues\/\d+\/comments$/,
    needs: [write("issues"), write("pull_requests")],
    kind: "issue-or-pull",
    documentation: `${DOCS}/issues/comments#create-an-issue-comment`,
  },
  {
    method: "PATCH",
    path: /^\/issues\/comments\/\d+$/,
    needs: [write("issues"), write("pull_requests")],
    kind: "issue-or-pull",
    documentation: `${DOCS}/issues/comments#update-an-issue-comment`,
  },
  {
    method: "GET",
    path: /^\/issues$/,
    needs: [read("issues")],
    documentation: `${DOCS}/issues/issues#list-repository-issues`,
  },
  {
    method: "POST",
    path: /^\/issues$/,
    needs: [write("issues")],
    documentation: `${DOCS}/issues/issues#create-an-issue`,
  },
  {
    method: "PATCH",
    path: /^\/issues\/\d+$/,
    needs: [write("issues"), write("pull_requests")],
    kind: "issue-or-pull",
    documentation: `${DOCS}/issues/issues#update-an-issue`,
  },
  {
    method: "GET",
    path: /^\/deployments$/,
    needs: [read("deployments")],
    documentation: `${DOCS}/deployments/deployments#list-deployments`,
  },
  {
    method: "POST",
    path: /^\/deployments$/,
    needs: [write("deployments")],
    documentation: `${DOCS}/deployments/deployments#create-a-deployment`,
  },
  {
    method: "GET",
    path: /^\/deployments\/\d+\/statuses$/,
    needs: [read("deployments")],
    documentation: `${DOCS}/deployments/statuses#list-deployment-statuses`,
  },
  {
    method: "POST",
    path: /^\/deployments\/\d+\/statuses$/,
    needs: [write("deployments")],
    documentation: `${DOCS}/deployments/statuses#create-a-deployment-status`,
  },
  {
    method: "GET",
    path: /^\/pulls$/,
    needs: [read("pull_requests")],
    documentation: `${DOCS}/pulls/pulls#list-pull-requests`,
  },
  {
    method: "POST",
    path: /^\/pulls$/,
    needs: [write("pull_requests")],
    documentation: `${DOCS}/pulls/pulls#create-a-pull-request`,
  },
  {
    method: "PATCH",
    path: /^\/pulls\/\d+$/,
    needs: [write("pull_requests")],
    documentation: `${DOCS}/pulls/pulls#update-a-pull-request`,
  },
  {
    method: "GET",
    path: /^\/pulls\/\d+\/files$/,
    needs: [read("pull_requests")],
    documentation: `${DOCS}/pulls/pulls#list-pull-requests-files`,
  },
  {
    method: "GET",
    path: /^\/commits\/[^/]+\/pulls$/,
    needs: [read("pull_requests")],
    documentation: `${DOCS}/commits/commits#list-pull-requests-associated-with-a-commit`,
  },
  {
    method: "GET",
    path: /^\/compare\/[^/]+$/,
    needs: [read("contents")],
    documentation: `${DOCS}/commits/commits#compare-two-commits`,
  },
  {
    method: "GET",
    path: /^\/environments\/[^/]+$/,
    needs: [read("actions")],
    documentation: `${DOCS}/deployments/environments#get-an-environment`,
  },
  {
    method: "GET",
    path: /^\/keys$/,
    needs: [read("administration")],
    documentation: `${DOCS}/deploy-keys/deploy-keys#list-deploy-keys`,
  },
  {
    method: "POST",
    path: /^\/keys$/,
    needs: [write("administration")],
    documentation: `${DOCS}/deploy-keys/deploy-keys#create-a-deploy-key`,
  },
  {
    method: "GET",
    path: /^\/git\/ref\/.+$/,
    needs: [read("contents")],
    documentation: `${DOCS}/git/refs#get-a-reference`,
  },
  {
    method: "GET",
    path: /^\/git\/commits\/[^/]+$/,
    needs: [read("contents")],
    documentation: `${DOCS}/git/commits#get-a-commit-object`,
  },
  {
    method: "POST",
    path: /^\/git\/refs$/,
    needs: [write("contents")],
    documentation: `${DOCS}/git/refs#create-a-reference`,
  },
  {
    method: "PATCH",
    path: /^\/git\/refs\/.+$/,
    needs: [write("contents")],
    documentation: `${DOCS}/git/refs#update-a-reference`,
  },
  {
    method: "DELETE",
    path: /^\/git\/refs\/.+$/,
    needs: [write("contents")],
    documentation: `${DOCS}/git/refs#delete-a-reference`,
  },
  {
    method: "POST",
    path: /^\/git\/trees$/,
    needs: [write("contents")],
    documentation: `${DOCS}/git/trees#create-a-tree`,
  },
  {
    method: "POST",
    path: /^\/git\/commits$/,
    needs: [write("contents")],
    documentation: `${DOCS}/git/commits#create-a-commit`,
  },
];

/** GitHub's permission names are the `permissions:` keys with underscores. */
const scopeOf = (permission: string): Scope | undefined =>
  SCOPES.find((scope) => scope.replace(/-/g, "_") === permission);

/**
 * What a call below /repos/OWNER/NAME needs; undefined for one any token may make (the repository
 * itself: Metadata, which every token reads). `isPull` tells whether an issue-or-pull call's
 * target is a pull request (else only the issues permission will do).
 */
export function requirement(method: string, path: string, isPull: () => boolean): Requirement | undefined {
  const endpoint = ENDPOINTS.find((e) => e.method === method && e.path.test(path));
  if (!endpoint) return undefined;
  const needs =
    endpoint.kind === "issue-or-pull" && !isPull()
      ? endpoint.needs.filter((n) => n.permission === "issues")
      : endpoint.needs;
  return { needs, documentation: endpoint.documentation };
}

export const allows = (permissions: Permissions, needs: readonly Need[]): boolean =>
  needs.some((need) => {
    const scope = scopeOf(need.permission);
    return scope !== undefined && atLeast(permissions, scope, need.level);
  });

/** The x-accepted-github-permissions header: each acceptable set, separated by "; ". */
export const acceptedHeader = (needs: readonly Need[]): string =>
  needs.map((n) => `${n.permission}=${n.level}`).join("; ");
