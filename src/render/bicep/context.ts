// Everything main.bicep.hbs prints, computed here so the template only lays it out.
import { ROLE_IDS, WORKLOAD_IDENTITIES } from "../../catalogue/identities.js";
import { ENCRYPTION_KEY_NAME, POSTGRES_ADMIN_LOGIN } from "../../catalogue/platform.js";
import type { VaultSecretName } from "../../catalogue/secrets.js";
import type { Environment } from "../../model/environment.js";
import { isEnabled } from "../gitops/contract.js";

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

/** The Key Vault secret main.parameters.json passes to the server as its administrator password. */
export const POSTGRES_PASSWORD_SECRET: VaultSecretName = "postgres-admin-password";

export function bicepContext(env: Environment, nodePools: BicepNodePool[], kustomizations: FluxKustomization[], header: string) {
  const identities = WORKLOAD_IDENTITIES.filter((w) => !w.component || isEnabled(env, w.component)).map((w) => ({
    key: w.key,
    name: env.names.identities[w.key],
    namespace: w.namespace,
    serviceAccount: w.serviceAccount,
    roles: w.roles,
  }));
  const grants = (target: "keyVault" | "storage" | "openai") =>
    identities.flatMap((id, index) => id.roles.filter((r) => r.target === target).map((r) => ({ index, role: ROLE_IDS[r.role] })));
  const openai = env.openai.enabled ? env.openai : undefined;
  return {
    header,
    location: env.azure.location,
    tenantId: env.azure.tenantId,
    tags: Object.entries(env.azure.tags).sort(([a], [b]) => a.localeCompare(b)).map(([name, value]) => ({ name, value })),
    names: { ...env.names, controlPlaneIdentity: `id-${env.azure.namePrefix}-${env.name}-aks` },
    privateEndpoints: { keyVault: `pe-${env.names.keyVault}`, blob: `pe-${env.names.storageAccount}-blob`, openai: `pe-${env.names.openai}` },
    zones: env.aks.zones,
    network: env.network,
    logRetentionDays: env.production ? 90 : 30,
    publicNetworkAccess: !env.network.privateCluster,
    lockStatefulResources: env.production,
    aks: {
      kubernetesVersion: env.aks.kubernetesVersion,
      tier: env.production ? "Standard" : "Free",
      adminGroupObjectIds: env.identity.aksAdminGroupObjectIds,
      upgradeChannel: env.aks.upgradeChannel,
      maintenanceWindow: env.aks.maintenanceWindow,
      nodePools,
    },
    identities,
    grants: { keyVault: grants("keyVault"), storage: grants("storage"), openai: grants("openai") },
    gitops: { repository: env.gitops.repository, branch: env.gitops.branch, kustomizations, enforceMultiTenancy: env.gitops.multiTenancy.enforce, multiTenancyOptOutReason: env.gitops.multiTenancy.enforce ? "" : env.gitops.multiTenancy.reason },
    keyVault: { ...env.keyVault, keyName: ENCRYPTION_KEY_NAME },
    postgres: {
      ...env.postgres,
      administratorLogin: POSTGRES_ADMIN_LOGIN,
      privateDnsZone: `${env.names.postgres}.private.postgres.database.azure.com`,
      databases: postgresDatabases(env),
      extensions: POSTGRES_EXTENSIONS,
    },
    openai,
  };
}

/** CodeMie's own database, plus Keycloak's and LiteLLM's when they live on the managed server. */
function postgresDatabases(env: Environment): string[] {
  const dbs = ["codemie"];
  if (env.keycloakDatabase === "managed") dbs.push("keycloak");
  if (isEnabled(env, "llmProxy")) dbs.push("litellm");
  return dbs;
}
