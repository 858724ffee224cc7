// The commit a run deploys from: it names the ARM deployments and the GitOps commit. Read-only:
// optional locks are off so not even git's index refresh writes to the user's repository.
import type { SourceCommit } from "../../engine/ports.js";
import { git } from "./git.js";

/** HEAD of the repository around `cwd`; outside a repository, GITHUB_SHA; otherwise undefined. */
export async function readSourceCommit(
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SourceCommit | undefined> {
  const options = { cwd, env: { GIT_OPTIONAL_LOCKS: "0" } };
  // One git process for both: the branch header names HEAD's commit ("(initial)" before the
  // first), every other line is a change; outside a repository git fails.
  const status = await git(["status", "--porcelain=v2", "--branch", "--untracked-files=normal"], options).catch(
    () => undefined,
  );
  const lines = status?.split("\n").filter((line) => line !== "") ?? [];
  const sha = lines.map((line) => /^# branch\.oid ([0-9a-f]{40,64})$/.exec(line)?.[1]).find((oid) => oid);
  if (sha) return { sha, dirty: lines.some((line) => !line.startsWith("# ")) };
  const fromActions = env.GITHUB_SHA;
  return fromActions && /^[0-9a-f]{40}$/.test(fromActions) ? { sha: fromActions, dirty: false } : undefined;
}

/**
 * Whether `ancestor` is an ancestor of `descendant` (or the same commit) in the repository around
 * `cwd`; undefined when git cannot tell (a commit it does not have, as in a shallow checkout).
 */
export async function isAncestor(cwd: string, ancestor: string, descendant: string): Promise<boolean | undefined> {
  const options = { cwd, env: { GIT_OPTIONAL_LOCKS: "0" } };
  const known = (sha: string): Promise<boolean> =>
    git(["cat-file", "-e", `${sha}^{commit}`], options).then(
      () => true,
      () => false,
    );
  if (!(await known(ancestor)) || !(await known(descendant))) return undefined;
  // A shallow history may lack the path between the two: unknown rather than a wrong "no".
  const shallow = (await git(["rev-parse", "--is-shallow-repository"], options)).trim() === "true";
  const yes = await git(["merge-base", "--is-ancestor", ancestor, descendant], options).then(
    () => true,
    () => false,
  );
  return yes ? true : shallow ? undefined : false;
}
