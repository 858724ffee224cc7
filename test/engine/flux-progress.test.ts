// The Flux wait of a deploy: one line on how far the layers have got, and a limit of its own
// (a first deploy waits as long as its layers may take; --flux-timeout sets it) that the run's
// --timeout does not cut short.
import { describe, expect, test } from "vitest";
import { deadline, runSignal } from "../../src/app/run-signal.js";
import { layerProgress, type FluxView } from "../../src/engine/flux.js";
import { fluxWaitLimitMs } from "../../src/engine/flux-wait.js";
import { RunStopped, stopReason } from "../../src/engine/ports.js";
import { planGitops, rootTimeoutMinutes } from "../../src/render/gitops/plan.js";
import { dev } from "./support/harness.js";

const layers = planGitops(dev).layers.map((l) => l.name);

describe("layer progress", () => {
  const view = (states: Record<string, [string, string?]>): FluxView => ({
    complianceState: "Non-Compliant",
    objects: Object.entries(states).map(([name, [complianceState, message]]) => ({
      kind: "Kustomization",
      namespace: "flux-system",
      name,
      complianceState,
      ...(message ? { reason: "Progressing", message } : {}),
    })),
  });

  test("counts the Compliant layers and names the one being waited for, with Flux's reason", () => {
    const line = layerProgress(
      view({
        "codemie-root": ["Non-Compliant"],
        [layers[0]!]: ["Compliant"],
        [layers[1]!]: ["Non-Compliant", "health check in progress"],
      }),
      layers,
    );
    expect(line).toBe(
      `Flux layers: 1 of ${layers.length} Compliant; waiting for ${layers[1]} (Progressing: health check in progress)`,
    );
  });

  test("says which layer has not been applied yet, and nothing before Flux reports any", () => {
    expect(layerProgress(view({ [layers[0]!]: ["Compliant"] }), layers)).toBe(
      `Flux layers: 1 of ${layers.length} Compliant; waiting for ${layers[1]} to be applied`,
    );
    expect(layerProgress(view({ "codemie-root": ["Non-Compliant"] }), layers)).toBeUndefined();
    expect(layerProgress(view(Object.fromEntries(layers.map((l) => [l, ["Compliant"]]))), layers)).toBe(
      `Flux layers: ${layers.length} of ${layers.length} Compliant`,
    );
  });
});

describe("the Flux wait's limit", () => {
  test(
    "is the one asked for; a first deploy is told what its layers may take, " + "longer than the default --timeout",
    () => {
      expect(fluxWaitLimitMs(dev, { explicitMs: 90_000, firstDeploy: true })).toEqual({ limitMs: 90_000 });
      const hint = fluxWaitLimitMs(dev, { firstDeploy: true }).firstDeployHint ?? 0;
      expect(hint).toBeGreaterThan(rootTimeoutMinutes(planGitops(dev)) * 60_000);
      expect(hint).toBeGreaterThan(60 * 60_000);
      expect(fluxWaitLimitMs(dev, { firstDeploy: false })).toEqual({});
    },
  );

  test("ends the wait after its own time or on Ctrl-C, not at the run's deadline", async () => {
    const run = runSignal(10, () => undefined);
    try {
      const wait = deadline(200, run.interrupted, "flux-timeout");
      await new Promise((r) => setTimeout(r, 50));
      expect(run.signal.aborted).toBe(true);
      expect(wait.aborted).toBe(false);
      await new Promise((r) => setTimeout(r, 250));
      expect(stopReason(wait)?.message).toBe("the Flux wait limit (--flux-timeout) was reached");
    } finally {
      run.dispose();
    }
    const interrupts = new AbortController();
    const wait = deadline(60_000, interrupts.signal, "flux-timeout");
    interrupts.abort(new RunStopped("interrupt"));
    expect(stopReason(wait)?.why).toBe("interrupt");
  });
});
