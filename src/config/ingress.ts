// Where the ingress answers and how its host name finds it: the load balancer's fixed address
// and the A record of `network.ingress.host`, with the defaults the file may leave out.
//
// Internal ingress: AKS puts the internal load balancer's frontend at a fixed private address of
// the workloads subnet (annotations azure-load-balancer-ipv4 and -internal-subnet); the control
// plane identity already holds Network Contributor on that subnet.
// Public ingress: a Standard static public IP in the environment's resource group, not in the
// AKS node resource group: there AKS owns it and deletes it with the cluster, so a re-created
// cluster would get a new address and the DNS record would point at nothing. Outside the node
// group AKS needs the annotation azure-load-balancer-resource-group plus read and join rights on
// the address: the Bicep grants Network Contributor on that one public IP (azure-pip-name makes
// AKS look it up by name, so no list right on the resource group is needed).
import { formatIp, parseCidr } from "./cidr.js";
import { DEFAULTS } from "../model/defaults.js";
import { behindGateway, publicLoadBalancer, GATEWAY_SUBNET, gatewayNames, gatewayPrivateIp } from "./app-gateway.js";
import type { Environment } from "../model/environment.js";

/** The subnet the internal load balancer joins (bicep/modules/network.bicep names it). */
export const INGRESS_SUBNET = "snet-workloads";

export type IngressAddress =
  | { kind: "private"; ip: string; subnet: string }
  | { kind: "public"; publicIpName: string; resourceGroup: string };

export interface IngressDns {
  mode: "azure" | "external";
  /** The zone's kind follows the ingress: private (linked to the VNet) or public. */
  zoneKind: "private" | "public";
  zone: string;
  /** Record name relative to the zone ("@" for the apex). */
  record: string;
  /** Resource group of an existing zone; undefined: the deploy creates the zone in the environment's group. */
  zoneResourceGroup?: string;
}

/** The last address Azure lets a subnet hand out (it keeps the first four and the broadcast). */
export function lastUsableAddress(cidr: string): string | undefined {
  const c = parseCidr(cidr);
  if (typeof c === "string" || c.size < 8) return undefined;
  return formatIp(c.start + c.size - 2);
}

/** Where ingress-nginx's load balancer answers: always internal behind the WAF (config/app-gateway.ts). */
export function ingressAddress(env: Environment): IngressAddress {
  const ingress = env.network.ingress;
  if (publicLoadBalancer(env))
    return { kind: "public", publicIpName: env.names.ingressPublicIp, resourceGroup: env.names.resourceGroup };
  const ip = ingress.privateIp ?? lastUsableAddress(env.network.subnets.workloads);
  if (!ip)
    throw new Error(
      `network.subnets.workloads ${env.network.subnets.workloads} has no address for the internal load balancer`,
    );
  return { kind: "private", ip, subnet: INGRESS_SUBNET };
}

/** The address the host's DNS record points at: the WAF's frontend when it is on, else the ingress's. */
export function hostAddress(env: Environment): IngressAddress {
  if (!behindGateway(env)) return ingressAddress(env);
  if (!env.network.ingress.internal)
    return { kind: "public", publicIpName: gatewayNames(env).publicIp, resourceGroup: env.names.resourceGroup };
  return { kind: "private", ip: gatewayPrivateIp(env), subnet: GATEWAY_SUBNET };
}

/** The zone the host belongs to by default: the host without its first label. */
export function defaultZone(host: string): string {
  const dot = host.indexOf(".");
  return dot < 0 ? host : host.slice(dot + 1);
}

/** The record's name inside the zone, or undefined when the host is not inside it. */
export function recordName(host: string, zone: string): string | undefined {
  if (host === zone) return "@";
  return host.endsWith(`.${zone}`) ? host.slice(0, -(zone.length + 1)) : undefined;
}

export function ingressDns(env: Environment): IngressDns {
  const { host, internal, dns } = env.network.ingress;
  const zone = dns?.zone ?? defaultZone(host);
  const record = recordName(host, zone);
  if (record === undefined) throw new Error(`network.ingress.host ${host} is not inside DNS zone ${zone}`);
  return {
    mode: dns?.mode ?? DEFAULTS.network.ingress.dns.mode,
    zoneKind: internal ? "private" : "public",
    zone,
    record,
    ...(dns?.zoneResourceGroup ? { zoneResourceGroup: dns.zoneResourceGroup } : {}),
  };
}
