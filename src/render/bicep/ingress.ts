// What main.bicep.hbs prints for the ingress's fixed address and its DNS record (model/ingress.ts
// decides; the template only lays the modules out).
import { hostAddress, ingressAddress, ingressDns } from "../../config/ingress.js";
import type { Environment } from "../../model/environment.js";

export interface BicepIngress {
  /** The public IP to create (public ingress), by name. */
  publicIp?: { name: string };
  /** The fixed private address (internal ingress). */
  privateIp?: string;
  /** Zone to create in the environment's resource group (mode azure, no zoneResourceGroup). */
  createZone?: { name: string; private: boolean };
  /**
   * The A record to write (mode azure); `resourceGroup` undefined: the environment's. `address`: a private record's
   * target (the WAF's private frontend when it is on, else the internal load balancer's).
   */
  record?: { zone: string; name: string; private: boolean; resourceGroup?: string; address?: string };
}

export function bicepIngress(env: Environment): BicepIngress {
  const address = ingressAddress(env);
  const dns = ingressDns(env);
  const isPrivate = dns.zoneKind === "private";
  const out: BicepIngress =
    address.kind === "public" ? { publicIp: { name: address.publicIpName } } : { privateIp: address.ip };
  if (dns.mode === "external") return out;
  if (dns.zoneResourceGroup === undefined) out.createZone = { name: dns.zone, private: isPrivate };
  const target = hostAddress(env);
  out.record = {
    zone: dns.zone,
    name: dns.record,
    private: isPrivate,
    ...(dns.zoneResourceGroup ? { resourceGroup: dns.zoneResourceGroup } : {}),
    ...(target.kind === "private" ? { address: target.ip } : {}),
  };
  return out;
}
