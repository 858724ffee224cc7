// What the emulated subscription offers, as data a test edits: quotas, VM SKUs and their
// restrictions, AKS versions, PostgreSQL capabilities, Azure OpenAI models and quota, provider
// registrations. The defaults let the shipped environments pass; tests inject the faults.
import { VM_SIZES, type VmFamily } from "../../src/catalogue/vm-sizes.js";

export interface UsageData {
  name: string;
  label: string;
  current: number;
  limit: number;
}

export interface VmSkuData {
  name: string;
  family: string;
  vcpus: number;
  zones: string[];
  restrictions: { type: "Location" | "Zone"; reasonCode: string; zones?: string[] }[];
}

export interface PostgresEditionData {
  name: string;
  skus: { name: string; vCores: number; haModes: string[] }[];
  storageMb: number[];
}

export interface PreflightData {
  /** Regions that exist; any other answers as ARM does for an unknown location. */
  regions: string[];
  computeUsages: UsageData[];
  vmSkus: VmSkuData[];
  kubernetesVersions: { version: string; supportPlans: string[]; patches: string[]; preview?: boolean }[];
  postgres: {
    restricted: boolean;
    reason?: string;
    zoneRedundantHa: boolean;
    versions: string[];
    editions: PostgresEditionData[];
  };
  openaiModels: { name: string; version: string; skus: string[] }[];
  openaiUsages: UsageData[];
  /** Registration state by namespace; others answer 404 InvalidResourceNamespace. */
  providers: Record<string, string>;
  /** Network Watchers (one per region, as Azure creates them) and the flow logs under each. */
  networkWatchers: { resourceGroup: string; name: string; flowLogs: { name: string; targetResourceId: string }[] }[];
  /** Resource groups the deploy identity may not read: ARM answers 403 AuthorizationFailed there. */
  forbiddenResourceGroups: string[];
  /** Agent pools of existing managed clusters, by cluster name. */
  clusters: Record<string, { name: string; vmSize: string; count: number }[]>;
  /**
   * Secrets an attentive operator uploads into a vault as soon as it exists (the standalone emulator's registry key).
   */
  operatorUploads: string[];
  /**
   * How the Key Vault data plane answers the deploy identity: it holds no data role by default (Owner grants no data
   * action), as in a fresh subscription; "granted" models Key Vault Secrets User from an admitted network.
   */
  vaultDataAccess: "granted" | "ForbiddenByRbac" | "ForbiddenByFirewall";
}

const QUOTA_FAMILY: Record<VmFamily, { name: string; label: string }> = {
  Dsv5: { name: "standardDSv5Family", label: "Standard DSv5 Family vCPUs" },
  Ddsv5: { name: "standardDDSv5Family", label: "Standard DDSv5 Family vCPUs" },
  Dasv5: { name: "standardDASv5Family", label: "Standard DASv5 Family vCPUs" },
  Esv5: { name: "standardESv5Family", label: "Standard ESv5 Family vCPUs" },
  Edsv5: { name: "standardEDSv5Family", label: "Standard EDSv5 Family vCPUs" },
  Fsv2: { name: "standardFSv2Family", label: "Standard FSv2 Family vCPUs" },
};

export const quotaFamily = (family: VmFamily): { name: string; label: string } => QUOTA_FAMILY[family];

const storageMb = [32768, 65536, 131072, 262144, 524288, 1048576, 2097152];

export function defaultPreflightData(): PreflightData {
  return {
    regions: ["westeurope", "northeurope", "swedencentral", "eastus", "eastus2"],
    computeUsages: [
      { name: "cores", label: "Total Regional vCPUs", current: 4, limit: 350 },
      ...Object.values(QUOTA_FAMILY).map((f) => ({ ...f, current: 0, limit: 100 })),
      // Families the catalogue does not use, as a real subscription lists dozens (and pages them).
      ...["BS", "Dv5", "DADSv5", "ECADSv5", "LSv3", "NCADSA100v4", "NVADSA10v5"].map((f) => ({
        name: `standard${f}Family`,
        label: `Standard ${f} Family vCPUs`,
        current: 0,
        limit: 10,
      })),
      { name: "availabilitySets", label: "Availability Sets", current: 0, limit: 2500 },
    ],
    vmSkus: VM_SIZES.map((s) => ({
      name: s.name,
      family: QUOTA_FAMILY[s.family].name,
      vcpus: s.vcpu,
      zones: ["1", "2", "3"],
      restrictions: [],
    })),
    kubernetesVersions: [
      { version: "1.30", supportPlans: ["AKSLongTermSupport"], patches: ["1.30.14"] },
      { version: "1.32", supportPlans: ["KubernetesOfficial", "AKSLongTermSupport"], patches: ["1.32.6", "1.32.7"] },
      { version: "1.33", supportPlans: ["KubernetesOfficial"], patches: ["1.33.2", "1.33.3"] },
      { version: "1.34", supportPlans: ["KubernetesOfficial"], patches: ["1.34.0", "1.34.1"] },
      { version: "1.35", supportPlans: ["KubernetesOfficial"], patches: ["1.35.0"], preview: true },
    ],
    postgres: {
      restricted: false,
      zoneRedundantHa: true,
      versions: ["13", "14", "15", "16", "17"],
      editions: [
        {
          name: "Burstable",
          skus: ["Standard_B1ms", "Standard_B2s", "Standard_B2ms", "Standard_B4ms"].map((name) => ({
            name,
            vCores: Number(/B(\d+)/.exec(name)?.[1]),
            haModes: [],
          })),
          storageMb,
        },
        {
          name: "GeneralPurpose",
          skus: [2, 4, 8, 16, 32].flatMap((n) =>
            [`Standard_D${n}ds_v5`, `Standard_D${n}ads_v5`].map((name) => ({
              name,
              vCores: n,
              haModes: ["SameZone", "ZoneRedundant"],
            })),
          ),
          storageMb,
        },
        {
          name: "MemoryOptimized",
          skus: [2, 4, 8, 16, 32].map((n) => ({
            name: `Standard_E${n}ds_v5`,
            vCores: n,
            haModes: ["SameZone", "ZoneRedundant"],
          })),
          storageMb,
        },
      ],
    },
    openaiModels: [
      { name: "gpt-4.1", version: "2025-04-14", skus: ["GlobalStandard", "DataZoneStandard", "Standard"] },
      { name: "gpt-4o", version: "2024-08-06", skus: ["GlobalStandard", "Standard"] },
      { name: "gpt-4o", version: "2024-11-20", skus: ["GlobalStandard", "Standard"] },
      { name: "gpt-4o-mini", version: "2024-07-18", skus: ["GlobalStandard", "Standard"] },
      { name: "text-embedding-3-large", version: "1", skus: ["GlobalStandard", "Standard"] },
      { name: "text-embedding-3-small", version: "1", skus: ["Standard"] },
    ],
    openaiUsages: ["gpt-4.1", "gpt-4o", "gpt-4o-mini", "text-embedding-3-large", "text-embedding-3-small"].flatMap(
      (model) =>
        ["GlobalStandard", "DataZoneStandard", "Standard"].map((sku) => ({
          name: `OpenAI.${sku}.${model}`,
          label: `Tokens Per Minute (thousands) - ${model} - ${sku}`,
          current: 0,
          limit: 1000,
        })),
    ),
    providers: Object.fromEntries(
      [
        "Microsoft.Authorization",
        "Microsoft.CognitiveServices",
        "Microsoft.Compute",
        "Microsoft.ContainerService",
        "Microsoft.DBforPostgreSQL",
        "Microsoft.Insights",
        "Microsoft.KeyVault",
        "Microsoft.KubernetesConfiguration",
        "Microsoft.ManagedIdentity",
        "Microsoft.Network",
        "Microsoft.OperationalInsights",
        "Microsoft.Resources",
        "Microsoft.Storage",
      ].map((ns) => [ns, "Registered"]),
    ),
    networkWatchers: ["westeurope", "northeurope", "swedencentral", "eastus", "eastus2"].map((region) => ({
      resourceGroup: "NetworkWatcherRG",
      name: `NetworkWatcher_${region}`,
      flowLogs: [],
    })),
    forbiddenResourceGroups: [],
    clusters: {},
    operatorUploads: [],
    vaultDataAccess: "ForbiddenByRbac",
  };
}
