// First-fit decreasing with anti-affinity and zone spread, on small hand-checked cases.
import { describe, expect, it } from "vitest";
import { pack, type Item } from "../../src/capacity/bin-packing.js";

const room = { millicores: 4000, bytes: 4000 };
const item = (id: string, millicores: number, bytes = 0, antiAffinity?: string): Item => ({
  id,
  need: { millicores, bytes },
  ...(antiAffinity ? { antiAffinity } : {}),
});

describe("pack", () => {
  it("places the largest first, each into the first node with room", () => {
    // Sorted c 3000, a 2000, b 1000, d 1000: a finds no room beside c and opens node 2; b fills node 1.
    const bins = pack([item("a", 2000), item("b", 1000), item("c", 3000), item("d", 1000)], room, []);
    expect(bins.map((b) => b.items)).toEqual([
      ["c", "b"],
      ["a", "d"],
    ]);
  });

  it("uses the dominant share: a memory-heavy pod sorts before a CPU-light one", () => {
    const bins = pack([item("cpu", 1000, 0), item("mem", 0, 3500)], room, []);
    expect(bins[0]!.items).toEqual(["mem", "cpu"]);
  });

  it("keeps an anti-affinity group on distinct nodes even when one node has room", () => {
    const bins = pack([item("es-0", 1000, 0, "es"), item("es-1", 1000, 0, "es")], room, []);
    expect(bins.map((b) => b.items)).toEqual([["es-0"], ["es-1"]]);
  });

  it("spreads a group over zones, opening a node in the next zone when needed", () => {
    const bins = pack(
      [item("big", 3500), item("es-0", 1000, 0, "es"), item("es-1", 1000, 0, "es"), item("es-2", 1000, 0, "es")],
      room,
      ["1", "2", "3"],
    );
    const zoneOf = (id: string) => bins.find((b) => b.items.includes(id))!.zone;
    expect(new Set(["es-0", "es-1", "es-2"].map(zoneOf))).toEqual(new Set(["1", "2", "3"]));
    expect(bins.map((b) => b.zone)).toEqual(["1", "2", "3", "1"].slice(0, bins.length));
  });

  it("leaves out what no node can hold, and does not depend on input order", () => {
    const items = [item("x", 5000), item("a", 1500), item("b", 2500), item("c", 1500, 0, "g"), item("d", 1500, 0, "g")];
    const one = pack(items, room, ["1", "2"]);
    const two = pack([...items].reverse(), room, ["1", "2"]);
    expect(one.flatMap((b) => b.items)).not.toContain("x");
    expect(two).toEqual(one);
  });
});
