// Use case `plan`: what a deploy would change. Offline: capacity and the GitOps tree against the
// published branch; with `whatIf`, ARM what-if too. The face prepares the environment first
// (prepareNamed: load, render, compile) and reports its diagnostics; the plan is data it formats.
import { planEnvironment, type PlanReport } from "../engine/plan.js";
import type { Connections } from "./connections.js";
import type { Prepared } from "./prepare.js";
import { withRunSignal } from "./run-signal.js";

export interface PlanRequest {
  /** Ask ARM what the main template would change (needs Azure access). */
  whatIf: boolean;
  /** Limit for the GitOps comparison and the what-if. */
  timeoutMs: number;
}

export interface PlanPorts {
  connections: Connections;
  onInterrupt(): void;
}

export interface PlanRun {
  report: PlanReport;
  /** The what-if, if asked for, was answered. */
  ok: boolean;
}

/** A newcomer's offline plan should not hang on a repository it cannot reach. */
const PLAN_GIT_TIMEOUT_MS = 30_000;

export async function planPrepared(prepared: Prepared & { ok: true }, request: PlanRequest, ports: PlanPorts): Promise<PlanRun> {
  const { env, tree, capacity } = prepared;
  const arm = request.whatIf ? ports.connections.arm(env) : undefined;
  const gitops = ports.connections.gitops(env, PLAN_GIT_TIMEOUT_MS);
  const report = await withRunSignal(request.timeoutMs, ports.onInterrupt, (signal) => planEnvironment({ env, tree, capacity }, { gitops, ...(arm ? { arm } : {}) }, signal));
  // A plan that could not compare the GitOps branch or run what-if is no proof of anything.
  return { report, ok: report.gitops.status === "compared" && (!report.whatIf || report.whatIf.status === "succeeded") };
}
