// The loader plans capacity once per environment and the render pipeline reuses that plan:
// a capacity warning reaches plan, render and deploy once, at one position.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readToolkit } from "../../src/adapters/templates.js";
import { renderSources } from "../../src/app/render-environment.js";
import { formatDiagnostic } from "../../src/config/diagnostics.js";
import { loadEnvironment } from "../../src/app/load.js";

const base = readFileSync(join(import.meta.dirname, "../fixtures/base.yaml"), "utf8");
const burstable = base.replace(
  "postgres:\n  highAvailability: ZoneRedundant\n",
  "postgres:\n  tier: Burstable\n  sku: Standard_B2ms\n  highAvailability: Disabled\n",
);

describe("capacity is planned once per environment", () => {
  it("render reports the planner's warning once, as the loader does", async () => {
    expect(burstable).not.toBe(base);
    const tierWarning = (lines: string[]) => lines.filter((l) => l.includes("postgres.tier Burstable is below"));
    const loaded = loadEnvironment("environments/test.yaml", burstable, "test").diagnostics.map(formatDiagnostic);
    const rendered = renderSources("environments/test.yaml", burstable, await readToolkit()).diagnostics.map(
      formatDiagnostic,
    );
    expect(tierWarning(loaded)).toHaveLength(1);
    expect(tierWarning(rendered)).toEqual(tierWarning(loaded));
    expect(rendered).toEqual(loaded);
  });

  it("only the loader calls the planner: render, plan and deploy (the engine's preflight) take its plan", () => {
    const src = join(import.meta.dirname, "../../src");
    const callers = readdirSync(src, { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".ts") && !f.startsWith("capacity/"))
      .filter((f) => /\bplanCapacity\(/.test(readFileSync(join(src, f), "utf8")));
    expect(callers).toEqual(["app/load.ts"]);
  });
});
