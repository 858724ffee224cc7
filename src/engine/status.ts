// `status`: the environment as Azure and Flux see it now: a running deployment, the GitOps
// branch tip, and the fluxConfiguration with every object's state.
import type { Environment } from "../model/environment.js";
import { isReconciled, objectLine, summaryLine, syncedCommit, type FluxView } from "./flux.js";
import { readFlux } from "./flux-wait.js";
import { deploymentPrefix } from "./names.js";
import type { DeployArm, Log, Publisher, SitePorts } from "./ports.js";
import { checkSite, type SiteReport } from "./site.js";
import { publishedAddress } from "./site-address.js";

export interface StatusPorts {
  arm: Pick<DeployArm, "findRunningDeployment" | "getJson">;
  gitops: Pick<Publisher, "branch" | "head">;
  log: Log;
  /** The public site, for the smoke check once Flux reports Compliant. */
  site?: SitePorts;
}

/** `flux` is absent when the fluxConfiguration does not exist. */
export interface EnvironmentStatus {
  reconciled: boolean;
  flux?: FluxView;
  /** The smoke check, run when Flux reports Compliant and a site port is given. */
  site?: SiteReport;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Reconciled when Flux reports Compliant at the branch tip (or at whatever it synced, if the branch cannot be read).
 */
export async function environmentStatus(env: Environment, ports: StatusPorts): Promise<EnvironmentStatus> {
  const { arm, gitops, log } = ports;
  log.info(`Status of ${env.name}: subscription ${env.azure.subscriptionId}, cluster ${env.names.aks}`);
  const [running, tip, view] = await Promise.all([
    arm.findRunningDeployment(deploymentPrefix(env)),
    gitops.head().then(
      (head) => ({ head }),
      (error: unknown) => ({ error: messageOf(error) }),
    ),
    readFlux(arm, env),
  ]);
  log.info(
    running
      ? `ARM: deployment ${running.name} is ${running.provisioningState}`
      : `ARM: no deployment of ${env.name} is running`,
  );
  const head = "head" in tip ? tip.head : undefined;
  log.info(
    `GitOps branch ${gitops.branch}: ` +
      `${"error" in tip ? `not reachable (${tip.error})` : head ? `at ${head.slice(0, 7)}` : "does not exist"}`,
  );
  if (!view) {
    log.error("error: the fluxConfiguration does not exist (has the infrastructure been deployed?)");
    return { reconciled: false };
  }
  log.info(summaryLine(view));
  for (const o of view.objects) log.info(`  ${objectLine(o)}`);
  const target = head ?? syncedCommit(view);
  if (target && isReconciled(view, target)) {
    log.info(`${env.name} is reconciled: Flux reports ${target.slice(0, 7)} Compliant`);
    if (!ports.site) return { reconciled: true, flux: view };
    const site = await checkSite(env, await publishedAddress(env, arm), ports.site, log);
    return { reconciled: true, flux: view, site };
  }
  log.error(
    `error: ${env.name} is not reconciled` +
      `${head && syncedCommit(view) !== head ? `: Flux has not synced ${head.slice(0, 7)} yet` : ""}`,
  );
  return { reconciled: false, flux: view };
}
