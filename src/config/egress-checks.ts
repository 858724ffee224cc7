// The egress firewall's combinations the schema cannot check: one spelling at a time, a hub needs
// its address, a managed firewall needs its own AzureFirewallSubnet (at least /26, inside the
// VNet), and a firewall route cannot sit behind a public ingress load balancer (a WAF in front
// keeps the load balancer internal).
import type { Environment } from "../model/environment.js";
import { publicLoadBalancer } from "./app-gateway.js";
import { contains, formatIp, overlaps, parseCidr, type Cidr } from "./cidr.js";
import { FIREWALL_SUBNET_MAX_PREFIX } from "./egress-firewall.js";
import type { Report, Valid } from "./report.js";
import type { YamlSource } from "./yaml-source.js";

const FW = ["network", "egressFirewall"];

export function checkEgress(env: Environment, source: YamlSource, report: Report, ok: Valid): void {
  const network = (source.data.network ?? {}) as Record<string, unknown>;
  const own = (network.egressFirewall ?? {}) as Record<string, unknown>;
  const fw = env.network.egressFirewall;
  if (!ok(FW, ["network", "egressFirewallIp"], ["azure", "production"])) return;
  if (network.egressFirewallIp !== undefined && network.egressFirewall !== undefined)
    report(
      "error",
      ["network", "egressFirewallIp"],
      "network.egressFirewallIp is the older spelling of network.egressFirewall " +
        "(mode: hub, ip); write the address as network.egressFirewall.ip and remove this field",
      "key",
    );
  if (fw.mode === "hub" && fw.ip === "")
    report(
      "error",
      [...FW, "mode"],
      "network.egressFirewall.mode hub needs the hub firewall's private address in network.egressFirewall.ip",
    );
  if (own.ip !== undefined && fw.mode !== "hub")
    report(
      "error",
      [...FW, "ip"],
      `network.egressFirewall.ip applies to mode hub only, and the mode is ${fw.mode}; ` +
        "remove the address, or set mode: hub",
      "key",
    );
  if (own.sku !== undefined && fw.mode !== "managed")
    report(
      "warning",
      [...FW, "sku"],
      `network.egressFirewall.sku applies to mode managed only; with mode ${fw.mode} it creates nothing`,
      "key",
    );
  if (fw.mode === "managed") checkFirewallSubnet(env, report, ok);
  // With the WAF on, `internal: false` makes the gateway's listener public; the load balancer stays internal.
  if (fw.mode !== "none" && publicLoadBalancer(env) && ok(["network", "ingress", "internal"]))
    report(
      "error",
      ["network", "ingress", "internal"],
      `a public ingress cannot sit behind egress mode ${fw.mode}: the public load balancer's replies ` +
        "would follow the 0.0.0.0/0 route to the firewall and be dropped (asymmetric routing); " +
        "set network.ingress.internal: true (with a WAF in front for internet users, network.ingress.waf), " +
        "or network.egressFirewall.mode: none",
    );
  const ranges = env.security?.apiServerAuthorizedIpRanges ?? [];
  if (fw.mode !== "none" && !env.network.privateCluster && ranges.length > 0 && ok(["security"]))
    report(
      "warning",
      ["security", "apiServerAuthorizedIpRanges"],
      "the nodes reach the public API server from the egress firewall's public address: add it to " +
        "security.apiServerAuthorizedIpRanges (a managed firewall's is the deploy's egressIp output), " +
        "or the nodes lose the API server",
    );
}

function checkFirewallSubnet(env: Environment, report: Report, ok: Valid): void {
  const { subnets, vnetCidr } = env.network;
  if (!ok(["network", "subnets"], ["network", "vnetCidr"])) return;
  const vnet = parseCidr(vnetCidr);
  if (subnets.firewall === undefined) {
    const free = typeof vnet === "string" ? undefined : freeBlock(vnet, Object.values(subnets));
    report(
      "error",
      ["network", "subnets"],
      "network.subnets.firewall is missing: egress mode managed (production's default) creates an " +
        `Azure Firewall, which needs its own AzureFirewallSubnet of at least /${FIREWALL_SUBNET_MAX_PREFIX} ` +
        `inside network.vnetCidr${free ? `, such as ${free}` : ""}; or set network.egressFirewall.mode ` +
        'to hub (a landing-zone firewall) or none (docs/infrastructure.md, "Egress firewall")',
      "key",
    );
    return;
  }
  const subnet = parseCidr(subnets.firewall);
  // Malformed, outside the VNet or overlapping: the address-plan checks report those.
  if (typeof subnet !== "string" && subnet.prefix > FIREWALL_SUBNET_MAX_PREFIX)
    report(
      "error",
      ["network", "subnets", "firewall"],
      `network.subnets.firewall ${subnet.text} is smaller than Azure Firewall's minimum ` +
        `/${FIREWALL_SUBNET_MAX_PREFIX}; give AzureFirewallSubnet a /${FIREWALL_SUBNET_MAX_PREFIX} or larger`,
    );
}

/** The first /26 of the VNet that no subnet uses, to suggest. */
function freeBlock(vnet: Cidr, subnets: string[]): string | undefined {
  const used = subnets.map(parseCidr).filter((c): c is Cidr => typeof c !== "string");
  const size = 2 ** (32 - FIREWALL_SUBNET_MAX_PREFIX);
  for (let start = vnet.start; start + size <= vnet.start + vnet.size; start += size) {
    const block: Cidr = { text: "", start, prefix: FIREWALL_SUBNET_MAX_PREFIX, size };
    if (contains(vnet, block) && !used.some((u) => overlaps(u, block)))
      return `${formatIp(start)}/${FIREWALL_SUBNET_MAX_PREFIX}`;
  }
  return undefined;
}
