// `codemie-gitops deploy --env NAME`: infrastructure, then the GitOps tree, then Flux. Exit 0
// only when the ARM deployments succeeded and Flux reports the published commit Compliant.
// `--skip-infrastructure` publishes the tree with the branch's current deploy outputs instead.
import { isAncestor, readSourceCommit } from "../adapters/git/source-commit.js";
import type { OrderMode } from "../engine/commit-order.js";
import { deployEnvironment, type DeployResult } from "../engine/deploy.js";
import { systemClock } from "../engine/ports.js";
import { connectArm, gitopsBranch, pollIntervalMs, runSignal, reportFailures, type AzureFlags } from "./azure-options.js";
import type { Io } from "./io.js";
import { renderForRun } from "./run-input.js";

export interface DeployOptions extends AzureFlags {
  env: string;
  subscription?: string;
  gitopsRemote?: string;
  timeoutMs: number;
  skipInfrastructure?: boolean;
  /** "newer-only" refuses (exit 0, nothing deployed) a commit older than the deployed one. */
  order?: OrderMode;
  onResult?: (result: DeployResult) => void;
}

export async function deployCommand(opts: DeployOptions, io: Io): Promise<number> {
  return reportFailures(io, async () => {
    const source = await readSourceCommit(io.cwd);
    if (!source) {
      io.err("error: cannot tell which commit is being deployed: run inside a git checkout (or set GITHUB_SHA)");
      return 1;
    }
    const input = await renderForRun(opts.env, io, opts.subscription);
    if (!input) return 1;
    const arm = connectArm(opts, input.env);
    const gitops = gitopsBranch(input.env, opts.gitopsRemote);
    // The limit covers Azure and Flux; rendering is local and already done.
    const run = runSignal(opts.timeoutMs, io);
    try {
      const result = await deployEnvironment(
        { env: input.env, tree: input.tree, source, skipInfrastructure: opts.skipInfrastructure, ...(opts.order ? { order: opts.order } : {}) },
        { arm, gitops, clock: systemClock, log: { info: io.out, error: io.err }, history: { isAncestor: (a, b) => isAncestor(io.cwd, a, b) } },
        { signal: run.signal, fluxIntervalMs: pollIntervalMs(process.env, 15_000) },
      );
      opts.onResult?.(result);
      return result.ok ? 0 : 1;
    } finally {
      run.dispose();
    }
  });
}
