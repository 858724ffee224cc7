// Every file under fixtures/broken has exactly one thing wrong and ends with the diagnostics
// it must produce ("# expect: LINE:COL: SEVERITY: MESSAGE"), so each case reads on its own.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadEnvironment } from "../../src/app/load.js";

const dir = join(import.meta.dirname, "../fixtures/broken");
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".yaml"))
  .sort();

describe("broken environment corpus", () => {
  it("holds at least 40 cases", () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
  });

  it.each(files)("%s", (file) => {
    const text = readFileSync(join(dir, file), "utf8");
    const expected = [...text.matchAll(/^# expect: (.*)$/gm)].map((m) => m[1]);
    const envName = /^# env: (\S+)$/m.exec(text)?.[1] ?? "test";
    expect(expected.length, "each case declares what it expects").toBeGreaterThan(0);
    const result = loadEnvironment(`environments/${file}`, text, envName);
    expect(result.env).toBeUndefined();
    expect(result.diagnostics.map((d) => `${d.line}:${d.column}: ${d.severity}: ${d.message}`)).toEqual(expected);
  });
});
