// Day 2: what a redeploy would ask of resources that already exist, decided before the first
// write. ARM rejects a PostgreSQL storage size below the current one (auto-grow raises it), AKS
// rejects a change to an agent pool's VM size, max pods, zones or subnet, and some settings are
// fixed when a resource is created. The first is adjusted (the deploy asks for the larger size);
// the others are refused here with the field to change back, instead of failing inside Azure.
import type { Day2Expectations, FixedSetting } from "../render/bicep/expectations.js";
import { zoneList } from "../render/bicep/expectations.js";

/** A resource as ARM's GET returns it; undefined when it does not exist yet. */
export type ArmResource = Record<string, unknown> | undefined;

export interface DeployedState {
  postgres: ArmResource;
  cluster: ArmResource;
  storageAccount: ArmResource;
  natGateway: ArmResource;
  natPublicIp: ArmResource;
  encryptionKey: ArmResource;
}

export interface Day2Refusal {
  /** The environment-file path (or setting) whose change cannot be carried out. */
  field: string;
  message: string;
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
}

/** Reads a dotted path ("properties.backup.geoRedundantBackup") out of a GET body. */
function at(resource: Record<string, unknown>, path: string): unknown {
  return path.split(".").reduce<unknown>((value, key) => (typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined), resource);
}

/** ARM's value in the form the expectation uses: zones as a sorted list, scalars as strings. */
function normalise(path: string, value: unknown): string | undefined {
  if (path === "zones" || path.endsWith("availabilityZones")) return zoneList(Array.isArray(value) ? value.map(String) : []);
  if (value === undefined || value === null) return undefined;
  return typeof value === "string" ? value : JSON.stringify(value);
}

const shown = (value: string): string => (value === "" ? "none" : value);

function fixedRefusals(what: string, resource: ArmResource, fixed: Record<string, FixedSetting>): Day2Refusal[] {
  if (!resource) return [];
  return Object.entries(fixed).flatMap(([path, want]) => {
    const have = normalise(path, at(resource, path));
    // A property ARM does not report (an older API version, a default) is no evidence of a change.
    if (have === undefined || have.toLowerCase() === want.value.toLowerCase()) return [];
    return [{
      field: want.field,
      message: `${what} was created with ${path} = ${shown(have)}, and this file asks for ${shown(want.value)}: Azure fixes this setting when the resource is created, so the resource would have to be rebuilt; change ${want.field} back, or recreate the resource deliberately`,
    }];
  });
}

interface AgentPoolView {
  name?: string;
  vmSize?: string;
  maxPods?: number;
  availabilityZones?: string[] | null;
  vnetSubnetID?: string;
}

function poolRefusals(expect: Day2Expectations["cluster"], cluster: ArmResource): Day2Refusal[] {
  if (!cluster) return [];
  const deployed = (at(cluster, "properties.agentPoolProfiles") ?? []) as AgentPoolView[];
  return expect.pools.flatMap((pool) => {
    const existing = deployed.find((p) => p.name?.toLowerCase() === pool.name.toLowerCase());
    if (!existing) return [];
    return Object.entries(pool.immutable).flatMap(([property, want]) => {
      const have = normalise(property, existing[property as keyof AgentPoolView]);
      const same = property === "vnetSubnetID" ? have?.toLowerCase() === want.toLowerCase() : have === want;
      if (have === undefined || same) return [];
      const field = property === "vmSize" ? `aks.nodePools.${pool.name}.vmSize` : `node pool ${pool.name} ${property}`;
      return [{
        field,
        message: `node pool ${pool.name} runs with ${property} = ${shown(have)}, and this deploy would ask for ${shown(want)}: AKS cannot change ${property} on an existing agent pool (PropertyChangeNotAllowed); ${property === "vmSize" ? `set ${field} to ${have}` : "keep the deployed value"}, or move the workloads to a new pool deliberately`,
      }];
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
  return {
    postgresStorage,
    refusals: [
      ...fixedRefusals("PostgreSQL server", deployed.postgres, expect.postgres.fixed),
      ...fixedRefusals("AKS cluster", deployed.cluster, expect.cluster.fixed),
      ...poolRefusals(expect.cluster, deployed.cluster),
      ...fixedRefusals("storage account", deployed.storageAccount, expect.storageAccount.fixed),
      ...fixedRefusals("NAT gateway", deployed.natGateway, expect.natGateway.fixed),
      ...fixedRefusals("NAT public IP", deployed.natPublicIp, expect.natPublicIp.fixed),
      ...fixedRefusals("Key Vault key", deployed.encryptionKey, expect.encryptionKey.fixed),
    ],
  };
}

/** The main deployment's parameter that carries the PostgreSQL storage size. */
export const POSTGRES_STORAGE_PARAMETER = "postgresStorageGb";
