// The one rule every container's limits come from (src/capacity/limits.ts): memory equal to the
// request, CPU twice the request and at least one CPU, in the quantity forms the resource-limits
// rule's Gatekeeper template parses.
import { describe, expect, it } from "vitest";
import { PLATFORM_DEPLOYMENTS } from "../../src/capacity/cluster-addons.js";
import { CPU_LIMIT, cpuLimitOf, limitOf, memoryQuantity, sized } from "../../src/capacity/limits.js";
import { planCapacity } from "../../src/capacity/plan.js";
import { MiB } from "../../src/capacity/resources.js";
import { parseBytes, parseMillicores } from "../../src/config/quantity.js";
import { largestLimits } from "../../src/render/bicep/kubernetes-policies.js";
import { ENV_NAMES, loadEnv } from "../render/gitops/support.js";

describe("container limits", () => {
  it("doubles a CPU request, never below one CPU", () => {
    expect(CPU_LIMIT).toEqual({ perRequest: 2, floorMillicores: 1000 });
    expect(cpuLimitOf(4000)).toBe(8000);
    expect(cpuLimitOf(750)).toBe(1500);
    expect(cpuLimitOf(500)).toBe(1000);
    expect(cpuLimitOf(10)).toBe(1000);
    expect(limitOf({ millicores: 2000, bytes: 4096 * MiB })).toEqual({ millicores: 4000, bytes: 4096 * MiB });
  });

  it("writes limits as whole cores or millicores and whole binary units", () => {
    expect(sized({ cpu: "4", memory: "16Gi" })).toEqual({
      cpu: "4",
      memory: "16Gi",
      limits: { cpu: "8", memory: "16Gi" },
    });
    // A decimal request: the template would not parse "1.5" or "1.5Gi", so the limit is rewritten.
    expect(sized({ cpu: "0.75", memory: "1.5Gi" }).limits).toEqual({ cpu: "1500m", memory: "1536Mi" });
    expect(sized({ cpu: "10m", memory: "32Mi" }, "64Mi").limits).toEqual({ cpu: "1", memory: "64Mi" });
    expect(memoryQuantity(1e9)).toBe("1000000000");
    expect(memoryQuantity(3 * 1024)).toBe("3Ki");
  });

  it("refuses what is not a quantity", () => {
    expect(() => sized({ cpu: "two", memory: "1Gi" })).toThrow(/not a CPU and a memory quantity/);
  });
});

describe.each(ENV_NAMES)("%s: the plan and the resource-limits rule agree", (name) => {
  it("the rule's maximums are the largest limit the plan gives a pod of the table or an add-on", () => {
    const env = loadEnv(name);
    const planned = [
      ...planCapacity(env)
        .components.filter((c) => c.enabled)
        .flatMap((c) => c.workloads.map((w) => w.limit)),
      ...PLATFORM_DEPLOYMENTS.map((d) => limitOf(d.request)),
    ];
    const { cpuLimit, memoryLimit } = largestLimits(env);
    // The Jobs' and init containers' fixed sizes are smaller than the table's rows in every shipped environment.
    expect(parseMillicores(cpuLimit)).toBe(Math.max(...planned.map((l) => l.millicores)));
    expect(parseBytes(memoryLimit)).toBe(Math.max(...planned.map((l) => l.bytes)));
  });
});
