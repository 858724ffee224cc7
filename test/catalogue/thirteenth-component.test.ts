// The catalogue's promise, checked mechanically: a thirteenth component is three hand-written
// edits (its descriptor in components.ts, with its Key Vault secret and the Kubernetes secret laid
// out from it; its values builder in values.ts; its values template) and nothing else. The edits
// are applied in memory over the real sources: the TypeScript checker reads them (and refuses the
// descriptor without its builder), and esbuild bundles them so the real loader and renderer show
// the new release, and its secrets, in the GitOps tree.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";
import ts from "typescript";
import { afterAll, describe, expect, test } from "vitest";
import { readTemplates } from "../../src/adapters/templates.js";
import { RELEASES } from "../../src/catalogue/releases.js";
import { VALUES_BUILDERS } from "../../src/render/gitops/values.js";
import type { Environment } from "../../src/model/environment.js";
import type { RenderedTree } from "../../src/render/tree.js";

const ROOT = resolve(import.meta.dirname, "../..");
const COMPONENTS = join(ROOT, "src/catalogue/components.ts");
const VALUES = join(ROOT, "src/render/gitops/values.ts");

/** Edit 1: the descriptor, one row of the catalogue. */
const ROW = `  {
    key: "docling",
    displayName: "Docling",
    kind: "Deployment",
    replicas: 1,
    size: { memory: "128Mi", cpu: "100m" },
    optional: true,
    namespace: "codemie",
    release: "codemie-docling",
    chart: { source: "codemie", name: "codemie-docling" },
    layer: "applications",
    image: { codemie: "codemie-docling" },
    timeoutMinutes: 12,
    needs: [{ on: "api", why: "it registers itself with the API" }],
    order: 95,
    summary: "Converts documents for the datasources.",
    secrets: [{ name: "docling-api-key", purpose: "key the API calls Docling with", seed: "random" }],
    kubernetesSecrets: [
      {
        name: "docling-credentials",
        in: ["docling", "api"],
        data: { key: "docling-api-key" },
        keys: { API_KEY: { vault: "key" }, POSTGRES_HOST: { output: "POSTGRES_HOST" } },
      },
    ],
  },
`;

/** Edit 2: the values builder and its entry in VALUES_BUILDERS. */
const BUILDER = `
export function doclingValues(env: Environment): ValuesPlan {
  const d = resolved(env, "docling");
  return {
    template: "helm-values/docling.yaml.hbs",
    context: {
      replicas: d.replicas,
      resources: resourcesOf(d),
      image: codemieImage(env, "docling"),
      nodeSelector: workloadsNodeSelector(),
    },
    sizing: { replicas: "replicaCount", resources: "resources" },
  };
}
`;

/** Edit 3: the values template. */
const TEMPLATE = `replicaCount: {{yaml replicas}}
image:
  repository: {{yaml image.repository}}
  tag: {{yaml image.tag}}
resources:
  requests:
    cpu: {{yaml resources.cpu}}
    memory: {{yaml resources.memory}}
`;

function withRow(source: string): string {
  const end = "] as const satisfies readonly Component[];";
  expect(source).toContain(end);
  return source.replace(end, `${ROW}${end}`);
}

function withBuilder(source: string): string {
  const entry = "  llmProxy: llmProxyValues,\n";
  expect(source).toContain(entry);
  return source
    .replace(entry, `${entry}  docling: doclingValues,\n`)
    .replace("export type ValuesBuilder", `${BUILDER}\nexport type ValuesBuilder`);
}

/** Type errors of the files a new component touches and the files that read them, with the edits in memory. */
function typeErrors(edits: ReadonlyMap<string, string>, checked: readonly string[]): string[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: true,
    types: ["node"],
    noEmit: true,
  };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  host.readFile = (file) => edits.get(resolve(file)) ?? read(file);
  const program = ts.createProgram(checked, options, host);
  return checked.flatMap((file) =>
    ts
      .getPreEmitDiagnostics(program, program.getSourceFile(file))
      .map((d) => `${d.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`),
  );
}

const scratch = mkdtempSync(join(tmpdir(), "thirteenth-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

test("every release of the catalogue has exactly one values builder", () => {
  expect(Object.keys(VALUES_BUILDERS).sort()).toEqual(RELEASES.map((r) => r.id).sort());
});

describe("a thirteenth component", () => {
  const components = withRow(readFileSync(COMPONENTS, "utf8"));
  const values = withBuilder(readFileSync(VALUES, "utf8"));

  test("without its values builder is a compile error that names it", () => {
    const errors = typeErrors(new Map([[COMPONENTS, components]]), [VALUES]);
    expect(errors.join("\n")).toMatch(/values\.ts: .*Property 'docling' is missing/s);
  });

  test("with its descriptor, builder and template type-checks and renders as a release of the tree", async () => {
    const readers = [
      "src/catalogue/releases.ts",
      "src/catalogue/secrets.ts",
      "src/catalogue/database-roles.ts",
      "src/render/gitops/plan.ts",
      "src/render/gitops/secrets.ts",
      "src/model/resolve.ts",
    ].map((f) => join(ROOT, f));
    expect(
      typeErrors(
        new Map([
          [COMPONENTS, components],
          [VALUES, values],
        ]),
        [COMPONENTS, VALUES, ...readers],
      ),
    ).toEqual([]);

    // The same two edits, bundled with the real loader and renderer.
    const edited: Plugin = {
      name: "edits",
      setup(b) {
        b.onLoad({ filter: /src[\\/](catalogue[\\/]components|render[\\/]gitops[\\/]values)\.ts$/ }, (args) => ({
          contents: resolve(args.path) === COMPONENTS ? components : values,
          loader: "ts",
        }));
      },
    };
    const bundle = join(scratch, "entry.mjs");
    const imports = [
      `export { loadEnvironment } from ${JSON.stringify(join(ROOT, "src/app/load.js"))};`,
      `export { renderGitops } from ${JSON.stringify(join(ROOT, "src/render/gitops/render.js"))};`,
      `export { createEngine } from ${JSON.stringify(join(ROOT, "src/render/engine.js"))};`,
      `export { VAULT_SECRETS } from ${JSON.stringify(join(ROOT, "src/catalogue/secrets.js"))};`,
    ];
    await build({
      stdin: { contents: imports.join("\n"), resolveDir: ROOT, loader: "ts" },
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: bundle,
      packages: "external",
      plugins: [edited],
      logLevel: "silent",
    });
    const mod = (await import(pathToFileURL(bundle).href)) as {
      loadEnvironment: (file: string, text: string) => { env?: Environment; diagnostics: unknown[] };
      renderGitops: (env: Environment, render: (name: string, context: object) => string) => RenderedTree;
      createEngine: (sources: Record<string, string>) => (name: string, context: object) => string;
      VAULT_SECRETS: readonly { name: string; component?: string }[];
    };
    const file = "environments/dev.yaml";
    const { env, diagnostics } = mod.loadEnvironment(file, readFileSync(join(ROOT, file), "utf8"));
    expect(diagnostics.filter((d) => (d as { severity?: string }).severity === "error")).toEqual([]);
    if (!env) throw new Error("dev does not load");
    expect(env.components.find((c) => c.key === ("docling" as string))).toMatchObject({
      enabled: true,
      replicas: 1,
      memory: "128Mi",
    });

    const templates = { ...(await readTemplates(["helm-values"], ROOT)), "helm-values/docling.yaml.hbs": TEMPLATE };
    const tree = mod.renderGitops(env, mod.createEngine(templates));
    const dir = [...tree.keys()].find((p) => p.endsWith("/applications/codemie-docling/helmrelease.yaml"));
    expect(dir, [...tree.keys()].join("\n")).toBeDefined();
    const release = tree.get(dir as string) as string;
    expect(release).toContain('timeout: "12m"');
    expect(release).toMatch(/dependsOn:\s*\n\s*- name: "codemie-api"/);
    const valuesFile = tree.get((dir as string).replace("helmrelease.yaml", "values.yaml")) as string;
    expect(valuesFile).toContain("/codemie-docling");
    expect(valuesFile).toContain(`tag: "${env.codemieVersion}"`);
    expect([...tree.values()].some((text) => text.includes("codemie-docling") && text.includes("OCIRepository"))).toBe(
      true,
    );

    // Its Key Vault secret is one the deploy seeds while the row is enabled, and its Kubernetes secret is an
    // ExternalSecret of the secrets layer: one copy for the two readers that share namespace codemie.
    expect(mod.VAULT_SECRETS).toContainEqual(
      expect.objectContaining({ name: "docling-api-key", component: "docling" }),
    );
    const secretsFile = [...tree.keys()].find((p) => p.endsWith("/secrets/external-secrets.yaml")) as string;
    const docs = (tree.get(secretsFile) as string).split("\n---\n").filter((d) => d.includes('"docling-credentials"'));
    expect(docs).toHaveLength(1);
    expect(docs[0]).toContain('namespace: "codemie"');
    expect(docs[0]).toMatch(/- secretKey: "key"\n\s+remoteRef:\n\s+key: "docling-api-key"/);
    expect(docs[0]).toContain('"API_KEY": "{{ .key }}"');
    expect(docs[0]).toContain('"POSTGRES_HOST": "${POSTGRES_HOST}"');
  });
});
