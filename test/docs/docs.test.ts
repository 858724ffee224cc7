// The documentation: generated parts match their sources, every relative link resolves, and the
// README stays a newcomer's page. Beside it, the 120-character line limit for the sources ESLint
// does not read (templates, Bicep modules, shell scripts).
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { buildEnvironmentSchema } from "../../src/config/schema.js";
import { componentTableMarkdown } from "../../src/docs/component-table.js";
import { environmentReferenceMarkdown } from "../../src/docs/environment-reference.js";

const ROOT = join(import.meta.dirname, "../..");
const read = (path: string): string => readFileSync(join(ROOT, path), "utf8");
const DOCS = ["README.md", "SECURITY.md", ...readdirSync(join(ROOT, "docs")).map((f) => `docs/${f}`)].filter(
  (f) => f.endsWith(".md") && existsSync(join(ROOT, f)),
);

describe("generated documentation", () => {
  it("docs/environments.md component table matches the catalogue", () => {
    expect(read("docs/environments.md")).toContain(componentTableMarkdown());
  });

  it("docs/environment-file.md matches the schema (npm run build regenerates it)", () => {
    expect(read("docs/environment-file.md")).toBe(environmentReferenceMarkdown(buildEnvironmentSchema()));
  });

  it("the reference names every leaf field the schema accepts", () => {
    const reference = read("docs/environment-file.md");
    for (const path of [
      "azure.location",
      "network.subnets.workloads",
      "aks.nodePools.workloads.vmSize",
      "gitops.repository",
    ]) {
      expect(reference).toContain(`| \`${path}\` |`);
    }
  });
});

describe("links and length", () => {
  it.each(DOCS)("every relative link in %s resolves", (file) => {
    const text = read(file);
    const broken = [...text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)]
      .map((m) => m[1]!)
      .filter((target) => !/^[a-z]+:/.test(target))
      .filter((target) => !existsSync(resolve(ROOT, dirname(file), target)));
    expect(broken).toEqual([]);
  });

  it("README.md stays under 200 lines, with lines of at most 120 characters outside code blocks", () => {
    const lines = read("README.md").split("\n");
    expect(lines.length).toBeLessThan(200);
    let fenced = false;
    const long = lines.filter((line) => {
      if (line.startsWith("```")) fenced = !fenced;
      return !fenced && !line.startsWith("|") && line.length > 120;
    });
    expect(long).toEqual([]);
  });
});

/** Files under `dir` (relative to the repository) whose names end with one of `extensions`. */
function filesUnder(dir: string, extensions: string[]): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => extensions.some((e) => f.endsWith(e)))
    .map((f) => `${dir}/${f}`);
}

describe("line length outside ESLint's reach", () => {
  const files = [
    ...filesUnder("bicep", [".hbs", ".bicep"]),
    ...filesUnder("helm-values", [".hbs"]),
    ...filesUnder("scripts", [".sh", ".cs"]),
  ];

  it("finds the templates, Bicep modules and scripts", () => {
    expect(files).toContain("bicep/templates/main.bicep.hbs");
    expect(files).toContain("bicep/modules/aks.bicep");
    expect(files).toContain("helm-values/flux/postgres-roles.yaml.hbs");
    expect(files).toContain("scripts/lib/layer-zip.sh");
  });

  it("keeps every line of them within 120 characters", () => {
    const long = files.flatMap((file) =>
      read(file)
        .split("\n")
        .flatMap((line, i) => (line.length > 120 ? [`${file}:${i + 1}: ${line.length} characters`] : [])),
    );
    expect(long).toEqual([]);
  });
});
