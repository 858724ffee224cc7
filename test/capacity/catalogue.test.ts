// The VM catalogue against the schema and AKS's reservation table; scheduling constants.
import { describe, expect, it } from "vitest";
import { VM_FAMILIES, VM_SIZES, vmSize } from "../../src/catalogue/vm-sizes.js";
import { nodeReservation } from "../../src/capacity/reservations.js";
import { SYSTEM_POOL_TAINT, taintString, WORKLOADS_NODE_SELECTOR } from "../../src/capacity/scheduling.js";
import { buildEnvironmentSchema } from "../../src/config/schema.js";

describe("VM size catalogue", () => {
  it("offers exactly the families the schema's aks.autoSizing.families allows", () => {
    const schema = buildEnvironmentSchema() as {
      properties: { aks: { properties: { autoSizing: { properties: { families: { items: { enum: string[] } } } } } } };
    };
    expect(schema.properties.aks.properties.autoSizing.properties.families.items.enum).toEqual([...VM_FAMILIES]);
  });

  it.each(VM_FAMILIES)("%s has the sizes 2, 4, 8, 16 and 32 vCPU, memory and price growing with size", (family) => {
    const sizes = VM_SIZES.filter((s) => s.family === family);
    expect(sizes.map((s) => s.vcpu)).toEqual([2, 4, 8, 16, 32]);
    for (let i = 1; i < sizes.length; i++) {
      expect(sizes[i]!.memoryGiB).toBe(sizes[i - 1]!.memoryGiB * 2);
      expect(sizes[i]!.hourlyUsd).toBeGreaterThan(sizes[i - 1]!.hourlyUsd);
    }
  });

  it("holds every default node pool size of the profiles and names them uniquely", () => {
    for (const name of ["Standard_D4ds_v5", "Standard_E8ds_v5", "Standard_D2ds_v5", "Standard_D8ds_v5"])
      expect(vmSize(name)).toBeDefined();
    expect(vmSize("standard_e8ds_v5")?.name).toBe("Standard_E8ds_v5");
    expect(new Set(VM_SIZES.map((s) => s.name)).size).toBe(VM_SIZES.length);
  });

  it("has a kube-reserved CPU figure for every size", () => {
    for (const vm of VM_SIZES) expect(Number.isInteger(nodeReservation(vm).kubeReservedMillicores)).toBe(true);
  });
});

describe("scheduling constants for the renderers", () => {
  it("taints the system pool the way AKS documents and selects the workloads pool by label", () => {
    expect(taintString(SYSTEM_POOL_TAINT)).toBe("CriticalAddonsOnly=true:NoSchedule");
    expect(WORKLOADS_NODE_SELECTOR).toEqual({ "codemie-gitops.dev/pool": "workloads" });
  });
});
