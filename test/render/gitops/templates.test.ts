// The templates and the escaping rules: every helm-values template prints values only through
// the escaping helpers, writes a literal `$` only as Flux's `$$`, and a hostile value reaching
// the model changes no structure of the rendered tree.
import yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { assertSafeTemplate } from "../../../src/render/engine.js";
import {
  encode,
  flux,
  fluxLiteral,
  fluxSubstitute,
  fluxVar,
  substitutionVariablesIn,
} from "../../../src/render/gitops/flux.js";
import { gitopsRoot } from "../../../src/render/gitops/render.js";
import { helmTemplates, loadEnv, render, substituted } from "./support.js";

describe("helm-values templates", () => {
  it("print every value through {{yaml}}, {{json}} or {{bicep}} (assertSafeTemplate)", async () => {
    const templates = await helmTemplates();
    expect(Object.keys(templates).length).toBeGreaterThan(20);
    for (const [name, source] of Object.entries(templates))
      expect(() => assertSafeTemplate(name, source), name).not.toThrow();
  });

  it(
    "write a literal dollar only as Flux's $$ escape (Job scripts and data " + "are escaped whole by the renderer)",
    async () => {
      for (const [name, source] of Object.entries(await helmTemplates())) {
        if (name.startsWith("helm-values/jobs/")) expect(source, name).not.toContain("$$");
        else expect(source.replace(/\$\$/g, ""), name).not.toContain("$");
      }
    },
  );
});

describe("Flux substitution escaping", () => {
  it("escapes every literal $ and keeps only deliberate variables", () => {
    expect(fluxLiteral("a$b$${c}${d}")).toBe("a$$b$$$${c}$${d}");
    expect(fluxSubstitute(fluxLiteral("a$b$${c}${d}$$"), {})).toBe("a$b$${c}${d}$$");
    expect(fluxSubstitute(flux`https://${fluxVar("HOST")}/$x?${"${y}"}`.encoded, { HOST: "h" })).toBe(
      "https://h/$x?${y}",
    );
    expect(encode({ a: ["$1", fluxVar("X")], b: 2, c: true, d: null })).toEqual({
      a: ["$$1", "${X}"],
      b: 2,
      c: true,
      d: null,
    });
    expect(substitutionVariablesIn("$${A} ${B} $$$${C} $${D}${E}")).toEqual(["B", "E"]);
    expect(() => fluxSubstitute("${nope}", {})).toThrow(/unparseable/);
    expect(() => fluxSubstitute("${MISSING}", {})).toThrow(/not defined/);
  });
});

describe("hostile values", () => {
  // No newline (the schema forbids control characters), but every YAML, JSON, Flux, Helm-tpl
  // and shell special character.
  const HOSTILE = `x" : y' #z {{ .Values }} \${EVIL} $$ [a, b] &anchor *alias !tag |> % @ \` \\ , ? -- `;

  /** The shape of a parsed document: keys and types, without the scalar values. */
  function shape(node: unknown): unknown {
    if (Array.isArray(node)) return node.map(shape);
    if (node !== null && typeof node === "object")
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, shape(v)]));
    return typeof node;
  }

  it("survive as literals and change no structure of any rendered file", async () => {
    const base = loadEnv("prod");
    const hostile = structuredClone(base);
    hostile.network.ingress.host = HOSTILE;
    hostile.codemieVersion = HOSTILE;
    hostile.azure.tenantId = HOSTILE;
    hostile.file = `environments/${HOSTILE}.yaml`;
    const normal = await render(base);
    const evil = await render(hostile);
    expect([...evil.keys()]).toEqual([...normal.keys()]);
    for (const [path, content] of evil) {
      if (!path.endsWith(".yaml")) {
        // Job scripts and data take no value from the environment: only the header line differs.
        expect(content.split("\n").slice(1), path).toEqual((normal.get(path) as string).split("\n").slice(1));
        continue;
      }
      const a = yaml.loadAll(substituted(base, normal.get(path) as string));
      const b = yaml.loadAll(substituted(hostile, content));
      expect(shape(b), path).toEqual(shape(a));
    }
    const root = gitopsRoot(base);
    const api = yaml.load(
      substituted(hostile, evil.get(`${root}/applications/codemie-api/values.yaml`) as string),
    ) as Record<string, Record<string, unknown>>;
    expect(api.ingress?.host).toBe(HOSTILE);
    expect(api.image?.tag).toBe(HOSTILE);
    const sources = yaml.loadAll(substituted(hostile, evil.get(`${root}/databases/sources.yaml`) as string)) as Array<{
      kind: string;
      spec: { ref?: { tag: string } };
    }>;
    expect(sources.filter((s) => s.kind === "OCIRepository" && s.spec.ref?.tag === HOSTILE).length).toBe(5);
    // Strings Helm passes through `tpl` (keycloakx extraEnv) keep their inner structure too.
    const kc = yaml.load(substituted(hostile, evil.get(`${root}/security/keycloak/values.yaml`) as string)) as {
      extraEnv: string;
    };
    const kcBase = yaml.load(substituted(base, normal.get(`${root}/security/keycloak/values.yaml`) as string)) as {
      extraEnv: string;
    };
    expect(shape(yaml.load(kc.extraEnv))).toEqual(shape(yaml.load(kcBase.extraEnv)));
    expect(kc.extraEnv).not.toContain("{{ .Values }}");
    // The header comment stays one comment line.
    for (const content of evil.values())
      expect(content.split("\n")[0]).toMatch(
        /^# Generated by codemie-gitops from environments\/.*\.yaml\. Do not edit by hand/,
      );
  });
});
