// Renders an environment's infrastructure: main.bicep from its Handlebars template, the
// shared modules beside it, and an ARM parameters file that `az deployment sub create`
// accepts as is (it reads the PostgreSQL password from the environment's Key Vault).
import type { CapacityPlan, PoolPlan } from "../../capacity/plan.js";
import type { Environment } from "../../model/environment.js";
import { keyVaultId } from "../../model/resource-ids.js";
import type { RenderTemplate, TemplateSources } from "../engine.js";
import { generatedHeader, type RenderedTree } from "../tree.js";
import { bicepContext, POSTGRES_PASSWORD_SECRET, type BicepNodePool, type FluxKustomization } from "./context.js";
import { EGRESS_FQDNS_FILE, egressFqdnsText } from "./egress-fqdns.js";
import { DAY2_FILE, day2Expectations } from "./expectations.js";
import { GITOPS_CREDENTIALS } from "../../catalogue/gitops-credentials.js";
import { securitySettings } from "../../model/resolve.js";

export const BICEP_DIR = "bicep";
/** Deployed in this order: bootstrap (resource group + Key Vault), then main. */
export const BICEP_ENTRIES = ["bootstrap", "main"] as const;

export function renderBicep(
  env: Environment,
  plan: CapacityPlan,
  kustomizations: FluxKustomization[],
  render: RenderTemplate,
  modules: TemplateSources,
): RenderedTree {
  const header = generatedHeader(env.file, "//");
  const tree: RenderedTree = new Map();
  const context = bicepContext(env, plan.nodePools.map(toBicepNodePool), kustomizations, header.replace(/^\/\/ /, ""));
  for (const entry of BICEP_ENTRIES)
    tree.set(`${BICEP_DIR}/${entry}.bicep`, render(`bicep/templates/${entry}.bicep.hbs`, context));
  for (const [path, source] of Object.entries(modules).sort(([a], [b]) => a.localeCompare(b))) {
    tree.set(`${BICEP_DIR}/${path.replace(/^bicep\//, "")}`, `${header}\n${source}`);
  }
  tree.set(`${BICEP_DIR}/main.parameters.json`, `${JSON.stringify(parametersFile(env), null, 2)}\n`);
  tree.set(
    `${BICEP_DIR}/${DAY2_FILE}`,
    `${JSON.stringify(day2Expectations(context, env.azure.subscriptionId), null, 2)}\n`,
  );
  if (env.network.egressFirewall.mode !== "none")
    tree.set(`${BICEP_DIR}/${EGRESS_FQDNS_FILE}`, egressFqdnsText(env, generatedHeader(env.file, "#")));
  return tree;
}

function toBicepNodePool(pool: PoolPlan): BicepNodePool {
  const fixed = pool.fixedCount !== undefined;
  const out: BicepNodePool = {
    name: pool.name,
    mode: pool.mode,
    vmSize: pool.vmSize,
    maxPods: pool.maxPods,
    enableAutoScaling: !fixed,
    count: pool.fixedCount ?? pool.minCount,
    zones: pool.zones,
    labels: Object.entries(pool.labels)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => ({ name, value })),
    taints: pool.taints,
    subnet: pool.name,
  };
  if (!fixed) {
    out.minCount = pool.minCount;
    out.maxCount = pool.maxCount;
  }
  return out;
}

function parametersFile(env: Environment) {
  const vaultId = keyVaultId(env);
  return {
    $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
    contentVersion: "1.0.0.0",
    parameters: {
      postgresAdminPassword: { reference: { keyVault: { id: vaultId }, secretName: POSTGRES_PASSWORD_SECRET } },
      // The deploy raises it to the server's current size when auto-grow went past it.
      postgresStorageGb: { value: env.postgres.storageGb },
      // The deploy keeps an existing account's value: Azure fixes it when the account is created.
      storageInfrastructureEncryption: {
        value: (env.security ?? securitySettings(env.production, {})).storageInfrastructureEncryption,
      },
      // Flux's read-only credential goes from Key Vault to ARM without passing through this tool.
      ...(env.gitops.auth === "none"
        ? {}
        : {
            gitopsCredential: {
              reference: { keyVault: { id: vaultId }, secretName: GITOPS_CREDENTIALS[env.gitops.auth].secret },
            },
          }),
    },
  };
}
