// A render is kept by the JSON text of its context only when that text identifies the context:
// a context JSON would print the same as another (undefined, NaN, -0, a hole, a __proto__ key)
// is rendered afresh, and a kept render never crosses to another template set.
import { describe, expect, it } from "vitest";
import { createEngine } from "../../src/render/engine.js";
import { encodeData, fluxVar } from "../../src/render/gitops/flux.js";
import { renderKept } from "../../src/render/memo.js";

describe("encodeData", () => {
  it("calls plain JSON data plain, FluxText included (it becomes its string)", () => {
    const { encoded, plain } = encodeData({ a: ["$1", fluxVar("X")], b: 2, c: true, d: null, e: { f: "g" } });
    expect(plain).toBe(true);
    expect(encoded).toEqual({ a: ["$$1", "${X}"], b: 2, c: true, d: null, e: { f: "g" } });
  });

  it.each([
    ["undefined", { a: undefined }],
    ["NaN", { a: [1, Number.NaN] }],
    ["-0", { a: -0 }],
    ["a hole", { a: [1, , 3] }], // eslint-disable-line no-sparse-arrays
    ["a function", { a: () => 1 }],
    ["a __proto__ key", JSON.parse('{"a": {"__proto__": {"b": 1}}}') as object],
  ])("calls a context with %s not plain", (_what, context) => {
    expect(encodeData(context).plain).toBe(false);
    expect(encodeData({ a: 1 }).plain).toBe(true); // the flag is per call
  });
});

describe("renderKept", () => {
  it("returns the render of the first context of a JSON text, per engine", () => {
    const one = createEngine({ t: "{{#each items}}{{yaml this}},{{/each}}" });
    const other = createEngine({ t: "{{#each items}}[{{yaml this}}]{{/each}}" });
    const context = { items: ["a", 1] };
    const json = JSON.stringify(context);
    expect(renderKept(one, "t", context, json)).toBe('"a",1,');
    expect(renderKept(one, "t", { items: ["a", 1] }, json)).toBe('"a",1,');
    expect(renderKept(other, "t", context, json)).toBe('["a"][1]');
    expect(renderKept(one, "t", { items: ["b"] }, JSON.stringify({ items: ["b"] }))).toBe('"b",');
  });

  it("keeps no failed render", () => {
    const engine = createEngine({ t: "{{yaml x}}" });
    expect(() => renderKept(engine, "t", { x: null }, '{"x":null}')).toThrow(/cannot render null/);
    expect(() => renderKept(engine, "t", { x: null }, '{"x":null}')).toThrow(/cannot render null/);
  });
});
