// Random mutations of valid environment files: validation never throws, never hangs, and
// either accepts the file or returns diagnostics that point inside it.
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadEnvironment } from "../../src/app/load.js";

const root = join(import.meta.dirname, "../..");
const seeds = ["dev", "staging", "prod"].map((n) => readFileSync(join(root, "environments", `${n}.yaml`), "utf8"));

const hostile = [
  "'",
  '"',
  "${x}",
  "{{x}}",
  "}\nresource x 'y' = {",
  "\u0000",
  "\t",
  ": ",
  "- ",
  "&a",
  "*a",
  "!!binary",
  "#",
  "\\",
  "\u202e",
  "9".repeat(40),
  "-1",
  "null",
  "~",
  "[",
  "{",
  "'''",
  "🙂",
];

/** One edit of the text: insert, delete or replace a span, or swap two lines. */
const mutation = fc.oneof(
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    text: fc.oneof(fc.constantFrom(...hostile), fc.string({ maxLength: 12 })),
  }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 30 }) }),
  fc.record({ kind: fc.constant("swap" as const), a: fc.nat(), b: fc.nat() }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function apply(text: string, m: Mutation): string {
  if (m.kind === "insert") {
    const at = m.at % (text.length + 1);
    return text.slice(0, at) + m.text + text.slice(at);
  }
  if (m.kind === "delete") {
    const at = m.at % (text.length + 1);
    return text.slice(0, at) + text.slice(at + m.length);
  }
  const lines = text.split("\n");
  const a = m.a % lines.length;
  const b = m.b % lines.length;
  [lines[a], lines[b]] = [lines[b]!, lines[a]!];
  return lines.join("\n");
}

describe("validation of mutated environment files", () => {
  it("never throws and always positions its diagnostics inside the file", () => {
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 4 }), (seed, mutations) => {
        const text = mutations.reduce(apply, seed);
        const result = loadEnvironment("environments/fuzz.yaml", text);
        const lineCount = text.split("\n").length;
        if (result.env) {
          expect(result.diagnostics.every((d) => d.severity === "warning")).toBe(true);
        } else {
          expect(result.diagnostics.some((d) => d.severity === "error")).toBe(true);
        }
        for (const d of result.diagnostics) {
          expect(d.file).toBe("environments/fuzz.yaml");
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.line).toBeLessThanOrEqual(lineCount);
          expect(d.column).toBeGreaterThanOrEqual(1);
          expect(d.message.length).toBeGreaterThan(0);
          expect(d.message).not.toMatch(/\n|at .*\.(ts|js):\d+/);
        }
      }),
      { numRuns: 400, seed: 20261125 },
    );
  });
});
