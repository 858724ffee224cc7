// The test tree is laid out like src/ (docs/development.md, "Where a test goes"): a test of
// src/<dir>/<file>.ts lives in test/<dir>/, so a reader finds a module's tests by its path. The
// suites that cross rings on purpose have a named home each, with the reason they sit apart.
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");
const TEST = join(ROOT, "test");

/** Homes of suites that span several src/ directories on purpose, and why. */
const CROSS_RING: Record<string, string> = {
  security: "threat-model attacks across every ring; SECURITY.md names each file",
  charts: "the real Helm over the rendered values, the chart mirror and the Kubernetes checks together",
  journeys: "user journeys through the workflows, the bundled actions, the GitHub fake and the emulator",
  emulator: "the Azure emulator (test support code) and the tests of the emulator itself",
};

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "golden" || name === "fixtures" ? [] : testFiles(path);
    return name.endsWith(".test.ts") ? [relative(TEST, path).split(sep).join("/")] : [];
  });
}

/** Why a test file is out of place, or undefined when it is where it belongs. */
function misplaced(file: string): string | undefined {
  const dir = dirname(file);
  if (dir === ".") return "a test at the top of test/ has no subject directory";
  const home = dir.split("/")[0]!;
  if (home in CROSS_RING) return undefined;
  if (existsSync(join(ROOT, "src", dir)) && statSync(join(ROOT, "src", dir)).isDirectory()) return undefined;
  return `test/${dir}/ mirrors no src/${dir}/ and is not one of ${Object.keys(CROSS_RING).join(", ")}`;
}

describe("test layout", () => {
  const files = testFiles(TEST);

  it("finds the suite", () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files).toContain("docs/test-layout.test.ts");
  });

  it("puts every test file in a directory mirroring src/ or in a named cross-ring home", () => {
    const wrong = files.flatMap((file) => {
      const why = misplaced(file);
      return why === undefined ? [] : [`test/${file}: ${why}`];
    });
    expect(wrong).toEqual([]);
  });

  it("names only cross-ring homes that exist and hold tests", () => {
    for (const home of Object.keys(CROSS_RING)) {
      expect(
        files.some((file) => file.startsWith(`${home}/`)),
        `test/${home}/ holds no test`,
      ).toBe(true);
    }
  });

  it("refuses what the rule is for: the top of test/, a support directory, an unknown directory", () => {
    expect(misplaced("docs.test.ts")).toMatch(/top of test/);
    expect(misplaced("engine/support/harness.test.ts")).toMatch(/mirrors no src\/engine\/support/);
    expect(misplaced("actions/deploy.test.ts")).toMatch(/mirrors no src\/actions/);
    expect(misplaced("render/gitops/tree.test.ts")).toBeUndefined();
    expect(misplaced("security/actions.test.ts")).toBeUndefined();
  });
});
