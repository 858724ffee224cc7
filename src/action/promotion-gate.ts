// Where the actions read the promotion gate: the latest finished GitHub deployment of the
// environment named in `promotion.after` (src/app/promotion-records.ts).
import { gitHubPromotionRecords, readPromotionGate } from "../app/promotion-records.js";
import type { PromotionGate } from "../engine/promotion.js";
import type { Environment } from "../model/environment.js";
import type { GitHubRun } from "./github.js";

export const NO_TOKEN = "no github-token to read the deployments of the environment it follows";

export function promotionRecordsOf(run: GitHubRun): ReturnType<typeof gitHubPromotionRecords> | undefined {
  return run.client && run.repo ? gitHubPromotionRecords(run.client, run.repo) : undefined;
}

export function promotionGateOf(run: GitHubRun, env: Environment, toolkit: string): Promise<PromotionGate> {
  return readPromotionGate(env, toolkit, promotionRecordsOf(run), NO_TOKEN);
}
