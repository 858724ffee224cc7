// Everything main.bicep.hbs prints, computed here so the template only lays it out.
import { ROLES_JOB } from "../../catalogue/database-roles.js";
import { ROLE_IDS, WORKLOAD_IDENTITIES } from "../../catalogue/identities.js";
import { ENCRYPTION_KEY_NAME, POSTGRES_ADMIN_LOGIN } from "../../catalogue/platform.js";
import type { VaultSecretName } from "../../catalogue/secrets.js";
import type { Environment } from "../../model/environment.js";
import { postgresDatabases } from "../../model/postgres-databases.js";
import { securitySettings } from "../../model/resolve.js";
import { flowLogName } from "../../model/resource-ids.js";
import { POD_SECURITY_INITIATIVES, POD_SECURITY_SYSTEM_NAMESPACES } from "../../catalogue/pod-security.js";
import { isEnabled } from "../gitops/contract.js";
import { gatewayNames } from "../../config/app-gateway.js";
import { bicepAppGateway } from "./app-gateway.js";
import { bicepIngress } from "./ingress.js";
import { ingressHostsDefinition, kubernetesPolicyAssignments } from "./kubernetes-policies.js";
import { bicepEgressFirewall } from "./egress-firewall.js";
import { egressNextHop, outboundType } from "../../config/egress-firewall.js";
import { nsgRules } from "./network-rules.js";
import { fluxRepositoryUrl, HTTPS_USER, knownHostsFor } from "../../catalogue/gitops-credentials.js";
import { cloudMetadata } from "../../catalogue/azure-clouds.js";

/** A node pool as AKS receives it; built from the capacity planner's pool plan. */
export interface BicepNodePool {
  name: string;
  mode: "System" | "User";
  vmSize: string;
  maxPods: number;
  enableAutoScaling: boolean;
  count: number;
  minCount?: number;
  maxCount?: number;
  zones: string[];
  labels: { name: string; value: string }[];
  taints: string[];
  subnet: "system" | "workloads";
}

/** The Flux kustomizations of the environment's fluxConfiguration, in reconcile order. */
export interface FluxKustomization {
  name: string;
  path: string;
  dependsOn: string[];
  /** How long it waits for what it applied to be Ready. */
  timeoutSeconds: number;
}

/** Extensions CodeMie's database migrations create (they must be allow-listed on Azure). */
export const POSTGRES_EXTENSIONS = ["PG_TRGM"];

/**
 * CodeMie's envelope-encryption key. Key Vault keys are create-if-not-exists in ARM: an existing
 * key keeps its type and size whatever the template says, so this spec is fixed for the key's
 * name; a new spec belongs to a new key name (a deliberate rotation), and the deploy refuses a
 * changed spec for an existing key.
 */
export const ENCRYPTION_KEY_SPEC = { kty: "RSA", keySize: 2048 } as const;

/** The Key Vault secret main.parameters.json passes to the server as its administrator password. */
export const POSTGRES_PASSWORD_SECRET: VaultSecretName = "postgres-admin-password";

export function bicepContext(
  env: Environment,
  nodePools: BicepNodePool[],
  kustomizations: FluxKustomization[],
  header: string,
) {
  const identities = WORKLOAD_IDENTITIES.filter((w) => !w.component || isEnabled(env, w.component)).map((w) => ({
    key: w.key,
    name: env.names.identities[w.key],
    namespace: w.namespace,
    serviceAccount: w.serviceAccount,
    roles: w.roles,
  }));
  const grants = (target: "keyVault" | "storage" | "openai") =>
    identities.flatMap((id, index) =>
      id.roles.filter((r) => r.target === target).map((r) => ({ index, role: ROLE_IDS[r.role] })),
    );
  const openai = env.openai.enabled ? env.openai : undefined;
  const security = env.security ?? securitySettings(env.production, {});
  const kubernetesPolicies = kubernetesPolicyAssignments(env, security);
  // Each cloud names its private DNS zones differently (usgov, china): never the public cloud's by default.
  const privateDnsZones = cloudMetadata(env.azure.cloud).privateDnsZones;
  return {
    header,
    location: env.azure.location,
    tenantId: env.azure.tenantId,
    tags: Object.entries(env.azure.tags)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => ({ name, value })),
    names: {
      ...env.names,
      controlPlaneIdentity: `id-${env.azure.namePrefix}-${env.name}-aks`,
      appGateway: gatewayNames(env).gateway,
    },
    privateEndpoints: {
      keyVault: `pe-${env.names.keyVault}`,
      blob: `pe-${env.names.storageAccount}-blob`,
      openai: `pe-${env.names.openai}`,
    },
    zones: env.aks.zones,
    privateDnsZones,
    network: {
      ...env.network,
      // Empty: no gateway subnet (network.bicep then leaves it out).
      appGatewaySubnet: env.network.subnets.appGateway ?? "",
      egressFirewallIp: egressNextHop(env),
      firewallSubnet: env.network.subnets.firewall ?? "",
      outboundType: outboundType(env),
      directOutboundType: "userAssignedNATGateway",
    },
    egressFirewall: bicepEgressFirewall(env),
    securityRules: Object.entries(nsgRules(env)).map(([subnet, rules]) => ({ subnet, rules })),
    logRetentionDays: security.logRetentionDays,
    publicNetworkAccess: !env.network.privateCluster,
    lockStatefulResources: env.production,
    storage: { infrastructureEncryption: security.storageInfrastructureEncryption },
    aks: {
      kubernetesVersion: env.aks.kubernetesVersion,
      tier: env.production ? "Standard" : "Free",
      adminGroupObjectIds: env.identity.aksAdminGroupObjectIds,
      upgradeChannel: env.aks.upgradeChannel,
      maintenanceWindow: env.aks.maintenanceWindow,
      nodePools,
      networkPolicy: security.networkPolicy,
      azurePolicy: security.azurePolicy,
      defender: security.defender,
      operationalLogs: security.controlPlaneOperationalLogs,
      podSecurity: {
        standard: security.podSecurity.standard,
        // Empty: no assignment (the module skips it).
        initiativeId: security.podSecurity.enabled ? POD_SECURITY_INITIATIVES[security.podSecurity.standard].id : "",
        effect: security.podSecurity.effect,
        excludedNamespaces: [...POD_SECURITY_SYSTEM_NAMESPACES, ...security.podSecurity.excludedNamespaces],
      },
      disableRunCommand: !security.runCommand,
      // A private API server has no public address to restrict.
      authorizedIpRanges: env.network.privateCluster ? [] : security.apiServerAuthorizedIpRanges,
    },
    kubernetesPolicies,
    ingressHostsPolicy: ingressHostsDefinition(kubernetesPolicies),
    identities,
    grants: { keyVault: grants("keyVault"), storage: grants("storage"), openai: grants("openai") },
    gitops: {
      repository: fluxRepositoryUrl(env.gitops.repository, env.gitops.auth),
      branch: env.gitops.branch,
      kustomizations,
      enforceMultiTenancy: env.gitops.multiTenancy.enforce,
      multiTenancyOptOutReason: env.gitops.multiTenancy.enforce ? "" : env.gitops.multiTenancy.reason,
      ssh: env.gitops.auth === "ssh",
      https: env.gitops.auth === "https",
      httpsUser: HTTPS_USER,
      knownHosts: `${knownHostsFor(env.gitops.repository, env.gitops.sshKnownHosts).join("\n")}\n`,
    },
    keyVault: { ...env.keyVault, keyName: ENCRYPTION_KEY_NAME, keySpec: ENCRYPTION_KEY_SPEC },
    postgres: {
      ...env.postgres,
      administratorLogin: POSTGRES_ADMIN_LOGIN,
      privateDnsZone: `${env.names.postgres}.${privateDnsZones.postgresServer}`,
      databases: postgresDatabases(env),
      extensions: POSTGRES_EXTENSIONS,
      // Empty: no Entra administrator (the module skips the resource).
      entraAdminGroup: env.postgres.entraAdminGroup ?? { objectId: "", name: "" },
      // The roles Job's identity, an Entra administrator of the server (database-roles.ts).
      rolesJobAdmin: {
        index: identities.findIndex((id) => id.key === ROLES_JOB.key),
        name: env.names.identities[ROLES_JOB.key],
      },
    },
    openai,
    flowLogs: security.flowLogs.enabled
      ? {
          storageName: env.names.flowLogStorage,
          identityName: `id-${env.azure.namePrefix}-${env.name}-flowlogs`,
          blobDataContributor: ROLE_IDS["Storage Blob Data Contributor"],
          watcherResourceGroup: env.network.networkWatcher.resourceGroup,
          watcherName: env.network.networkWatcher.name,
          name: flowLogName(env),
          retentionDays: security.flowLogs.retentionDays,
          trafficAnalytics: security.flowLogs.trafficAnalytics,
        }
      : undefined,
    ingress: bicepIngress(env),
    appGateway: bicepAppGateway(env),
  };
}
