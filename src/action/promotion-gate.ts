// The promotion gate as the actions read it: the latest finished GitHub deployment of the
// environment named in `promotion.after`, against this run's CodeMie version and toolkit commit.
import { latestFinishedDeployment } from "../adapters/github/deployments.js";
import { promotionGate, type PromotionGate } from "../engine/promotion.js";
import type { Environment } from "../model/environment.js";
import type { GitHubRun } from "./github.js";

export async function readPromotionGate(run: GitHubRun, env: Environment, toolkit: string): Promise<PromotionGate> {
  const after = env.promotion?.after;
  if (!after) return { status: "none" };
  if (!run.client || !run.repo)
    return { status: "closed", after, reason: "no github-token to read the deployments of the environment it follows" };
  const latest = await latestFinishedDeployment(run.client, run.repo, after);
  const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
  return promotionGate(
    env,
    toolkit,
    latest && {
      environment: after,
      sha: latest.sha,
      state: latest.state,
      ...(text(latest.payload.codemieVersion) ? { codemieVersion: text(latest.payload.codemieVersion) } : {}),
      ...(text(latest.payload.toolkit) ? { toolkit: text(latest.payload.toolkit) } : {}),
    },
  );
}
