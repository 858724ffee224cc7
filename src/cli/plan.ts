// `codemie-gitops plan --env NAME [--azure] [--json | --markdown]`: what a deploy would change.
// Offline by default (capacity and the GitOps tree against the published branch); --azure adds
// ARM what-if. Exit 1 when the environment does not render or the what-if could not be had.
import { azurePreflightReads } from "../adapters/azure/preflight-reads.js";
import { hasErrors } from "../config/diagnostics.js";
import { planMarkdown, planText } from "../engine/plan-format.js";
import { planEnvironment } from "../engine/plan.js";
import { connectArm, gitopsBranch, runSignal, reportFailures, type AzureFlags } from "./azure-options.js";
import type { Io } from "./io.js";
import { renderForRun } from "./run-input.js";

export interface PlanOptions extends AzureFlags {
  env: string;
  azure: boolean;
  output: "text" | "json" | "markdown";
  subscription?: string;
  gitopsRemote?: string;
  timeoutMs: number;
}

/** A newcomer's offline plan should not hang on a repository it cannot reach. */
const PLAN_GIT_TIMEOUT_MS = 30_000;

export async function planCommand(opts: PlanOptions, io: Io): Promise<number> {
  return reportFailures(io, async () => {
    const input = await renderForRun(opts.env, io, opts.subscription);
    if (!input) return 1;
    const arm = opts.azure ? connectArm(opts, input.env) : undefined;
    const gitops = gitopsBranch(input.env, opts.gitopsRemote, process.env, PLAN_GIT_TIMEOUT_MS);
    const run = runSignal(opts.timeoutMs, io);
    try {
      const report = await planEnvironment(
        { env: input.env, tree: input.tree, capacity: input.capacity, locate: input.locate },
        { gitops, ...(arm ? { arm, preflight: azurePreflightReads(arm) } : {}) },
        run.signal,
      );
      io.out(opts.output === "json" ? JSON.stringify(report, null, 2) : opts.output === "markdown" ? planMarkdown(report) : planText(report));
      const refused = report.preflight && (report.preflight.status === "error" || hasErrors(report.preflight.diagnostics));
      return (report.whatIf && report.whatIf.status !== "succeeded") || refused ? 1 : 0;
    } finally {
      run.dispose();
    }
  });
}
