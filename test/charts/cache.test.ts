// The chart cache: charts come from the mirror at the pinned version, a nearby public version
// is recorded as a stand-in (never passed off as the pin), dependencies the chart does not
// vendor are removed with their conditions recorded, and an unknown chart is not available.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cachedChart, ensureChart } from "../../src/adapters/helm/chart-cache.js";
import { chartPins } from "../../src/catalogue/charts.js";
import { mirror } from "./support.js";

const opts = () => ({ cache: mkdtempSync(join(tmpdir(), "chart-cache-")), mirror: mirror() });

describe("chart cache", () => {
  it("pins every release's repository, chart and version", () => {
    const pins = chartPins("2.57.2");
    expect(pins.find((p) => p.release === "elasticsearch")).toEqual({
      release: "elasticsearch",
      name: "elasticsearch",
      repository: "https://helm.elastic.co",
      version: "8.5.1",
    });
    expect(pins.find((p) => p.release === "codemie-api")).toMatchObject({
      name: "codemie",
      version: "2.57.2",
      repository: expect.stringMatching(/^oci:\/\//),
    });
    expect(new Set(pins.map((p) => p.release)).size).toBe(pins.length);
  });

  it("copies the pinned version from the mirror and finds it again", async () => {
    const o = opts();
    const chart = await ensureChart(
      { name: "elasticsearch", version: "8.5.1", repository: "https://helm.elastic.co" },
      o,
    );
    expect(chart).toMatchObject({ origin: "mirror", from: "elasticsearch-8.5.1" });
    expect(await cachedChart({ name: "elasticsearch", version: "8.5.1" }, o)).toMatchObject({ dir: chart?.dir });
  });

  it("records a nearby public version as a stand-in", async () => {
    const chart = await ensureChart(
      { name: "codemie", version: "2.57.2", repository: "oci://registry.invalid/charts" },
      opts(),
    );
    expect(chart).toMatchObject({
      origin: "stand-in",
      version: "2.57.2",
      actualVersion: "0.1.0",
      from: "codemie-0.1.0-tag2.42.0",
    });
  });

  it("removes dependencies the chart does not vendor and keeps their conditions", async () => {
    const chart = await ensureChart(
      { name: "oauth2-proxy", version: "10.4.2", repository: "https://oauth2-proxy.github.io/manifests" },
      opts(),
    );
    expect(chart?.removedDependencies).toEqual([{ name: "redis-ha", condition: "redis-ha.enabled" }]);
    expect(readFileSync(join(chart!.dir, "Chart.yaml"), "utf8")).not.toContain("dependencies");
  });

  it("has no chart that neither the mirror nor a reachable repository holds", async () => {
    expect(
      await ensureChart(
        { name: "mermaid-server", version: "2.57.2", repository: "oci://registry.invalid/charts" },
        opts(),
      ),
    ).toBeUndefined();
  });
});
