// Hostile strings through every string field of the schema: each one is either rejected
// with an error positioned in the file, or rendered and compiled as a literal value, with
// exactly the resources of the unmodified environment (never extra structure).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { planCapacity } from "../../../src/capacity/plan.js";
import { dotted } from "../../../src/config/diagnostics.js";
import { loadEnvironment } from "../../../src/app/load.js";
import { buildEnvironmentSchema } from "../../../src/config/schema.js";
import { allResources } from "../../support/arm.js";
import { bicepSession, ROOT as root } from "../../support/bicep.js";

const session = await bicepSession();

const HOSTILE = ["it's", "'${x}'", "}\nresource evil 'x' = {", "ünïcödé ✓ 名前", "x".repeat(300), "{{x}} \\' $$"];

type Segment = string | number;
type SchemaNode = {
  type?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
};

/** Every path of the schema that holds a string; `*` stands for a map key, 0 for a list item. */
function stringPaths(node: SchemaNode, path: Segment[] = []): Segment[][] {
  const out: Segment[][] = [];
  if (node.type === "string" || (node.type === undefined && !node.properties && !node.items)) out.push(path);
  for (const [k, v] of Object.entries(node.properties ?? {})) out.push(...stringPaths(v, [...path, k]));
  if (node.items) out.push(...stringPaths(node.items, [...path, 0]));
  if (node.additionalProperties && typeof node.additionalProperties === "object")
    out.push(...stringPaths(node.additionalProperties, [...path, "*"]));
  return out;
}

const base = parse(readFileSync(join(root, "test/fixtures/base.yaml"), "utf8")) as Record<string, unknown>;
base.openai = {
  enabled: true,
  location: "swedencentral",
  deployments: [{ name: "gpt", model: "gpt-4.1", version: "2025-04-14", capacity: 10 }],
};
base.identity = { aksAdminGroupObjectIds: ["5a1e9c3d-2f7b-4d86-8e0a-c4b9d2f61e57"] };

function withValue(path: Segment[], value: string): Record<string, unknown> {
  const doc = structuredClone(base);
  let node: Record<string | number, unknown> = doc;
  path.forEach((seg, i) => {
    const last = i === path.length - 1;
    const key = seg === "*" ? value : seg;
    if (last) node[key] = value;
    else node = (node[key] ??= typeof path[i + 1] === "number" ? [] : {}) as Record<string | number, unknown>;
  });
  return doc;
}

async function compileText(text: string) {
  const { env, diagnostics } = loadEnvironment("environments/hostile.yaml", text, "hostile");
  if (!env) return { diagnostics };
  return { diagnostics, compiled: await session.compile(env, planCapacity(env)) };
}

const shape = (main: string) =>
  allResources(JSON.parse(main))
    .map((r) => `${r.module}/${r.symbol}:${r.type}`)
    .sort();

describe("hostile strings in every string field", () => {
  let baseline: string[];
  beforeAll(async () => {
    const { compiled } = await compileText(stringify(base));
    baseline = shape(compiled!.tree.get("bicep/main.json")!);
  });
  const paths = stringPaths(buildEnvironmentSchema() as SchemaNode).filter((p) => p.length > 0);

  it("covers the schema's string fields", () => {
    expect(paths.length).toBeGreaterThan(30);
  });

  it.each(paths.map((p) => [p.join("."), p] as const))("%s", async (_label, path) => {
    for (const value of HOSTILE) {
      const text = stringify(withValue(path, value));
      const { diagnostics, compiled } = await compileText(text);
      if (!compiled) {
        // Rejected: the error names the field (or the derived name it feeds) at a real position.
        const errors = diagnostics.filter((d) => d.severity === "error");
        const field = dotted(path.map((seg) => (seg === "*" ? value : seg)));
        expect(errors.length, `${field} = ${JSON.stringify(value)}`).toBeGreaterThan(0);
        expect(
          errors.some((e) => e.path.startsWith(field.split(".*")[0]!) || e.path === dotted(path.slice(0, -1))),
          `${field}: ${errors.map((e) => e.path).join(", ")}`,
        ).toBe(true);
        for (const e of errors) expect(e.line).toBeGreaterThanOrEqual(1);
        continue;
      }
      expect(compiled.diagnostics, `${path.join(".")} = ${JSON.stringify(value)}`).toEqual([]);
      const main = compiled.tree.get("bicep/main.json")!;
      expect(main).toContain(JSON.stringify(value).slice(1, -1));
      expect(shape(main)).toEqual(baseline);
    }
  });
});
