// aks-baseline's custom Ingress-hosts rule as the toolkit ships it, read from the ARM JSON the real Bicep
// compiles: a definition of the subscription whose content no environment changes, assigned on the cluster
// with the environment's host as the approved domain, denying in production; the parameters the assignment
// passes are the ones the definition declares (ARM refuses any other); and the rule's semantics (the rego,
// mirrored by test/support/ingress-hosts-rule.ts) refuse hostile hosts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { planCapacity } from "../../../src/capacity/plan.js";
import { loadEnvironment } from "../../../src/app/load.js";
import { KUBERNETES_POLICIES } from "../../../src/catalogue/kubernetes-policies.js";
import { allResources, moduleParams } from "../../support/arm.js";
import { bicepSession, ROOT } from "../../support/bicep.js";
import { ingressHostViolations } from "../../support/ingress-hosts-rule.js";

const session = await bicepSession();
const POLICY = KUBERNETES_POLICIES.ingressHosts;
const text = (name: string) => readFileSync(join(ROOT, `environments/${name}.yaml`), "utf8");

interface Assignment {
  definitionId: string;
  custom: boolean;
  parameters: Record<string, { value: unknown }>;
}

async function compiled(name: string, source: string) {
  const { env, diagnostics } = loadEnvironment(`environments/${name}.yaml`, source, name);
  if (!env) throw new Error(diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join("\n"));
  const out = await session.compile(env, planCapacity(env));
  expect(out.diagnostics).toEqual([]);
  return { env, main: JSON.parse(out.tree.get("bicep/main.json")!) as Record<string, unknown> };
}

const deployment = (main: Record<string, unknown>, symbol: string) =>
  allResources(main).find((r) => r.module === "" && r.symbol === symbol);
const assignment = (main: Record<string, unknown>) =>
  (moduleParams(main, "kubernetesPolicies").assignments as Assignment[]).find((a) => a.definitionId === POLICY.id)!;

interface Definition {
  name: string;
  properties: {
    policyType: string;
    mode: string;
    displayName: string;
    policyRule: { then: { details: { templateInfo: { content: string }; kinds: string[] } } };
    parameters: Record<string, { type: string; allowedValues?: string[]; defaultValue?: unknown }>;
  };
}

/** The definition's module: its template's one resource and variables, and the parameters it is given. */
function definitionOf(main: Record<string, unknown>) {
  const module = deployment(main, "ingressHostsPolicy")!;
  const template = (module.body.properties as { template: Record<string, unknown> }).template;
  const resources = allResources(template);
  expect(resources.map((r) => r.type)).toEqual(["Microsoft.Authorization/policyDefinitions"]);
  return {
    module,
    definition: resources[0]!.body as unknown as Definition,
    variables: template.variables as Record<string, string>,
    params: moduleParams(main, "ingressHostsPolicy"),
  };
}

describe("the toolkit's Ingress-hosts definition", () => {
  it("is created in the subscription, named by the toolkit, before the assignments", async () => {
    const { main } = await compiled("prod", text("prod"));
    const { module, definition, params, variables } = definitionOf(main);
    // A subscription-scope module: no resourceGroup on its deployment.
    expect(module.body.resourceGroup).toBeUndefined();
    expect(params).toEqual({ name: POLICY.id, displayName: POLICY.displayName });
    expect(definition.name).toBe("[parameters('name')]");
    expect(definition.properties.policyType).toBe("Custom");
    expect(definition.properties.mode).toBe("Microsoft.Kubernetes.Data");
    expect(definition.properties.policyRule.then.details.kinds).toEqual(["Ingress"]);
    expect(definition.properties.policyRule.then.details.templateInfo.content).toBe(
      "[base64(variables('constraintTemplate'))]",
    );
    const template = parse(variables.constraintTemplate!) as {
      kind: string;
      spec: { targets: Array<{ target: string; rego: string }> };
    };
    expect(template.kind).toBe("ConstraintTemplate");
    // The rego reads what the mirror reads: tls hosts, rule hosts, "." before the domain, host-less rules.
    const rego = template.spec.targets[0]!.rego;
    for (const part of [
      "input.review.object.spec.tls[_].hosts[_]",
      "input.review.object.spec.rules[_].host",
      'concat("", [".", lower(input.parameters.allowedDomains[_])])',
      "lower(host) == lower(input.parameters.allowedDomains[_])",
      "not rule.host",
      "input.review.object.spec.defaultBackend",
    ])
      expect(rego, part).toContain(part);
    const policies = deployment(main, "kubernetesPolicies")!;
    expect(policies.body.dependsOn).toEqual(expect.arrayContaining(["aks", "ingressHostsPolicy"]));
  });

  it("takes exactly the parameters the assignment passes, with an effect it allows", async () => {
    const { main } = await compiled("prod", text("prod"));
    const declared = definitionOf(main).definition.properties.parameters;
    const passed = assignment(main).parameters;
    // ARM refuses an assignment that passes a parameter the definition lacks, or omits one without default.
    expect(Object.keys(passed).filter((p) => !(p in declared))).toEqual([]);
    expect(Object.keys(declared).filter((p) => !(p in passed) && declared[p]!.defaultValue === undefined)).toEqual([]);
    expect(declared.effect!.allowedValues).toEqual(expect.arrayContaining(Object.values(POLICY.effects)));
    expect(declared.effect!.allowedValues).toContain(passed.effect!.value);
  });

  it("has the same content whatever the environment (the subscription's environments share it)", async () => {
    const prod = definitionOf((await compiled("prod", text("prod"))).main);
    const staging = definitionOf(
      (await compiled("staging", text("staging") + "security:\n  azurePolicy: true\n")).main,
    );
    expect(staging.params).toEqual(prod.params);
    expect(staging.definition).toEqual(prod.definition);
    expect(staging.variables).toEqual(prod.variables);
  });
});

describe("its assignment on the cluster", () => {
  it("denies in production, with the environment's host as the approved domain", async () => {
    const { env, main } = await compiled("prod", text("prod"));
    const a = assignment(main);
    expect(a.custom).toBe(true);
    expect(a.parameters.effect!.value).toBe("deny");
    expect(a.parameters.allowedDomains!.value).toEqual([env.network.ingress.host]);
    expect(a.parameters.excludedNamespaces!.value).toContain("kube-system");
  });

  it("audits outside production, and is absent (definition too) without the add-on", async () => {
    const { main } = await compiled("dev", text("dev"));
    expect(deployment(main, "ingressHostsPolicy")).toBeUndefined();
    const withAddOn = (await compiled("dev", text("dev") + "security:\n  azurePolicy: true\n")).main;
    expect(assignment(withAddOn).parameters.effect!.value).toBe("audit");
    expect(deployment(withAddOn, "ingressHostsPolicy")).toBeDefined();
  });

  it("adds a team's own domains, and refuses a domain that is not a lowercase DNS name", async () => {
    const extra = "security:\n  kubernetesPolicies:\n    additionalIngressDomains: [apps.example.org]\n";
    const { env, main } = await compiled("prod", text("prod") + extra);
    expect(assignment(main).parameters.allowedDomains!.value).toEqual([env.network.ingress.host, "apps.example.org"]);
    const refused = loadEnvironment(
      "environments/prod.yaml",
      text("prod") + "security:\n  kubernetesPolicies:\n    additionalIngressDomains: ['*.example.org']\n",
    );
    expect(refused.env).toBeUndefined();
    expect(refused.diagnostics.map((d) => `${d.severity} ${d.path}`)).toEqual([
      "error security.kubernetesPolicies.additionalIngressDomains[0]",
    ]);
    expect(refused.diagnostics[0]!.message).toContain("a lowercase DNS name");
  });
});

describe("the rule's semantics", () => {
  const domains = ["codemie.ai.example.com"];
  const tls = (...hosts: string[]) => ({ tls: [{ hosts }], rules: hosts.map((host) => ({ host })) });

  it("passes the host, its subdomains and another case of them", () => {
    expect(ingressHostViolations(tls("codemie.ai.example.com"), domains)).toEqual([]);
    expect(ingressHostViolations(tls("api.codemie.ai.example.com", "CODEMIE.ai.example.com"), domains)).toEqual([]);
  });

  it("refuses a look-alike, a suffix attack, a foreign rule host, a host-less rule and a default backend", () => {
    // aks-baseline's endswith() would pass the first: no "." before the domain.
    expect(ingressHostViolations(tls("evilcodemie.ai.example.com"), domains)).toHaveLength(1);
    expect(ingressHostViolations(tls("codemie.ai.example.com.evil.io"), domains)).toHaveLength(1);
    const foreignRule = { tls: [{ hosts: ["codemie.ai.example.com"] }], rules: [{ host: "login.evil.io" }] };
    expect(ingressHostViolations(foreignRule, domains)).toEqual(["host login.evil.io is not approved"]);
    expect(ingressHostViolations({ rules: [{}] }, domains)).toEqual(["a rule without a host"]);
    expect(ingressHostViolations({ defaultBackend: { service: { name: "x" } } }, domains)).toEqual([
      "a default backend",
    ]);
  });
});
