// Every shipped environment and both sizing profiles render to Bicep that the real Bicep
// CLI compiles with zero errors and zero warnings under bicep/bicepconfig.json; the
// assertions read the compiled ARM JSON, not the template text.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planCapacity, type CapacityPlan } from "../../../src/capacity/plan.js";
import { loadEnvironment } from "../../../src/app/load.js";
import type { Environment } from "../../../src/model/environment.js";
import type { RenderedTree } from "../../../src/render/tree.js";
import { planGitops } from "../../../src/render/gitops/plan.js";
import { allResources, moduleParams, moduleVariables, ofType } from "../../support/arm.js";
import { bicepSession, ROOT as root } from "../../support/bicep.js";
import { joinedRegExp } from "../../support/regex.js";

const session = await bicepSession();

interface Rendered {
  env: Environment;
  plan: CapacityPlan;
  tree: RenderedTree;
  main: Record<string, unknown>;
  bootstrap: Record<string, unknown>;
}

function load(file: string, text: string, name?: string): { env: Environment; plan: CapacityPlan } {
  const { env, diagnostics } = loadEnvironment(file, text, name);
  if (!env) throw new Error(diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join("\n"));
  const plan = planCapacity(env);
  expect(plan.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return { env, plan };
}

async function renderAndCompile(env: Environment, plan: CapacityPlan): Promise<Rendered> {
  const compiled = await session.compile(env, plan);
  expect(compiled.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.level} ${d.code} ${d.message}`)).toEqual(
    [],
  );
  const json = (p: string) => JSON.parse(compiled.tree.get(p)!) as Record<string, unknown>;
  return { env, plan, tree: compiled.tree, main: json("bicep/main.json"), bootstrap: json("bicep/bootstrap.json") };
}

const shipped = ["dev", "staging", "prod"];
const rendered = new Map<string, Rendered>();

async function get(name: string): Promise<Rendered> {
  if (!rendered.has(name)) {
    const file = `environments/${name}.yaml`;
    const { env, plan } = load(file, readFileSync(join(root, file), "utf8"));
    rendered.set(name, await renderAndCompile(env, plan));
  }
  return rendered.get(name)!;
}

/**
 * The VNet's four role subnets as network.bicep writes them (a variable: AzureFirewallSubnet is
 * appended to them when the environment has one, so the VNet's own property is an expression).
 */
describe("rendered Bicep compiles cleanly", () => {
  it.each(shipped)("environments/%s.yaml", async (name) => {
    const r = await get(name);
    expect(r.main.$schema).toMatch(/subscriptionDeploymentTemplate\.json#$/);
    expect(r.bootstrap.$schema).toMatch(/subscriptionDeploymentTemplate\.json#$/);
    expect(r.tree.get("bicep/main.parameters.json")).toBeDefined();
  });

  it.each(["production", "small"])("the %s profile on the base environment", async (profile) => {
    let base = readFileSync(join(root, "test/fixtures/base.yaml"), "utf8").replace(
      "profile: production",
      `profile: ${profile}`,
    );
    // A small team's environment: Burstable PostgreSQL has no high availability, and N+1 is for production.
    if (profile === "small")
      base = base
        .replace("highAvailability: ZoneRedundant", "highAvailability: Disabled")
        .replace("production: true", "production: false");
    const { env, plan } = load("environments/base.yaml", base, "base");
    const r = await renderAndCompile(env, plan);
    expect(moduleParams(r.main, "aks").nodePools).toHaveLength(2);
  });
});

describe("prod infrastructure", () => {
  it("has zone-redundant PostgreSQL with the PG_TRGM allow-list and no public access", async () => {
    const { main } = await get("prod");
    const pg = moduleParams(main, "postgres");
    expect(pg.highAvailability).toBe("ZoneRedundant");
    expect(pg.extensions).toContain("PG_TRGM");
    const server = ofType(main, "Microsoft.DBforPostgreSQL/flexibleServers")[0]!;
    expect((server.body.properties as { network: { publicNetworkAccess: string } }).network.publicNetworkAccess).toBe(
      "Disabled",
    );
    const config = ofType(main, "Microsoft.DBforPostgreSQL/flexibleServers/configurations")[0]!;
    expect(config.body.properties).toMatchObject({ value: "[join(parameters('extensions'), ',')]" });
  });

  it("sizes node pools exactly as the capacity planner does", async () => {
    const { main, plan } = await get("prod");
    const pools = moduleParams(main, "aks").nodePools as Record<string, unknown>[];
    expect(
      pools.map((p) => ({
        name: p.name,
        vmSize: p.vmSize,
        minCount: p.minCount,
        maxCount: p.maxCount,
        maxPods: p.maxPods,
      })),
    ).toEqual(
      plan.nodePools.map((p) => ({
        name: p.name,
        vmSize: p.vmSize,
        minCount: p.minCount,
        maxCount: p.maxCount,
        maxPods: p.maxPods,
      })),
    );
    const workloads = pools.find((p) => p.name === "workloads")!;
    expect(workloads.labels).toEqual(plan.nodePools.find((p) => p.name === "workloads")!.labels);
    expect(pools.find((p) => p.name === "system")!.taints).toEqual(["CriticalAddonsOnly=true:NoSchedule"]);
  });

  it(
    "locks the stateful resources, the audit workspace and OpenAI of a " + "production environment, and only those",
    async () => {
      const prodLocks = ofType((await get("prod")).main, "Microsoft.Authorization/locks");
      expect(prodLocks.map((l) => l.module).sort()).toEqual([
        // The WAF and its address.
        "/appGateway",
        "/appGateway",
        "/egressFirewall",
        "/flowLogStorage",
        "/flux",
        "/keyVault",
        "/monitoring",
        "/openai",
        "/postgres",
        "/storage",
      ]);
      for (const lock of prodLocks) expect(lock.body.condition).toBe("[parameters('lock')]");
      for (const name of ["prod", "dev"]) {
        const { main } = await get(name);
        const locks = ["flux", "keyVault", "postgres", "storage", "monitoring"].map((m) => moduleParams(main, m).lock);
        expect(locks).toEqual(name === "prod" ? [true, true, true, true, true] : [false, false, false, false, false]);
      }
      expect(moduleParams((await get("prod")).main, "openai").lock).toBe(true);
    },
  );

  it("keeps Key Vault and Storage private when the cluster is private", async () => {
    const { main } = await get("prod");
    expect(moduleParams(main, "keyVault").publicNetworkAccess).toBe(false);
    expect(moduleParams(main, "storage").publicNetworkAccess).toBe(false);
    expect(moduleParams(main, "aks").privateCluster).toBe(true);
    expect(moduleParams((await get("dev")).main, "keyVault").publicNetworkAccess).toBe(true);
  });

  it("names every role assignment deterministically", async () => {
    const { main } = await get("prod");
    const assignments = ofType(main, "Microsoft.Authorization/roleAssignments");
    expect(assignments.length).toBeGreaterThanOrEqual(4);
    for (const a of assignments) expect(String(a.name)).toMatch(/^\[guid\(/);
    const text = JSON.stringify(main);
    expect(text).not.toMatch(/newGuid|utcNow/);
  });

  it("federates one identity per Azure-reaching workload with the AKS OIDC issuer", async () => {
    const { main } = await get("prod");
    const feds = moduleParams(main, "workloadIdentity").federations as { namespace: string; serviceAccount: string }[];
    // API, LiteLLM, External Secrets, and the PostgreSQL roles Job (test/render/bicep/postgres-roles.test.ts).
    expect(feds.length).toBe(4);
    expect(moduleParams(main, "workloadIdentity").issuerUrl).toBe("[reference('aks').outputs.oidcIssuerUrl.value]");
  });

  it("points Flux at the environment's GitOps branch and path", async () => {
    const { main, env } = await get("prod");
    const flux = moduleParams(main, "flux");
    expect(flux.repositoryUrl).toBe(env.gitops.repository);
    expect(flux.branch).toBe("gitops/prod");
    // The root waits for the layers, which apply one after another: its timeout covers them all.
    const layerMinutes = planGitops(env).layers.reduce((sum, l) => sum + parseInt(l.timeout, 10), 0);
    expect(flux.kustomizations).toEqual([
      { name: "root", path: "./clusters/prod", dependsOn: [], timeoutSeconds: expect.any(Number) as number },
    ]);
    expect((flux.kustomizations as Array<{ timeoutSeconds: number }>)[0]!.timeoutSeconds).toBeGreaterThan(
      layerMinutes * 60,
    );
    // Multi-tenancy stays enforced (the extension's secure default) unless the file opts out.
    expect(flux.enforceMultiTenancy).toBe(true);
    expect(ofType(main, "Microsoft.KubernetesConfiguration/extensions")[0]!.body.properties).toMatchObject({
      extensionType: "microsoft.flux",
      configurationSettings: { "multiTenancy.enforce": "[string(parameters('enforceMultiTenancy'))]" },
    });
  });

  it("turns multi-tenancy enforcement off only with the environment file's reason", async () => {
    const file = "environments/prod.yaml";
    const text = readFileSync(join(root, file), "utf8");
    const reason = "a shared cluster whose other tenants reference flux-system sources";
    const optedOut = text.replace(/^gitops:\n/m, `gitops:\n  multiTenancyOptOut:\n    reason: "${reason}"\n`);
    const { env, plan } = load(file, optedOut);
    expect(env.gitops.multiTenancy).toEqual({ enforce: false, reason });
    const flux = moduleParams((await renderAndCompile(env, plan)).main, "flux");
    expect([flux.enforceMultiTenancy, flux.multiTenancyOptOutReason]).toEqual([false, reason]);
    const { diagnostics } = loadEnvironment(file, text.replace(/^gitops:\n/m, "gitops:\n  multiTenancyOptOut: {}\n"));
    expect(diagnostics.filter((d) => d.severity === "error").map((d) => d.path)).toContain("gitops.multiTenancyOptOut");
  });

  it("creates OpenAI only where enabled", async () => {
    expect(ofType((await get("prod")).main, "Microsoft.CognitiveServices/accounts/deployments")).toHaveLength(1);
    expect(moduleParams((await get("prod")).main, "openai").deployments).toHaveLength(2);
    expect(ofType((await get("dev")).main, "Microsoft.CognitiveServices/accounts")).toHaveLength(0);
  });

  it("renders byte-identical files on every run", async () => {
    const { env, plan, tree } = await get("prod");
    const again = await renderAndCompile(env, plan);
    expect([...again.tree.entries()]).toEqual([...tree.entries()]);
  });

  it("exposes the outputs the GitOps side and the deploy step need", async () => {
    const outputs = Object.keys((await get("prod")).main.outputs as object);
    for (const o of [
      "clusterName",
      "oidcIssuerUrl",
      "keyVaultUri",
      "postgresHost",
      "storageAccountName",
      "identityClientIds",
      "resourceGroup",
    ]) {
      expect(outputs).toContain(o);
    }
  });

  it("keeps bootstrap's Key Vault identical to main's", async () => {
    const { main, bootstrap } = await get("prod");
    const strip = (p: Record<string, unknown>) => ({ ...p, roleAssignments: undefined });
    expect(strip(moduleParams(bootstrap, "keyVault"))).toEqual(strip(moduleParams(main, "keyVault")));
    expect(
      allResources(bootstrap)
        .filter((r) => r.module === "")
        .map((r) => r.symbol),
    ).toEqual(["rg", "monitoring", "keyVault"]);
  });
});

type Rule = { name: string; properties: Record<string, unknown> };
const nsgRulesOf = (main: Record<string, unknown>) =>
  moduleParams(main, "network").securityRules as Record<string, Rule[]>;

type Subnet = { name: string; properties: Record<string, unknown> };
/** The VNet's four fixed subnets (a variable of the network module), after which the gateway's may follow. */
function baseSubnets(main: Record<string, unknown>): Subnet[] {
  const vnet = ofType(main, "Microsoft.Network/virtualNetworks").find((v) => v.module === "/network")!;
  expect((vnet.body.properties as { subnets: string }).subnets).toBe(
    "[concat(variables('baseSubnets'), variables('gatewaySubnets'), variables('firewallSubnets'))]",
  );
  const network = allResources(main).find((d) => d.module === "" && d.symbol === "network")!;
  return (network.body.properties as { template: { variables: { baseSubnets: Subnet[] } } }).template.variables
    .baseSubnets;
}

describe("network security groups", () => {
  it("open exactly TCP 80/443 from the internet to both node subnets when the ingress is public", async () => {
    const { main, env } = await get("dev");
    expect(env.network.ingress.internal).toBe(false);
    const rules = nsgRulesOf(main);
    for (const subnet of ["system", "workloads"] as const) {
      expect(rules[subnet]).toEqual([
        {
          name: "allow-ingress-web",
          properties: {
            priority: 200,
            direction: "Inbound",
            access: "Allow",
            protocol: "Tcp",
            sourcePortRange: "*",
            sourceAddressPrefix: "Internet",
            destinationAddressPrefix: env.network.subnets[subnet],
            destinationPortRanges: ["80", "443"],
          },
        },
      ]);
    }
    // The NSGs take the rules as given.
    const nsgs = ofType(main, "Microsoft.Network/networkSecurityGroups");
    expect(nsgs.map((n) => (n.body.properties as { securityRules: string }).securityRules).sort()).toEqual(
      ["privateEndpoints", "postgres", "system", "workloads", "appGateway"]
        .map((r) => `[parameters('securityRules').${r}]`)
        .sort(),
    );
  });

  it(
    "open nothing to the node subnets when the ingress is internal; " + "configured source ranges replace the internet",
    async () => {
      const staging = await get("staging");
      expect([staging.env.network.ingress.internal, staging.env.network.ingress.waf?.enabled]).toEqual([true, false]);
      expect(nsgRulesOf(staging.main).system).toEqual([]);
      expect(nsgRulesOf(staging.main).workloads).toEqual([]);
      const text = readFileSync(join(root, "environments/dev.yaml"), "utf8").replace(
        "internal: false",
        "internal: false\n    sourceRanges: [203.0.113.0/24, 198.51.100.7/32]",
      );
      const { env, plan } = load("environments/dev.yaml", text);
      const limited = await renderAndCompile(env, plan);
      expect(nsgRulesOf(limited.main).workloads![0]!.properties).toMatchObject({
        sourceAddressPrefixes: ["203.0.113.0/24", "198.51.100.7/32"],
        destinationPortRanges: ["80", "443"],
      });
      expect(nsgRulesOf(limited.main).workloads![0]!.properties.sourceAddressPrefix).toBeUndefined();
    },
  );

  it(
    "let only the node subnets reach PostgreSQL (5432) and the private " +
      "endpoints (443), and deny the rest of the VNet",
    async () => {
      const { main, env } = await get("prod");
      const { subnets } = env.network;
      const rules = nsgRulesOf(main);
      const summary = (r: Rule) => [
        r.name,
        r.properties.priority,
        r.properties.access,
        r.properties.sourceAddressPrefixes ?? r.properties.sourceAddressPrefix,
        r.properties.destinationPortRanges ?? r.properties.destinationPortRange,
      ];
      expect(rules.postgres!.map(summary)).toEqual([
        ["allow-nodes-5432", 200, "Allow", [subnets.system, subnets.workloads], ["5432"]],
        ["allow-within-subnet", 300, "Allow", [subnets.postgres], "*"],
        ["deny-vnet-inbound", 4000, "Deny", "VirtualNetwork", "*"],
      ]);
      expect(rules.privateEndpoints!.map(summary)).toEqual([
        ["allow-nodes-443", 200, "Allow", [subnets.system, subnets.workloads], ["443"]],
        // The WAF reads its listener's certificate from Key Vault through the private endpoint.
        ["allow-app-gateway-443", 210, "Allow", [subnets.appGateway], ["443"]],
        ["deny-vnet-inbound", 4000, "Deny", "VirtualNetwork", "*"],
      ]);
    },
  );

  it("turn default outbound access off on the subnets without a NAT gateway", async () => {
    const { main } = await get("prod");
    for (const s of baseSubnets(main))
      expect([
        s.name,
        s.properties.defaultOutboundAccess ?? "unset",
        s.properties.natGateway ? "nat" : "no nat",
      ]).toEqual(s.properties.natGateway ? [s.name, "unset", "nat"] : [s.name, false, "no nat"]);
  });
});

describe("protections: on by default in production, settings elsewhere", () => {
  const cluster = (main: Record<string, unknown>) =>
    ofType(main, "Microsoft.ContainerService/managedClusters").find((r) => r.body.existing !== true)!.body
      .properties as Record<string, Record<string, unknown>>;

  it("AKS: network policy, Azure Policy, Defender, Run Command, image cleaner, node OS window", async () => {
    const prod = moduleParams((await get("prod")).main, "aks");
    const dev = moduleParams((await get("dev")).main, "aks");
    expect([prod.networkPolicy, prod.azurePolicy, prod.defender, prod.disableRunCommand]).toEqual([
      "cilium",
      true,
      true,
      true,
    ]);
    expect([dev.networkPolicy, dev.azurePolicy, dev.defender, dev.disableRunCommand]).toEqual([
      "none",
      false,
      false,
      false,
    ]);
    const props = cluster((await get("prod")).main);
    expect(props.networkProfile).toMatchObject({
      networkPolicy: "[parameters('networkPolicy')]",
      networkDataplane: "[if(equals(parameters('networkPolicy'), 'cilium'), 'cilium', 'azure')]",
    });
    expect(props.addonProfiles).toEqual({ azurepolicy: { enabled: "[parameters('azurePolicy')]" } });
    expect(props.securityProfile).toMatchObject({
      imageCleaner: { enabled: true, intervalHours: 120 },
      defender: { securityMonitoring: { enabled: "[parameters('defender')]" } },
    });
    expect(props.apiServerAccessProfile).toMatchObject({
      disableRunCommand: "[parameters('disableRunCommand')]",
      authorizedIPRanges: "[parameters('authorizedIpRanges')]",
    });
    const windows = ofType(
      (await get("prod")).main,
      "Microsoft.ContainerService/managedClusters/maintenanceConfigurations",
    ).map((w) => String(w.name));
    expect(windows.some((n) => n.includes("aksManagedNodeOSUpgradeSchedule"))).toBe(true);
    expect(windows.some((n) => n.includes("aksManagedAutoUpgradeSchedule"))).toBe(true);
  });

  it("API server authorized ranges only for a public API server", async () => {
    const text =
      readFileSync(join(root, "environments/dev.yaml"), "utf8") +
      "security:\n  apiServerAuthorizedIpRanges: [203.0.113.0/24]\n";
    const { env, plan } = load("environments/dev.yaml", text);
    expect(moduleParams((await renderAndCompile(env, plan)).main, "aks").authorizedIpRanges).toEqual([
      "203.0.113.0/24",
    ]);
    expect(moduleParams((await get("prod")).main, "aks").authorizedIpRanges).toEqual([]);
  });

  it("the cluster identity holds Network Contributor on the two node subnets, not the VNet", async () => {
    const grants = ofType((await get("prod")).main, "Microsoft.Authorization/roleAssignments").filter(
      (r) => r.module === "/identities",
    );
    expect(grants.map((g) => g.body.scope).sort()).toEqual([
      "[resourceId('Microsoft.Network/virtualNetworks/subnets', parameters('vnetName'), 'snet-system')]",
      "[resourceId('Microsoft.Network/virtualNetworks/subnets', parameters('vnetName'), 'snet-workloads')]",
    ]);
  });

  it("audit: 365-day retention in production, diagnostics on storage, OpenAI and every NSG", async () => {
    expect(moduleParams((await get("prod")).main, "monitoring").retentionDays).toBe(365);
    expect(moduleParams((await get("dev")).main, "monitoring").retentionDays).toBe(30);
    const diagnostics = ofType((await get("prod")).main, "Microsoft.Insights/diagnosticSettings").map((d) => d.module);
    expect(diagnostics.sort()).toEqual([
      "/aks",
      "/appGateway",
      "/egressFirewall",
      "/keyVault",
      "/network",
      "/network",
      "/network",
      "/network",
      // The WAF's subnet's NSG.
      "/network",
      "/openai",
      "/postgres",
      "/storage",
    ]);
  });

  it("control-plane logs: the AKS baseline's four categories in production, the audit ones everywhere", async () => {
    const categories = async (name: string) => {
      const { main } = await get(name);
      const setting = ofType(main, "Microsoft.Insights/diagnosticSettings").find((d) => d.module === "/aks")!;
      // The compiled expression: audit categories always, the operational two when the parameter is true.
      expect((setting.body.properties as { logs: unknown }).logs).toEqual(
        "[concat(createArray(createObject('category', 'kube-audit-admin', " +
          "'enabled', true()), createObject('category', 'guard', 'enabled', " +
          "true())), if(parameters('operationalLogs'), " +
          "createArray(createObject('category', 'cluster-autoscaler', 'enabled', " +
          "true()), createObject('category', 'kube-controller-manager', 'enabled', " +
          "true())), createArray()))]",
      );
      return moduleParams(main, "aks").operationalLogs;
    };
    expect(await categories("prod")).toBe(true);
    expect(await categories("dev")).toBe(false);
    const text =
      readFileSync(join(root, "environments/prod.yaml"), "utf8") + "security:\n  controlPlaneOperationalLogs: false\n";
    const { env, plan } = load("environments/prod.yaml", text);
    expect(moduleParams((await renderAndCompile(env, plan)).main, "aks").operationalLogs).toBe(false);
  });

  it(
    "VNet flow logs: in production, into the Network Watcher's resource " + "group, to their own keyless account",
    async () => {
      const { main, env } = await get("prod");
      const deployment = allResources(main).find((r) => r.module === "" && r.symbol === "flowLog")!;
      // Scoped to the watcher's group (Azure's default NetworkWatcherRG), not the environment's.
      expect(deployment.body.resourceGroup).toBe("NetworkWatcherRG");
      const params = moduleParams(main, "flowLog");
      expect(params).toMatchObject({
        watcherName: "NetworkWatcher_westeurope",
        name: `fl-${env.names.vnet}`,
        retentionDays: 365,
        trafficAnalytics: false,
      });
      const flowLog = ofType(main, "Microsoft.Network/networkWatchers/flowLogs")[0]!;
      expect(flowLog.module).toBe("/flowLog");
      expect(flowLog.body.identity).toMatchObject({ type: "UserAssigned" });
      expect(flowLog.body.properties).toMatchObject({
        targetResourceId: "[parameters('vnetId')]",
        storageId: "[parameters('storageId')]",
        enabled: true,
        retentionPolicy: { enabled: true, days: "[parameters('retentionDays')]" },
        format: { type: "JSON", version: 2 },
      });
      expect(moduleParams(main, "flowLog").vnetId).toBe("[reference('network').outputs.vnetId.value]");
      const account = ofType(main, "Microsoft.Storage/storageAccounts").find((a) => a.module === "/flowLogStorage")!;
      expect(account.body.properties).toMatchObject({
        allowSharedKeyAccess: false,
        allowBlobPublicAccess: false,
        networkAcls: { bypass: "AzureServices", defaultAction: "Deny" },
      });
      expect(moduleParams(main, "flowLogStorage").name).toBe(env.names.flowLogStorage);
      // The writer's one role is on that account; no CodeMie identity is granted anything there.
      const grants = ofType(main, "Microsoft.Authorization/roleAssignments").filter(
        (g) => g.module === "/flowLogStorage",
      );
      expect(grants).toHaveLength(1);
      expect(grants[0]!.body.scope).toMatch(/storageAccounts/);
      expect(ofType((await get("dev")).main, "Microsoft.Network/networkWatchers/flowLogs")).toEqual([]);
    },
  );

  it("VNet flow logs: the watcher, retention and traffic analytics are settings", async () => {
    const text =
      readFileSync(join(root, "environments/dev.yaml"), "utf8").replace(
        "network:\n",
        "network:\n  networkWatcher: { resourceGroup: rg-hub-network, name: nw-hub-weu }\n",
      ) + "security:\n  flowLogs: { enabled: true, retentionDays: 90, trafficAnalytics: true }\n";
    const { env, plan } = load("environments/dev.yaml", text);
    const { main } = await renderAndCompile(env, plan);
    const deployment = allResources(main).find((r) => r.module === "" && r.symbol === "flowLog")!;
    expect(deployment.body.resourceGroup).toBe("rg-hub-network");
    expect(moduleParams(main, "flowLog")).toMatchObject({
      watcherName: "nw-hub-weu",
      retentionDays: 90,
      trafficAnalytics: true,
    });
    const flowLog = ofType(main, "Microsoft.Network/networkWatchers/flowLogs")[0]!;
    expect(flowLog.body.properties).toMatchObject({
      flowAnalyticsConfiguration: {
        networkWatcherFlowAnalyticsConfiguration: {
          enabled: "[parameters('trafficAnalytics')]",
          workspaceResourceId: "[if(parameters('trafficAnalytics'), parameters('workspaceId'), null())]",
        },
      },
    });
    expect(moduleParams(main, "flowLogStorage").lock).toBe(false);
  });

  it(
    "pod security: the baseline initiative on the cluster in production, " + "audit, AKS's system namespaces excluded",
    async () => {
      const { main } = await get("prod");
      const assignment = ofType(main, "Microsoft.Authorization/policyAssignments")[0]!;
      expect(assignment.module).toBe("/aks");
      expect(assignment.body.condition).toBe("[variables('podSecurityAssigned')]");
      expect(moduleVariables(main, "aks").podSecurityAssigned).toBe(
        "[not(empty(parameters('podSecurity').initiativeId))]",
      );
      expect(assignment.body.scope).toBe(
        "[resourceId('Microsoft.ContainerService/managedClusters', parameters('name'))]",
      );
      expect(assignment.body.name).toBe("[format('codemie-pod-security-{0}', parameters('podSecurity').standard)]");
      expect(assignment.body.properties).toMatchObject({
        policyDefinitionId:
          "[tenantResourceId('Microsoft.Authorization/policySetDefinitions', parameters('podSecurity').initiativeId)]",
        parameters: {
          effect: { value: "[parameters('podSecurity').effect]" },
          excludedNamespaces: { value: "[parameters('podSecurity').excludedNamespaces]" },
        },
      });
      expect(moduleParams(main, "aks").podSecurity).toEqual({
        standard: "baseline",
        // Kubernetes cluster pod security baseline standards for Linux-based workloads (built-in).
        initiativeId: "a8640138-9b0a-4a28-b8cb-1666c838647d",
        effect: "audit",
        excludedNamespaces: [
          "kube-system",
          "gatekeeper-system",
          "azure-arc",
          "azure-extensions-usage-system",
          "flux-system",
        ],
      });
      // dev runs without the Azure Policy add-on, so without the assignment.
      expect((moduleParams((await get("dev")).main, "aks").podSecurity as { initiativeId: string }).initiativeId).toBe(
        "",
      );
    },
  );

  it("pod security: restricted, deny and extra exclusions are settings; it needs the add-on", async () => {
    const base = readFileSync(join(root, "environments/prod.yaml"), "utf8");
    const text =
      base +
      "security:\n  podSecurity: { standard: restricted, effect: deny, excludedNamespaces: [elastic, fluentbit] }\n";
    const { env, plan } = load("environments/prod.yaml", text);
    const params = moduleParams((await renderAndCompile(env, plan)).main, "aks").podSecurity as Record<string, unknown>;
    expect(params).toMatchObject({
      standard: "restricted",
      initiativeId: "42b8ef37-b724-4e24-bbc8-7a7708edfe00",
      effect: "deny",
    });
    expect(params.excludedNamespaces).toEqual(expect.arrayContaining(["kube-system", "elastic", "fluentbit"]));
    const { env: refused, diagnostics } = loadEnvironment(
      "environments/prod.yaml",
      base + "security:\n  azurePolicy: false\n  podSecurity: { enabled: true }\n",
    );
    expect(refused).toBeUndefined();
    expect(diagnostics.map((d) => `${d.line}:${d.column} ${d.severity} ${d.message}`)).toEqual([
      expect.stringMatching(
        joinedRegExp(
          /^\d+:\d+ error security\.podSecurity needs the Azure Policy add-on that enforces it; set /,
          /security\.azurePolicy: true, or security\.podSecurity\.enabled: false$/,
        ),
      ),
    ]);
  });

  it("storage: infrastructure encryption in production", async () => {
    // A main-template parameter, so a redeploy can keep an existing account's value (day 2).
    const parameter = async (name: string) =>
      (
        JSON.parse((await get(name)).tree.get("bicep/main.parameters.json")!) as {
          parameters: Record<string, { value?: unknown }>;
        }
      ).parameters.storageInfrastructureEncryption;
    expect(await parameter("prod")).toEqual({ value: true });
    expect(await parameter("dev")).toEqual({ value: false });
    expect(moduleParams((await get("prod")).main, "storage").infrastructureEncryption).toBe(
      "[parameters('storageInfrastructureEncryption')]",
    );
    const account = ofType((await get("prod")).main, "Microsoft.Storage/storageAccounts")[0]!;
    expect((account.body.properties as { encryption: unknown }).encryption).toMatchObject({
      requireInfrastructureEncryption: "[parameters('infrastructureEncryption')]",
    });
  });

  it("OpenAI: DataZone deployments by default in an EU region, no outbound calls", async () => {
    const { main } = await get("prod");
    const deployments = moduleParams(main, "openai").deployments as { name: string; sku: string }[];
    expect(deployments.map((d) => [d.name, d.sku])).toEqual([
      ["gpt-4.1", "DataZoneStandard"],
      ["text-embedding-3-large", "Standard"],
    ]);
    const account = ofType(main, "Microsoft.CognitiveServices/accounts")[0]!;
    expect(account.body.properties).toMatchObject({
      restrictOutboundNetworkAccess: true,
      allowedFqdnList: [],
      disableLocalAuth: true,
    });
  });
});

describe("PostgreSQL hardening", () => {
  it("requires TLS 1.2+ and logs DDL, one parameter change at a time, before the databases", async () => {
    const { main } = await get("prod");
    const module = allResources(main).find((d) => d.module === "" && d.symbol === "postgres")!;
    const inner = (module.body.properties as { template: { variables: { serverParameters: unknown } } }).template;
    expect(inner.variables.serverParameters).toEqual([
      { name: "require_secure_transport", value: "on" },
      { name: "ssl_min_protocol_version", value: "TLSv1.2" },
      { name: "log_statement", value: "ddl" },
      { name: "log_connections", value: "on" },
      { name: "log_disconnections", value: "on" },
    ]);
    const configs = ofType(main, "Microsoft.DBforPostgreSQL/flexibleServers/configurations");
    const hardening = configs.find((c) => c.symbol === "hardening")!;
    expect(hardening.body.copy).toMatchObject({ mode: "serial", batchSize: 1 });
    expect(ofType(main, "Microsoft.DBforPostgreSQL/flexibleServers/databases")[0]!.body.dependsOn).toContain(
      "hardening",
    );
  });

  it("makes the file's Entra group the server's Entra administrator, and none when the file names none", async () => {
    const { main, env } = await get("prod");
    expect(env.postgres.entraAdminGroup).toEqual({
      objectId: "5a1e9c3d-2f7b-4d86-8e0a-c4b9d2f61e57",
      name: "codemie-prod-admins",
    });
    expect(moduleParams(main, "postgres").entraAdminGroup).toEqual(env.postgres.entraAdminGroup);
    const [admin] = ofType(main, "Microsoft.DBforPostgreSQL/flexibleServers/administrators");
    expect(admin!.body.condition).toBe("[variables('entraAdminSet')]");
    expect(moduleVariables(main, "postgres").entraAdminSet).toBe(
      "[not(empty(parameters('entraAdminGroup').objectId))]",
    );
    expect(admin!.body.properties).toEqual({
      principalType: "Group",
      principalName: "[parameters('entraAdminGroup').name]",
      tenantId: "[tenant().tenantId]",
    });
    const server = ofType(main, "Microsoft.DBforPostgreSQL/flexibleServers")[0]!;
    expect((server.body.properties as { authConfig: unknown }).authConfig).toEqual({
      passwordAuth: "Enabled",
      activeDirectoryAuth: "Enabled",
    });
    expect(moduleParams((await get("dev")).main, "postgres").entraAdminGroup).toEqual({ objectId: "", name: "" });
  });
});

describe("egress through a hub firewall (network.egressFirewallIp, the older spelling of mode hub)", () => {
  const viaFirewall = async () => {
    const text = readFileSync(join(root, "environments/prod.yaml"), "utf8").replace(
      "network:\n  vnetCidr: 10.40.0.0/16\n",
      "network:\n  vnetCidr: 10.40.0.0/16\n  egressFirewallIp: 10.0.1.4\n",
    );
    const { env, plan } = load("environments/prod.yaml", text);
    return renderAndCompile(env, plan);
  };

  it(
    "routes the node subnets' default route to the firewall, detaches the " +
      "NAT gateway and sets AKS to userDefinedRouting",
    async () => {
      const { main, env } = await viaFirewall();
      expect(env.network.egressFirewall).toEqual({ mode: "hub", ip: "10.0.1.4" });
      expect(ofType(main, "Microsoft.Network/azureFirewalls")).toEqual([]);
      expect(moduleParams(main, "network").egressFirewallIp).toBe("10.0.1.4");
      expect(moduleParams(main, "aks").outboundType).toBe("userDefinedRouting");
      const [routes] = ofType(main, "Microsoft.Network/routeTables");
      expect(routes!.body.condition).toBe("[variables('viaFirewall')]");
      expect((routes!.body.properties as { routes: unknown[] }).routes).toEqual([
        {
          name: "default-via-firewall",
          properties: {
            addressPrefix: "0.0.0.0/0",
            nextHopType: "VirtualAppliance",
            nextHopIpAddress: "[parameters('egressFirewallIp')]",
          },
        },
      ]);
      const subnets = baseSubnets(main);
      for (const name of ["snet-system", "snet-workloads"]) {
        const subnet = subnets.find((s) => s.name === name)!;
        expect(String(subnet.properties.natGateway)).toMatch(/^\[if\(variables\('viaFirewall'\), null\(\)/);
        expect(String(subnet.properties.routeTable)).toMatch(
          /^\[if\(variables\('viaFirewall'\), createObject\('id', resourceId\('Microsoft\.Network\/routeTables'/,
        );
      }
      const aks = ofType(main, "Microsoft.ContainerService/managedClusters")[0]!;
      expect((aks.body.properties as { networkProfile: { outboundType: string } }).networkProfile.outboundType).toBe(
        "[parameters('outboundType')]",
      );
    },
  );

  it(
    "writes the firewall's allow-list: AKS's hosts for the region, the chart " +
      "and image registries, CodeMie's registry, the GitOps host",
    async () => {
      const { tree, env } = await viaFirewall();
      const text = tree.get("bicep/egress-fqdns.txt")!;
      const hosts = text
        .split("\n")
        .filter((l) => l !== "" && !l.startsWith("#"))
        .map((l) => l.split(/\s+/)[0]);
      expect(hosts).toEqual(
        expect.arrayContaining([
          `*.hcp.${env.azure.location}.azmk8s.io`,
          "mcr.microsoft.com",
          "login.microsoftonline.com",
          "helm.elastic.co",
          "kubernetes.github.io",
          "ghcr.io",
          "europe-west3-docker.pkg.dev",
          "github.com",
        ]),
      );
      expect(new Set(hosts).size).toBe(hosts.length);
      expect(text).not.toContain("{location}");
    },
  );

  it(
    "the default outside production (NAT gateway) keeps userAssignedNATGateway, no route table " +
      "and no allow-list file; day 2 compares the outbound type",
    async () => {
      const { main, tree, env } = await get("staging");
      expect(env.production).toBe(false);
      expect(moduleParams(main, "aks").outboundType).toBe("userAssignedNATGateway");
      expect(moduleParams(main, "network").egressFirewallIp).toBe("");
      expect(tree.has("bicep/egress-fqdns.txt")).toBe(false);
      const day2 = JSON.parse(tree.get("bicep/day2.json")!) as { egress: unknown };
      // No managed firewall: nothing holds egress on the NAT gateway; day 2 only compares the type.
      expect(day2.egress).toEqual({ field: "network.egressFirewall", outboundType: "userAssignedNATGateway" });
    },
  );
});
