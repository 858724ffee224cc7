// Which Azure cloud a run talks to: the ARM endpoint, the Entra authority, the token scope for ARM
// and the audience GitHub ID tokens must carry for that cloud's federated credentials, from the
// catalogue's table of clouds (src/catalogue/azure-clouds.ts) unless the run names its own endpoints.
import { AZURE_CLOUDS } from "../../catalogue/azure-clouds.js";
import type { CloudName } from "../../catalogue/azure-regions.js";

export type { CloudName };

export interface AzureCloud {
  armEndpoint: string;
  authorityHost: string;
  /** `${audience}/.default`: arm-resources 6.1.0 would otherwise ask for `${endpoint}/.default`. */
  armScope: string;
  federatedAudience: string;
  /** `${audience}/.default` of the Key Vault data plane (the preflight reads the ingress certificate there). */
  keyVaultScope: string;
  /** MSAL's instance discovery only knows Microsoft's hosts, and would call out to the internet for others. */
  disableInstanceDiscovery: boolean;
}

export interface CloudSelection {
  cloud?: CloudName;
  armEndpoint?: string;
  authorityHost?: string;
  /** For ARM deployments whose token audience differs from their endpoint (Azure Stack Hub). */
  armAudience?: string;
}

function httpsUrl(value: string, what: string): string {
  const url = new URL(value);
  if (url.protocol !== "https:") throw new Error(`${what} must be an https URL, got ${value}`);
  return url.href.replace(/\/+$/, "");
}

/**
 * Explicit endpoints win over AZURE_RESOURCE_MANAGER_ENDPOINT / AZURE_AUTHORITY_HOST, which win over the named cloud.
 */
export function resolveCloud(selection: CloudSelection = {}, env: NodeJS.ProcessEnv = process.env): AzureCloud {
  const base = AZURE_CLOUDS[selection.cloud ?? "public"];
  const armEndpoint = httpsUrl(
    selection.armEndpoint ?? env.AZURE_RESOURCE_MANAGER_ENDPOINT ?? base.armEndpoint,
    "The ARM endpoint",
  );
  const authorityHost = httpsUrl(
    selection.authorityHost ?? env.AZURE_AUTHORITY_HOST ?? base.authorityHost,
    "The authority host",
  );
  const armAudience = selection.armAudience === undefined ? armEndpoint : selection.armAudience.replace(/\/+$/, "");
  return {
    armEndpoint,
    authorityHost,
    armScope: `${armAudience}/.default`,
    federatedAudience: base.federatedAudience,
    keyVaultScope: `${base.keyVaultAudience}/.default`,
    disableInstanceDiscovery: !Object.values(AZURE_CLOUDS).some((cloud) => cloud.authorityHost === authorityHost),
  };
}
