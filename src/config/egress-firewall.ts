// Where the node subnets' default route points when egress goes through a firewall. A managed
// Azure Firewall takes the first address Azure hands out in AzureFirewallSubnet (the range's .4:
// Azure keeps the first four); the route names it by that address because the VNet, which holds
// both the firewall's subnet and the routed node subnets, must exist before the firewall does.
import { formatIp, parseCidr } from "./cidr.js";
import type { Environment } from "../model/environment.js";

/** Azure Firewall's own minimum for AzureFirewallSubnet. */
export const FIREWALL_SUBNET_MAX_PREFIX = 26;

/** Azure keeps a subnet's first four addresses; the firewall gets the next one. */
const FIRST_USABLE_OFFSET = 4;

/** The firewall address the default route sends egress to; "" when egress is direct (or unresolvable). */
export function egressNextHop(env: Environment): string {
  const fw = env.network.egressFirewall;
  if (fw.mode === "hub") return fw.ip;
  if (fw.mode === "none" || env.network.subnets.firewall === undefined) return "";
  const subnet = parseCidr(env.network.subnets.firewall);
  return typeof subnet === "string" ? "" : formatIp(subnet.start + FIRST_USABLE_OFFSET);
}

/** AKS's outbound type for the environment's egress. */
export function outboundType(env: Environment): "userDefinedRouting" | "userAssignedNATGateway" {
  return env.network.egressFirewall.mode === "none" ? "userAssignedNATGateway" : "userDefinedRouting";
}
