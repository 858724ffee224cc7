// `codemie-gitops status --env NAME`: the environment's deployment, GitOps branch and Flux state
// now. Exit 0 when Flux reports the branch tip Compliant.
import { azureConnections, type AzureFlags } from "../app/connections.js";
import { workspaceFiles } from "../app/environment-files.js";
import { loadNamed } from "../app/prepare.js";
import { statusOf } from "../app/status.js";
import { formatDiagnostic } from "../config/diagnostics.js";
import { reportFailures } from "./failures.js";
import type { Io } from "./io.js";

export interface StatusOptions extends AzureFlags {
  env: string;
  subscription?: string;
  gitopsRemote?: string;
}

export async function statusCommand(opts: StatusOptions, io: Io): Promise<number> {
  return reportFailures(io, async () => {
    const { env, diagnostics } = await loadNamed(
      { name: opts.env, ...(opts.subscription ? { subscription: opts.subscription } : {}) },
      workspaceFiles(io.cwd),
    );
    for (const d of diagnostics) io.err(formatDiagnostic(d));
    if (!env) return 1;
    const status = await statusOf(env, {
      connections: azureConnections(opts, opts.gitopsRemote),
      log: { info: io.out, error: io.err },
    });
    return status.reconciled && status.site?.smoke !== "failed" ? 0 : 1;
  });
}
