// Issue 17, "Egress firewall with an FQDN allow-list": the managed Azure Firewall that production
// gets by default, checked in the ARM JSON the real Bicep CLI compiles (zero warnings): its
// policy's rules are the allow-list of bicep/egress-fqdns.txt, the node subnets' default route
// leads to it, and AKS waits for it.
import { describe, expect, it } from "vitest";
import { planCapacity } from "../../../src/capacity/plan.js";
import type { Environment } from "../../../src/model/environment.js";
import { egressHosts } from "../../../src/render/bicep/egress-fqdns.js";
import { allResources, moduleParams, moduleVariables, ofType } from "../../support/arm.js";
import { bicepSession } from "../../support/bicep.js";
import { shippedEnvironment } from "../../engine/support/environments.js";

const session = await bicepSession();

const env = shippedEnvironment;

async function compiled(e: Environment) {
  const c = await session.compile(e, planCapacity(e));
  expect(c.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.level} ${d.code} ${d.message}`)).toEqual([]);
  return { main: JSON.parse(c.tree.get("bicep/main.json")!) as Record<string, unknown>, tree: c.tree };
}

const inModule = (main: Record<string, unknown>, type: string) =>
  allResources(main).filter((r) => r.module === "/egressFirewall" && r.type === type);
/** A module parameter as compiled: Bicep turns a ternary into one expression for the whole `{ value }`. */
const rawParam = (main: Record<string, unknown>, module: string, name: string): unknown =>
  (
    (main.resources as Record<string, { properties: { parameters: Record<string, unknown> } }>)[module]!.properties
      .parameters as Record<string, unknown>
  )[name];
const body = (main: Record<string, unknown>, type: string) => inModule(main, type)[0]!.body;

interface AppRule {
  name: string;
  fqdns: string[];
  fqdnTags: string[];
}
interface NetRule {
  name: string;
  protocols: string[];
  addresses: string[];
  fqdns: string[];
  ports: string[];
}

let prod: Awaited<ReturnType<typeof compiled>> | undefined;
const prodMain = async () => (prod ??= await compiled(env("prod"))).main;

describe("production's managed egress firewall (environments/prod.yaml, no egress setting written)", () => {
  it(
    "resolves to mode managed, Standard tier, " + "the firewall at AzureFirewallSubnet's first usable address",
    async () => {
      expect(env("prod").network.egressFirewall).toEqual({ mode: "managed", sku: "Standard" });
      const main = await prodMain();
      const network = moduleParams(main, "network");
      expect(network.firewallSubnet).toBe("10.40.8.0/26");
      expect(rawParam(main, "network", "egressFirewallIp")).toBe(
        "[if(parameters('egressViaFirewall'), createObject('value', '10.40.8.4'), createObject('value', ''))]",
      );
      const vnet = ofType(main, "Microsoft.Network/virtualNetworks")[0]!;
      // The firewall's subnet is appended after the four role subnets and the gateway's when one is given.
      expect(String((vnet.body.properties as { subnets: unknown }).subnets)).toMatch(
        /variables\('baseSubnets'\).*variables\('firewallSubnets'\)\)\]$/,
      );
      expect(JSON.stringify(moduleVariables(main, "network").firewallSubnets)).toMatch(
        /AzureFirewallSubnet.*parameters\('firewallSubnet'\)/,
      );
    },
  );

  it(
    "is a zone-redundant Azure Firewall (AZFW_VNet) in AzureFirewallSubnet " + "with a Standard static public IP",
    async () => {
      const main = await prodMain();
      const params = moduleParams(main, "egressFirewall");
      expect(params.zones).toEqual(["1", "2", "3"]);
      expect(params.sku).toBe("Standard");
      expect(params.subnetId).toBe("[reference('network').outputs.firewallSubnetId.value]");
      const firewall = body(main, "Microsoft.Network/azureFirewalls");
      expect(firewall.zones).toBe("[parameters('zones')]");
      const props = firewall.properties as Record<string, unknown>;
      expect(props.sku).toEqual({ name: "AZFW_VNet", tier: "[parameters('sku')]" });
      expect(JSON.stringify(props.ipConfigurations)).toContain("parameters('subnetId')");
      const ip = body(main, "Microsoft.Network/publicIPAddresses");
      expect(ip.sku).toEqual({ name: "Standard" });
      expect(ip.zones).toBe("[parameters('zones')]");
      expect((ip.properties as Record<string, unknown>).publicIPAllocationMethod).toBe("Static");
    },
  );

  it("has a policy with DNS proxy and threat intelligence Deny, and the firewall waits for its rules", async () => {
    const main = await prodMain();
    expect(moduleParams(main, "egressFirewall").threatIntelMode).toBe("Deny");
    const policy = body(main, "Microsoft.Network/firewallPolicies").properties as Record<string, unknown>;
    expect(policy.dnsSettings).toEqual({ enableProxy: true });
    expect(policy.threatIntelMode).toBe("[parameters('threatIntelMode')]");
    expect(policy.sku).toEqual({ tier: "[parameters('sku')]" });
    expect(body(main, "Microsoft.Network/azureFirewalls").dependsOn).toContain("rules");
  });

  it(
    "allows HTTPS to exactly the hosts of bicep/egress-fqdns.txt, " + "plus the AzureKubernetesService FQDN tag",
    async () => {
      const e = env("prod");
      const { main, tree } = (prod ??= await compiled(e));
      const rules = moduleParams(main, "egressFirewall").applicationRules as AppRule[];
      expect(rules.filter((r) => r.fqdnTags.length > 0)).toEqual([
        expect.objectContaining({ fqdns: [], fqdnTags: ["AzureKubernetesService"] }),
      ]);
      const fqdns = rules.flatMap((r) => r.fqdns);
      expect(fqdns).toEqual(egressHosts(e).map((h) => h.host));
      const listed = tree
        .get("bicep/egress-fqdns.txt")!
        .split("\n")
        .filter((l) => l !== "" && !l.startsWith("#"))
        .map((l) => l.split(/\s+/)[0]);
      expect([...fqdns].sort()).toEqual([...listed].sort());
      expect(fqdns).toContain("*.hcp.westeurope.azmk8s.io");
      expect(new Set(rules.map((r) => r.name)).size).toBe(rules.length);
      const group = body(main, "Microsoft.Network/firewallPolicies/ruleCollectionGroups");
      type Collection = { name: string; priority: number; action: unknown; copy: { input: Record<string, unknown> }[] };
      const collections = (group.properties as { ruleCollections: Collection[] }).ruleCollections;
      expect(collections.map((c) => [c.name, c.priority, c.action])).toEqual([
        ["network", 100, { type: "Allow" }],
        ["application", 200, { type: "Allow" }],
      ]);
      const app = collections[1]!.copy[0]!.input;
      expect(app.protocols).toEqual([{ protocolType: "Https", port: 443 }]);
      expect(app.sourceAddresses).toBe("[parameters('sources')]");
      expect(app.targetFqdns).toBe("[parameters('applicationRules')[copyIndex('rules')].fqdns]");
      expect(moduleParams(main, "egressFirewall").sources).toEqual(["10.40.0.0/24", "10.40.4.0/22"]);
    },
  );

  it("allows NTP (UDP 123) and, for a private API server, no control-plane tunnel", async () => {
    const rules = moduleParams(await prodMain(), "egressFirewall").networkRules as NetRule[];
    expect(rules).toEqual([
      expect.objectContaining({ name: "ntp", protocols: ["UDP"], addresses: ["*"], ports: ["123"] }),
    ]);
  });

  it("sends every log category to the workspace in resource-specific tables, under a CanNotDelete lock", async () => {
    const main = await prodMain();
    const diagnostics = body(main, "Microsoft.Insights/diagnosticSettings").properties as Record<string, unknown>;
    expect(diagnostics.logAnalyticsDestinationType).toBe("Dedicated");
    expect(diagnostics.logs).toEqual([{ categoryGroup: "allLogs", enabled: true }]);
    expect(moduleParams(main, "egressFirewall").lock).toBe(true);
    const lock = body(main, "Microsoft.Authorization/locks");
    expect(lock.condition).toBe("[parameters('lock')]");
    expect((lock.properties as { level: string }).level).toBe("CanNotDelete");
  });

  it("routes the node subnets to it, detaches the NAT gateway, runs AKS on userDefinedRouting after it", async () => {
    const main = await prodMain();
    // egressViaFirewall is true unless day 2 holds a NAT-gateway cluster there while its firewall is created.
    expect((main.parameters as Record<string, { defaultValue: unknown }>).egressViaFirewall?.defaultValue).toBe(true);
    expect(rawParam(main, "aks", "outboundType")).toBe(
      "[if(parameters('egressViaFirewall'), createObject('value', 'userDefinedRouting'), " +
        "createObject('value', 'userAssignedNATGateway'))]",
    );
    const [routes] = ofType(main, "Microsoft.Network/routeTables");
    expect(routes!.body.condition).toBe("[variables('viaFirewall')]");
    const aks = allResources(main).find((r) => r.module === "" && r.symbol === "aks")!;
    expect(aks.body.dependsOn).toContain("egressFirewall");
    // External systems allow-list the firewall's address now, not the detached NAT gateway's.
    expect((main.outputs as Record<string, { value: string }> | undefined)?.egressIp?.value).toBe(
      "[if(parameters('egressViaFirewall'), reference('egressFirewall').outputs.publicIp.value, " +
        "reference('network').outputs.egressIp.value)]",
    );
  });
});

describe("managed egress firewall variants", () => {
  it(
    "a public API server gets the tunnel rules (UDP 1194, TCP 9000 and 443 to the region); " +
      "Premium is a choice; outside production threat intelligence only alerts and nothing is locked",
    async () => {
      const e = env("staging", (y) =>
        y
          .replace(/privateCluster: true/, "privateCluster: false")
          .replace("network:\n", "network:\n  egressFirewall:\n    mode: managed\n    sku: Premium\n")
          .replace(/(\n {4}privateEndpoints: [^\n]+)/, "$1\n    firewall: 10.41.3.0/26"),
      );
      expect(e.network.privateCluster).toBe(false);
      const { main } = await compiled(e);
      const params = moduleParams(main, "egressFirewall");
      expect(params.sku).toBe("Premium");
      expect(params.threatIntelMode).toBe("Alert");
      expect(params.lock).toBe(false);
      const region = `AzureCloud.${e.azure.location}`;
      expect(params.networkRules).toEqual([
        expect.objectContaining({ name: "ntp" }),
        expect.objectContaining({ protocols: ["UDP"], addresses: [region], ports: ["1194"] }),
        expect.objectContaining({ protocols: ["TCP"], addresses: [region], ports: ["9000", "443"] }),
      ]);
    },
  );

  it("an SSH GitOps repository gets a network rule to its host on TCP 22", async () => {
    const e = env("prod", (y) => y.replace("gitops:\n", "gitops:\n  auth: ssh\n"));
    const { main } = await compiled(e);
    expect(moduleParams(main, "egressFirewall").networkRules).toContainEqual(
      expect.objectContaining({ name: "gitops-ssh", protocols: ["TCP"], fqdns: ["github.com"], ports: ["22"] }),
    );
  });

  it("mode none in production: no firewall, the NAT gateway attached, AKS on userAssignedNATGateway", async () => {
    const e = env("prod", (y) => y.replace("network:\n", "network:\n  egressFirewall:\n    mode: none\n"));
    const { main, tree } = await compiled(e);
    expect(ofType(main, "Microsoft.Network/azureFirewalls")).toEqual([]);
    expect(moduleParams(main, "aks").outboundType).toBe("userAssignedNATGateway");
    expect(moduleParams(main, "network").egressFirewallIp).toBe("");
    // The subnet stays in the VNet: a firewall still in it would make its removal fail.
    expect(moduleParams(main, "network").firewallSubnet).toBe("10.40.8.0/26");
    expect(tree.has("bicep/egress-fqdns.txt")).toBe(false);
  });
});
