// The deploy of a merged pull request deploys what its reviewers saw, or nothing: the plan
// comment's digest (only the token's own comment counts; anyone can paste the marker) is checked
// against a fresh what-if and render before the first write. A difference stops the deploy and is
// shown; `accept-unreviewed-changes` (a manual redeploy) lets it through, said loudly.
import { warning } from "@actions/core";
import { hiddenMarker } from "../adapters/github/comments.js";
import { mergedPullRequest, ownMarkedComments } from "../adapters/github/reviewed-plan.js";
import type { Connections } from "../app/connections.js";
import type { Prepared } from "../app/prepare.js";
import { checkReviewed } from "../app/reviewed-plan.js";
import { parseDigestMarker } from "../engine/review-digest.js";
import type { Log } from "../engine/ports.js";
import type { GitHubRun } from "./github.js";

export interface ReviewGateInput {
  prepared: Prepared & { ok: true };
  /** The commit being deployed. */
  sha: string;
  accept: boolean;
  timeoutMs: number;
  connections: Connections;
  log: Log;
}

/** True when the deploy may go on. */
export async function enforceReviewedPlan(run: GitHubRun, input: ReviewGateInput): Promise<boolean> {
  const { prepared, log } = input;
  const env = prepared.env.name;
  if (!run.client || !run.repo) {
    warning("no github-token: the reviewed plan is not checked");
    return true;
  }
  const pr = await mergedPullRequest(run.client, run.repo, input.sha);
  if (pr === undefined) {
    log.info(`${input.sha.slice(0, 7)} was not merged from a pull request: no reviewed plan to hold the deploy to`);
    return true;
  }
  const bodies = await ownMarkedComments(run.client, run.repo, pr, hiddenMarker(`plan:${env}`));
  const reviewed = bodies.map((b) => parseDigestMarker(b, env)).findLast((d) => d !== undefined);
  const check = await checkReviewed(prepared, reviewed, `pull request #${pr}`, input.timeoutMs, {
    connections: input.connections,
    onInterrupt: () => log.error("interrupted"),
  });
  if (check.status === "same") {
    log.info(`${env}: Azure, the GitOps tree and the toolkit match the plan reviewed on pull request #${pr}`);
    return true;
  }
  const lines = [
    `${env} differs from the plan reviewed on pull request #${pr}:`,
    ...check.differences.map((d) => `  ${d}`),
  ];
  if (input.accept) {
    warning(`${lines.join("\n")}\naccepted (accept-unreviewed-changes): deploying anyway`);
    for (const l of lines) log.info(l);
    return true;
  }
  log.error(`error: ${lines[0]}`);
  for (const l of lines.slice(1)) log.error(l);
  log.error(
    "Nothing was deployed. Open a pull request to review the current plan, or redeploy with accept-unreviewed-changes: true to accept the difference.",
  );
  return false;
}
