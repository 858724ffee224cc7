// The commit of the toolkit a run uses (its package root's checkout), recorded with a reviewed
// plan and with a deploy: a plan reviewed with one toolkit must not deploy with another unseen.
import { packageRoot } from "../templates.js";
import { git } from "./git.js";

// Asked once per root and process: a run's toolkit does not change under it, and a deploy asks
// for it at its gates and again for its record.
const commits = new Map<string, Promise<string>>();

export function toolkitCommit(root = packageRoot()): Promise<string> {
  let commit = commits.get(root);
  if (!commit) {
    commit = git(["rev-parse", "HEAD"], { cwd: root, timeoutMs: 10_000 }).then(
      (out) => out.trim(),
      () => "unknown",
    );
    commits.set(root, commit);
  }
  return commit;
}
