// `codemie-gitops deploy --env NAME`: infrastructure, then the GitOps tree, then Flux. Exit 0
// only when the ARM deployments succeeded and Flux reports the published commit Compliant.
// `--skip-infrastructure` publishes the tree with the branch's current deploy outputs instead.
import { isAncestor, readSourceCommit } from "../adapters/git/source-commit.js";
import { azureConnections, pollIntervalMs, type AzureFlags } from "../app/connections.js";
import { NO_SOURCE, prepareDeploy, runDeploy, type DeployPorts, type DeployRequest } from "../app/deploy.js";
import { workspaceFiles } from "../app/environment-files.js";
import { INTERRUPTED } from "../app/run-signal.js";
import { packageToolchain } from "../app/toolchain.js";
import { systemClock } from "../engine/ports.js";
import { reportFailures } from "./failures.js";
import type { Io } from "./io.js";
import { printPrepared } from "./prepared.js";

export interface DeployOptions extends AzureFlags {
  env: string;
  subscription?: string;
  gitopsRemote?: string;
  timeoutMs: number;
  /** Limit for the Flux wait alone (--flux-timeout). */
  fluxTimeoutMs?: number;
  skipInfrastructure?: boolean;
}

export async function deployCommand(opts: DeployOptions, io: Io): Promise<number> {
  return reportFailures(io, async () => {
    const request: DeployRequest = {
      name: opts.env,
      ...(opts.subscription ? { subscription: opts.subscription } : {}),
      skipInfrastructure: opts.skipInfrastructure === true,
      timeoutMs: opts.timeoutMs,
      ...(opts.fluxTimeoutMs ? { fluxTimeoutMs: opts.fluxTimeoutMs } : {}),
      fluxIntervalMs: pollIntervalMs(process.env, 15_000),
    };
    const ports: DeployPorts = {
      files: workspaceFiles(io.cwd),
      toolchain: packageToolchain,
      readSource: () => readSourceCommit(io.cwd),
      history: { isAncestor: (a, b) => isAncestor(io.cwd, a, b) },
      connections: azureConnections(opts, opts.gitopsRemote),
      clock: systemClock,
      log: { info: io.out, error: io.err },
      onInterrupt: () => io.err(INTERRUPTED),
    };
    const start = await prepareDeploy(request, ports);
    if (!start.source) {
      io.err(`error: ${NO_SOURCE}`);
      return 1;
    }
    printPrepared(start.prepared, io);
    if (!start.ok) return 1;
    const { result } = await runDeploy(start, request, ports);
    return result.ok ? 0 : 1;
  });
}
