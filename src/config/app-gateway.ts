// The Application Gateway WAF in front of the ingress (network.ingress.waf): its names, its
// subnet, and the address the host's DNS record points at when it is on.
//
// Application Gateway v2 always has a public frontend IP configuration: a private-only gateway
// needs Azure's network isolation feature, which this toolkit does not assume. So the gateway
// always gets a public IP; with `internal: true` no listener is bound to it (it answers nothing,
// and its subnet's NSG admits web traffic from the VNet only) and the listeners sit on a fixed
// private address of the gateway's subnet. ingress-nginx behind it is always internal: the
// gateway reaches it over TLS at its internal load balancer's address.
import type { Environment } from "../model/environment.js";
import { wafOf } from "../model/resolve.js";
import { formatIp, parseCidr } from "./cidr.js";

/** The gateway subnet's name in the VNet (bicep/modules/network.bicep). */
export const GATEWAY_SUBNET = "snet-app-gateway";

export interface GatewayNames {
  gateway: string;
  policy: string;
  publicIp: string;
  /** The user-assigned identity that reads the listener's certificate from Key Vault. */
  identity: string;
}

export function gatewayNames(env: Pick<Environment, "name" | "azure">): GatewayNames {
  const base = `${env.azure.namePrefix}-${env.name}`;
  return { gateway: `agw-${base}`, policy: `waf-${base}`, publicIp: `pip-${base}-agw`, identity: `id-${base}-agw` };
}

/** Whether the WAF fronts the ingress. */
export const behindGateway = (env: Pick<Environment, "network">): boolean => wafOf(env).enabled;

/** Whether ingress-nginx's load balancer is public: behind the WAF it is internal, whatever `internal` says. */
export const publicLoadBalancer = (env: Pick<Environment, "network">): boolean =>
  !env.network.ingress.internal && !behindGateway(env);

/** The gateway's private frontend: the last address Azure lets its subnet hand out. */
export function gatewayPrivateIp(env: Environment): string {
  const subnet = env.network.subnets.appGateway;
  const c = subnet === undefined ? "missing" : parseCidr(subnet);
  if (typeof c === "string" || c.size < 8)
    throw new Error(`network.subnets.appGateway ${subnet ?? "(missing)"} has no address for the gateway's frontend`);
  // Azure keeps the first four addresses and the broadcast.
  return formatIp(c.start + c.size - 2);
}
