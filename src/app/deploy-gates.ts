// Use case: what holds a deploy back before its first write, the same from the CLI and the
// action. The promotion gate (the release must run Compliant in the environment this one
// follows) and, when the deploy is held to a reviewed plan, that plan (reviewed-plan.ts): a
// difference stops the deploy unless the operator accepts it, and what was accepted is said.
import { toolkitCommit } from "../adapters/git/toolkit-commit.js";
import type { Log } from "../engine/ports.js";
import { gateLine, type PromotionGate } from "../engine/promotion.js";
import type { ReviewDigest } from "../engine/review-digest.js";
import type { Connections } from "./connections.js";
import type { DeployStart } from "./deploy.js";
import { readPromotionGate, type PromotionRecords } from "./promotion-records.js";
import { checkReviewed } from "./reviewed-plan.js";

/** The one name of the explicit accept, in the CLI (`--accept-unreviewed-changes`) and the action (an input). */
export const ACCEPT = "accept-unreviewed-changes";

export interface GateRequest {
  /** Hold the deploy to this reviewed plan; absent: not held (a direct push, a CLI deploy without --reviewed-plan). */
  review?: {
    reviewed: ReviewDigest | undefined;
    /** Why nothing counts as reviewed, when `reviewed` is undefined. */
    unreviewed?: string;
    /** How the plan was reviewed, after "the plan reviewed": "on pull request #42", "as --reviewed-plan rp2.…". */
    where: string;
  };
  /** Deploy despite a difference from the reviewed plan, printing it. */
  accept: boolean;
  /** How this face accepts a difference, for the message that stops a deploy. */
  acceptHint: string;
  skipInfrastructure: boolean;
  timeoutMs: number;
}

export interface GatePorts {
  connections: Connections;
  log: Log;
  onInterrupt(): void;
  /** Where the release of the environment this one follows is read; undefined: nowhere (the gate closes). */
  promotionRecords?: PromotionRecords;
  /** Why there is nowhere to read it, when promotionRecords is undefined. */
  promotionUnavailable?: string;
}

export interface GateOutcome {
  ok: boolean;
  promotion: PromotionGate;
  /** The differences from the reviewed plan deployed anyway (accepted). */
  accepted: string[];
  /** The toolkit commit the gates were checked against (and the deploy records). */
  toolkit: string;
}

export async function checkDeployGates(
  start: DeployStart & { ok: true },
  request: GateRequest,
  ports: GatePorts,
): Promise<GateOutcome> {
  const { env } = start;
  const { log } = ports;
  const toolkit = await toolkitCommit();
  // The cheap gate first: a closed one needs no what-if.
  const promotion = await readPromotionGate(
    env,
    toolkit,
    ports.promotionRecords,
    ports.promotionUnavailable ?? "nowhere to read what it runs",
  );
  if (promotion.status !== "none") log.info(gateLine(promotion, env.name));
  if (promotion.status === "closed") {
    log.error(
      `error: ${env.name} follows ${promotion.after}: ${promotion.reason}. ` +
        `Deploy the release to ${promotion.after} first (codemie-gitops promote ` +
        `--from ${promotion.after} --to ${env.name} prepares the change).`,
    );
    return { ok: false, promotion, accepted: [], toolkit };
  }
  const review = request.review;
  if (!review) return { ok: true, promotion, accepted: [], toolkit };
  const check = await checkReviewed(
    start.prepared,
    {
      reviewed: review.reviewed,
      ...(review.unreviewed ? { unreviewed: review.unreviewed } : {}),
      skipInfrastructure: request.skipInfrastructure,
      timeoutMs: request.timeoutMs,
    },
    { connections: ports.connections, onInterrupt: ports.onInterrupt },
  );
  if (check.status === "same") {
    log.info(
      `${env.name}: ` +
        `${request.skipInfrastructure ? "(infrastructure skipped) " : "Azure, "}` +
        `the GitOps tree, the Kubernetes objects and the toolkit match the plan ` +
        `reviewed ${review.where}`,
    );
    return { ok: true, promotion, accepted: [], toolkit };
  }
  const headline = `${env.name} differs from the plan reviewed ${review.where}:`;
  const details = check.differences.map((d) => `  ${d}`);
  if (request.accept) {
    log.error(`warning: ${headline}`);
    for (const line of details) log.error(line);
    log.error(`accepted (${ACCEPT}): deploying anyway`);
    return { ok: true, promotion, accepted: check.differences, toolkit };
  }
  log.error(`error: ${headline}`);
  for (const line of details) log.error(line);
  log.error(
    `Nothing was deployed. Open a pull request to review the current plan, ` +
      `or ${request.acceptHint} to accept the difference.`,
  );
  return { ok: false, promotion, accepted: [], toolkit };
}
