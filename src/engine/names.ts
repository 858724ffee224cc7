// Names and ARM paths a run derives from the environment and the source commit. Deployment names
// are deterministic, so a re-run of the same commit targets the same ARM deployments, and end in
// a part an environment name cannot contain ("."), so `codemie-dev.` never matches `dev-eu`'s runs.
import type { Environment } from "../model/environment.js";
import { resourceGroupId } from "../model/resource-ids.js";
import { FLUX } from "../render/gitops/contract.js";
import type { SourceCommit } from "./ports.js";

/** api-version of the fluxConfigurations the Bicep creates (bicep/modules/flux.bicep). */
export const FLUX_API_VERSION = "2025-04-01";

/** api-version of the Key Vault secrets read and written on the management plane. */
export const KEY_VAULT_API_VERSION = "2023-07-01";

export function deploymentPrefix(env: Environment): string {
  return `codemie-${env.name}.`;
}

export function deploymentNames(env: Environment, source: SourceCommit): { bootstrap: string; main: string } {
  const main = `${deploymentPrefix(env)}${source.sha.slice(0, 7)}${source.dirty ? "-dirty" : ""}`;
  return { bootstrap: `${main}.bootstrap`, main };
}

export { keyVaultId, resourceGroupId } from "../model/resource-ids.js";

export function fluxConfigurationPath(env: Environment): string {
  const cluster = `${resourceGroupId(env)}/providers/Microsoft.ContainerService/managedClusters/${env.names.aks}`;
  return `${cluster}/providers/Microsoft.KubernetesConfiguration/fluxConfigurations/${FLUX.sourceName}`;
}

/** "a1b2c3d" or "a1b2c3d (with uncommitted changes)", for messages. */
export function describeSource(source: SourceCommit): string {
  return `${source.sha.slice(0, 7)}${source.dirty ? " (with uncommitted changes)" : ""}`;
}
