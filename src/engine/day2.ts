// Day 2: what a redeploy would ask of resources that already exist, decided before the first
// write. ARM rejects a PostgreSQL storage size below the current one (auto-grow raises it), AKS
// rejects a change to an agent pool's VM size, max pods, zones or subnet, and some settings are
// fixed when a resource is created. The first is adjusted (the deploy asks for the larger size);
// the others are refused here with the field to change back, instead of failing inside Azure.
import type {
  Day2Expectations,
  FixedSetting,
  GatewayExpectation,
  PoolExpectation,
} from "../render/bicep/expectations.js";
import { zoneList } from "../render/bicep/expectations.js";
import { egressOutcome } from "./day2-egress.js";
import type { ArmResource, Day2Kept, Day2Refusal } from "./day2-types.js";

export type { ArmResource, Day2Kept, Day2Refusal } from "./day2-types.js";

export interface DeployedState {
  postgres: ArmResource;
  cluster: ArmResource;
  storageAccount: ArmResource;
  natGateway: ArmResource;
  natPublicIp: ArmResource;
  encryptionKey: ArmResource;
  /** The WAF and its subnet, when the expectations name them. */
  appGateway?: ArmResource;
  appGatewaySubnet?: ArmResource;
  /** The managed egress firewall, read when the environment has one. */
  egressFirewall?: ArmResource;
}

export interface PostgresStorage {
  configuredGb: number;
  /** Undefined when the server does not exist yet. */
  deployedGb?: number;
  /** What the deployment asks for: never less than what exists. */
  deployGb: number;
}

export interface Day2Report {
  postgresStorage: PostgresStorage;
  refusals: Day2Refusal[];
  /** Absent when nothing is kept (the file's values all agree with Azure's). */
  kept?: Day2Kept[];
}

/** Reads a dotted path ("properties.backup.geoRedundantBackup") out of a GET body. */
function at(resource: Record<string, unknown>, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>(
      (value, key) =>
        typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined,
      resource,
    );
}

/** ARM's value in the form the expectation uses: zones as a sorted list, scalars as strings. */
function normalise(path: string, value: unknown): string | undefined {
  if (path === "zones" || path.endsWith("availabilityZones"))
    return zoneList(Array.isArray(value) ? value.map(String) : []);
  if (value === undefined || value === null) return undefined;
  return typeof value === "string" ? value : JSON.stringify(value);
}

const shown = (value: string): string => (value === "" ? "none" : value);

interface FixedOutcome {
  refusals: Day2Refusal[];
  kept: Day2Kept[];
}

function fixedOutcome(what: string, resource: ArmResource, fixed: Record<string, FixedSetting>): FixedOutcome {
  const out: FixedOutcome = { refusals: [], kept: [] };
  if (!resource) return out;
  for (const [path, want] of Object.entries(fixed)) {
    const raw = at(resource, path);
    const have = normalise(path, raw);
    // A property ARM does not report (an older API version, a default) is no evidence of a change.
    if (have === undefined || have.toLowerCase() === want.value.toLowerCase()) continue;
    if (want.parameter !== undefined) {
      out.kept.push({
        field: want.field,
        parameter: want.parameter,
        value: raw,
        message:
          `${what} was created with ${path} = ${shown(have)}, and this file asks ` +
          `for ${shown(want.value)}: Azure fixes this setting when the resource is ` +
          `created, so the deploy keeps ${shown(have)}; set ${want.field}: ${have} ` +
          `to say so, or move the data to a new resource to change it`,
      });
      continue;
    }
    out.refusals.push({
      field: want.field,
      message:
        `${what} was created with ${path} = ${shown(have)}, and this file asks ` +
        `for ${shown(want.value)}: Azure fixes this setting when the resource is ` +
        `created, so the resource would have to be rebuilt; change ${want.field} ` +
        `back, or recreate the resource deliberately`,
    });
  }
  return out;
}

export interface AgentPoolView {
  name?: string;
  vmSize?: string;
  maxPods?: number | string;
  availabilityZones?: string[] | null;
  vnetSubnetID?: string;
}

const deployedPools = (cluster: ArmResource): AgentPoolView[] =>
  cluster ? ((at(cluster, "properties.agentPoolProfiles") ?? []) as AgentPoolView[]) : [];

/** Each immutable property of an existing pool that the expected pools would change. */
export function poolRefusals(
  expected: readonly PoolExpectation[],
  deployed: readonly AgentPoolView[],
  source = "runs",
): Day2Refusal[] {
  return expected.flatMap((pool) => {
    const existing = deployed.find((p) => p.name?.toLowerCase() === pool.name.toLowerCase());
    if (!existing) return [];
    return Object.entries(pool.immutable).flatMap(([property, want]) => {
      const have = normalise(property, existing[property as keyof AgentPoolView]);
      const same = property === "vnetSubnetID" ? have?.toLowerCase() === want.toLowerCase() : have === want;
      if (have === undefined || same) return [];
      const field = property === "vmSize" ? `aks.nodePools.${pool.name}.vmSize` : `node pool ${pool.name} ${property}`;
      return [
        {
          field,
          message:
            `node pool ${pool.name} ${source} with ${property} = ${shown(have)}, and ` +
            `this deploy would ask for ${shown(want)}: AKS cannot change ${property} ` +
            `on an existing agent pool (PropertyChangeNotAllowed); ` +
            `${property === "vmSize" ? `set ${field} to ${have}` : "keep the deployed value"}` +
            `; to change it, replace the pool by hand as docs/infrastructure.md ` +
            `("Replacing a node pool") describes, since AKS cannot and the toolkit ` +
            `does not migrate a pool in place`,
        },
      ];
    });
  });
}

export function day2Report(expect: Day2Expectations, deployed: DeployedState): Day2Report {
  const raw = deployed.postgres ? Number(at(deployed.postgres, "properties.storage.storageSizeGB")) : NaN;
  const deployedGb = Number.isFinite(raw) ? raw : undefined;
  const postgresStorage: PostgresStorage = {
    configuredGb: expect.postgres.storageGb,
    ...(deployedGb === undefined ? {} : { deployedGb }),
    deployGb: Math.max(expect.postgres.storageGb, deployedGb ?? 0),
  };
  const outcomes = [
    fixedOutcome("PostgreSQL server", deployed.postgres, expect.postgres.fixed),
    fixedOutcome("AKS cluster", deployed.cluster, expect.cluster.fixed),
    { refusals: poolRefusals(expect.cluster.pools, deployedPools(deployed.cluster)), kept: [] },
    fixedOutcome("storage account", deployed.storageAccount, expect.storageAccount.fixed),
    fixedOutcome("NAT gateway", deployed.natGateway, expect.natGateway.fixed),
    fixedOutcome("NAT public IP", deployed.natPublicIp, expect.natPublicIp.fixed),
    fixedOutcome("Key Vault key", deployed.encryptionKey, expect.encryptionKey.fixed),
    { refusals: gatewayRefusals(expect.appGateway, deployed), kept: [] },
    egressOutcome(expect.egress, deployed.cluster, deployed.egressFirewall),
  ];
  const kept = outcomes.flatMap((o) => o.kept);
  return { postgresStorage, refusals: outcomes.flatMap((o) => o.refusals), ...(kept.length > 0 ? { kept } : {}) };
}

/** An existing WAF: it cannot be turned off by a template, nor its subnet changed or removed under it. */
export function gatewayRefusals(expect: GatewayExpectation | undefined, deployed: DeployedState): Day2Refusal[] {
  if (!expect || !deployed.appGateway) return [];
  const name = expect.id.split("/").pop();
  if (!expect.enabled)
    return [
      {
        field: "network.ingress.waf.enabled",
        message:
          `Application Gateway ${name} exists, and this file turns the WAF off: a deploy ` +
          `cannot delete it (ARM deploys incrementally), so it would keep serving its old ` +
          `address beside an ingress that no longer sits behind it; set ` +
          `network.ingress.waf.enabled: true, or delete the gateway first (remove its ` +
          `CanNotDelete lock, then az network application-gateway delete) and keep ` +
          `network.subnets.appGateway until the deploy after that`,
      },
    ];
  const have = deployed.appGatewaySubnet
    ? normalise("", at(deployed.appGatewaySubnet, "properties.addressPrefix"))
    : "";
  if (have === undefined || have === "" || have === expect.subnetPrefix) return [];
  return [
    {
      field: "network.subnets.appGateway",
      message:
        `Application Gateway ${name} runs in subnet ${have}, and this file asks for ` +
        `${shown(expect.subnetPrefix)}: Azure cannot move or resize the subnet of a ` +
        `running gateway; set network.subnets.appGateway: ${have}`,
    },
  ];
}

/** The main deployment's parameters a report adjusts: the storage size, and every kept setting. */
export function day2Parameters(report: Day2Report): Record<string, { value: unknown }> {
  return {
    [POSTGRES_STORAGE_PARAMETER]: { value: report.postgresStorage.deployGb },
    ...Object.fromEntries((report.kept ?? []).map((k) => [k.parameter, { value: k.value }])),
  };
}

/** The main deployment's parameter that carries the PostgreSQL storage size. */
export const POSTGRES_STORAGE_PARAMETER = "postgresStorageGb";
