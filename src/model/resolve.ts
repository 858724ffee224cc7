// Resolves a schema-valid environment document into the model: profile defaults first,
// then the file's overrides, then derived names. Pure: data in, data out.
import type { CloudName } from "../catalogue/azure-regions.js";
import { COMPONENTS, type ComponentKey } from "../catalogue/components.js";
import {
  KUBERNETES_POLICY_KEYS,
  type KubernetesPolicyEffect,
  type KubernetesPolicyKey,
} from "../catalogue/kubernetes-policies.js";
import { COMPANION_RELEASES, type AddonKey } from "../catalogue/platform.js";
import { PROFILES, type ComponentSizing, type ProfileKey } from "../catalogue/profiles.js";
import { DEFAULTS } from "./defaults.js";
import type {
  EgressFirewall,
  Environment,
  FirewallSku,
  NodePoolSpec,
  PoolName,
  ResolvedComponent,
  SecuritySettings,
  WafSettings,
} from "./environment.js";
import { deriveNames } from "./names.js";

/** The tags the toolkit puts on every resource; a file's own tag may not take these names (in any case). */
export function builtInTags(name: string): Record<string, string> {
  return { environment: name, "managed-by": "codemie-gitops" };
}

/** The document shape the schema guarantees (all optional parts may be absent). */
interface Doc {
  profile?: ProfileKey;
  codemie?: { version?: string };
  azure: {
    tenantId: string;
    subscriptionId: string;
    location: string;
    cloud?: CloudName;
    namePrefix?: string;
    resourceGroup?: string;
    production?: boolean;
    tags?: Record<string, string>;
  };
  network: {
    vnetCidr: string;
    subnets: Environment["network"]["subnets"];
    podCidr?: string;
    serviceCidr?: string;
    dnsServiceIp?: string;
    privateCluster?: boolean;
    egressFirewallIp?: string;
    egressFirewall?: { mode?: EgressFirewall["mode"]; ip?: string; sku?: FirewallSku };
    networkWatcher?: { resourceGroup?: string; name?: string };
    ingress: {
      host: string;
      tls?: boolean;
      tlsSecretName?: string;
      internal?: boolean;
      sourceRanges?: string[];
      privateIp?: string;
      dns?: { mode?: "azure" | "external"; zone?: string; zoneResourceGroup?: string };
      waf?: Partial<WafSettings>;
    };
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
  openai?: {
    enabled?: boolean;
    location?: string;
    deployments?: (Omit<Environment["openai"]["deployments"][number], "sku"> & { sku?: string })[];
  };
  gitops: {
    repository: string;
    branch?: string;
    path?: string;
    multiTenancyOptOut?: { reason: string };
    auth?: "none" | "ssh" | "https";
    sshKnownHosts?: string[];
  };
  components?: Partial<
    Record<
      ComponentKey,
      Partial<Omit<ComponentSizing, "companion">> & {
        companion?: Partial<NonNullable<ComponentSizing["companion"]>> & { values?: HelmValues };
        database?: "inCluster" | "managed";
        values?: HelmValues;
      }
    >
  >;
  platform?: Partial<Record<AddonKey, { values?: HelmValues }>>;
  usage?: Environment["usage"];
  login?: Environment["login"];
  security?: SecurityDoc;
  promotion?: { after: string };
}

export function resolveEnvironment(name: string, file: string, data: unknown): Environment {
  const doc = data as Doc;
  const profile = PROFILES[doc.profile ?? DEFAULTS.profile];
  const azure = doc.azure;
  const prefix = azure.namePrefix ?? DEFAULTS.azure.namePrefix;
  const production = azure.production ?? DEFAULTS.azure.production;
  const keycloakDatabase = doc.components?.keycloak?.database ?? DEFAULTS.keycloakDatabase;
  const ingressInternal = doc.network.ingress.internal ?? DEFAULTS.network.ingress.internal;
  const ingressTls = doc.network.ingress.tls ?? DEFAULTS.network.ingress.tls;
  const waf = wafSettings(production, doc.network.ingress.waf ?? {});
  const pools = profile.infra.nodePools;
  const pool = (p: PoolName): NodePoolSpec => {
    const o = doc.aks?.nodePools?.[p] ?? {};
    const spec: NodePoolSpec = {
      name: p,
      vmSize: o.vmSize ?? pools[p].vmSize,
      minCount: o.minCount ?? pools[p].minCount,
      maxCount: o.maxCount ?? pools[p].maxCount,
    };
    if (o.count !== undefined) spec.count = o.count;
    return spec;
  };
  return {
    name,
    file,
    profile: profile.key,
    codemieVersion: doc.codemie?.version ?? DEFAULTS.codemieVersion,
    production,
    azure: {
      tenantId: azure.tenantId,
      subscriptionId: azure.subscriptionId,
      location: azure.location,
      cloud: azure.cloud ?? DEFAULTS.azure.cloud,
      namePrefix: prefix,
      tags: { ...(azure.tags ?? {}), ...builtInTags(name) },
    },
    names: deriveNames(name, prefix, azure.subscriptionId, azure.resourceGroup),
    network: {
      vnetCidr: doc.network.vnetCidr,
      subnets: doc.network.subnets,
      podCidr: doc.network.podCidr ?? DEFAULTS.network.podCidr,
      serviceCidr: doc.network.serviceCidr ?? DEFAULTS.network.serviceCidr,
      dnsServiceIp: doc.network.dnsServiceIp ?? DEFAULTS.network.dnsServiceIp,
      privateCluster: doc.network.privateCluster ?? DEFAULTS.network.privateCluster,
      egressFirewall: egressFirewall(doc.network, production),
      networkWatcher: {
        resourceGroup: doc.network.networkWatcher?.resourceGroup ?? DEFAULTS.network.networkWatcherResourceGroup,
        // Azure's own name for the watcher it creates per region.
        name: doc.network.networkWatcher?.name ?? `NetworkWatcher_${azure.location}`,
      },
      ingress: {
        host: doc.network.ingress.host,
        tls: ingressTls,
        tlsSecretName: doc.network.ingress.tlsSecretName ?? DEFAULTS.network.ingress.tlsSecretName,
        internal: ingressInternal,
        ...(doc.network.ingress.sourceRanges ? { sourceRanges: doc.network.ingress.sourceRanges } : {}),
        ...(doc.network.ingress.privateIp ? { privateIp: doc.network.ingress.privateIp } : {}),
        ...(doc.network.ingress.dns ? { dns: doc.network.ingress.dns } : {}),
        waf,
      },
    },
    aks: {
      kubernetesVersion: doc.aks?.kubernetesVersion ?? DEFAULTS.aks.kubernetesVersion,
      upgradeChannel: doc.aks?.upgradeChannel ?? DEFAULTS.aks.upgradeChannel,
      maintenanceWindow: { ...DEFAULTS.aks.maintenanceWindow, ...doc.aks?.maintenanceWindow },
      zones: doc.aks?.zones ?? [...DEFAULTS.aks.zones],
      nodePools: { system: pool("system"), workloads: pool("workloads") },
      autoSizing: { families: doc.aks?.autoSizing?.families ?? [...DEFAULTS.aks.autoSizingFamilies] },
    },
    postgres: {
      ...DEFAULTS.postgres,
      ...profile.infra.postgres,
      ...doc.postgres,
    },
    keyVault: { ...DEFAULTS.keyVault, ...doc.keyVault },
    identity: { aksAdminGroupObjectIds: doc.identity?.aksAdminGroupObjectIds ?? [] },
    openai: {
      enabled: doc.openai?.enabled ?? DEFAULTS.openai.enabled,
      location: doc.openai?.location ?? azure.location,
      deployments: (doc.openai?.deployments ?? []).map((d) => ({
        ...d,
        sku: d.sku ?? defaultOpenAiSku(doc.openai?.location ?? azure.location),
      })),
    },
    gitops: {
      repository: doc.gitops.repository,
      branch: doc.gitops.branch ?? `gitops/${name}`,
      path: doc.gitops.path ?? `clusters/${name}`,
      multiTenancy: doc.gitops.multiTenancyOptOut
        ? { enforce: false, reason: doc.gitops.multiTenancyOptOut.reason }
        : { enforce: true },
      auth: doc.gitops.auth ?? DEFAULTS.gitops.auth,
      sshKnownHosts: doc.gitops.sshKnownHosts ?? [],
    },
    keycloakDatabase,
    components: resolveComponents(profile.components, doc.components ?? {}, keycloakDatabase),
    helmValues: resolveHelmValues(doc),
    usage: doc.usage ?? {},
    ...(doc.login ? { login: doc.login } : {}),
    security: securitySettings(production, doc.security ?? {}, {
      // Behind the WAF the load balancer is internal whatever network.ingress.internal says.
      ingressInternal: ingressInternal || waf.enabled,
      ingressTls,
    }),
    ...(doc.promotion ? { promotion: { after: doc.promotion.after } } : {}),
  };
}

/**
 * The file's egress choice: `egressFirewall`, or the older `egressFirewallIp` (a hub firewall's
 * address); an address alone means a hub. Left out: production gets a managed firewall.
 */
function egressFirewall(network: Doc["network"], production: boolean): EgressFirewall {
  const own = network.egressFirewall ?? {};
  const ip = own.ip ?? network.egressFirewallIp;
  const defaults = DEFAULTS.network.egressFirewall;
  const mode = own.mode ?? (ip !== undefined ? "hub" : production ? defaults.productionMode : defaults.mode);
  if (mode === "hub") return { mode, ip: ip ?? "" };
  if (mode === "managed") return { mode, sku: own.sku ?? defaults.sku };
  return { mode };
}

/** Regions of Azure OpenAI's EU and US data zones: DataZoneStandard keeps processing inside them. */
const DATA_ZONE_REGIONS = new Set([
  "westeurope",
  "northeurope",
  "swedencentral",
  "francecentral",
  "germanywestcentral",
  "italynorth",
  "polandcentral",
  "spaincentral",
  "eastus",
  "eastus2",
  "westus",
  "westus2",
  "westus3",
  "centralus",
  "northcentralus",
  "southcentralus",
]);

function defaultOpenAiSku(location: string): string {
  return DATA_ZONE_REGIONS.has(location) ? "DataZoneStandard" : "GlobalStandard";
}

/** The file's `security:` block: every field optional, nested ones field by field. */
export type SecurityDoc = Partial<Omit<SecuritySettings, "flowLogs" | "podSecurity" | "kubernetesPolicies">> & {
  flowLogs?: Partial<SecuritySettings["flowLogs"]>;
  podSecurity?: Partial<SecuritySettings["podSecurity"]>;
  kubernetesPolicies?: Partial<Omit<SecuritySettings["kubernetesPolicies"], "effects">> & {
    effects?: Partial<SecuritySettings["kubernetesPolicies"]["effects"]>;
  };
};

/** What the policies' defaults depend on besides azure.production. */
export interface SecurityFacts {
  /** The ingress load balancer is internal (network.ingress.internal, or behind the WAF). */
  ingressInternal: boolean;
  /** The ingress serves TLS (network.ingress.tls). */
  ingressTls: boolean;
}

/** Each single policy's default effect: production denies what the toolkit's own workloads pass. */
function defaultPolicyEffects(
  production: boolean,
  facts: SecurityFacts,
): Record<KubernetesPolicyKey, KubernetesPolicyEffect> {
  const deny = new Set<string>(production ? DEFAULTS.kubernetesPolicies.productionDeny : []);
  // A public ingress is a LoadBalancer Service with a public address: the rule would refuse it.
  if (!facts.ingressInternal) deny.delete("internalLoadBalancers");
  // Without TLS every Ingress breaks the HTTPS-only rule.
  if (!facts.ingressTls) deny.delete("httpsIngress");
  return Object.fromEntries(
    KUBERNETES_POLICY_KEYS.map((k) => [k, deny.has(k) ? "deny" : DEFAULTS.kubernetesPolicies.effect]),
  ) as Record<KubernetesPolicyKey, KubernetesPolicyEffect>;
}

/** Production turns every protection on; each stays a setting (docs/infrastructure.md says when to turn one off). */
export function securitySettings(
  production: boolean,
  doc: SecurityDoc,
  facts: SecurityFacts = {
    ingressInternal: DEFAULTS.network.ingress.internal,
    ingressTls: DEFAULTS.network.ingress.tls,
  },
): SecuritySettings {
  const { flowLogs, podSecurity, kubernetesPolicies, ...flat } = doc;
  const logRetentionDays = doc.logRetentionDays ?? (production ? 365 : 30);
  return {
    networkPolicy: production ? "cilium" : "none",
    azurePolicy: production,
    defender: production,
    runCommand: !production,
    apiServerAuthorizedIpRanges: [],
    logRetentionDays,
    storageInfrastructureEncryption: production,
    controlPlaneOperationalLogs: production,
    ...flat,
    podSecurity: {
      // Only where the add-on runs: without Gatekeeper the assignment would enforce nothing.
      enabled: doc.azurePolicy ?? production,
      standard: DEFAULTS.podSecurity.standard,
      // Audit, not deny: CodeMie's stack has pods the baseline forbids (docs/security-baseline.md).
      effect: DEFAULTS.podSecurity.effect,
      excludedNamespaces: [],
      ...podSecurity,
    },
    kubernetesPolicies: {
      // Like podSecurity: the admission rules need the add-on's Gatekeeper.
      enabled: doc.azurePolicy ?? production,
      excludedNamespaces: [],
      additionalImages: [],
      additionalIngressDomains: [],
      ...kubernetesPolicies,
      effects: { ...defaultPolicyEffects(production, facts), ...kubernetesPolicies?.effects },
    },
    flowLogs: {
      enabled: production,
      // Flow logs keep at most 365 days; the workspace's retention otherwise.
      retentionDays: Math.min(logRetentionDays, DEFAULTS.flowLogs.maxRetentionDays),
      trafficAnalytics: DEFAULTS.flowLogs.trafficAnalytics,
      ...flowLogs,
    },
  };
}

/** The WAF in front of the ingress: on in production (docs/infrastructure.md says when to turn it off). */
export function wafSettings(production: boolean, doc: Partial<WafSettings>): WafSettings {
  const d = DEFAULTS.network.ingress.waf;
  return {
    enabled: production ? d.enabled.production : d.enabled.otherwise,
    mode: d.mode,
    certificateName: d.certificateName,
    minCapacity: d.minCapacity,
    maxCapacity: d.maxCapacity,
    ...doc,
  };
}

/** The WAF settings of a model, also one built before they existed (off). */
export function wafOf(env: Pick<Environment, "network">): WafSettings {
  return env.network.ingress.waf ?? wafSettings(false, {});
}

type HelmValues = Record<string, unknown>;

/** Per-environment Helm values by release id (component, companion or add-on key), with where the file writes them. */
function resolveHelmValues(doc: Doc): NonNullable<Environment["helmValues"]> {
  const out: Record<string, { path: string[]; values: HelmValues }> = {};
  for (const [key, c] of Object.entries(doc.components ?? {})) {
    if (c?.values) out[key] = { path: ["components", key, "values"], values: c.values };
    for (const [id, companion] of Object.entries(COMPANION_RELEASES)) {
      if (companion.parent === key && c?.companion?.values)
        out[id] = { path: ["components", key, "companion", "values"], values: c.companion.values };
    }
  }
  for (const [key, a] of Object.entries(doc.platform ?? {}))
    if (a?.values) out[key] = { path: ["platform", key, "values"], values: a.values };
  return out;
}

function resolveComponents(
  base: Record<ComponentKey, ComponentSizing>,
  overrides: NonNullable<Doc["components"]>,
  keycloakDatabase: string,
): ResolvedComponent[] {
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
      resolved.companion = {
        key: c.companion.key,
        displayName: c.companion.displayName,
        kind: c.companion.kind,
        replicas: comp.replicas,
        memory: comp.memory,
        cpu: comp.cpu,
      };
      if (comp.storage) resolved.companion.storage = comp.storage;
    }
    out.push(resolved);
  }
  return out;
}
