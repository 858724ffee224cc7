// The commit of the toolkit a run uses (its package root's checkout), recorded with a reviewed
// plan and with a deploy: a plan reviewed with one toolkit must not deploy with another unseen.
import { packageRoot } from "../templates.js";
import { git } from "./git.js";

export async function toolkitCommit(root = packageRoot()): Promise<string> {
  try {
    return (await git(["rev-parse", "HEAD"], { cwd: root, timeoutMs: 10_000 })).trim();
  } catch {
    return "unknown";
  }
}
