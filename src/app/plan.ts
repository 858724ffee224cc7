// Use case `plan`: what a deploy would change. Offline: capacity and the GitOps tree against the
// published branch; with `whatIf`, ARM what-if too. The face prepares the environment first
// (prepareNamed: load, render, compile) and reports its diagnostics; the plan is data it formats.
import { azurePreflightReads } from "../adapters/azure/preflight-reads.js";
import { hasErrors } from "../config/diagnostics.js";
import { planEnvironment, type PlanReport } from "../engine/plan.js";
import { toolkitCommit } from "../adapters/git/toolkit-commit.js";
import { reviewDigest } from "../engine/review-digest.js";
import { packageRoot } from "../adapters/templates.js";
import { objectsHash } from "./objects-digest.js";
import type { Connections } from "./connections.js";
import { objectDiff, publishedReader } from "./plan-objects.js";
import { costOf, type CostBase } from "./cost.js";
import type { Prepared } from "./prepare.js";
import { withRunSignal } from "./run-signal.js";

export interface PlanRequest {
  /** Ask ARM what the main template would change (needs Azure access). */
  whatIf: boolean;
  /**
   * Read no GitOps branch (a newcomer's first plan, or a machine without access): the comparison is skipped, not
   * failed.
   */
  offline?: boolean;
  /** Limit for the GitOps comparison and the what-if. */
  timeoutMs: number;
  /** The environment file on the base branch, to price the change against. */
  costBase?: CostBase;
}

export interface PlanPorts {
  connections: Connections;
  onInterrupt(): void;
}

export interface PlanRun {
  report: PlanReport;
  /** The branch was compared, the what-if (if asked for) answered, and no day-2 change refused. */
  ok: boolean;
}

/** A newcomer's offline plan should not hang on a repository it cannot reach. */
const PLAN_GIT_TIMEOUT_MS = 30_000;

export async function planPrepared(
  prepared: Prepared & { ok: true },
  request: PlanRequest,
  ports: PlanPorts,
): Promise<PlanRun> {
  const { env, tree, capacity } = prepared;
  const arm = request.whatIf ? ports.connections.arm(env) : undefined;
  const branch = request.offline ? undefined : ports.connections.gitops(env, PLAN_GIT_TIMEOUT_MS);
  const published = branch && publishedReader(branch);
  const gitops = published?.previewer;
  const [planned, objects] = await Promise.all([
    withRunSignal(request.timeoutMs, ports.onInterrupt, (signal) =>
      planEnvironment(
        { env, tree, capacity, locate: prepared.locate },
        { ...(gitops ? { gitops } : {}), ...(arm ? { arm, preflight: azurePreflightReads(arm) } : {}) },
        signal,
        // The branch keeps a scratch repository between its operations until then.
      ).finally(() => branch?.close?.()),
    ),
    // An offline plan reads neither Azure nor the branch: nothing in it is worth holding a deploy to,
    // so it records no digest and skips the objects' kustomize build.
    request.offline ? undefined : objectsHash(env, tree, packageRoot()),
  ]);
  const report: PlanReport = { ...planned, cost: costOf(env, capacity, request.costBase) };
  if (objects?.status === "error") report.reviewObjectsError = objects.message;
  report.kubernetes = await objectDiff(env, tree, report.gitops, published?.tree());
  if (objects)
    report.review = reviewDigest(
      env,
      prepared.tree,
      await toolkitCommit(),
      objects.status === "hashed" ? objects.hash : undefined,
      report.whatIf?.status === "succeeded" ? report.whatIf.summary : undefined,
    );
  // A plan that could not compare the GitOps branch or run what-if is no proof of anything; one
  // whose preflight finds what Azure would refuse shows a deploy that would not start, and a
  // day-2 refusal (a change Azure would reject on the existing resources) fails it.
  const preflight = report.preflight;
  const refused =
    (preflight !== undefined && (preflight.status === "error" || hasErrors(preflight.diagnostics))) ||
    ((report.day2?.status === "checked" || report.day2?.status === "published") && report.day2.refusals.length > 0);
  return {
    report,
    ok: report.gitops.status !== "unavailable" && (!report.whatIf || report.whatIf.status === "succeeded") && !refused,
  };
}
