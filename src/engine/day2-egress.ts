// Day 2 of the egress path (network.egressFirewall). AKS changes an existing cluster's outbound
// type in place when the cluster runs in its own virtual network, between loadBalancer,
// userAssignedNATGateway, userDefinedRouting and none (AKS docs, "Update outboundType after
// cluster creation", BYO VNet table; the same PUT `az aks update --outbound-type` sends), so the
// deploy carries a change between the NAT gateway and a firewall route out. One ordering it
// cannot get inside one deployment: the VNet holds both AzureFirewallSubnet and the routed node
// subnets, so the route would move before a new managed firewall exists and running nodes would
// lose egress. Such a deploy keeps the NAT gateway (the main template's egressViaFirewall
// parameter) while it creates the firewall and its rules; the next deploy moves the route.
import type { EgressExpectation } from "../render/bicep/expectations.js";
import type { ArmResource, Day2Kept, Day2Refusal } from "./day2-types.js";

/** Outbound types AKS migrates between for a cluster in its own (BYO) virtual network. */
const BYO_VNET_MIGRATIONS = ["loadbalancer", "userassignednatgateway", "userdefinedrouting", "none"];

const field = (resource: ArmResource, path: string[]): unknown =>
  path.reduce<unknown>(
    (v, k) => (typeof v === "object" && v !== null ? (v as Record<string, unknown>)[k] : undefined),
    resource,
  );

export interface EgressOutcome {
  refusals: Day2Refusal[];
  kept: Day2Kept[];
}

export function egressOutcome(expect: EgressExpectation, cluster: ArmResource, firewall: ArmResource): EgressOutcome {
  const have = field(cluster, ["properties", "networkProfile", "outboundType"]);
  const want = expect.outboundType;
  if (typeof have !== "string" || have.toLowerCase() === want.toLowerCase()) return { refusals: [], kept: [] };
  if (!BYO_VNET_MIGRATIONS.includes(have.toLowerCase()))
    return {
      kept: [],
      refusals: [
        {
          field: expect.field,
          message:
            `AKS cluster runs outbound type ${have}, and this file asks for ${want}: AKS ` +
            "migrates a cluster in its own virtual network only between loadBalancer, " +
            "userAssignedNATGateway, userDefinedRouting and none; recreate the cluster deliberately",
        },
      ],
    };
  const ready = field(firewall, ["properties", "provisioningState"]) === "Succeeded";
  if (want === "userDefinedRouting" && expect.firewall && !ready)
    return {
      refusals: [],
      kept: [
        {
          field: expect.field,
          parameter: expect.firewall.parameter,
          value: false,
          message:
            `AKS cluster egresses through ${have}, and the managed firewall does not exist ` +
            "yet: this deploy creates the firewall and its rules and keeps egress on the NAT " +
            "gateway, so running nodes never lose it; deploy again to move egress to the " +
            "firewall (AKS migrates the outbound type to userDefinedRouting in place)",
        },
      ],
    };
  return { refusals: [], kept: [] };
}
