// The template engine prints values only through escaping helpers, and each helper keeps a
// hostile value a literal of its target language.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { readTemplates } from "../../src/adapters/templates.js";
import { assertSafeTemplate, createEngine } from "../../src/render/engine.js";
import { bicepKey, bicepString, bicepValue, commentText, yamlScalar } from "../../src/render/escape.js";

const root = join(import.meta.dirname, "../..");
const HOSTILE = [
  "it's",
  "'${x}'",
  "}\nresource evil 'x' = {",
  "a: b\nc: d",
  "#not a comment",
  "yes",
  "on",
  "~",
  "- x",
  "\\",
  "\u0000\u0007",
  "ünï ✓",
  "{{x}}",
  "${{ github.token }}",
];

describe("escaping helpers", () => {
  it.each(HOSTILE)("yamlScalar keeps %j a single scalar", (value) => {
    expect(load(`key: ${yamlScalar(value)}\n`)).toEqual({ key: value });
  });

  it.each(HOSTILE)("bicepString keeps %j on one line inside one literal", (value) => {
    const literal = bicepString(value);
    expect(literal).toMatch(/^'.*'$/s);
    expect(literal).not.toMatch(/[\n\r]/);
    expect(literal.slice(1, -1)).not.toMatch(/(^|[^\\])'/);
    expect(literal).not.toMatch(/(^|[^\\])\$\{/);
  });

  it("bicepKey leaves identifiers bare and quotes the rest", () => {
    expect(bicepKey("owner")).toBe("owner");
    expect(bicepKey("cost-center")).toBe("'cost-center'");
    expect(bicepKey("x'}")).toBe("'x\\'}'");
  });

  it("bicepValue writes nested arrays and objects on one line, every key and string escaped", () => {
    expect(bicepValue({ effect: { value: "deny" }, "x'}": [1, true, "a${b}"], empty: {}, none: [] })).toBe(
      "{ effect: { value: 'deny' }, 'x\\'}': [1, true, 'a\\${b}'], empty: {}, none: [] }",
    );
    expect(() => bicepValue({ a: null })).toThrow(/cannot render null/);
  });

  it("commentText cannot end a comment early", () => {
    expect(commentText("a\nb\r\u2028c")).toBe("a b  c");
  });
});

describe("templates", () => {
  it("reject a bare {{value}} and triple-stash", () => {
    expect(() => assertSafeTemplate("t", "x: {{value}}")).toThrow(/print values with/);
    expect(() => assertSafeTemplate("t", "x: {{{yaml value}}}")).toThrow(/triple-stash/);
    expect(() => assertSafeTemplate("t", "{{#custom}}{{/custom}}")).toThrow(/unknown block helper/);
    expect(() => assertSafeTemplate("t", "x: {{yaml value}}")).not.toThrow();
  });

  it("fail on a missing value instead of printing nothing", () => {
    const render = createEngine({ "t.hbs": "x: {{yaml missing}}" });
    expect(() => render("t.hbs", {})).toThrow(/undefined/);
  });

  it("every shipped template passes the safety check", async () => {
    const templates = await readTemplates(["bicep/templates", "helm-values"], root);
    expect(Object.keys(templates).length).toBeGreaterThan(1);
    for (const [name, source] of Object.entries(templates))
      expect(() => assertSafeTemplate(name, source), name).not.toThrow();
    expect(readFileSync(join(root, "bicep/templates/main.bicep.hbs"), "utf8")).toContain("{{bicep");
  });
});
