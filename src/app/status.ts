// Use case `status`: the environment's running deployment, GitOps branch and Flux state now,
// streamed to the log as the engine reads them and returned as data. The face loads the
// environment first (loadNamed) and reports its diagnostics before the status streams.
import { environmentStatus, type EnvironmentStatus } from "../engine/status.js";
import type { Log } from "../engine/ports.js";
import type { Environment } from "../model/environment.js";
import type { Connections } from "./connections.js";

export interface StatusPorts {
  connections: Connections;
  log: Log;
}

export function statusOf(env: Environment, ports: StatusPorts): Promise<EnvironmentStatus> {
  const gitops = ports.connections.gitops(env);
  return environmentStatus(env, {
    arm: ports.connections.arm(env),
    gitops,
    log: ports.log,
    ...(ports.connections.site ? { site: ports.connections.site(env) } : {}),
  }).finally(() => gitops.close?.());
}
