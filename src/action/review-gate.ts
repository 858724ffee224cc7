// The reviewed plan a deploy of a merged pull request is held to: the digest in that pull
// request's plan comment, only the token's own (anyone can paste the marker). The deploy gates
// use case (src/app/deploy-gates.ts) checks it before the first write.
import { warning } from "@actions/core";
import { hiddenMarker } from "../adapters/github/comments.js";
import { mergedPullRequest, ownMarkedComments } from "../adapters/github/reviewed-plan.js";
import type { GateRequest } from "../app/deploy-gates.js";
import { parseDigestMarker } from "../engine/review-digest.js";
import type { Log } from "../engine/ports.js";
import type { GitHubRun } from "./github.js";

/** The review to hold the deploy of `sha` to; undefined when it is not held (no token, or a direct push). */
export async function reviewedPlanOf(
  run: GitHubRun,
  env: string,
  sha: string,
  log: Log,
): Promise<GateRequest["review"]> {
  if (!run.client || !run.repo) {
    warning("no github-token: the reviewed plan is not checked");
    return undefined;
  }
  const pr = await mergedPullRequest(run.client, run.repo, sha);
  if (pr === undefined) {
    log.info(`${sha.slice(0, 7)} was not merged from a pull request: no reviewed plan to hold the deploy to`);
    return undefined;
  }
  const bodies = await ownMarkedComments(run.client, run.repo, pr, hiddenMarker(`plan:${env}`));
  const reviewed = bodies.map((b) => parseDigestMarker(b, env)).findLast((d) => d !== undefined);
  return {
    reviewed,
    where: `on pull request #${pr}`,
    unreviewed: `pull request #${pr} carries no plan of ${env} written by this workflow's token: nothing was reviewed`,
  };
}
