// How GitHub decides a job's GITHUB_TOKEN permissions (actions/runner's workflow parser,
// WorkflowTemplateConverter.cs and PermissionsHelper.cs; docs "Controlling permissions for
// GITHUB_TOKEN"): a `permissions:` mapping sets the scopes it names and every other one to none;
// `read-all`/`write-all` set them all; a job without one takes its workflow's; with neither, the
// repository's default (restricted: contents and packages read; permissive: every scope write but
// id-token). A reusable workflow can only narrow what its caller job allows: its root and each
// nested job's `permissions:` are checked against the caller's (or, when the caller declared none,
// against the default policy, with id-token only within the same owner), and a call asking more
// makes the whole run invalid before any job starts. A fork's pull request gets a read-only token
// whatever is declared, and no OIDC token.
import {
  allAt,
  isLevel,
  narrower,
  SCOPES,
  type Level,
  type Permissions,
  type Scope,
} from "../../github-fake/permissions.js";

export type DefaultPermissions = "restricted" | "permissive";

/** A declared `permissions:` value, or undefined when the key is absent. */
export function declared(value: unknown): Permissions | undefined {
  if (value === undefined) return undefined;
  if (value === "read-all") return allAt("read");
  if (value === "write-all") return allAt("write");
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new Error(`permissions: ${JSON.stringify(value)} is not read-all, write-all or a mapping of scopes`);
  const permissions = allAt("none");
  for (const [scope, level] of Object.entries(value)) {
    if (!SCOPES.includes(scope as Scope)) throw new Error(`Unexpected value '${scope}' in permissions`);
    if (!isLevel(level)) throw new Error(`Unexpected value '${String(level)}' for permissions ${scope}`);
    permissions[scope as Scope] = level;
  }
  return permissions;
}

/** The token of a job that nothing declares permissions for. */
export const repositoryDefault = (policy: DefaultPermissions): Permissions =>
  policy === "restricted"
    ? { ...allAt("none"), contents: "read", packages: "read" }
    : { ...allAt("write"), "id-token": "none" };

/** What a reusable workflow may ask for when its caller declared nothing. */
const policyMax = (policy: DefaultPermissions, sameOwner: boolean): Permissions =>
  policy === "restricted" ? repositoryDefault(policy) : { ...allAt("write"), "id-token": sameOwner ? "write" : "none" };

const RANK: Record<Level, number> = { none: 0, read: 1, write: 2 };

/** GitHub's words for what `requested` asks beyond `max`, or undefined when it fits. */
export function excess(requested: Permissions, max: Permissions): { requesting: string; allowed: string } | undefined {
  const over = SCOPES.filter((scope) => RANK[requested[scope]] > RANK[max[scope]]);
  if (over.length === 0) return undefined;
  return {
    requesting: over.map((scope) => `${scope}: ${requested[scope]}`).join(", "),
    allowed: over.map((scope) => `${scope}: ${max[scope]}`).join(", "),
  };
}

/**
 * The permissions a call of a reusable workflow hands its nested jobs, and the errors GitHub
 * reports for what it asks beyond them. `caller`: the calling job's permissions (its own or its
 * workflow's), undefined when neither declares any.
 */
export function calledWorkflow(
  caller: Permissions | undefined,
  callee: { permissions?: unknown; jobs: Record<string, { permissions?: unknown }> },
  policy: DefaultPermissions,
  sameOwner: boolean,
): { inherited: Permissions | undefined; errors: { job?: string; requesting: string; allowed: string }[] } {
  const max = caller ?? policyMax(policy, sameOwner);
  const errors: { job?: string; requesting: string; allowed: string }[] = [];
  const root = declared(callee.permissions);
  const rootExcess = root && excess(root, max);
  if (rootExcess) errors.push(rootExcess);
  for (const [id, job] of Object.entries(callee.jobs)) {
    const own = declared(job.permissions);
    const over = own && excess(own, max);
    if (over) errors.push({ job: id, ...over });
  }
  return { inherited: root ?? caller, errors };
}

/** A nested job's token: its own permissions, else what the call hands down, else the default; a fork's reads only. */
export function jobToken(
  own: unknown,
  inherited: Permissions | undefined,
  policy: DefaultPermissions,
  fork: boolean,
): Permissions {
  const permissions = declared(own) ?? inherited ?? repositoryDefault(policy);
  return fork ? { ...narrower(permissions, allAt("read")), "id-token": "none" } : permissions;
}
