// Resolves a schema-valid environment document into the model: profile defaults first,
// then the file's overrides, then derived names. Pure: data in, data out.
import type { CloudName } from "../catalogue/azure-regions.js";
import { COMPONENTS, type ComponentKey } from "../catalogue/components.js";
import { PROFILES, type ComponentSizing, type ProfileKey } from "../catalogue/profiles.js";
import type { Environment, NodePoolSpec, PoolName, ResolvedComponent } from "./environment.js";
import { deriveNames } from "./names.js";

/** The document shape the schema guarantees (all optional parts may be absent). */
interface Doc {
  profile?: ProfileKey;
  codemie?: { version?: string };
  azure: { tenantId: string; subscriptionId: string; location: string; cloud?: CloudName; namePrefix?: string; resourceGroup?: string; production?: boolean; tags?: Record<string, string> };
  network: {
    vnetCidr: string;
    subnets: Environment["network"]["subnets"];
    podCidr?: string;
    serviceCidr?: string;
    dnsServiceIp?: string;
    privateCluster?: boolean;
    ingress: { host: string; tls?: boolean; tlsSecretName?: string; internal?: boolean };
  };
  aks?: {
    kubernetesVersion?: string;
    upgradeChannel?: string;
    maintenanceWindow?: Partial<Environment["aks"]["maintenanceWindow"]>;
    zones?: string[];
    nodePools?: Partial<Record<PoolName, Partial<Omit<NodePoolSpec, "name">>>>;
    autoSizing?: { families?: string[] };
  };
  postgres?: Partial<Environment["postgres"]>;
  keyVault?: Partial<Environment["keyVault"]>;
  identity?: { aksAdminGroupObjectIds?: string[] };
  openai?: { enabled?: boolean; location?: string; deployments?: (Omit<Environment["openai"]["deployments"][number], "sku"> & { sku?: string })[] };
  gitops: { repository: string; branch?: string; path?: string; multiTenancyOptOut?: { reason: string } };
  components?: Partial<Record<ComponentKey, Partial<Omit<ComponentSizing, "companion">> & { companion?: Partial<NonNullable<ComponentSizing["companion"]>>; database?: "inCluster" | "managed" }>>;
  usage?: Environment["usage"];
}

export const DEFAULT_CODEMIE_VERSION = "2.57.2";

export function resolveEnvironment(name: string, file: string, data: unknown): Environment {
  const doc = data as Doc;
  const profile = PROFILES[doc.profile ?? "production"];
  const azure = doc.azure;
  const prefix = azure.namePrefix ?? "codemie";
  const production = azure.production ?? false;
  const keycloakDatabase = doc.components?.keycloak?.database ?? "inCluster";
  const pools = profile.infra.nodePools;
  const pool = (p: PoolName): NodePoolSpec => {
    const o = doc.aks?.nodePools?.[p] ?? {};
    const spec: NodePoolSpec = { name: p, vmSize: o.vmSize ?? pools[p].vmSize, minCount: o.minCount ?? pools[p].minCount, maxCount: o.maxCount ?? pools[p].maxCount };
    if (o.count !== undefined) spec.count = o.count;
    return spec;
  };
  return {
    name,
    file,
    profile: profile.key,
    codemieVersion: doc.codemie?.version ?? DEFAULT_CODEMIE_VERSION,
    production,
    azure: {
      tenantId: azure.tenantId,
      subscriptionId: azure.subscriptionId,
      location: azure.location,
      cloud: azure.cloud ?? "public",
      namePrefix: prefix,
      tags: { ...(azure.tags ?? {}), environment: name, "managed-by": "codemie-gitops" },
    },
    names: deriveNames(name, prefix, azure.subscriptionId, azure.resourceGroup),
    network: {
      vnetCidr: doc.network.vnetCidr,
      subnets: doc.network.subnets,
      podCidr: doc.network.podCidr ?? "192.168.0.0/16",
      serviceCidr: doc.network.serviceCidr ?? "172.16.0.0/16",
      dnsServiceIp: doc.network.dnsServiceIp ?? "172.16.0.10",
      privateCluster: doc.network.privateCluster ?? true,
      ingress: {
        host: doc.network.ingress.host,
        tls: doc.network.ingress.tls ?? true,
        tlsSecretName: doc.network.ingress.tlsSecretName ?? "codemie-tls",
        internal: doc.network.ingress.internal ?? true,
      },
    },
    aks: {
      kubernetesVersion: doc.aks?.kubernetesVersion ?? "1.34",
      upgradeChannel: doc.aks?.upgradeChannel ?? "patch",
      maintenanceWindow: { day: "Sunday", startHour: 1, durationHours: 4, ...doc.aks?.maintenanceWindow },
      zones: doc.aks?.zones ?? ["1", "2", "3"],
      nodePools: { system: pool("system"), workloads: pool("workloads") },
      autoSizing: { families: doc.aks?.autoSizing?.families ?? ["Ddsv5", "Edsv5"] },
    },
    postgres: {
      version: "16",
      backupRetentionDays: 14,
      geoRedundantBackup: false,
      ...profile.infra.postgres,
      ...doc.postgres,
    },
    keyVault: { softDeleteRetentionDays: 90, purgeProtection: true, ...doc.keyVault },
    identity: { aksAdminGroupObjectIds: doc.identity?.aksAdminGroupObjectIds ?? [] },
    openai: {
      enabled: doc.openai?.enabled ?? false,
      location: doc.openai?.location ?? azure.location,
      deployments: (doc.openai?.deployments ?? []).map((d) => ({ ...d, sku: d.sku ?? "GlobalStandard" })),
    },
    gitops: {
      repository: doc.gitops.repository,
      branch: doc.gitops.branch ?? `gitops/${name}`,
      path: doc.gitops.path ?? `clusters/${name}`,
      multiTenancy: doc.gitops.multiTenancyOptOut ? { enforce: false, reason: doc.gitops.multiTenancyOptOut.reason } : { enforce: true },
    },
    keycloakDatabase,
    components: resolveComponents(profile.components, doc.components ?? {}, keycloakDatabase),
    usage: doc.usage ?? {},
  };
}

function resolveComponents(base: Record<ComponentKey, ComponentSizing>, overrides: NonNullable<Doc["components"]>, keycloakDatabase: string): ResolvedComponent[] {
  const out: ResolvedComponent[] = [];
  for (const c of COMPONENTS) {
    if (c.kind === "managed") continue;
    const { companion: companionOverride, database: _database, ...own } = overrides[c.key] ?? {};
    const s = { ...base[c.key], ...own };
    const resolved: ResolvedComponent = {
      key: c.key,
      displayName: c.displayName,
      kind: c.kind,
      enabled: s.enabled,
      replicas: c.kind === "DaemonSet" ? 0 : s.replicas,
      memory: s.memory,
      cpu: s.cpu,
    };
    if (s.storage) resolved.storage = s.storage;
    const inClusterDbDropped = c.key === "keycloak" && keycloakDatabase === "managed";
    if ("companion" in c && s.companion && !inClusterDbDropped) {
      const comp = { ...s.companion, ...companionOverride };
      resolved.companion = { key: c.companion.key, displayName: c.companion.displayName, kind: c.companion.kind, replicas: comp.replicas, memory: comp.memory, cpu: comp.cpu };
      if (comp.storage) resolved.companion.storage = comp.storage;
    }
    out.push(resolved);
  }
  return out;
}
