// What a redeploy must check against the resources that already exist, rendered beside the Bicep
// as bicep/day2.json from the same context the templates print: settings Azure fixes at creation,
// node-pool properties AKS cannot change in place, and the PostgreSQL storage that auto-grow may
// have raised. The engine compares it with ARM's view before the first write (src/engine/day2*.ts).
import type { BicepNodePool, bicepContext } from "./context.js";
import { keyVaultId } from "../../model/resource-ids.js";
import { GATEWAY_SUBNET } from "../../config/app-gateway.js";

/** A setting that cannot change once its resource exists; `field` is the environment-file path to name in errors. */
export interface FixedSetting {
  field: string;
  /** The value as ARM reports it (after normalising), so both sides compare directly. */
  value: string;
  /**
   * The main template's parameter that carries it, when the deploy can keep the existing
   * resource's value instead of refusing (a setting the toolkit's defaults changed after
   * resources were created with the old one): the deployed value wins, with a warning.
   */
  parameter?: string;
}

export interface PoolExpectation {
  name: string;
  /** Properties AKS refuses to change on an existing agent pool, by ARM property name. */
  immutable: { vmSize: string; maxPods: string; availabilityZones: string; vnetSubnetID: string };
}

/**
 * The egress path: AKS migrates a cluster in its own VNet between the NAT gateway and a firewall
 * route in place (src/engine/day2-egress.ts), but a managed firewall must exist, with its rules,
 * before the nodes' default route moves to it.
 */
export interface EgressExpectation {
  field: string;
  /** AKS's outbound type the file asks for. */
  outboundType: string;
  /** The managed firewall, and the main template's parameter that holds egress on the NAT gateway meanwhile. */
  firewall?: { id: string; parameter: string };
}

export interface Day2Expectations {
  postgres: { id: string; storageGb: number; fixed: Record<string, FixedSetting> };
  cluster: { id: string; fixed: Record<string, FixedSetting>; pools: PoolExpectation[] };
  storageAccount: { id: string; fixed: Record<string, FixedSetting> };
  natGateway: { id: string; fixed: Record<string, FixedSetting> };
  natPublicIp: { id: string; fixed: Record<string, FixedSetting> };
  encryptionKey: { id: string; fixed: Record<string, FixedSetting> };
  egress: EgressExpectation;
  /** The WAF (network.ingress.waf); absent in files rendered before it existed. */
  appGateway?: GatewayExpectation;
}

/**
 * A gateway that exists stays: ARM deploys incrementally, so turning the WAF off would leave it serving (and billing)
 * beside a public ingress, and its subnet cannot change or go while it is in it.
 */
export interface GatewayExpectation {
  id: string;
  enabled: boolean;
  subnetId: string;
  /** The file's network.subnets.appGateway; "" when it has none. */
  subnetPrefix: string;
}

/** The main template's parameter that holds egress on the NAT gateway until the managed firewall exists. */
export const EGRESS_VIA_FIREWALL_PARAMETER = "egressViaFirewall";

export const DAY2_FILE = "day2.json";

/** Zones compare as a sorted comma list; AKS and Network report them in any order, or null for none. */
export const zoneList = (zones: readonly string[] | null | undefined): string => [...(zones ?? [])].sort().join(",");

type Context = ReturnType<typeof bicepContext>;

export function day2Expectations(ctx: Context, subscriptionId: string): Day2Expectations {
  const rg = `/subscriptions/${subscriptionId}/resourceGroups/${ctx.names.resourceGroup}/providers`;
  const subnet = (pool: BicepNodePool): string =>
    `${rg}/Microsoft.Network/virtualNetworks/${ctx.names.vnet}/subnets/snet-${pool.subnet}`;
  const zones = zoneList(ctx.zones);
  return {
    postgres: {
      id: `${rg}/Microsoft.DBforPostgreSQL/flexibleServers/${ctx.names.postgres}`,
      storageGb: ctx.postgres.storageGb,
      fixed: {
        "properties.backup.geoRedundantBackup": {
          field: "postgres.geoRedundantBackup",
          value: ctx.postgres.geoRedundantBackup ? "Enabled" : "Disabled",
        },
        // The server's encryption key kind (service-managed here) is chosen at creation.
        "properties.dataEncryption.type": { field: "postgres (customer-managed key)", value: "SystemManaged" },
      },
    },
    cluster: {
      id: `${rg}/Microsoft.ContainerService/managedClusters/${ctx.names.aks}`,
      fixed: {
        "properties.apiServerAccessProfile.enablePrivateCluster": {
          field: "network.privateCluster",
          value: String(ctx.network.privateCluster),
        },
      },
      pools: ctx.aks.nodePools.map((pool) => ({
        name: pool.name,
        immutable: {
          vmSize: pool.vmSize,
          maxPods: String(pool.maxPods),
          availabilityZones: zoneList(pool.zones),
          vnetSubnetID: subnet(pool),
        },
      })),
    },
    storageAccount: {
      id: `${rg}/Microsoft.Storage/storageAccounts/${ctx.names.storageAccount}`,
      fixed: {
        "properties.encryption.requireInfrastructureEncryption": {
          field: "security.storageInfrastructureEncryption",
          value: String(ctx.storage.infrastructureEncryption),
          parameter: "storageInfrastructureEncryption",
        },
      },
    },
    // The NAT gateway is regional (no zone) and its public IP zone-redundant across aks.zones.
    natGateway: {
      id: `${rg}/Microsoft.Network/natGateways/${ctx.names.natGateway}`,
      fixed: { zones: { field: "NAT gateway zones (the template sets none)", value: "" } },
    },
    natPublicIp: {
      id: `${rg}/Microsoft.Network/publicIPAddresses/${ctx.names.natPublicIp}`,
      fixed: { zones: { field: "aks.zones (NAT public IP)", value: zones } },
    },
    appGateway: {
      id: `${rg}/Microsoft.Network/applicationGateways/${ctx.names.appGateway}`,
      enabled: ctx.appGateway !== undefined,
      subnetId: `${rg}/Microsoft.Network/virtualNetworks/${ctx.names.vnet}/subnets/${GATEWAY_SUBNET}`,
      subnetPrefix: ctx.network.appGatewaySubnet,
    },
    egress: {
      field: "network.egressFirewall",
      outboundType: ctx.network.outboundType,
      ...(ctx.egressFirewall
        ? {
            firewall: {
              id: `${rg}/Microsoft.Network/azureFirewalls/${ctx.egressFirewall.name}`,
              parameter: EGRESS_VIA_FIREWALL_PARAMETER,
            },
          }
        : {}),
    },
    // ARM never updates an existing key: a changed spec would silently not apply.
    encryptionKey: {
      id: `${keyVaultId({ azure: { subscriptionId }, names: ctx.names })}/keys/${ctx.keyVault.keyName}`,
      fixed: {
        "properties.kty": {
          field: `Key Vault key ${ctx.keyVault.keyName} type (a new spec needs a new key name)`,
          value: ctx.keyVault.keySpec.kty,
        },
        "properties.keySize": {
          field: `Key Vault key ${ctx.keyVault.keyName} size (a new spec needs a new key name)`,
          value: String(ctx.keyVault.keySpec.keySize),
        },
      },
    },
  };
}
