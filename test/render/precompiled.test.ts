// The bundles render with templates the build precompiled (scripts/build.js); they must print
// byte for byte what the templates compiled at run time print, hostile values included, and an
// unsafe template must fail the precompilation (and so the build).
import { describe, expect, it } from "vitest";
import { readToolkit } from "../../src/adapters/templates.js";
import { planCapacity } from "../../src/capacity/plan.js";
import type { Environment } from "../../src/model/environment.js";
import { fluxKustomizations } from "../../src/render/bicep/flux-entry.js";
import { renderBicep } from "../../src/render/bicep/render.js";
import { precompileTemplates } from "../../src/render/engine.js";
import { renderGitops } from "../../src/render/gitops/render.js";
import { templateEngine } from "../../src/render/template-engine.js";
import { PrecompiledTemplates, type RenderTemplate, type TemplateSpec } from "../../src/render/template-runtime.js";
import { ENV_NAMES, ROOT, loadEnv } from "./gitops/support.js";

const toolkit = await readToolkit(ROOT);

/** What the build writes into a bundle: each spec is JavaScript source, evaluated as the bundle would. */
function precompiled(sources: Record<string, string>): PrecompiledTemplates {
  const specs = Object.entries(precompileTemplates(sources)).map(
    ([name, code]) => [name, new Function(`return ${code};`)() as TemplateSpec] as const,
  );
  return new PrecompiledTemplates(Object.fromEntries(specs));
}

function renderAll(env: Environment, render: RenderTemplate): Map<string, string> {
  return new Map([
    ...renderBicep(env, planCapacity(env), fluxKustomizations(env), render, toolkit.bicepFiles),
    ...renderGitops(env, render),
  ]);
}

describe("precompiled templates", () => {
  const atRunTime = templateEngine(toolkit.templates);
  const built = templateEngine(precompiled(toolkit.templates));

  it.each(ENV_NAMES)("render environments/%s.yaml exactly as the templates compiled at run time", (name) => {
    const env = loadEnv(name);
    const expected = renderAll(env, atRunTime);
    expect(expected.size).toBeGreaterThan(20);
    expect(renderAll(env, built)).toEqual(expected);
  });

  it("escape hostile values exactly as the templates compiled at run time", () => {
    const hostile = structuredClone(loadEnv("prod"));
    const value = `x" : y' #z {{ .Values }} \${EVIL} $$ [a, b] &anchor *alias !tag |> % @ \` \\ , ? -- '}`;
    hostile.network.ingress.host = value;
    hostile.codemieVersion = value;
    hostile.azure.tenantId = value;
    hostile.azure.tags = { ...hostile.azure.tags, "cost'center": value };
    const expected = renderAll(hostile, atRunTime);
    expect([...expected.values()].join("\n")).toContain("\\'}");
    expect(renderAll(hostile, built)).toEqual(expected);
  });

  it("resolve partials (not indented) and fail on a missing value as at run time", () => {
    const sources = {
      "t.hbs": "a:\n  {{> p}}\n",
      "partials/p.hbs": "{{yaml v}}\n{{yaml w}}\n",
      "m.hbs": "{{yaml missing}}",
    };
    const render = templateEngine(precompiled(sources));
    expect(render("t.hbs", { v: "x: y", w: 1 })).toBe('a:\n  "x: y"\n1\n');
    expect(render("t.hbs", { v: "x: y", w: 1 })).toBe(templateEngine(sources)("t.hbs", { v: "x: y", w: 1 }));
    expect(() => render("m.hbs", {})).toThrow(/undefined/);
  });

  it("refuse a template that prints a value without an escaping helper, so the build fails", () => {
    expect(() => precompileTemplates({ "bad.hbs": "x: {{value}}" })).toThrow(/bad\.hbs:1: print values with/);
    expect(() => precompileTemplates({ "bad.hbs": "x: {{{yaml value}}}" })).toThrow(/triple-stash/);
  });
});
