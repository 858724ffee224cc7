// The schema is generated from the catalogue: strict draft 2020-12, closed objects,
// described fields, and every pattern explained in words for error messages.
import { Ajv2020 } from "ajv/dist/2020.js";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COMPONENTS } from "../../src/catalogue/components.js";
import { PATTERN_TEXT, buildEnvironmentSchema } from "../../src/config/schema.js";

type Node = Record<string, unknown>;
const root = join(import.meta.dirname, "../..");
const schema = buildEnvironmentSchema();

function walk(node: Node, path: string, visit: (node: Node, path: string) => void): void {
  visit(node, path);
  for (const [k, v] of Object.entries((node.properties as Record<string, Node>) ?? {})) walk(v, `${path}.${k}`, visit);
  if (node.items && typeof node.items === "object") walk(node.items as Node, `${path}[]`, visit);
  if (node.additionalProperties && typeof node.additionalProperties === "object")
    walk(node.additionalProperties as Node, `${path}.*`, visit);
}

describe("environment schema", () => {
  it("compiles under ajv strict mode", () => {
    expect(() => new Ajv2020({ strict: true }).compile(schema)).not.toThrow();
  });

  it("closes every object and describes every field", () => {
    const problems: string[] = [];
    walk(schema, "$", (node, path) => {
      if (node.type === "object" && node.properties && node.additionalProperties !== false)
        problems.push(`${path} is open`);
      if (path !== "$" && !path.endsWith("[]") && !path.endsWith(".*") && typeof node.description !== "string")
        problems.push(`${path} has no description`);
      if (typeof node.pattern === "string" && !PATTERN_TEXT[node.pattern])
        problems.push(`${path} pattern has no PATTERN_TEXT`);
    });
    expect(problems).toEqual([]);
  });

  it("offers every component of the catalogue, with the table's defaults", () => {
    const components = (schema.properties as Node).components as Node;
    const props = components.properties as Record<string, Node>;
    for (const c of COMPONENTS.filter((x) => x.kind !== "managed")) {
      expect(Object.keys(props)).toContain(c.key);
      const memory = (props[c.key]!.properties as Record<string, Node>).memory!;
      expect(memory.default).toBe("size" in c ? c.size.memory : undefined);
      expect(memory.description).toContain(c.displayName);
    }
  });

  it("is committed as schema/environment.schema.json, up to date", () => {
    const committed = JSON.parse(readFileSync(join(root, "schema/environment.schema.json"), "utf8"));
    expect(committed).toEqual(JSON.parse(JSON.stringify(schema)));
  });

  it("is referenced by the first line of every shipped environment", () => {
    for (const f of readdirSync(join(root, "environments"))) {
      const first = readFileSync(join(root, "environments", f), "utf8").split("\n")[0];
      expect(first, f).toBe("# yaml-language-server: $schema=../schema/environment.schema.json");
    }
  });
});
