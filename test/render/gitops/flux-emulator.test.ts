// The emulator's Flux judges a published tree as the AKS extension's controllers would: the
// fluxConfiguration and extension are deployed from the real compiled Bicep (bicep/modules/
// flux.bicep inside main.json), the tree is pushed to a real git repository, and the engine's
// own Flux wait reads the verdict. A tree the controllers refuse never turns Compliant, and the
// engine sees the controller's message on the refused object.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { planCapacity } from "../../../src/capacity/plan.js";
import { waitForFlux } from "../../../src/engine/flux-wait.js";
import { nonCompliantObjects, objectLine } from "../../../src/engine/flux.js";
import { FLUX } from "../../../src/render/gitops/contract.js";
import { gitopsRoot } from "../../../src/render/gitops/render.js";
import { armClient } from "../../emulator/clients.js";
import type { AzureEmulator } from "../../emulator/emulator.js";
import { bareRemote, pushFiles, type TempDir } from "../../engine/support/git-repos.js";
import { dev, startEmulator } from "../../engine/support/harness.js";
import { bicepSession } from "../../support/bicep.js";
import { outputsManifest, render } from "./support.js";

const session = await bicepSession();

describe("the emulator's Flux under the extension's default flags", () => {
  let emulator: AzureEmulator;
  let remote: TempDir;
  let fluxTemplate: Record<string, unknown>;
  beforeAll(async () => {
    emulator = await startEmulator();
    // The flux module exactly as main.json deploys it (its parameters are literals of the render).
    const compiled = await session.compile(dev, planCapacity(dev));
    const main = JSON.parse(compiled.tree.get("bicep/main.json")!) as {
      resources: Record<string, Record<string, unknown>>;
    };
    const { dependsOn: _dependsOn, ...module } = main.resources.flux!;
    fluxTemplate = {
      $schema: "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#",
      contentVersion: "1.0.0.0",
      languageVersion: "2.0",
      resources: { flux: module },
    };
  });
  afterAll(async () => {
    await emulator.stop();
  });
  beforeEach(() => {
    emulator.reset();
    remote = bareRemote();
  });
  afterEach(() => remote.dispose());

  /** Publishes the files as the deploy step does, scripts Flux at that commit, and waits a few reads. */
  async function publishAndWait(files: Map<string, string>) {
    const arm = armClient(emulator);
    await arm.deployAtSubscription("codemie-dev.flux", {
      location: dev.azure.location,
      template: fluxTemplate,
      parameters: {},
    });
    const tip = pushFiles(
      remote.path,
      dev.gitops.branch,
      Object.fromEntries(files.set(`${gitopsRoot(dev)}/${FLUX.outputsFile}`, outputsManifest(dev))),
    );
    emulator.script({
      flux: {
        codemie: {
          nonCompliantReads: 1,
          commit: `${dev.gitops.branch}@sha1:${tip}`,
          repository: remote.path,
          kustomizations: ["root"],
        },
      },
    });
    const lines: string[] = [];
    let reads = 0;
    const stop = new AbortController();
    // A test-sized wait: the fourth pause ends it, as the deploy's time limit would.
    const clock = {
      sleep: async (_ms: number, signal?: AbortSignal) => {
        if (++reads >= 4) stop.abort();
        if (signal?.aborted) throw new Error("stopped");
      },
    };
    const waited = await waitForFlux(dev, tip, {
      arm,
      clock,
      log: { info: (l) => lines.push(l), error: (l) => lines.push(l) },
      signal: stop.signal,
      intervalMs: 1,
    });
    return { waited, lines };
  }

  it("reconciles the rendered tree", async () => {
    const { waited } = await publishAndWait(new Map(await render(dev)));
    expect(waited.reconciled).toBe(true);
  });

  it("refuses a HelmRelease placed in its workload namespace, with helm-controller's message", async () => {
    const tree = new Map(await render(dev));
    const path = `${gitopsRoot(dev)}/applications/codemie-api/helmrelease.yaml`;
    // The layout before this change: the release in its workload namespace, its source in flux-system.
    const moved = tree
      .get(path)!
      .replace('namespace: "flux-system"', 'namespace: "codemie"')
      .replace(/(chartRef:\n\s+kind: "OCIRepository"\n\s+name: "\S+")/, `$1\n    namespace: "${FLUX.namespace}"`);
    expect(moved).not.toBe(tree.get(path));
    const { waited, lines } = await publishAndWait(tree.set(path, moved));
    expect(waited.reconciled).toBe(false);
    const refused = nonCompliantObjects(waited.view!).map(objectLine);
    expect(refused).toContain(
      "HelmRelease codemie/codemie-api: Non-Compliant (AccessDenied: " +
        "cross-namespace references are not allowed: cannot access OCIRepository " +
        "flux-system/codemie)",
    );
    expect(refused.some((l) => l.startsWith("Kustomization flux-system/codemie-root: Non-Compliant"))).toBe(true);
    // The engine prints what it saw, so a user learns why without opening the cluster.
    expect(lines.join("\n")).toContain("cross-namespace references are not allowed");
  });
});
