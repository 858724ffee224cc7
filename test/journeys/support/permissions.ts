// How GitHub decides a job's GITHUB_TOKEN permissions (actions/runner's workflow parser,
// WorkflowTemplateConverter.cs and PermissionsHelper.cs; docs "Controlling permissions for
// GITHUB_TOKEN"): a job without `permissions:` takes its workflow's; with neither, the
// repository's default. A reusable workflow can only narrow what its caller job allows: the
// workflow loader's rule (test/action/workflow-loader.ts) checks its root and each nested job against the
// caller's grant, and a call asking more makes the whole run invalid before any job starts. A
// fork's pull request gets a read-only token whatever is declared, and no OIDC token.
import { narrower } from "../../github-fake/permissions.js";
import {
  allAt,
  grantOf,
  permissionErrors,
  repositoryDefault,
  undeclaredCallerMax,
  type DefaultPolicy,
  type Grant,
} from "../../action/workflow-loader.js";

export type DefaultPermissions = DefaultPolicy;

/**
 * The permissions a call of a reusable workflow hands its nested jobs, and GitHub's errors for what it asks beyond
 * them. `caller`: the calling job's permissions (its own or its workflow's), undefined when neither declares any.
 */
export function calledWorkflow(
  caller: Grant | undefined,
  callee: { permissions?: unknown; jobs: Record<string, { permissions?: unknown }> },
  policy: DefaultPermissions,
  sameOwner: boolean,
): { inherited: Grant | undefined; errors: string[] } {
  const errors = permissionErrors(callee, caller ?? undeclaredCallerMax(policy, sameOwner));
  return { inherited: grantOf(callee.permissions) ?? caller, errors };
}

/** A nested job's token: its own permissions, else what the call hands down, else the default; a fork's reads only. */
export function jobToken(own: unknown, inherited: Grant | undefined, policy: DefaultPermissions, fork: boolean): Grant {
  const permissions = grantOf(own) ?? inherited ?? repositoryDefault(policy);
  return fork ? { ...narrower(permissions, allAt("read")), "id-token": "none" } : permissions;
}
