// aks-baseline's single Azure Policy definitions as the compiled ARM JSON assigns them (real Bicep):
// every definition of the catalogue on the cluster, its effect spelled as the definition allows,
// its parameters from the toolkit's own facts; the settings that change them, and the files refused.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planCapacity } from "../../../src/capacity/plan.js";
import { loadEnvironment } from "../../../src/app/load.js";
import { parseBytes } from "../../../src/config/quantity.js";
import { buildEnvironmentSchema } from "../../../src/config/schema.js";
import {
  allowedEffects,
  AUDIT_IN_PRODUCTION,
  KUBERNETES_POLICIES,
  KUBERNETES_POLICY_KEYS,
  READ_ONLY_ROOT_EXCLUSIONS,
  type KubernetesPolicy,
} from "../../../src/catalogue/kubernetes-policies.js";
import { POD_SECURITY_SYSTEM_NAMESPACES } from "../../../src/catalogue/pod-security.js";
import { DEFAULTS } from "../../../src/model/defaults.js";
import { allowedImagesRegex } from "../../../src/render/bicep/kubernetes-policies.js";
import { allResources, moduleParams } from "../../support/arm.js";
import { bicepSession, ROOT as root } from "../../support/bicep.js";

const session = await bicepSession();

interface Assignment {
  name: string;
  displayName: string;
  definitionId: string;
  custom: boolean;
  parameters: Record<string, { value: unknown }>;
}

const prodText = readFileSync(join(root, "environments/prod.yaml"), "utf8");

async function compiled(file: string, text: string) {
  const { env, diagnostics } = loadEnvironment(file, text);
  if (!env) throw new Error(diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join("\n"));
  const out = await session.compile(env, planCapacity(env));
  expect(out.diagnostics.map((d) => `${d.file}:${d.line} ${d.level} ${d.code} ${d.message}`)).toEqual([]);
  return { env, main: JSON.parse(out.tree.get("bicep/main.json")!) as Record<string, unknown> };
}

const assignmentsOf = (main: Record<string, unknown>) =>
  moduleParams(main, "kubernetesPolicies").assignments as Assignment[];
const byKey = (assignments: Assignment[], key: keyof typeof KUBERNETES_POLICIES) =>
  assignments.find((a) => a.definitionId === KUBERNETES_POLICIES[key].id)!;
const effect = (a: Assignment) => a.parameters.effect!.value;

describe("aks-baseline's single policies on the cluster", () => {
  it("production assigns every definition, on the cluster, named per definition", async () => {
    const { env, main } = await compiled("environments/prod.yaml", prodText);
    const assignments = assignmentsOf(main);
    expect(assignments.map((a) => a.definitionId).sort()).toEqual(
      Object.values(KUBERNETES_POLICIES)
        .map((p) => p.id)
        .sort(),
    );
    expect(new Set(assignments.map((a) => a.name)).size).toBe(assignments.length);
    expect(assignments.every((a) => a.displayName.startsWith(`[${env.names.aks}] `))).toBe(true);
    const resources = allResources(main).filter(
      (r) => r.module === "/kubernetesPolicies" && r.type === "Microsoft.Authorization/policyAssignments",
    );
    expect(resources).toHaveLength(1);
    const body = resources[0]!.body as { copy?: unknown; scope?: string; properties: Record<string, unknown> };
    expect(body.copy).toBeDefined();
    expect(body.scope).toBe("[resourceId('Microsoft.ContainerService/managedClusters', parameters('clusterName'))]");
    // A built-in is the tenant's; the toolkit's own definition is the subscription's.
    expect(body.properties.policyDefinitionId).toBe(
      "[if(parameters('assignments')[copyIndex()].custom, " +
        "subscriptionResourceId('Microsoft.Authorization/policyDefinitions', " +
        "parameters('assignments')[copyIndex()].definitionId), " +
        "tenantResourceId('Microsoft.Authorization/policyDefinitions', " +
        "parameters('assignments')[copyIndex()].definitionId))]",
    );
    expect(assignments.filter((a) => a.custom).map((a) => a.definitionId)).toEqual([
      KUBERNETES_POLICIES.ingressHosts.id,
    ]);
    expect(moduleParams(main, "kubernetesPolicies").clusterName).toBe(env.names.aks);
  });

  it("production denies where aks-baseline denies, except where the platform's own pods would be refused", async () => {
    const assignments = assignmentsOf((await compiled("environments/prod.yaml", prodText)).main);
    for (const key of KUBERNETES_POLICY_KEYS) {
      const policy: KubernetesPolicy = KUBERNETES_POLICIES[key];
      const expected =
        AUDIT_IN_PRODUCTION[key] || policy.aksBaseline === "audit" ? policy.effects.audit : policy.effects.deny;
      // aks-baseline audits the default namespace ("consider moving to Deny"); nothing of the platform uses it.
      expect(effect(byKey(assignments, key)), key).toBe(key === "defaultNamespace" ? "deny" : expected);
    }
    expect(effect(byKey(assignments, "localAuthDisabled"))).toBe("Deny");
    expect(effect(byKey(assignments, "endpointEditPermissions"))).toBe("Audit");
  });

  it("passes the toolkit's facts as parameters", async () => {
    const { env, main } = await compiled("environments/prod.yaml", prodText);
    const assignments = assignmentsOf(main);
    const images = byKey(assignments, "allowedImages").parameters.allowedContainerImagesRegex!.value as string;
    expect(images).toBe(allowedImagesRegex([]));
    expect(byKey(assignments, "allowedHostPaths").parameters.allowedHostPaths!.value).toEqual({ paths: [] });
    expect(byKey(assignments, "allowedHostPaths").parameters.excludedNamespaces!.value).toEqual([
      ...POD_SECURITY_SYSTEM_NAMESPACES,
      "fluentbit",
    ]);
    expect(byKey(assignments, "allowedExternalIps").parameters.allowedExternalIPs!.value).toEqual([]);
    expect(byKey(assignments, "defaultNamespace").parameters.namespaces!.value).toEqual(["default"]);
    expect(byKey(assignments, "readOnlyRootFilesystem").parameters.excludedContainers!.value).toEqual(
      [...new Set(READ_ONLY_ROOT_EXCLUSIONS.map((e) => e.container))].sort(),
    );
    const elastic = env.components.find((c) => c.key === "elasticsearch")!;
    // Elasticsearch is production's largest workload: no container may ask for more memory.
    expect(parseBytes(byKey(assignments, "resourceLimits").parameters.memoryLimit!.value as string)).toBe(
      parseBytes(elastic.memory),
    );
    for (const key of KUBERNETES_POLICY_KEYS) {
      const params = byKey(assignments, key).parameters;
      if (KUBERNETES_POLICIES[key].target === "gatekeeper")
        expect(params.excludedNamespaces!.value, key).toEqual(
          expect.arrayContaining([...POD_SECURITY_SYSTEM_NAMESPACES]),
        );
      else expect(Object.keys(params), key).toEqual(["effect"]);
    }
  });

  it("outside production nothing is assigned without the add-on, and everything audits with it", async () => {
    const dev = readFileSync(join(root, "environments/dev.yaml"), "utf8");
    const { main } = await compiled("environments/dev.yaml", dev);
    expect(allResources(main).some((r) => r.symbol === "kubernetesPolicies")).toBe(false);
    const withAddOn = assignmentsOf(
      (await compiled("environments/dev.yaml", dev + "security:\n  azurePolicy: true\n")).main,
    );
    expect(withAddOn.map(effect).every((e) => e === "audit" || e === "Audit")).toBe(true);
  });

  it("effects, exclusions and extra image sources are settings", async () => {
    const text =
      prodText +
      "security:\n  kubernetesPolicies:\n    effects: { allowedImages: audit, defaultNamespace: audit }\n" +
      "    excludedNamespaces: [sandbox]\n    additionalImages: [myacr.azurecr.io/, ghcr.io/acme/tool]\n";
    const assignments = assignmentsOf((await compiled("environments/prod.yaml", text)).main);
    expect(effect(byKey(assignments, "allowedImages"))).toBe("audit");
    expect(effect(byKey(assignments, "defaultNamespace"))).toBe("audit");
    expect(effect(byKey(assignments, "allowedExternalIps"))).toBe("deny");
    expect(byKey(assignments, "httpsIngress").parameters.excludedNamespaces!.value).toContain("sandbox");
    const regex = new RegExp(
      byKey(assignments, "allowedImages").parameters.allowedContainerImagesRegex!.value as string,
    );
    expect(regex.test("myacr.azurecr.io/codemie/api:2.57.2")).toBe(true);
    expect(regex.test("ghcr.io/acme/tool:1")).toBe(true);
    expect(regex.test("ghcr.io/acme/tool-evil:1")).toBe(false);
    expect(regex.test("myacr.azurecr.io.evil.example/x:1")).toBe(false);
  });

  it("a public ingress audits internal load balancers by default and refuses deny", async () => {
    // A public WAF listener keeps the load balancer internal, so the rule still denies there.
    const publicListener = prodText.replace(/(\n {2}ingress:\n)/, "$1    internal: false\n");
    expect(publicListener).not.toBe(prodText);
    const behindWaf = loadEnvironment("environments/prod.yaml", publicListener);
    expect(behindWaf.env?.security?.kubernetesPolicies?.effects.internalLoadBalancers).toBe("deny");
    // Without the WAF the load balancer is public, and then egress cannot go through the firewall.
    const publicIngress = publicListener
      .replace(/(\n {2}ingress:\n)/, "$1    waf:\n      enabled: false\n")
      .replace("\nnetwork:\n", "\nnetwork:\n  egressFirewall:\n    mode: none\n");
    const assignments = assignmentsOf((await compiled("environments/prod.yaml", publicIngress)).main);
    expect(effect(byKey(assignments, "internalLoadBalancers"))).toBe("audit");
    const { env, diagnostics } = loadEnvironment(
      "environments/prod.yaml",
      publicIngress + "security:\n  kubernetesPolicies:\n    effects: { internalLoadBalancers: deny }\n",
    );
    expect(env).toBeUndefined();
    expect(diagnostics.map((d) => `${d.severity} ${d.message}`)).toEqual([
      "error internalLoadBalancers: deny would refuse the public ingress's LoadBalancer Service; " +
        "set it to audit, network.ingress.internal: true, or a WAF in front (network.ingress.waf)",
    ]);
  });

  it("an ingress without TLS audits HTTPS only by default and refuses deny", async () => {
    // The WAF serves HTTPS only, so it goes too: what is left is a plain-HTTP ingress.
    const plain = prodText.replace("    tls: true\n", "    tls: false\n    waf:\n      enabled: false\n");
    expect(plain).not.toBe(prodText);
    const assignments = assignmentsOf((await compiled("environments/prod.yaml", plain)).main);
    expect(effect(byKey(assignments, "httpsIngress"))).toBe("audit");
    const { env, diagnostics } = loadEnvironment(
      "environments/prod.yaml",
      plain + "security:\n  kubernetesPolicies:\n    effects: { httpsIngress: deny }\n",
    );
    expect(env).toBeUndefined();
    expect(diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([
      "httpsIngress: deny would refuse every Ingress of an ingress without TLS; " +
        "set it to audit, or network.ingress.tls: true",
    ]);
  });

  it("warns when a deny would refuse the platform's own pods, and refuses the rules without the add-on", () => {
    const { env, diagnostics } = loadEnvironment(
      "environments/prod.yaml",
      prodText + "security:\n  kubernetesPolicies:\n    effects: { resourceLimits: deny }\n",
    );
    expect(env).toBeDefined();
    expect(diagnostics.map((d) => `${d.severity} ${d.path}`)).toEqual([
      "warning security.kubernetesPolicies.effects.resourceLimits",
    ]);
    // The file's own Helm values can turn a container's read-only root off again: production's deny refuses it.
    const undone = loadEnvironment(
      "environments/prod.yaml",
      prodText + "components:\n  ui:\n    values:\n      securityContext: { readOnlyRootFilesystem: false }\n",
    );
    expect(undone.env).toBeDefined();
    expect(undone.diagnostics.map((d) => `${d.severity} ${d.path}`)).toEqual([
      "warning components.ui.values.securityContext.readOnlyRootFilesystem",
    ]);
    expect(undone.diagnostics[0]!.message).toContain("mount an emptyDir");
    expect(undone.diagnostics[0]!.line).toBe(prodText.split("\n").length + 3);
    // Audit accepts it silently.
    expect(
      loadEnvironment(
        "environments/prod.yaml",
        prodText +
          "components:\n  ui:\n    values:\n      securityContext: { readOnlyRootFilesystem: false }\n" +
          "security:\n  kubernetesPolicies:\n    effects: { readOnlyRootFilesystem: audit }\n",
      ).diagnostics,
    ).toEqual([]);
    const refused = loadEnvironment(
      "environments/prod.yaml",
      prodText +
        "security:\n  azurePolicy: false\n  podSecurity: { enabled: false }\n" +
        "  kubernetesPolicies: { enabled: true }\n",
    );
    expect(refused.env).toBeUndefined();
    expect(refused.diagnostics.map((d) => `${d.severity} ${d.path}`)).toEqual([
      "error security.kubernetesPolicies.enabled",
    ]);
  });
});

describe("the schema's effects are the definitions' own", () => {
  const schema = buildEnvironmentSchema() as {
    properties: { security: { properties: { kubernetesPolicies: { properties: Record<string, unknown> } } } };
  };
  const effects = (
    schema.properties.security.properties.kubernetesPolicies.properties.effects as {
      properties: Record<string, { enum: string[] }>;
    }
  ).properties;

  it.each(KUBERNETES_POLICY_KEYS)("%s", (key) => {
    const policy: KubernetesPolicy = KUBERNETES_POLICIES[key];
    expect(effects[key]!.enum).toEqual(allowedEffects(key));
    // Each value the file may write has the definition's spelling behind it.
    for (const value of effects[key]!.enum) expect(policy.effects[value as "audit" | "deny"], value).toBeTruthy();
    if (!policy.effects.deny) expect(effects[key]!.enum).toEqual(["audit"]);
  });

  it("production's deny list names only definitions that allow deny", () => {
    for (const key of DEFAULTS.kubernetesPolicies.productionDeny)
      expect((KUBERNETES_POLICIES[key] as KubernetesPolicy).effects.deny, key).toBeDefined();
  });
});
