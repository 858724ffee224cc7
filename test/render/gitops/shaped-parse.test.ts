// Reading a document by its shape gives js-yaml's own result, or nothing (and the text is parsed).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { loadAllByShape } from "../../../src/render/gitops/flux-model/shaped-parse.js";

const golden = join(import.meta.dirname, "../../golden");
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".yaml") ? [p] : [];
  });
const texts = files(golden).map((f) => readFileSync(f, "utf8"));

/** Fails unless the shaped read is js-yaml's result, or nothing; says which. */
function agrees(text: string): "shaped" | "parsed" {
  const shaped = loadAllByShape(text);
  if (shaped === undefined) return "parsed";
  expect(shaped, text).toStrictEqual(yaml.loadAll(text));
  return "shaped";
}

describe("reading a rendered document by its shape", () => {
  it("agrees with js-yaml on every golden file, and reads most by shape", () => {
    expect(texts.length).toBeGreaterThan(50);
    const outcomes = texts.map(agrees);
    expect(outcomes.filter((o) => o === "shaped").length).toBeGreaterThan(texts.length / 2);
  });

  it("reads a document of a known shape with its own strings", () => {
    const doc = (path: string) => `kind: Kustomization\nspec:\n  path: ${JSON.stringify(path)}\n  "key": "v"\n`;
    expect(loadAllByShape(doc("./clusters/a"))).toEqual([
      { kind: "Kustomization", spec: { path: "./clusters/a", key: "v" } },
    ]);
    expect(loadAllByShape(doc("./clusters/b"))).toEqual([
      { kind: "Kustomization", spec: { path: "./clusters/b", key: "v" } },
    ]);
  });

  const cases: [string, "shaped" | "parsed"][] = [
    ['a: "x"\n# a "quoted" comment\n', "parsed"],
    ['a: |\n  say "hi"\nb: "x"\n', "parsed"],
    ["a: 'say \"hi\"'\n", "parsed"],
    ['a: say "hi"\n', "parsed"],
    ['a: &x "v"\nb: *x\n', "parsed"],
    ['a: !!int "5"\n', "parsed"],
    ['a: !!str "5"\n', "shaped"],
    ['a: 2024-01-01\nb: "x"\n', "parsed"],
    ['a: "x"\n"a": "y"\n', "parsed"],
    ['"__proto__": "x"\n', "parsed"],
    ['"5": "a"\nb: "c"\n1: "d"\n', "shaped"],
    ['a: "\\x41"\n', "parsed"],
    ['a: "\\u00e9\\n\\t\\"\\\\\\/"\n', "shaped"],
    ['a: "\\ud83d\\ude00"\n', "shaped"],
    ['a: "tab\there"\n', "parsed"],
    ['a: "multi\n  line"\n', "parsed"],
    ['a: ["x", "y"]\nb: {"c": "d"}\n', "shaped"],
    ['a: "x"\n---\nb: "y"\n', "shaped"],
    ["a: 1\n", "parsed"],
  ];
  it.each(cases)("%j is %s", (text, outcome) => {
    expect(agrees(text)).toBe(outcome);
  });

  it("agrees with js-yaml when the strings of golden files change", () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const pool = ["", "x", "5", "true", "a: b", "# c", "\\x41", '\\"', "\\n", "é", "\\ud83d", "__proto__", "kind", "-"];
    let shaped = 0;
    for (const text of texts) {
      for (let i = 0; i < 6; i++) {
        const mutated = text.replace(/"(?:[^"\\\n]|\\.)*"/g, (l) =>
          rand(4) === 0 ? `"${pool[rand(pool.length)]}"` : l,
        );
        let expected: unknown;
        try {
          expected = yaml.loadAll(mutated);
        } catch {
          expect(loadAllByShape(mutated)).toBeUndefined();
          continue;
        }
        const got = loadAllByShape(mutated);
        if (got !== undefined) {
          expect(got).toStrictEqual(expected);
          shaped++;
        }
      }
    }
    expect(shaped).toBeGreaterThan(50);
  });
});
