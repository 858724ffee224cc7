// Allocatable capacity per node against AKS's documented reservations, and the case the
// issue names: a 16Gi Elasticsearch pod cannot land on a 16 GiB VM.
import { describe, expect, it } from "vitest";
import { vmSize, VM_SIZES } from "../../src/catalogue/vm-sizes.js";
import { nodeReservation } from "../../src/capacity/reservations.js";
import { edited, load, MiB, shipped } from "./environments.js";

describe("node reservations (AKS 1.29+, 110 pods per node)", () => {
  it.each([
    // name, allocatable millicores, allocatable MiB: worked out in the comments of plan.test.ts
    ["Standard_D2ds_v5", 1900, 5757], // 8192 MiB: 25% (2048) < 2250
    ["Standard_D4ds_v5", 3860, 13460], // 16384: 15810 visible - 2250 - 100
    ["Standard_D8ds_v5", 7820, 29271], // 32768: 31621 - 2250 - 100
    ["Standard_E8ds_v5", 7820, 60892], // 65536: 63242 - 2250 - 100
    ["Standard_F2s_v2", 1900, 2828], // 4096: 3952 - 25% (1024) - 100
    ["Standard_E32ds_v5", 31580, 250618], // 262144: 252968 - 2250 - 100; 32 cores reserve 420m
  ])("%s allocates %im and %i MiB", (name, millicores, mebibytes) => {
    expect(nodeReservation(vmSize(name)!).allocatable).toEqual({ millicores, bytes: mebibytes * MiB });
  });

  it("errs small against a real node: an 8 GiB AKS node reports 5,791 MiB allocatable, the plan assumes 5,757", () => {
    const planned = nodeReservation(vmSize("Standard_D2ds_v5")!).allocatable.bytes / MiB;
    expect(planned).toBeLessThanOrEqual(5791);
    expect(planned).toBeGreaterThan(5791 * 0.99);
  });

  it("leaves every catalogue size less than its nominal memory and CPU", () => {
    for (const vm of VM_SIZES) {
      const { allocatable } = nodeReservation(vm);
      expect(allocatable.millicores).toBeLessThan(vm.vcpu * 1000);
      expect(allocatable.bytes).toBeLessThan(vm.memoryGiB * 1024 * MiB);
    }
  });
});

describe("a 16Gi Elasticsearch pod on a 16 GiB VM", () => {
  // The small profile (API 2 vCPU) so that only Elasticsearch's memory is too large.
  const text = edited(shipped("staging"), [
    [["aks", "nodePools"], { workloads: { vmSize: "Standard_D4ds_v5", minCount: 2, maxCount: 4 } }],
    [["components", "elasticsearch"], { memory: "16Gi" }],
  ]);
  const { env, capacity, diagnostics } = load("staging", text);

  it("does not fit, and the error names the pod, its request and the pool's allocatable", () => {
    expect(env).toBeUndefined();
    expect(capacity!.fits).toBe(false);
    expect(capacity!.nodePools[1]!.unplaced).toEqual(["elasticsearch-0", "elasticsearch-1"]);
    const line = text.split("\n").findIndex((l) => l.includes("memory: 16Gi")) + 1;
    expect(diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`)).toEqual([
      `environments/staging.yaml:${line}:13: error: Elasticsearch pod ` +
        `elasticsearch-0 requests 16Gi memory, but a Standard_D4ds_v5 node (4 ` +
        `vCPU, 16 GiB) in pool workloads allocates 13.14Gi memory to pods after ` +
        `AKS reservations and 12.56Gi after DaemonSets; use a larger ` +
        `aks.nodePools.workloads.vmSize or lower components.elasticsearch.memory`,
    ]);
    expect(diagnostics[0]!.path).toBe("components.elasticsearch.memory");
  });

  it("fits once the VM has room: a 32 GiB Standard_D8ds_v5", () => {
    const bigger = edited(text, [[["aks", "nodePools", "workloads", "vmSize"], "Standard_D8ds_v5"]]);
    expect(load("staging", bigger).capacity!.fits).toBe(true);
  });
});
