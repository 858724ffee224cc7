// `status`: the environment as Azure and Flux see it now: a running deployment, the GitOps
// branch tip, and the fluxConfiguration with every object's state.
import type { Environment } from "../model/environment.js";
import { isReconciled, objectLine, summaryLine, syncedCommit, type FluxView } from "./flux.js";
import { readFlux } from "./flux-wait.js";
import { deploymentPrefix } from "./names.js";
import type { DeployArm, Log, Publisher } from "./ports.js";

export interface StatusPorts {
  arm: Pick<DeployArm, "findRunningDeployment" | "getJson">;
  gitops: Pick<Publisher, "branch" | "head">;
  log: Log;
}

/** `flux` is absent when the fluxConfiguration does not exist. */
export interface EnvironmentStatus {
  reconciled: boolean;
  flux?: FluxView;
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
  log.info(running ? `ARM: deployment ${running.name} is ${running.provisioningState}` : `ARM: no deployment of ${env.name} is running`);
  const head = "head" in tip ? tip.head : undefined;
  log.info(`GitOps branch ${gitops.branch}: ${"error" in tip ? `not reachable (${tip.error})` : head ? `at ${head.slice(0, 7)}` : "does not exist"}`);
  if (!view) {
    log.error("error: the fluxConfiguration does not exist (has the infrastructure been deployed?)");
    return { reconciled: false };
  }
  log.info(summaryLine(view));
  for (const o of view.objects) log.info(`  ${objectLine(o)}`);
  const target = head ?? syncedCommit(view);
  if (target && isReconciled(view, target)) {
    log.info(`${env.name} is reconciled: Flux reports ${target.slice(0, 7)} Compliant`);
    return { reconciled: true, flux: view };
  }
  log.error(`error: ${env.name} is not reconciled${head && syncedCommit(view) !== head ? `: Flux has not synced ${head.slice(0, 7)} yet` : ""}`);
  return { reconciled: false, flux: view };
}
