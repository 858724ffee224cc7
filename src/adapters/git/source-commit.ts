// The commit a run deploys from: it names the ARM deployments and the GitOps commit. Read-only:
// optional locks are off so not even git's index refresh writes to the user's repository.
import type { SourceCommit } from "../../engine/ports.js";
import { git } from "./git.js";

/** HEAD of the repository around `cwd`; outside a repository, GITHUB_SHA; otherwise undefined. */
export async function readSourceCommit(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<SourceCommit | undefined> {
  const options = { cwd, env: { GIT_OPTIONAL_LOCKS: "0" } };
  const sha = await git(["rev-parse", "--verify", "-q", "HEAD"], options).then((out) => out.trim(), () => undefined);
  if (sha) {
    const status = await git(["status", "--porcelain", "--untracked-files=normal"], options);
    return { sha, dirty: status.trim() !== "" };
  }
  const fromActions = env.GITHUB_SHA;
  return fromActions && /^[0-9a-f]{40}$/.test(fromActions) ? { sha: fromActions, dirty: false } : undefined;
}
