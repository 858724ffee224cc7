// The address the host answers at as Azure holds it now (the WAF's frontend when it is on, else
// the ingress load balancer's): a fixed private address, or the static public IP's, read from
// ARM (undefined until the deploy created it).
import { hostAddress } from "../config/ingress.js";
import type { Environment } from "../model/environment.js";
import type { DeployArm } from "./ports.js";

const NETWORK_API_VERSION = "2024-05-01";

export async function publishedAddress(env: Environment, arm: Pick<DeployArm, "getJson">): Promise<string | undefined> {
  const address = hostAddress(env);
  if (address.kind === "private") return address.ip;
  const id =
    `/subscriptions/${env.azure.subscriptionId}/resourceGroups/` +
    `${address.resourceGroup}/providers/Microsoft.Network/publicIPAddresses/` +
    `${address.publicIpName}`;
  try {
    const ip = ((await arm.getJson(id, NETWORK_API_VERSION)) as { properties?: { ipAddress?: unknown } } | undefined)
      ?.properties?.ipAddress;
    return typeof ip === "string" && /^\d{1,3}(\.\d{1,3}){3}$/.test(ip) ? ip : undefined;
  } catch {
    // The record line then says "the ingress load balancer's address"; the smoke check still runs.
    return undefined;
  }
}
