// Per-environment Helm values and the keys a chart reads: every key path of a release's values
// must be one the chart's defaults or templates know (a typo is an error with "did you mean",
// at the environment file's line when the file wrote it), a null only where the defaults define
// the key, and the merged values must pass the chart's values.schema.json (Helm checks it).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ensureChart } from "../../src/adapters/helm/chart-cache.js";
import { chartFacts } from "../../src/adapters/helm/chart-facts.js";
import { verifyKubernetes } from "../../src/app/verify-kubernetes.js";
import { formatDiagnostic } from "../../src/config/diagnostics.js";
import { loadEnvironment } from "../../src/app/load.js";
import { checkValueKeys, type ChartFacts } from "../../src/kubernetes/values-keys.js";
import { render } from "../render/gitops/support.js";
import { ROOT, testCache } from "./support.js";

async function facts(name: string, version: string): Promise<ChartFacts> {
  const chart = await ensureChart({ name, version, repository: "https://charts.invalid" }, testCache());
  if (!chart) throw new Error(`no chart ${name} ${version} in the mirror`);
  return chartFacts(chart.dir);
}

describe("keys a chart reads", () => {
  it("finds elasticsearch.minimumMasterNodes unread by chart 8.5.1, though its defaults list it", async () => {
    expect(checkValueKeys({ minimumMasterNodes: 2, replicas: 2 }, await facts("elasticsearch", "8.5.1"))).toEqual([
      {
        path: ["minimumMasterNodes"],
        kind: "unread",
        message: "minimumMasterNodes is in the chart's defaults, but no template reads it",
      },
    ]);
  });

  it("names the key a typo meant", async () => {
    expect(
      checkValueKeys({ replcias: 2, esJavaOpts: "-Xmx1g" }, await facts("elasticsearch", "8.5.1")).map(
        (f) => f.message,
      ),
    ).toEqual(['replcias is read by no template of the chart and is not in its defaults; did you mean "replicas"?']);
  });

  it("accepts a null only where the defaults define the key", async () => {
    const nullCpu = { resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: null, memory: "1Gi" } } };
    expect(checkValueKeys(nullCpu, await facts("codemie", "2.57.2"))).toEqual([]);
    expect(checkValueKeys(nullCpu, await facts("keycloakx", "7.1.9")).map((f) => f.message)).toEqual([
      "resources.limits.cpu is null, but the chart's defaults define no " +
        "resources.limits.cpu: Helm drops a null only over a default, so it " +
        "renders a literal null; leave the key out",
    ]);
  });
});

describe("components.<key>.values", () => {
  const text = readFileSync(join(ROOT, "environments/prod.yaml"), "utf8").replace(
    /^usage:/m,
    [
      "components:",
      "  ui:",
      "    values:",
      "      podAnnotations:",
      "        example.com/owner: platform-team",
      "  api:",
      "    values:",
      "      ingressSwagger:",
      "        anotations: {}",
      "  keycloak:",
      "    values:",
      "      enableServiceLinks: sometimes",
      "usage:",
    ].join("\n"),
  );

  it(
    "merges last into the release, and a typo or a schema violation is an error at its line",
    { timeout: 300_000 },
    async () => {
      const { env, capacity, source, diagnostics } = loadEnvironment("environments/prod.yaml", text);
      expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const tree = await render(env!);
      const line = (needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;
      const verified = await verifyKubernetes(env!, capacity!, tree, (p) => source!.locate(p), {
        repoRoot: ROOT,
        cache: testCache(),
      });
      const errors = verified.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic);
      expect(errors).toContain(
        `environments/prod.yaml:${line("anotations")}:9: error: codemie-api: ` +
          `values: ingressSwagger.anotations is read by no template of the chart ` +
          `and is not in its defaults; did you mean "ingressSwagger.annotations"?`,
      );
      expect(errors.find((e) => e.includes("keycloak: helm template"))).toMatch(/enableServiceLinks/);
      const ui = verified.render.releases.find((r) => r.release.name === "codemie-ui")!;
      const deployment = ui.objects.find((o) => o.kind === "Deployment") as {
        spec: { template: { metadata: { annotations: Record<string, string> } } };
      };
      expect(deployment.spec.template.metadata.annotations["example.com/owner"]).toBe("platform-team");
      expect(ui.release.values.replicaCount).toBe(1); // the rendered values stay underneath
    },
  );

  it("is refused by the schema where no release takes values", () => {
    const { diagnostics } = loadEnvironment(
      "environments/prod.yaml",
      text.replace("  ui:\n    values:", "  ui:\n    valuez:"),
    );
    expect(diagnostics.some((d) => d.severity === "error" && d.message.includes("valuez"))).toBe(true);
  });
});
