// The Application Gateway WAF in front of the ingress (network.ingress.waf), read from the ARM JSON
// the real Bicep CLI compiles: on in production with what the AKS baseline's gateway has (WAF_v2,
// managed and bot rules, TLS 1.2 at least, HTTPS only), the ingress internal behind it, the subnets'
// NSGs opened to it alone, the host's record on its frontend; off elsewhere.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planCapacity } from "../../../src/capacity/plan.js";
import { loadEnvironment } from "../../../src/app/load.js";
import { ROLE_IDS } from "../../../src/catalogue/identities.js";
import { lastUsableAddress } from "../../../src/config/ingress.js";
import type { Environment } from "../../../src/model/environment.js";
import { ingressNginxValues } from "../../../src/render/gitops/values.js";
import { allResources, moduleParams, ofType } from "../../support/arm.js";
import { bicepSession, ROOT } from "../../support/bicep.js";

const session = await bicepSession();

interface Compiled {
  env: Environment;
  main: Record<string, unknown>;
}

async function compile(name: string, text: string): Promise<Compiled> {
  const { env, diagnostics } = loadEnvironment(`environments/${name}.yaml`, text, name);
  if (!env) throw new Error(diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join("\n"));
  const compiled = await session.compile(env, planCapacity(env));
  expect(compiled.diagnostics).toEqual([]);
  return { env, main: JSON.parse(compiled.tree.get("bicep/main.json")!) as Record<string, unknown> };
}

const shipped = (name: string) => readFileSync(join(ROOT, "environments", `${name}.yaml`), "utf8");
const cache = new Map<string, Promise<Compiled>>();
const get = (key: string, name: string, text: () => string) => {
  if (!cache.has(key)) cache.set(key, compile(name, text()));
  return cache.get(key)!;
};
const prod = () => get("prod", "prod", () => shipped("prod"));
/** Production with a public listener, limited to two ranges. */
const publicProd = () =>
  get("public", "prod", () =>
    shipped("prod").replace(
      "    tls: true\n",
      "    tls: true\n    internal: false\n    sourceRanges: [203.0.113.0/24, 198.51.100.7/32]\n",
    ),
  );

type Props = Record<string, unknown>;
const gatewayOf = (main: Record<string, unknown>) =>
  ofType(main, "Microsoft.Network/applicationGateways").find((r) => r.body.existing !== true)!.body;
const named = (list: unknown, name: string) =>
  (list as { name: string; properties: Props }[]).find((x) => x.name === name);
type Rule = { name: string; properties: Props };
const rulesOf = (main: Record<string, unknown>) =>
  moduleParams(main, "network").securityRules as Record<string, Rule[]>;

describe("the WAF in production", () => {
  it("is a zone-redundant, autoscaled WAF_v2 with the managed and bot rules in Prevention", async () => {
    const { main, env } = await prod();
    const params = moduleParams(main, "appGateway");
    expect([params.mode, params.minCapacity, params.maxCapacity, params.zones]).toEqual([
      "Prevention",
      2,
      10,
      env.aks.zones,
    ]);
    const gateway = gatewayOf(main);
    const properties = gateway.properties as Props;
    expect(properties.sku).toEqual({ name: "WAF_v2", tier: "WAF_v2" });
    expect(properties.autoscaleConfiguration).toEqual({
      minCapacity: "[parameters('minCapacity')]",
      maxCapacity: "[parameters('maxCapacity')]",
    });
    expect(gateway.zones).toBe("[parameters('zones')]");
    const [policy] = ofType(main, "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies");
    const policyProps = policy!.body.properties as { policySettings: Props; managedRules: Props };
    expect(policyProps.managedRules.managedRuleSets).toEqual([
      { ruleSetType: "Microsoft_DefaultRuleSet", ruleSetVersion: "2.1" },
      { ruleSetType: "Microsoft_BotManagerRuleSet", ruleSetVersion: "1.0" },
    ]);
    expect(policyProps.policySettings).toMatchObject({
      state: "Enabled",
      mode: "[parameters('mode')]",
      requestBodyCheck: true,
    });
    expect(String((properties.firewallPolicy as Props).id)).toContain(
      "ApplicationGatewayWebApplicationFirewallPolicies",
    );
  });

  it("serves TLS 1.2 at least (AppGwSslPolicy20220101S), redirects HTTP to HTTPS, listens for the host", async () => {
    const { main } = await prod();
    const properties = gatewayOf(main).properties as Props;
    expect(properties.sslPolicy).toEqual({ policyType: "Predefined", policyName: "AppGwSslPolicy20220101S" });
    const https = named(properties.httpListeners, "https")!.properties;
    expect([https.protocol, https.hostName, https.requireServerNameIndication]).toEqual([
      "Https",
      "[parameters('host')]",
      true,
    ]);
    expect(named(properties.httpListeners, "http")!.properties.protocol).toBe("Http");
    expect(named(properties.redirectConfigurations, "http-to-https")!.properties).toMatchObject({
      redirectType: "Permanent",
      includePath: true,
      includeQueryString: true,
    });
    const rules = (properties.requestRoutingRules as Rule[]).map((r) => [
      r.name,
      r.properties.redirectConfiguration ? "redirect" : "backend",
    ]);
    expect(rules).toEqual([
      ["http-to-https", "redirect"],
      ["https-to-ingress", "backend"],
    ]);
  });

  it("reads its certificate from Key Vault as an identity that may read that one secret only", async () => {
    const { main, env } = await prod();
    const gateway = gatewayOf(main);
    expect((gateway.identity as Props).type).toBe("UserAssigned");
    const certificate = named((gateway.properties as Props).sslCertificates, "listener")!.properties;
    // Versionless: a renewed certificate reaches the gateway without a deploy.
    expect(certificate.keyVaultSecretId).toBe(
      "[format('{0}secrets/{1}', reference('vault').vaultUri, parameters('certificateName'))]",
    );
    expect(moduleParams(main, "appGateway")).toMatchObject({
      keyVaultName: env.names.keyVault,
      certificateName: "codemie-gateway-tls",
      readerRoleGuid: ROLE_IDS["Key Vault Secrets User"],
    });
    const grants = allResources(main).filter(
      (r) => r.module === "/appGateway" && r.type === "Microsoft.Authorization/roleAssignments",
    );
    expect(grants).toHaveLength(1);
    expect(grants[0]!.body.scope).toBe(
      "[resourceId('Microsoft.KeyVault/vaults/secrets', parameters('keyVaultName'), parameters('certificateName'))]",
    );
    expect((grants[0]!.body.properties as Props).roleDefinitionId).toBe("[variables('secretsUser')]");
    const module = allResources(main).find((d) => d.module === "" && d.symbol === "appGateway")!;
    expect(
      (module.body.properties as { template: { variables: Record<string, unknown> } }).template.variables.secretsUser,
    ).toBe("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', parameters('readerRoleGuid'))]");
  });

  it("reaches the internal ingress over TLS with the host's name, and probes it", async () => {
    const { main, env } = await prod();
    const properties = gatewayOf(main).properties as Props;
    expect(moduleParams(main, "appGateway").backendIp).toBe(lastUsableAddress(env.network.subnets.workloads));
    expect(named(properties.backendAddressPools, "ingress")!.properties).toEqual({
      backendAddresses: [{ ipAddress: "[parameters('backendIp')]" }],
    });
    expect(named(properties.backendHttpSettingsCollection, "ingress-tls")!.properties).toMatchObject({
      protocol: "Https",
      port: 443,
      hostName: "[parameters('host')]",
      pickHostNameFromBackendAddress: false,
    });
    expect(named(properties.probes, "ingress")!.properties).toMatchObject({
      protocol: "Https",
      host: "[parameters('host')]",
      path: "/",
      match: { statusCodes: ["200-399"] },
    });
    // ingress-nginx's Service sits on the internal load balancer at that address.
    const annotations = (ingressNginxValues(env).context as { serviceAnnotations: { key: string; value: string }[] })
      .serviceAnnotations;
    expect(annotations).toContainEqual({
      key: "service.beta.kubernetes.io/azure-load-balancer-internal",
      value: "true",
    });
    expect(annotations).toContainEqual({
      key: "service.beta.kubernetes.io/azure-load-balancer-ipv4",
      value: moduleParams(main, "appGateway").backendIp,
    });
  });

  it("logs to the workspace and is locked, with its address", async () => {
    const { main } = await prod();
    const inModule = (type: string) =>
      allResources(main).filter((r) => r.module === "/appGateway" && r.type === type && r.body.existing !== true);
    const [diagnostics] = inModule("Microsoft.Insights/diagnosticSettings");
    expect((diagnostics!.body.properties as Props).logs).toEqual([{ categoryGroup: "allLogs", enabled: true }]);
    expect(inModule("Microsoft.Authorization/locks").map((l) => l.body.scope)).toEqual([
      "[resourceId('Microsoft.Network/applicationGateways', parameters('gatewayName'))]",
      "[resourceId('Microsoft.Network/publicIPAddresses', parameters('publicIpName'))]",
    ]);
    expect(moduleParams(main, "appGateway").lock).toBe(true);
  });

  it("has its own subnet, after the four others, whose NSG admits what Application Gateway v2 needs", async () => {
    const { main, env } = await prod();
    expect(moduleParams(main, "network").subnets).toMatchObject({ appGateway: "10.40.3.0/24" });
    const network = allResources(main).find((d) => d.module === "" && d.symbol === "network")!;
    const variables = (network.body.properties as { template: { variables: Record<string, unknown> } }).template
      .variables;
    expect((variables.baseSubnets as { name: string }[]).map((s) => s.name)).toEqual([
      "snet-system",
      "snet-workloads",
      "snet-postgres",
      "snet-private-endpoints",
    ]);
    expect(String(variables.gatewaySubnets)).toContain("createObject('name', 'snet-app-gateway'");
    const summary = (r: Rule) => [
      r.name,
      r.properties.priority,
      r.properties.sourceAddressPrefix ?? r.properties.sourceAddressPrefixes,
      r.properties.destinationPortRanges ?? r.properties.destinationPortRange,
    ];
    expect(rulesOf(main).appGateway!.map(summary)).toEqual([
      ["allow-gateway-manager", 100, "GatewayManager", ["65200-65535"]],
      ["allow-azure-load-balancer", 110, "AzureLoadBalancer", "*"],
      // A private listener: clients come from the VNet and its peers.
      ["allow-web", 200, "VirtualNetwork", ["80", "443"]],
    ]);
    // The node subnets take web traffic from the gateway alone.
    for (const subnet of ["system", "workloads"] as const)
      expect(rulesOf(main)[subnet]!.map(summary)).toEqual([
        ["allow-ingress-web", 200, [env.network.subnets.appGateway], ["80", "443"]],
      ]);
  });

  it("listens on a private address of its subnet, where the host's private record points", async () => {
    const { main } = await prod();
    const params = moduleParams(main, "appGateway");
    expect([params.publicListener, params.privateFrontendIp]).toEqual([false, "10.40.3.254"]);
    expect(moduleParams(main, "ingressRecord").address).toBe("10.40.3.254");
    expect(allResources(main).some((r) => r.module === "" && r.symbol === "ingressIp")).toBe(false);
    expect((main.outputs as Record<string, { value: string }>).ingressAddress!.value).toBe(
      "[reference('appGateway').outputs.address.value]",
    );
  });
});

describe("a public WAF", () => {
  it("listens on its public address for the configured ranges; the public record is its alias", async () => {
    const { main, env } = await publicProd();
    expect(env.network.ingress.internal).toBe(false);
    expect(moduleParams(main, "appGateway").publicListener).toBe(true);
    const allowWeb = rulesOf(main).appGateway!.find((r) => r.name === "allow-web")!.properties;
    expect(allowWeb.sourceAddressPrefixes).toEqual(["203.0.113.0/24", "198.51.100.7/32"]);
    for (const subnet of ["system", "workloads"] as const)
      expect(rulesOf(main)[subnet]![0]!.properties.sourceAddressPrefixes).toEqual([env.network.subnets.appGateway]);
    expect(moduleParams(main, "ingressRecord").publicIpId).toBe("[reference('appGateway').outputs.publicIpId.value]");
    // No public load balancer address for ingress-nginx: it is internal behind the gateway.
    expect(allResources(main).some((r) => r.module === "" && r.symbol === "ingressIp")).toBe(false);
    const annotations = (ingressNginxValues(env).context as { serviceAnnotations: { key: string }[] })
      .serviceAnnotations;
    expect(annotations.map((a) => a.key)).toContain("service.beta.kubernetes.io/azure-load-balancer-internal");
    expect(annotations.map((a) => a.key)).not.toContain("service.beta.kubernetes.io/azure-pip-name");
  });
});

describe("outside production", () => {
  it.each(["dev", "staging"])("%s has no gateway by default, and no gateway subnet", async (name) => {
    const { main, env } = await get(name, name, () => shipped(name));
    expect(env.network.ingress.waf?.enabled).toBe(false);
    expect(allResources(main).some((r) => r.module === "" && r.symbol === "appGateway")).toBe(false);
    expect(moduleParams(main, "network").subnets).toMatchObject({ appGateway: "" });
    expect(rulesOf(main).appGateway).toEqual([]);
  });
});
