// The plain-subset reader against the full parser: whatever it accepts, `yaml` reads to the same
// data with no error, warning or checkNodes finding; what it refuses goes to `yaml` unchanged.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readPlainYaml } from "../../src/config/plain-yaml.js";
import { parseWithPositions, parseYamlSource } from "../../src/config/yaml-source.js";
import { loadEnvironment } from "../../src/app/load.js";

const root = join(import.meta.dirname, "../..");
const shipped = ["dev", "staging", "prod"].map((n) => readFileSync(join(root, `environments/${n}.yaml`), "utf8"));
const fixtureDirs = [join(root, "test/fixtures"), join(root, "test/fixtures/broken")];
const fixtures = fixtureDirs.flatMap((d) =>
  readdirSync(d)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => readFileSync(join(d, f), "utf8")),
);

/** Fails unless the reader refuses `text`, or the full parser gives the same data and no diagnostic. */
function agrees(text: string): "read" | "refused" {
  const fast = readPlainYaml(text);
  if (fast === undefined) return "refused";
  const full = parseWithPositions("env.yaml", text);
  expect(full.diagnostics, text).toEqual([]);
  expect(fast, text).toStrictEqual(full.source?.data);
  return "read";
}

describe("plain YAML reader", () => {
  it("reads every shipped environment as the full parser does", () => {
    for (const text of shipped) expect(agrees(text)).toBe("read");
  });

  it("agrees with the full parser on every fixture (the broken corpus included)", () => {
    const outcomes = fixtures.map(agrees);
    expect(outcomes).toContain("refused"); // the corpus has syntax the subset leaves to `yaml`
    expect(outcomes).toContain("read");
  });

  const cases: [string, "read" | "refused"][] = [
    ["a: 1\nb: -0\nc: +5\nd: 0123\ne: 0o17\nf: 0x1F\ng: 1e3\nh: .5\ni: 1.0\nj: 2.57.2\n", "read"],
    ["a: .inf\nb: -.Inf\nc: .NaN\nd: ~\ne: Null\nf:\ng: TRUE\nh: False\ni: yes\nj: off\n", "read"],
    ["version: 2025-04-14\nt: 2001-12-14t21:59:43.10-05:00\nn: 1_000\nb: 0b101\n", "read"],
    ["a: \"x # not a comment\"\nb: 'it''s'\nc: \"üñí\"\nd: plain # comment\ne: a:b\n", "read"],
    ["zones: [\"1\", '2', 3, x]\nempty: []\nurl: https://github.com/acme/repo\n", "read"],
    ["list:\n- a\n- b: 1\n  c:\n  - d\nmap:\n  deep:\n    deeper: [1]\n", "read"],
    ["-a: 1\n", "refused"],
    ["a: 1\na: 2\n", "refused"],
    ["a: &x 1\nb: *x\n", "refused"],
    ["a: !!str 1\n", "refused"],
    ["a: |\n  text\n", "refused"],
    ["a: >\n  text\n", "refused"],
    ["a: multi\n  line\n", "refused"],
    ['a: "esc\\n"\n', "refused"],
    ["a: 'open\n  quote'\n", "refused"],
    ["a: {}\n", "refused"],
    ["a:\n  - - x\n", "refused"],
    ["a:\n  -\n", "refused"],
    ["a: [1, 2,]\n", "refused"],
    ["a: [1,\n  2]\n", "refused"],
    ["a: [a:b]\n", "refused"],
    ["---\na: 1\n", "refused"],
    ["a: 1\n---\nb: 2\n", "refused"],
    ["%YAML 1.2\n---\na: 1\n", "refused"],
    ["a:\tb\n", "refused"],
    ["a: 1\r\n", "refused"],
    ["a:b\n", "refused"],
    ["1: a\n", "refused"],
    ["true: a\n", "refused"],
    ["__proto__: a\n", "refused"],
    ['"a": 1\n', "refused"],
    ["  a: 1\n", "refused"],
    ["a:\n  b: 1\n c: 2\n", "refused"],
    ["- a\n", "refused"],
    ["# only a comment\n", "refused"],
    ["", "refused"],
    ["a: b: c\n", "refused"],
    ["a: @x\n", "refused"],
    ["a: `x`\n", "refused"],
    ["a: x#y\n", "refused"],
    ["a: ü\n", "refused"],
    [`${"k".repeat(200)}: 1\n`, "refused"],
  ];
  it.each(cases)("%j is %s", (text, outcome) => {
    expect(agrees(text)).toBe(outcome);
  });

  it("agrees with the full parser on 1,500 mutated environment files", () => {
    // Deterministic: each variant inserts, deletes or re-indents at a pseudo-random place in prod.yaml.
    let seed = 12;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const inserts = [" ", "  ", "-", "- ", ":", ": ", "#", " #", '"', "'", "[", "]", ",", "&a", "*a", "!", "|", "\n"];
    const base = shipped[2]!;
    let read = 0;
    for (let i = 0; i < 1500; i++) {
      let text = base;
      for (let k = 1 + rand(2); k > 0; k--) {
        const at = rand(text.length);
        text =
          rand(3) === 0
            ? text.slice(0, at) + text.slice(at + 1 + rand(3))
            : text.slice(0, at) + inserts[rand(inserts.length)]! + text.slice(at);
      }
      if (agrees(text) === "read") read++;
    }
    expect(read).toBeGreaterThan(250); // most variants stay in the subset, so the comparison is exercised
  });

  it("builds positions only when asked, at the places the full parser gives", () => {
    const text = shipped[2]!;
    const fast = parseYamlSource("environments/prod.yaml", text).source!;
    const full = parseWithPositions("environments/prod.yaml", text).source!;
    for (const path of [["gitops"], ["network", "subnets", "firewall"], ["openai", "deployments", 1, "sku"], ["x"]])
      for (const prefer of ["key", "value"] as const)
        expect(fast.locate(path, prefer)).toEqual(full.locate(path, prefer));
  });

  it("gives the same diagnostics through the loader as the full parser's data would", () => {
    // A file in the subset with a schema error and a capacity warning: the positions come from the lazy parse.
    const text = shipped[2]!.replace("users: 500", "users: many").replace("profile: production", "profile: prod");
    expect(readPlainYaml(text)).toBeDefined();
    const diagnostics = loadEnvironment("environments/prod.yaml", text).diagnostics;
    expect(diagnostics.length).toBeGreaterThan(0);
    for (const d of diagnostics) expect(d.line).toBeGreaterThan(1);
  });
});
