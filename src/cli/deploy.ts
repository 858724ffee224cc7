// `codemie-gitops deploy --env NAME`: infrastructure, then the GitOps tree, then Flux. Exit 0
// only when the ARM deployments succeeded and Flux reports the published commit Compliant.
// `--skip-infrastructure` publishes the tree with the branch's current deploy outputs instead.
import { readSourceCommit } from "../adapters/git/source-commit.js";
import { azurePreflightReads } from "../adapters/azure/preflight-reads.js";
import { deployEnvironment } from "../engine/deploy.js";
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
        { env: input.env, tree: input.tree, source, skipInfrastructure: opts.skipInfrastructure, locate: input.locate },
        { arm, preflight: azurePreflightReads(arm), gitops, clock: systemClock, log: { info: io.out, error: io.err } },
        { signal: run.signal, fluxIntervalMs: pollIntervalMs(process.env, 15_000) },
      );
      return result.ok ? 0 : 1;
    } finally {
      run.dispose();
    }
  });
}
