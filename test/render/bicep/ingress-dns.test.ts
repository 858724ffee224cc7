// Issue 20, "DNS and address": the ingress load balancer's fixed address and the A record of
// network.ingress.host, checked in the ARM JSON the real Bicep CLI compiles (zero warnings).
import { describe, expect, it } from "vitest";
import { planCapacity } from "../../../src/capacity/plan.js";
import type { Environment } from "../../../src/model/environment.js";
import { allResources, moduleParams } from "../../support/arm.js";
import { bicepSession } from "../../support/bicep.js";
import { shippedEnvironment } from "../../engine/support/environments.js";

const session = await bicepSession();

const env = shippedEnvironment;

async function compiled(e: Environment): Promise<Record<string, unknown>> {
  const c = await session.compile(e, planCapacity(e));
  expect(c.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.level} ${d.code} ${d.message}`)).toEqual([]);
  return JSON.parse(c.tree.get("bicep/main.json")!) as Record<string, unknown>;
}

const modules = (main: Record<string, unknown>) =>
  allResources(main)
    .filter((r) => r.module === "" && r.type === "Microsoft.Resources/deployments")
    .map((r) => r.symbol);
/** Resources a module deploys (its `existing` references left out). */
const inModule = (main: Record<string, unknown>, module: string) =>
  allResources(main).filter((r) => r.module === `/${module}` && r.body.existing !== true);
const outputValue = (main: Record<string, unknown>, name: string) =>
  ((main.outputs as Record<string, { value: unknown }>)[name] ?? { value: undefined }).value;

/** Prod without its WAF: the internal load balancer holds the record (app-gateway-waf.test.ts: with the WAF). */
const withoutWaf = (y: string): string => y.replace(/(\n {2}ingress:\n)/, "$1    waf:\n      enabled: false\n");

describe("internal ingress (prod without its WAF)", () => {
  it(
    "gets a fixed private address (the workloads subnet's last usable) and a " +
      "private zone linked to the VNet with its A record",
    async () => {
      const e = env("prod", withoutWaf);
      expect(e.network.ingress.internal).toBe(true);
      const main = await compiled(e);
      expect(modules(main)).not.toContain("ingressIp");
      const zone = moduleParams(main, "ingressZone");
      expect(zone.zoneName).toBe("ai.example.com");
      const types = inModule(main, "ingressZone").map((r) => r.type);
      expect(types).toEqual(
        expect.arrayContaining([
          "Microsoft.Network/privateDnsZones",
          "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
        ]),
      );
      const record = moduleParams(main, "ingressRecord");
      // 10.40.4.0/22 in prod: Azure keeps .255 of the last /24, so .254 is the last usable address.
      expect(record).toMatchObject({
        recordName: e.network.ingress.host.split(".")[0],
        address: expectedLast(e.network.subnets.workloads),
        linkVnet: false,
      });
      // The zone module linked the VNet already: the record module's own link stays off.
      expect(inModule(main, "ingressRecord").map((r) => r.type)).toContain("Microsoft.Network/privateDnsZones/A");
      expect(outputValue(main, "ingressAddress")).toBe(expectedLast(e.network.subnets.workloads));
    },
  );

  it("adds the record (and a VNet link) to an existing zone in another resource group, created nowhere", async () => {
    const e = env("prod", (y) =>
      withoutWaf(y).replace(
        /(\n {2}ingress:\n)/,
        "$1    privateIp: 10.40.4.200\n    dns:\n      zone: example.com\n      zoneResourceGroup: rg-dns-hub\n",
      ),
    );
    const main = await compiled(e);
    expect(modules(main)).not.toContain("ingressZone");
    const deployment = allResources(main).find((r) => r.symbol === "ingressRecord")!;
    expect(String(deployment.body.resourceGroup)).toContain("rg-dns-hub");
    expect(moduleParams(main, "ingressRecord")).toMatchObject({
      zoneName: "example.com",
      address: "10.40.4.200",
      linkVnet: true,
    });
  });

  it("writes no DNS resource in external mode, and still fixes the address", async () => {
    const e = env("prod", (y) => withoutWaf(y).replace(/(\n {2}ingress:\n)/, "$1    dns:\n      mode: external\n"));
    const main = await compiled(e);
    expect(modules(main).filter((m) => ["ingressZone", "ingressRecord"].includes(m))).toEqual([]);
    expect(outputValue(main, "ingressAddress")).toBe(expectedLast(e.network.subnets.workloads));
  });
});

describe("public ingress (dev)", () => {
  it(
    "gets a Standard static public IP in the environment's group, joinable " +
      "by the cluster identity, and an alias record in a public zone",
    async () => {
      const e = env("dev");
      expect(e.network.ingress.internal).toBe(false);
      const main = await compiled(e);
      const ip = inModule(main, "ingressIp");
      const pip = ip.find((r) => r.type === "Microsoft.Network/publicIPAddresses")!;
      expect(pip.body).toMatchObject({ sku: { name: "Standard" }, properties: { publicIPAllocationMethod: "Static" } });
      const role = ip.find((r) => r.type === "Microsoft.Authorization/roleAssignments")!;
      expect(String((role.body.properties as Record<string, unknown>).roleDefinitionId)).toContain(
        "networkContributor",
      );
      expect(JSON.stringify(allResources(main).find((r) => r.symbol === "ingressIp")!.body)).toContain(
        "4d97b98b-1d4f-4787-a291-c67834d212e7",
      );
      // Scoped to the address itself, not the resource group.
      expect(String(role.body.scope)).toContain("Microsoft.Network/publicIPAddresses");
      expect(moduleParams(main, "ingressIp").name).toBe(e.names.ingressPublicIp);
      expect(inModule(main, "ingressZone").map((r) => r.type)).toEqual(["Microsoft.Network/dnsZones"]);
      const record = inModule(main, "ingressRecord").find((r) => r.type === "Microsoft.Network/dnsZones/A")!;
      expect(JSON.stringify(record.body)).toContain("targetResource");
      expect(Object.keys(main.outputs as object)).toEqual(
        expect.arrayContaining(["ingressAddress", "ingressNameServers"]),
      );
    },
  );
});

function expectedLast(cidr: string): string {
  const [ip, bits] = cidr.split("/");
  const n = ip!.split(".").reduce((a, p) => a * 256 + Number(p), 0) + 2 ** (32 - Number(bits)) - 2;
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}
