// `vmSize: auto` and `count: auto`: the cheapest size that fits, chosen deterministically.
import { describe, expect, it } from "vitest";
import { edited, load, shipped } from "./environments.js";

// dev.yaml: small profile without NATS and the LLM proxy, workloads pool `vmSize: auto`,
// `count: auto`, families Ddsv5 and Edsv5. Its pods ask 6635m and 16590 MiB (5950m/15872Mi of
// CodeMie, 685m/846Mi of platform pods), the largest being the API's 2000m.
describe("automatic sizing", () => {
  const dev = shipped("dev");
  const workloadsOf = (text: string) => load("dev", text).capacity!.nodePools.find((p) => p.name === "workloads")!;

  it(
    "dev: Standard_D4ds_v5 x 3 ($0.678/h) beats D8ds_v5 x 3 ($1.356) and " +
      "E4ds_v5 x 3 ($0.864); D2/E2 cannot hold the API pod",
    () => {
      const { env, diagnostics } = load("dev");
      expect(diagnostics).toEqual([]);
      expect(env).toBeDefined();
      // 3410m of room per node: two nodes for 6635m (and the two ES replicas), plus one surge.
      expect(workloadsOf(dev)).toMatchObject({
        vmSize: "Standard_D4ds_v5",
        autoSized: { vmSize: true, count: true },
        nodesForPods: 2,
        nodesNeeded: 3,
        fixedCount: 3,
        minCount: 3,
        maxCount: 3,
      });
    },
  );

  it("picks the cheapest, not the first family listed: Fsv2 needs 5 x F4s_v2 ($0.845/h) for the memory", () => {
    const text = edited(dev, [[["aks", "autoSizing"], { families: ["Fsv2", "Ddsv5"] }]]);
    expect(workloadsOf(text).vmSize).toBe("Standard_D4ds_v5");
  });

  it("takes a cheaper family when one is allowed: Dasv5 x 3 at $0.516/h", () => {
    const text = edited(dev, [[["aks", "autoSizing"], { families: ["Ddsv5", "Dasv5"] }]]);
    expect(workloadsOf(text)).toMatchObject({ vmSize: "Standard_D4as_v5", fixedCount: 3 });
  });

  it("stays within autoscaler bounds and costs the floor the pods need", () => {
    const text = edited(dev, [[["aks", "nodePools", "workloads"], { vmSize: "auto", minCount: 1, maxCount: 3 }]]);
    expect(workloadsOf(text)).toMatchObject({
      vmSize: "Standard_D4ds_v5",
      minCount: 1,
      maxCount: 3,
      autoSized: { vmSize: true, count: false },
    });
    expect(workloadsOf(text).fixedCount).toBeUndefined();
  });

  it("sizes the count for a given VM size", () => {
    const text = edited(dev, [[["aks", "nodePools", "workloads", "vmSize"], "Standard_D8ds_v5"]]);
    expect(workloadsOf(text)).toMatchObject({
      vmSize: "Standard_D8ds_v5",
      autoSized: { vmSize: false, count: true },
      fixedCount: 3,
    });
  });

  it("is an error at vmSize when no size of the families fits", () => {
    const text = edited(dev, [
      [["aks", "autoSizing"], { families: ["Fsv2"] }],
      [["components", "elasticsearch", "memory"], "64Gi"],
    ]);
    const { capacity, diagnostics } = load("dev", text);
    expect(capacity!.fits).toBe(false);
    expect(diagnostics.map((d) => d.message)).toEqual([
      "aks.nodePools.workloads.vmSize is auto but no size of " +
        "aks.autoSizing.families (Fsv2) fits: pod elasticsearch-0 does not fit " +
        "even the largest, Standard_F32s_v2",
    ]);
  });

  it("gives the same choice every time", () => {
    const plans = Array.from({ length: 3 }, () => JSON.stringify(load("dev").capacity));
    expect(new Set(plans).size).toBe(1);
  });
});
