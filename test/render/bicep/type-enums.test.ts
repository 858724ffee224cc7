// Zero warnings is not validity: Bicep accepts any string where a resource type's enum is "open"
// (a PostgreSQL `version: 'foo'` compiles), and ARM rejects it at deploy time. Every value the
// environment schema allows, and every literal the templates set, must be one the resource type
// defines for the API version the compiled template uses (Azure.Bicep.Types.Az, the definitions
// Bicep itself ships; scripts/install-bicep-types.sh extracts them).
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { planCapacity } from "../../../src/capacity/plan.js";
import { loadEnvironment } from "../../../src/app/load.js";
import { buildEnvironmentSchema } from "../../../src/config/schema.js";
import { ENCRYPTION_KEY_SPEC } from "../../../src/render/bicep/context.js";
import { allResources, ofType } from "../../support/arm.js";
import { bicepSession, ROOT } from "../../support/bicep.js";
import { BicepTypes } from "../../support/bicep-types.js";

const session = await bicepSession();
const types = new BicepTypes(join(ROOT, ".bicep-types"));

async function compiledProd(): Promise<Record<string, unknown>> {
  const { env } = loadEnvironment("environments/prod.yaml", readFileSync(join(ROOT, "environments/prod.yaml"), "utf8"));
  if (!env) throw new Error("prod does not load");
  const { tree, diagnostics } = await session.compile(env, planCapacity(env));
  expect(diagnostics).toEqual([]);
  return JSON.parse(tree.get("bicep/main.json")!) as Record<string, unknown>;
}
let main: Record<string, unknown> | undefined;
const prodMain = async () => (main ??= await compiledProd());

/** `type@apiVersion` as the compiled template declares the type (one API version per type). */
async function versioned(type: string): Promise<string> {
  const versions = new Set(ofType(await prodMain(), type).map((r) => String(r.body.apiVersion)));
  expect([...versions]).toHaveLength(1);
  return `${type}@${[...versions][0]}`;
}

const schema = buildEnvironmentSchema() as {
  properties: Record<string, { properties: Record<string, Record<string, unknown>> }>;
};
const schemaEnum = (section: string, ...path: string[]): unknown[] => {
  let node: Record<string, unknown> = schema.properties[section]!;
  for (const key of path) node = (node.properties as Record<string, Record<string, unknown>>)[key]!;
  return node.enum as unknown[];
};

describe("schema enums are values the resource types define", () => {
  const cases: { field: string; values: () => unknown[]; type: string; property: string }[] = [
    {
      field: "postgres.version",
      values: () => schemaEnum("postgres", "version"),
      type: "Microsoft.DBforPostgreSQL/flexibleServers",
      property: "properties.version",
    },
    {
      field: "postgres.tier",
      values: () => schemaEnum("postgres", "tier"),
      type: "Microsoft.DBforPostgreSQL/flexibleServers",
      property: "sku.tier",
    },
    {
      field: "postgres.highAvailability",
      values: () => schemaEnum("postgres", "highAvailability"),
      type: "Microsoft.DBforPostgreSQL/flexibleServers",
      property: "properties.highAvailability.mode",
    },
    {
      field: "aks.upgradeChannel",
      values: () => schemaEnum("aks", "upgradeChannel"),
      type: "Microsoft.ContainerService/managedClusters",
      property: "properties.autoUpgradeProfile.upgradeChannel",
    },
    {
      field: "aks.maintenanceWindow.day",
      values: () => schemaEnum("aks", "maintenanceWindow", "day"),
      type: "Microsoft.ContainerService/managedClusters/maintenanceConfigurations",
      property: "properties.maintenanceWindow.schedule.weekly.dayOfWeek",
    },
    {
      field: "network.ingress.waf.mode",
      values: () => schemaEnum("network", "ingress", "waf", "mode"),
      type: "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies",
      property: "properties.policySettings.mode",
    },
    {
      field: "security.networkPolicy",
      values: () => schemaEnum("security", "networkPolicy"),
      type: "Microsoft.ContainerService/managedClusters",
      property: "properties.networkProfile.networkPolicy",
    },
    {
      field: "network.egressFirewall.sku",
      values: () => schemaEnum("network", "egressFirewall", "sku"),
      type: "Microsoft.Network/azureFirewalls",
      property: "properties.sku.tier",
    },
    {
      field: "network.egressFirewall.sku",
      values: () => schemaEnum("network", "egressFirewall", "sku"),
      type: "Microsoft.Network/firewallPolicies",
      property: "properties.sku.tier",
    },
  ];

  it.each(cases)("$field ⊆ $type $property", async ({ values, type, property }) => {
    const allowed = types.allowed(await versioned(type), property);
    expect(allowed.literals.length).toBeGreaterThan(0);
    const listed = values();
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.map(String).filter((v) => !allowed.literals.includes(v))).toEqual([]);
  });

  it(
    "knows which fields the types cannot check (an open string with no " +
      "literals): the schema's own enum is the only guard",
    async () => {
      expect(types.allowed(await versioned("Microsoft.CognitiveServices/accounts/deployments"), "sku.name")).toEqual({
        literals: [],
        open: true,
      });
    },
  );
});

describe("the templates' literal values are values the resource types define", () => {
  const literals: { type: string; property: string }[] = [
    { type: "Microsoft.Network/natGateways", property: "sku.name" },
    { type: "Microsoft.Network/publicIPAddresses", property: "sku.name" },
    { type: "Microsoft.Network/publicIPAddresses", property: "properties.publicIPAllocationMethod" },
    { type: "Microsoft.Storage/storageAccounts", property: "kind" },
    { type: "Microsoft.Storage/storageAccounts", property: "sku.name" },
    { type: "Microsoft.Storage/storageAccounts", property: "properties.minimumTlsVersion" },
    { type: "Microsoft.KeyVault/vaults", property: "properties.sku.name" },
    { type: "Microsoft.ContainerService/managedClusters", property: "properties.networkProfile.networkPlugin" },
    { type: "Microsoft.ContainerService/managedClusters", property: "properties.networkProfile.networkPluginMode" },
    {
      type: "Microsoft.ContainerService/managedClusters",
      property: "properties.autoUpgradeProfile.nodeOSUpgradeChannel",
    },
    { type: "Microsoft.DBforPostgreSQL/flexibleServers", property: "properties.network.publicNetworkAccess" },
    { type: "Microsoft.DBforPostgreSQL/flexibleServers", property: "properties.storage.autoGrow" },
    { type: "Microsoft.Network/networkWatchers/flowLogs", property: "properties.format.type" },
    { type: "Microsoft.Network/networkWatchers/flowLogs", property: "identity.type" },
    { type: "Microsoft.Network/applicationGateways", property: "properties.sku.name" },
    { type: "Microsoft.Network/applicationGateways", property: "properties.sku.tier" },
    { type: "Microsoft.Network/applicationGateways", property: "properties.sslPolicy.policyType" },
    { type: "Microsoft.Network/applicationGateways", property: "properties.sslPolicy.policyName" },
    { type: "Microsoft.Network/applicationGateways", property: "identity.type" },
    {
      type: "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies",
      property: "properties.policySettings.state",
    },
    { type: "Microsoft.Network/azureFirewalls", property: "properties.sku.name" },
  ];

  it.each(literals)("$type $property", async ({ type, property }) => {
    const resources = ofType(await prodMain(), type).filter((r) => r.body.existing !== true);
    expect(resources.length).toBeGreaterThan(0);
    const allowed = types.allowed(await versioned(type), property);
    for (const r of resources) {
      const value = property
        .split(".")
        .reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], r.body);
      // A literal, so that this test checks something: an expression would need its own case.
      expect(typeof value === "string" && !value.startsWith("[")).toBe(true);
      expect(allowed.literals).toContain(value);
    }
  });

  it("the AKS outbound types the aks module accepts (NAT gateway, or a hub firewall's route)", async () => {
    const module = allResources(await prodMain()).find((d) => d.module === "" && d.symbol === "aks")!;
    const accepted = (
      module.body.properties as { template: { parameters: { outboundType: { allowedValues: string[] } } } }
    ).template.parameters.outboundType.allowedValues;
    expect([...accepted].sort()).toEqual(["userAssignedNATGateway", "userDefinedRouting"]);
    const allowed = types.allowed(
      await versioned("Microsoft.ContainerService/managedClusters"),
      "properties.networkProfile.outboundType",
    );
    expect(accepted.filter((v) => !allowed.literals.includes(v))).toEqual([]);
  });

  it(
    "the threat intelligence modes the egress-firewall module accepts " + "(Alert outside production, Deny in it)",
    async () => {
      const module = allResources(await prodMain()).find((d) => d.module === "" && d.symbol === "egressFirewall")!;
      const accepted = (
        module.body.properties as { template: { parameters: { threatIntelMode: { allowedValues: string[] } } } }
      ).template.parameters.threatIntelMode.allowedValues;
      expect([...accepted].sort()).toEqual(["Alert", "Deny"]);
      const allowed = types.allowed(
        await versioned("Microsoft.Network/firewallPolicies"),
        "properties.threatIntelMode",
      );
      expect(accepted.filter((v) => !allowed.literals.includes(v))).toEqual([]);
    },
  );

  it("the agent pools' OS SKU and the encryption key's type", async () => {
    const cluster = ofType(await prodMain(), "Microsoft.ContainerService/managedClusters")[0]!;
    const pools = (cluster.body.properties as { copy: { name: string; input: Record<string, unknown> }[] }).copy.find(
      (c) => c.name === "agentPoolProfiles",
    )!;
    expect(
      types.allowed(
        await versioned("Microsoft.ContainerService/managedClusters"),
        "properties.agentPoolProfiles[].osSKU",
      ).literals,
    ).toContain(pools.input.osSKU);
    expect(types.allowed(await versioned("Microsoft.KeyVault/vaults/keys"), "properties.kty").literals).toContain(
      ENCRYPTION_KEY_SPEC.kty,
    );
  });
});
