// What differs between the Azure clouds, in one table: the ARM endpoint and Entra authority a run
// signs in to, the audience of GitHub's federated ID tokens, and the private DNS zones the
// templates create for private endpoints and PostgreSQL's VNet integration. Nothing else names a
// cloud's host: the templates and the ARM adapter read them from here.
//
// Sources, read 2026-11-29:
// - Microsoft Learn, "Azure Private Endpoint private DNS zone values"
//   (learn.microsoft.com/azure/private-link/private-endpoint-dns),
//   its Government table, and docs.azure.cn/private-link/private-endpoint-dns for Azure operated by 21Vianet.
// - Learn, "Networking overview for Azure Database for PostgreSQL flexible server with private access":
//   the zone of a VNet-integrated server ends in `private.postgres.database.<cloud suffix>`.
// - Learn, "Workload identity federation": the token exchange audience per cloud.
import type { CloudName } from "./azure-regions.js";

/** The private DNS zones of the resources the templates deploy behind private endpoints. */
export interface PrivateDnsZones {
  /** Key Vault (groupId vault). */
  keyVault: string;
  /** Storage blobs (groupId blob). */
  blob: string;
  /** Azure OpenAI (Cognitive Services account, groupId account). */
  openai: string;
  /** Suffix of a VNet-integrated PostgreSQL flexible server's zone: `<server>.<suffix>`. */
  postgresServer: string;
}

export interface AzureCloudMetadata {
  name: CloudName;
  displayName: string;
  armEndpoint: string;
  authorityHost: string;
  /** `aud` of the GitHub ID token a federated credential of this cloud accepts. */
  federatedAudience: string;
  /** Audience of tokens for the Key Vault data plane (Learn, "Azure Key Vault developer's guide"). */
  keyVaultAudience: string;
  privateDnsZones: PrivateDnsZones;
}

export const AZURE_CLOUDS: Readonly<Record<CloudName, AzureCloudMetadata>> = {
  public: {
    name: "public",
    displayName: "Azure (public cloud)",
    armEndpoint: "https://management.azure.com",
    authorityHost: "https://login.microsoftonline.com",
    federatedAudience: "api://AzureADTokenExchange",
    keyVaultAudience: "https://vault.azure.net",
    privateDnsZones: {
      keyVault: "privatelink.vaultcore.azure.net",
      blob: "privatelink.blob.core.windows.net",
      openai: "privatelink.openai.azure.com",
      postgresServer: "private.postgres.database.azure.com",
    },
  },
  usgov: {
    name: "usgov",
    displayName: "Azure Government",
    armEndpoint: "https://management.usgovcloudapi.net",
    authorityHost: "https://login.microsoftonline.us",
    federatedAudience: "api://AzureADTokenExchangeUSGov",
    keyVaultAudience: "https://vault.usgovcloudapi.net",
    privateDnsZones: {
      keyVault: "privatelink.vaultcore.usgovcloudapi.net",
      blob: "privatelink.blob.core.usgovcloudapi.net",
      openai: "privatelink.openai.azure.us",
      postgresServer: "private.postgres.database.usgovcloudapi.net",
    },
  },
  china: {
    name: "china",
    displayName: "Azure operated by 21Vianet",
    armEndpoint: "https://management.chinacloudapi.cn",
    authorityHost: "https://login.chinacloudapi.cn",
    federatedAudience: "api://AzureADTokenExchangeChina",
    keyVaultAudience: "https://vault.azure.cn",
    privateDnsZones: {
      keyVault: "privatelink.vaultcore.azure.cn",
      blob: "privatelink.blob.core.chinacloudapi.cn",
      openai: "privatelink.openai.azure.cn",
      postgresServer: "private.postgres.database.chinacloudapi.cn",
    },
  },
};

export function cloudMetadata(cloud: CloudName): AzureCloudMetadata {
  return AZURE_CLOUDS[cloud];
}
