// Every shipped environment and both sizing profiles render to Bicep that the real Bicep
// CLI compiles with zero errors and zero warnings under bicep/bicepconfig.json; the
// assertions read the compiled ARM JSON, not the template text.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planCapacity, type CapacityPlan } from "../../src/capacity/plan.js";
import { loadEnvironment } from "../../src/config/load.js";
import type { Environment } from "../../src/model/environment.js";
import type { RenderedTree } from "../../src/render/tree.js";
import { planGitops } from "../../src/render/gitops/plan.js";
import { allResources, moduleParams, ofType } from "../support/arm.js";
import { bicepSession, ROOT as root } from "../support/bicep.js";

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
  expect(compiled.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.level} ${d.code} ${d.message}`)).toEqual([]);
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

describe("rendered Bicep compiles cleanly", () => {
  it.each(shipped)("environments/%s.yaml", async (name) => {
    const r = await get(name);
    expect(r.main.$schema).toMatch(/subscriptionDeploymentTemplate\.json#$/);
    expect(r.bootstrap.$schema).toMatch(/subscriptionDeploymentTemplate\.json#$/);
    expect(r.tree.get("bicep/main.parameters.json")).toBeDefined();
  });

  it.each(["production", "small"])("the %s profile on the base environment", async (profile) => {
    let base = readFileSync(join(root, "test/fixtures/base.yaml"), "utf8").replace("profile: production", `profile: ${profile}`);
    // A small team's environment: Burstable PostgreSQL has no high availability, and N+1 is for production.
    if (profile === "small") base = base.replace("highAvailability: ZoneRedundant", "highAvailability: Disabled").replace("production: true", "production: false");
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
    expect((server.body.properties as { network: { publicNetworkAccess: string } }).network.publicNetworkAccess).toBe("Disabled");
    const config = ofType(main, "Microsoft.DBforPostgreSQL/flexibleServers/configurations")[0]!;
    expect(config.body.properties).toMatchObject({ value: "[join(parameters('extensions'), ',')]" });
  });

  it("sizes node pools exactly as the capacity planner does", async () => {
    const { main, plan } = await get("prod");
    const pools = moduleParams(main, "aks").nodePools as Record<string, unknown>[];
    expect(pools.map((p) => ({ name: p.name, vmSize: p.vmSize, minCount: p.minCount, maxCount: p.maxCount, maxPods: p.maxPods }))).toEqual(
      plan.nodePools.map((p) => ({ name: p.name, vmSize: p.vmSize, minCount: p.minCount, maxCount: p.maxCount, maxPods: p.maxPods })),
    );
    const workloads = pools.find((p) => p.name === "workloads")!;
    expect(workloads.labels).toEqual(plan.nodePools.find((p) => p.name === "workloads")!.labels);
    expect(pools.find((p) => p.name === "system")!.taints).toEqual(["CriticalAddonsOnly=true:NoSchedule"]);
  });

  it("locks the stateful resources of a production environment, and only those", async () => {
    const prodLocks = ofType((await get("prod")).main, "Microsoft.Authorization/locks");
    expect(prodLocks.map((l) => l.module).sort()).toEqual(["/flux", "/keyVault", "/postgres", "/storage"]);
    for (const lock of prodLocks) expect(lock.body.condition).toBe("[parameters('lock')]");
    for (const name of ["prod", "dev"]) {
      const { main } = await get(name);
      const locks = ["flux", "keyVault", "postgres", "storage"].map((m) => moduleParams(main, m).lock);
      expect(locks).toEqual(name === "prod" ? [true, true, true, true] : [false, false, false, false]);
    }
  });

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
    expect(feds.length).toBe(3);
    expect(moduleParams(main, "workloadIdentity").issuerUrl).toBe("[reference('aks').outputs.oidcIssuerUrl.value]");
  });

  it("points Flux at the environment's GitOps branch and path", async () => {
    const { main, env } = await get("prod");
    const flux = moduleParams(main, "flux");
    expect(flux.repositoryUrl).toBe(env.gitops.repository);
    expect(flux.branch).toBe("gitops/prod");
    // The root waits for the layers, which apply one after another: its timeout covers them all.
    const layerMinutes = planGitops(env).layers.reduce((sum, l) => sum + parseInt(l.timeout, 10), 0);
    expect(flux.kustomizations).toEqual([{ name: "root", path: "./clusters/prod", dependsOn: [], timeoutSeconds: expect.any(Number) as number }]);
    expect((flux.kustomizations as Array<{ timeoutSeconds: number }>)[0]!.timeoutSeconds).toBeGreaterThan(layerMinutes * 60);
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
    for (const o of ["clusterName", "oidcIssuerUrl", "keyVaultUri", "postgresHost", "storageAccountName", "identityClientIds", "resourceGroup"]) {
      expect(outputs).toContain(o);
    }
  });

  it("keeps bootstrap's Key Vault identical to main's", async () => {
    const { main, bootstrap } = await get("prod");
    const strip = (p: Record<string, unknown>) => ({ ...p, roleAssignments: undefined });
    expect(strip(moduleParams(bootstrap, "keyVault"))).toEqual(strip(moduleParams(main, "keyVault")));
    expect(allResources(bootstrap).filter((r) => r.module === "").map((r) => r.symbol)).toEqual(["rg", "monitoring", "keyVault"]);
  });
});
