// ARM ids of the environment's own resources, built once from its names. The Bicep creates the
// vault under this id (bicep/modules/key-vault.bicep), main.parameters.json references it for
// the secrets ARM reads, the deploy seeds secrets through it, the preflight reads through it and
// the day-2 checks read its key under it. Its URI is the one Bicep output keyVaultUri, since the
// DNS suffix depends on the cloud.
import type { Environment } from "./environment.js";

type Located = {
  azure: Pick<Environment["azure"], "subscriptionId">;
  names: Pick<Environment["names"], "resourceGroup" | "keyVault">;
};

export function resourceGroupId(env: Located): string {
  return `/subscriptions/${env.azure.subscriptionId}/resourceGroups/${env.names.resourceGroup}`;
}

/** The region's Network Watcher the environment's VNet flow log is created under (not the environment's own). */
export function networkWatcherId(env: Pick<Environment, "azure" | "network">): string {
  const { resourceGroup, name } = env.network.networkWatcher;
  return (
    `/subscriptions/${env.azure.subscriptionId}/resourceGroups/` +
    `${resourceGroup}/providers/Microsoft.Network/networkWatchers/${name}`
  );
}

/** The VNet flow log's name under the Network Watcher. */
export function flowLogName(env: { names: Pick<Environment["names"], "vnet"> }): string {
  return `fl-${env.names.vnet}`;
}

/** The environment's VNet, the flow log's target. */
export function vnetId(env: Located & { names: Pick<Environment["names"], "vnet"> }): string {
  return `${resourceGroupId(env)}/providers/Microsoft.Network/virtualNetworks/${env.names.vnet}`;
}

/** The environment's Key Vault: its secrets, its encryption key and its role assignments live under this id. */
export function keyVaultId(env: Located): string {
  return `${resourceGroupId(env)}/providers/Microsoft.KeyVault/vaults/${env.names.keyVault}`;
}
