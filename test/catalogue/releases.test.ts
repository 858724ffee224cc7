// The release descriptors hold together: install-order edges name releases that exist and
// install earlier, and every https chart repository has one Flux name.
import { describe, expect, test } from "vitest";
import { RELEASES } from "../../src/catalogue/releases.js";

describe("release descriptors", () => {
  test("have unique ids and release names", () => {
    expect(new Set(RELEASES.map((r) => r.id)).size).toBe(RELEASES.length);
    expect(new Set(RELEASES.map((r) => r.release)).size).toBe(RELEASES.length);
  });

  test("need only releases that exist and install earlier", () => {
    for (const r of RELEASES) {
      for (const need of r.needs ?? []) {
        const on = RELEASES.find((x) => x.id === need.on);
        expect(on, `${r.id} needs ${need.on}`).toBeDefined();
        expect(on?.order, `${r.id} needs ${need.on}`).toBeLessThan(r.order);
      }
    }
  });

  test("name each https chart repository once, and only https ones", () => {
    const names = new Map<string, string>();
    for (const { chart, id } of RELEASES) {
      if (chart.source === "upstream" && chart.repository?.startsWith("https://")) {
        expect(chart.repositoryName, id).toMatch(/^[a-z0-9-]+$/);
        expect(names.get(chart.repository) ?? chart.repositoryName, `${id}: ${chart.repository}`).toBe(
          chart.repositoryName,
        );
        names.set(chart.repository, chart.repositoryName as string);
      } else {
        expect(chart.repositoryName, id).toBeUndefined();
      }
    }
    expect(new Set(names.values()).size).toBe(names.size);
  });
});
