// The dependency rule of src/, checked on the real import graph: no file imports itself through
// others, and faces (src/cli, src/action) never import each other. The ESLint rule in
// eslint.config.js enforces the direction between directories; this catches what one file at a
// time cannot see: cycles.
import { describe, expect, test } from "vitest";
import { ROOT } from "../support/cli.js";
import { cycles, directoryGraph, importGraph } from "../../eslint/import-graph.js";

const graph = importGraph(ROOT);

describe("import graph of src/", () => {
  test("reads relative imports, export-from and import() with their targets resolved", () => {
    expect(graph.get("src/cli/main.ts")).toEqual(
      expect.arrayContaining(["src/cli/io.ts", "src/cli/validate.ts", "src/app/connections.ts"]),
    );
    expect(graph.get("src/capacity/plan.ts")).toContain("src/capacity/types.ts");
  });

  test("finds a cycle and names it file by file", () => {
    const looped = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts", "d.ts"]],
      ["d.ts", []],
      ["e.ts", ["e.ts"]],
    ]);
    expect(cycles(looped)).toEqual([
      ["a.ts", "b.ts", "c.ts", "a.ts"],
      ["e.ts", "e.ts"],
    ]);
  });

  test("has no cycle between files", () => {
    expect(cycles(graph).map((c) => c.join(" → "))).toEqual([]);
  });

  test("has no cycle between the directories of src/", () => {
    const dirs = directoryGraph(graph);
    expect(dirs.get("src/capacity")).toContain("src/config");
    expect(cycles(dirs).map((c) => c.join(" → "))).toEqual([]);
  });

  test("no face imports another face", () => {
    const crossing = [...graph].flatMap(([file, targets]) =>
      targets
        .filter(
          (t) =>
            (file.startsWith("src/cli/") && t.startsWith("src/action/")) ||
            (file.startsWith("src/action/") && t.startsWith("src/cli/")),
        )
        .map((t) => `${file} → ${t}`),
    );
    expect(crossing).toEqual([]);
  });
});
