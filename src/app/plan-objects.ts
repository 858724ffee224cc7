// The plan's Kubernetes section: when the GitOps branch was compared and files would change, the
// objects the charts render for the published branch and for the change, compared
// (kubernetes-diff.ts). An offline plan reads no branch, so it has nothing to compare and says
// so; a branch already holding the rendered tree renders the same objects, so nothing is templated;
// a branch that does not exist yet would list every object as new, so that is skipped too.
import { packageRoot } from "../adapters/templates.js";
import type { GitopsComparison } from "../engine/plan.js";
import type { GitopsBranchPort, Previewer, PublishedTree } from "../engine/ports.js";
import type { KubernetesDiff } from "../kubernetes/object-diff.js";
import type { Environment } from "../model/environment.js";
import type { RenderedTree } from "../render/tree.js";
import { diffKubernetes } from "./kubernetes-diff.js";

/** The branch's previewer, asking for the published files in the same fetch, and what it read. */
export function publishedReader(branch: Previewer & Pick<GitopsBranchPort, "readAtTip">): {
  previewer: Previewer & Pick<GitopsBranchPort, "readAtTip">;
  tree(): PublishedTree | undefined;
} {
  let published: PublishedTree | undefined;
  const previewer: Previewer & Pick<GitopsBranchPort, "readAtTip"> = {
    branch: branch.branch,
    readAtTip: (path) => branch.readAtTip(path),
    preview: async (files, preserve) => {
      const changes = await branch.preview(files, preserve, { published: true });
      published = changes.published;
      return changes;
    },
  };
  return { previewer, tree: () => published };
}

export async function objectDiff(
  env: Environment,
  tree: RenderedTree,
  gitops: GitopsComparison,
  published: PublishedTree | undefined,
): Promise<KubernetesDiff> {
  if (gitops.status === "skipped")
    return {
      status: "skipped",
      reason: "offline plan: the published branch is not read, so there is nothing to render against",
    };
  if (gitops.status === "unavailable") return { status: "skipped", reason: "the GitOps branch could not be read" };
  if (gitops.files.length === 0)
    return {
      status: "skipped",
      reason: "the branch already holds the rendered tree, so the charts render the same objects",
    };
  // A first deploy adds every object of every release: listing them all would bury the plan, and
  // `render --kubernetes DIR` writes them for inspection.
  if (!gitops.base)
    return {
      status: "skipped",
      reason: "the branch does not exist yet, so every object is new; render --kubernetes DIR writes them all",
    };
  if (!published) return { status: "unavailable", reason: "the branch's files were not read" };
  return diffKubernetes(env, tree, published, { repoRoot: packageRoot() });
}
