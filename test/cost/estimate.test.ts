// The monthly cost from the resolved model and the capacity plan, and its delta against a base
// version of the file: figures checked against the price list and the VM catalogue by hand.
import { describe, expect, test } from "vitest";
import { environmentCost } from "../../src/app/cost.js";
import { VM_SIZES } from "../../src/catalogue/vm-sizes.js";
import { costMarkdown, costText } from "../../src/cost/cost-format.js";
import { costDelta, deltaHeadline } from "../../src/cost/delta.js";
import { estimateCost, HOURS_PER_MONTH } from "../../src/cost/estimate.js";
import { PRICE_LIST } from "../../src/cost/price-list.js";
import { edited, load, shipped } from "../capacity/environments.js";

const hourly = (vm: string): number => VM_SIZES.find((v) => v.name === vm)!.hourlyUsd;
const round2 = (n: number): number => Math.round(n * 100) / 100;

function estimate(name: string, text = shipped(name)) {
  const { env, capacity } = load(name, text);
  if (!env || !capacity) throw new Error(`${name} does not load`);
  return estimateCost(env, capacity);
}

describe("estimateCost", () => {
  test("prod: pools at planned count and at the autoscaler's maximum, with the West Europe factor", () => {
    const e = estimate("prod");
    expect(e.region).toBe("westeurope");
    expect(e.regionFactor).toBe(PRICE_LIST.regionFactors.westeurope);
    const workloads = e.lines.find((l) => l.key === "pool:workloads")!;
    const perNode = hourly("Standard_E8ds_v5") * HOURS_PER_MONTH * e.regionFactor;
    expect(workloads).toMatchObject({
      quantity: 6,
      unit: "Standard_E8ds_v5",
      unitMonthly: Math.round(perNode * 10_000) / 10_000,
      monthly: round2(6 * perNode),
      atMaximum: { quantity: 9, monthly: round2(9 * perNode) },
    });
    // The system pool cannot grow (3-3): no maximum to show.
    expect(e.lines.find((l) => l.key === "pool:system")?.atMaximum).toBeUndefined();
    // Ddsv5/Edsv5 with 4+ vCPU hold the OS disk on their temp disk: no managed OS disk billed.
    expect(e.lines.filter((l) => l.key.startsWith("osdisk:"))).toEqual([]);
    expect(e.monthly).toBe(round2(e.lines.reduce((s, l) => s + l.monthly, 0)));
    // The other line that grows: the WAF's capacity units at its autoscale maximum.
    const waf = e.lines.find((l) => l.key === "waf:capacity")!;
    expect(e.monthlyAtMaximum).toBe(round2(e.monthly + 3 * perNode + waf.atMaximum!.monthly - waf.monthly));
  });

  test(
    "persistent volumes are billed at the Premium SSD tier that holds them, " +
      "OS disks when the node has no temp disk",
    () => {
      const text = edited(shipped("prod"), [[["aks", "nodePools", "system", "vmSize"], "Standard_D4s_v5"]]);
      const e = estimate("prod", text);
      const f = e.regionFactor;
      expect(e.lines.find((l) => l.key === "pvc:elasticsearch")).toMatchObject({
        quantity: 2,
        unit: "P15 disk (200 GiB, codemie-premium, Premium_LRS)",
        monthly: round2(2 * 38.02 * f),
      });
      expect(e.lines.find((l) => l.key === "osdisk:system")).toMatchObject({
        quantity: 3,
        unit: "P10 disk (128 GiB)",
        monthly: round2(3 * 19.71 * f),
      });
    },
  );

  test("PostgreSQL: compute, storage, an HA standby of both, a geo-redundant backup copy", () => {
    const ha = estimate("prod");
    const pg = ha.lines.filter((l) => l.category === "database");
    expect(pg.map((l) => l.key)).toEqual([
      "postgres:compute",
      "postgres:storage",
      "postgres:ha-compute",
      "postgres:ha-storage",
      ...(pg.some((l) => l.key === "postgres:geo-backup") ? ["postgres:geo-backup"] : []),
    ]);
    const compute = pg.find((l) => l.key === "postgres:compute")!;
    expect(pg.find((l) => l.key === "postgres:ha-compute")?.monthly).toBe(compute.monthly);

    const single = estimate(
      "prod",
      edited(shipped("prod"), [
        [["postgres", "highAvailability"], "Disabled"],
        [["postgres", "geoRedundantBackup"], true],
      ]),
    );
    const keys = single.lines.filter((l) => l.category === "database").map((l) => l.key);
    expect(keys).toEqual(["postgres:compute", "postgres:storage", "postgres:geo-backup"]);
    const storage = single.lines.find((l) => l.key === "postgres:storage")!;
    expect(single.lines.find((l) => l.key === "postgres:geo-backup")).toMatchObject({
      quantity: storage.quantity,
      monthly: round2(storage.quantity * 0.2 * single.regionFactor),
    });
  });

  test(
    "NAT gateway and its IP always; an ingress IP only when the ingress is " +
      "public; a region without a factor says so",
    () => {
      const dev = estimate("dev");
      expect(dev.lines.filter((l) => l.category === "network").map((l) => l.key)).toContain("nat:gateway");
      const korea = estimate("dev", edited(shipped("dev"), [[["azure", "location"], "koreacentral"]]));
      expect(korea.regionFactor).toBe(1);
      expect(korea.regionNote).toBe("no factor recorded for koreacentral: eastus prices");
      const publicIngress = estimate("dev", edited(shipped("dev"), [[["network", "ingress", "internal"], false]]));
      const internal = estimate("dev", edited(shipped("dev"), [[["network", "ingress", "internal"], true]]));
      expect(publicIngress.lines.some((l) => l.key === "ingress:ip")).toBe(true);
      expect(internal.lines.some((l) => l.key === "ingress:ip")).toBe(false);
    },
  );
});

describe("the WAF and the egress firewall", () => {
  const month = (hourlyUsd: number, factor: number) => hourlyUsd * HOURS_PER_MONTH * factor;
  const keys = (e: ReturnType<typeof estimate>) => e.lines.filter((l) => l.category === "network").map((l) => l.key);

  test("prod: the WAF_v2 gateway, its reserved capacity units and its IP; the firewall and its IP", () => {
    const e = estimate("prod");
    const f = e.regionFactor;
    expect(keys(e)).toEqual([
      "nat:gateway",
      "nat:ip",
      "waf:gateway",
      "waf:capacity",
      "waf:ip",
      "firewall",
      "firewall:ip",
    ]);
    expect(e.lines.find((l) => l.key === "waf:gateway")).toMatchObject({
      quantity: 1,
      monthly: round2(month(0.443, f)),
    });
    // Autoscaling 2-10 instances: 10 capacity units reserved per instance of the minimum, 100 at most.
    const cu = month(0.0144, f);
    expect(e.lines.find((l) => l.key === "waf:capacity")).toMatchObject({
      quantity: 20,
      monthly: round2(20 * cu),
      atMaximum: { quantity: 100, monthly: round2(100 * cu) },
    });
    expect(e.lines.find((l) => l.key === "firewall")).toMatchObject({
      label: "Azure Firewall (Standard)",
      monthly: round2(month(1.25, f)),
    });
    const ip = round2(month(0.005, f));
    expect(e.lines.filter((l) => l.key.endsWith("ip")).map((l) => l.monthly)).toEqual([ip, ip, ip]);
    expect(e.notEstimated).toContain("Azure Firewall data processed (per GB)");
    expect(e.notEstimated).toContain("Application Gateway capacity units used beyond the reserved ones (per hour)");
    expect(e.notEstimated.join(" ")).not.toContain("deployment hours");
  });

  test("a public WAF listener adds no ingress IP: ingress-nginx's load balancer stays internal", () => {
    const e = estimate("prod", edited(shipped("prod"), [[["network", "ingress", "internal"], false]]));
    expect(keys(e)).toContain("waf:ip");
    expect(keys(e)).not.toContain("ingress:ip");
  });

  test("a Premium firewall costs Premium hours; without the WAF or firewall neither is priced", () => {
    const premium = estimate(
      "prod",
      edited(shipped("prod"), [[["network", "egressFirewall"], { mode: "managed", sku: "Premium" }]]),
    );
    expect(premium.lines.find((l) => l.key === "firewall")).toMatchObject({
      label: "Azure Firewall (Premium)",
      monthly: round2(month(1.75, premium.regionFactor)),
    });
    const dev = estimate("dev");
    expect(keys(dev).filter((k) => k.startsWith("waf") || k.startsWith("firewall"))).toEqual([]);
    expect(dev.notEstimated.join(" ")).not.toMatch(/Firewall|Application Gateway/);
  });
});

describe("cost delta against the base version", () => {
  test('"+$N/month (+x%): workloads pool 6 → 7 × Standard_E8ds_v5"', () => {
    const head = edited(shipped("prod"), [[["aks", "nodePools", "workloads", "minCount"], 7]]);
    const { report } = environmentCost({
      file: "environments/prod.yaml",
      text: head,
      base: { ref: "main", text: shipped("prod") },
    });
    if (!report?.base || "missing" in report.base) throw new Error("no delta");
    const delta = report.base.delta;
    const node = round2(hourly("Standard_E8ds_v5") * HOURS_PER_MONTH * report.estimate.regionFactor);
    expect(delta.monthlyDelta).toBeCloseTo(node, 1);
    expect(delta.changes).toEqual([
      {
        key: "pool:workloads",
        label: "workloads pool",
        change: "6 → 7 × Standard_E8ds_v5",
        monthlyDelta: expect.closeTo(node, 1) as number,
      },
    ]);
    expect(deltaHeadline(delta)).toBe(`+$${Math.round(delta.monthlyDelta)}/month (+${delta.percent}%)`);
    expect(costText(report)).toContain(
      `  +$${Math.round(delta.monthlyDelta)}/month: workloads pool 6 → 7 × Standard_E8ds_v5`,
    );
    expect(costMarkdown(report).join("\n")).toContain(
      `**+$${Math.round(delta.monthlyDelta)}/month (+${delta.percent}%)** against \`main\``,
    );
  });

  test("a VM size change names both sides; an unchanged file is no change; a new environment costs all of it", () => {
    const base = estimate("prod");
    const bigger = estimate(
      "prod",
      edited(shipped("prod"), [[["aks", "nodePools", "system", "vmSize"], "Standard_D8ds_v5"]]),
    );
    expect(costDelta(base, bigger).changes[0]).toMatchObject({
      key: "pool:system",
      change: "3 × Standard_D4ds_v5 → 3 × Standard_D8ds_v5",
    });
    expect(deltaHeadline(costDelta(base, base))).toBe("no change");

    const { report } = environmentCost({
      file: "environments/prod.yaml",
      text: shipped("prod"),
      base: { ref: "main", text: undefined },
    });
    if (!report?.base || "missing" in report.base) throw new Error("no delta");
    expect(report.base.delta).toMatchObject({ baseMonthly: 0, headMonthly: report.estimate.monthly });
    expect(report.base.delta.percent).toBeUndefined();
  });

  test("a base that does not load is reported, not compared", () => {
    const { report } = environmentCost({
      file: "environments/prod.yaml",
      text: shipped("prod"),
      base: { ref: "main", text: "aks: [" },
    });
    expect(report?.base).toEqual({
      ref: "main",
      missing: "the base version of the file does not load, so there is nothing to compare with",
    });
  });
});
