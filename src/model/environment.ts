// The resolved model: an environment file after profile defaults and overrides are applied.
// Every later stage (capacity planner, Bicep and GitOps renderers, deploy engine) reads
// only this, never the raw YAML.
import type { CloudName } from "../catalogue/azure-regions.js";
import type { ComponentKey, WorkloadKind } from "../catalogue/components.js";
import type { ProfileKey } from "../catalogue/profiles.js";
import type { PodSecurityEffect, PodSecurityStandard } from "../catalogue/pod-security.js";
import type { KubernetesPolicyEffect, KubernetesPolicyKey } from "../catalogue/kubernetes-policies.js";
import type { ResourceNames } from "./names.js";

export type PoolName = "system" | "workloads";

export interface NodePoolSpec {
  name: PoolName;
  /** A VM size, or "auto" for the capacity planner to choose. */
  vmSize: string;
  /** Fixed count (no autoscaler); undefined means autoscaled between min and max. */
  count?: number | "auto";
  minCount: number;
  maxCount: number;
}

export interface WorkloadSize {
  key: string;
  displayName: string;
  kind: Exclude<WorkloadKind, "managed">;
  /** Pods; 0 for a DaemonSet (one per node). */
  replicas: number;
  memory: string;
  cpu: string;
  storage?: string;
}

export interface ResolvedComponent extends WorkloadSize {
  key: ComponentKey;
  enabled: boolean;
  companion?: WorkloadSize;
}

export interface OpenAiDeployment {
  name: string;
  model: string;
  version: string;
  capacity: number;
  sku: string;
}

export type FirewallSku = "Standard" | "Premium";

/**
 * Node egress: `none` goes straight out through the NAT gateway; `hub` routes 0.0.0.0/0 to a
 * firewall the landing zone owns (reached by peering); `managed` creates an Azure Firewall in the
 * environment's own AzureFirewallSubnet, with the allow-list as its policy.
 */
export type EgressFirewall = { mode: "none" } | { mode: "hub"; ip: string } | { mode: "managed"; sku: FirewallSku };

export interface SecuritySettings {
  networkPolicy: "cilium" | "azure" | "none";
  azurePolicy: boolean;
  defender: boolean;
  runCommand: boolean;
  apiServerAuthorizedIpRanges: string[];
  logRetentionDays: number;
  storageInfrastructureEncryption: boolean;
  /** cluster-autoscaler and kube-controller-manager control-plane logs (audit logs are always collected). */
  controlPlaneOperationalLogs: boolean;
  /** Azure Policy's pod security initiative on the cluster (needs azurePolicy, the add-on that enforces it). */
  podSecurity: {
    enabled: boolean;
    standard: PodSecurityStandard;
    effect: PodSecurityEffect;
    /** Namespaces excluded besides AKS's system namespaces. */
    excludedNamespaces: string[];
  };
  /** aks-baseline's single Azure Policy definitions (catalogue/kubernetes-policies.ts) assigned on the cluster. */
  kubernetesPolicies: {
    enabled: boolean;
    effects: Record<KubernetesPolicyKey, KubernetesPolicyEffect>;
    /** Namespaces the admission rules skip besides AKS's system namespaces. */
    excludedNamespaces: string[];
    /** Image repositories (or registry prefixes ending in "/") allowed besides the platform's own. */
    additionalImages: string[];
    /** Domains whose names (and subdomains) an Ingress may serve besides network.ingress.host's. */
    additionalIngressDomains: string[];
  };
  /** VNet flow logs through the region's Network Watcher (network.networkWatcher) to their own storage account. */
  flowLogs: { enabled: boolean; retentionDays: number; trafficAnalytics: boolean };
}

/** An Application Gateway WAF_v2 in front of ingress-nginx (then always on its internal load balancer). */
export interface WafSettings {
  enabled: boolean;
  mode: "Prevention" | "Detection";
  /** Key Vault certificate (PKCS#12 content type) the gateway's HTTPS listener serves. */
  certificateName: string;
  /** Autoscale bounds in instances. */
  minCapacity: number;
  maxCapacity: number;
}

export interface Environment {
  name: string;
  /** Path of the environment file, as given to the loader (used in diagnostics and headers). */
  file: string;
  profile: ProfileKey;
  codemieVersion: string;
  production: boolean;
  azure: {
    tenantId: string;
    subscriptionId: string;
    location: string;
    cloud: CloudName;
    namePrefix: string;
    tags: Record<string, string>;
  };
  names: ResourceNames;
  network: {
    vnetCidr: string;
    subnets: {
      system: string;
      workloads: string;
      postgres: string;
      privateEndpoints: string;
      /** The Application Gateway's own subnet (network.ingress.waf); absent when the file has none. */
      appGateway?: string;
      /** AzureFirewallSubnet, for egressFirewall mode managed. */
      firewall?: string;
    };
    podCidr: string;
    serviceCidr: string;
    dnsServiceIp: string;
    privateCluster: boolean;
    /** Where node egress goes (docs/infrastructure.md, "Egress firewall"). */
    egressFirewall: EgressFirewall;
    /** The region's Network Watcher, which VNet flow logs belong to (Azure's default name and group unless set). */
    networkWatcher: { resourceGroup: string; name: string };
    ingress: {
      host: string;
      tls: boolean;
      tlsSecretName: string;
      internal: boolean;
      /** CIDRs allowed to reach a public ingress on 80/443; absent: the whole internet. */
      sourceRanges?: string[];
      /** Fixed address of an internal load balancer as the file gives it; model/ingress.ts defaults it. */
      privateIp?: string;
      /** The host's DNS record as the file gives it; model/ingress.ts fills in the rest. */
      dns?: { mode?: "azure" | "external"; zone?: string; zoneResourceGroup?: string };
      /** The WAF in front of the ingress; absent in models built before it existed (read through wafSettings). */
      waf?: WafSettings;
    };
  };
  aks: {
    kubernetesVersion: string;
    upgradeChannel: string;
    maintenanceWindow: { day: string; startHour: number; durationHours: number };
    zones: string[];
    nodePools: Record<PoolName, NodePoolSpec>;
    autoSizing: { families: string[] };
  };
  postgres: {
    version: string;
    tier: "Burstable" | "GeneralPurpose" | "MemoryOptimized";
    sku: string;
    storageGb: number;
    highAvailability: "Disabled" | "SameZone" | "ZoneRedundant";
    backupRetentionDays: number;
    geoRedundantBackup: boolean;
    /** Entra ID group set as the server's Entra administrator. */
    entraAdminGroup?: { objectId: string; name: string };
  };
  keyVault: { softDeleteRetentionDays: number; purgeProtection: boolean };
  identity: { aksAdminGroupObjectIds: string[] };
  openai: { enabled: boolean; location: string; deployments: OpenAiDeployment[] };
  gitops: {
    repository: string;
    branch: string;
    path: string;
    /** How Flux reads the repository: public, a deploy key, or a token (docs/enterprise.md). */
    auth: "none" | "ssh" | "https";
    /** known_hosts lines for auth ssh on a host other than github.com. */
    sshKnownHosts: string[];
    /** The Flux extension's multi-tenancy enforcement: on unless the file opts out with a reason. */
    multiTenancy: { enforce: true } | { enforce: false; reason: string };
  };
  /** Where Keycloak keeps its data: the table's in-cluster "+ DB" or the managed server. */
  keycloakDatabase: "inCluster" | "managed";
  /** Every in-cluster row of the resource table, in catalogue order, disabled ones included.
   *  The managed PostgreSQL row is `postgres`. */
  components: ResolvedComponent[];
  /**
   * Per-environment Helm values by release id (component, companion or add-on key), merged last into that release's
   * values.
   */
  helmValues?: Readonly<Record<string, { path: string[]; values: Readonly<Record<string, unknown>> }>>;
  usage: { users?: number; datasourceGb?: number; logGbPerDay?: number; logRetentionDays?: number };
  /** The first administrator as the file gives it; render/gitops/first-admin.ts fills in the defaults. */
  login?: { firstAdmin?: { username?: string; email?: string; projects?: string[] } };
  /** Protections; absent in models built before they existed (read through securitySettings). */
  security?: SecuritySettings;
  /** The environment a release must run in (Compliant) before this one deploys it. */
  promotion?: { after: string };
}
