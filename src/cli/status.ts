// `codemie-gitops status --env NAME`: the environment's deployment, GitOps branch and Flux state
// now. Exit 0 when Flux reports the branch tip Compliant.
import { environmentStatus } from "../engine/status.js";
import { connectArm, gitopsBranch, reportFailures, type AzureFlags } from "./azure-options.js";
import type { Io } from "./io.js";
import { loadForRun } from "./run-input.js";

export interface StatusOptions extends AzureFlags {
  env: string;
  subscription?: string;
  gitopsRemote?: string;
}

export async function statusCommand(opts: StatusOptions, io: Io): Promise<number> {
  return reportFailures(io, async () => {
    const env = await loadForRun(opts.env, io, opts.subscription);
    if (!env) return 1;
    const reconciled = await environmentStatus(env, { arm: connectArm(opts, env), gitops: gitopsBranch(env, opts.gitopsRemote), log: { info: io.out, error: io.err } });
    return reconciled ? 0 : 1;
  });
}
