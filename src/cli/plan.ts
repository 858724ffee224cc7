// `codemie-gitops plan --env NAME [--azure] [--json | --markdown]`: what a deploy would change.
// Offline by default (capacity and the GitOps tree against the published branch); --azure adds
// ARM what-if. Exit 1 when the environment does not render, the branch could not be compared or
// the what-if could not be had.
import { azureConnections, type AzureFlags } from "../app/connections.js";
import { baseFromGit } from "../app/cost.js";
import { workspaceFiles } from "../app/environment-files.js";
import { planPrepared } from "../app/plan.js";
import { prepareNamed } from "../app/prepare.js";
import { INTERRUPTED } from "../app/run-signal.js";
import { packageToolchain } from "../app/toolchain.js";
import { planMarkdown, planText } from "../engine/plan-format.js";
import { reportFailures } from "./failures.js";
import type { Io } from "./io.js";
import { printPrepared } from "./prepared.js";

export interface PlanOptions extends AzureFlags {
  env: string;
  azure: boolean;
  /** Read no GitOps branch: nothing to compare, so nothing fails for it. */
  offline: boolean;
  output: "text" | "json" | "markdown";
  subscription?: string;
  gitopsRemote?: string;
  timeoutMs: number;
  /** Price the change against the file on this branch, tag or commit. */
  base?: string;
}

export async function planCommand(opts: PlanOptions, io: Io): Promise<number> {
  return reportFailures(io, async () => {
    const prepared = await prepareNamed(
      { name: opts.env, ...(opts.subscription ? { subscription: opts.subscription } : {}) },
      { files: workspaceFiles(io.cwd), toolchain: packageToolchain },
    );
    printPrepared(prepared, io);
    if (!prepared.ok) return 1;
    const costBase = opts.base === undefined ? undefined : await baseFromGit(io.cwd, opts.base, prepared.file);
    const { report, ok } = await planPrepared(
      prepared,
      { whatIf: opts.azure, offline: opts.offline, timeoutMs: opts.timeoutMs, ...(costBase ? { costBase } : {}) },
      { connections: azureConnections(opts, opts.gitopsRemote), onInterrupt: () => io.err(INTERRUPTED) },
    );
    io.out(
      opts.output === "json"
        ? JSON.stringify(report, null, 2)
        : opts.output === "markdown"
          ? planMarkdown(report)
          : planText(report),
    );
    return ok ? 0 : 1;
  });
}
