// In-process workloads the benchmark times: validate + plan + render, with no Bicep compiler.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readToolkit } from "../../src/adapters/templates.js";
import { renderSources, type Toolkit } from "../../src/app/render-environment.js";
import { renderKubernetes } from "../../src/app/render-kubernetes.js";
import { loadEnvironment } from "../../src/app/load.js";

export async function toolkit(root: string): Promise<Toolkit> {
  return readToolkit(root);
}

export function shippedEnvironments(root: string): { file: string; text: string }[] {
  return ["dev", "staging", "prod"].map((n) => ({
    file: `environments/${n}.yaml`,
    text: readFileSync(join(root, "environments", `${n}.yaml`), "utf8"),
  }));
}

/** Validate, size and render one environment; returns the number of rendered files. */
export function renderOne(file: string, text: string, kit: Toolkit): number {
  const outcome = renderSources(file, text, kit);
  if (!outcome.tree) throw new Error(`${file} did not render: ${outcome.diagnostics.map((d) => d.message).join("; ")}`);
  return outcome.tree.size;
}

/** Validate and size one environment: the loader plans capacity (once). */
export function planOnly(file: string, text: string): void {
  const { env, capacity } = loadEnvironment(file, text);
  if (!env || !capacity) throw new Error(`${file} is invalid`);
}

/** N distinct valid environments derived from prod.yaml: own name, subscription and address plan. */
export function generatedEnvironments(root: string, n: number): { file: string; text: string }[] {
  const prod = readFileSync(join(root, "environments/prod.yaml"), "utf8");
  return Array.from({ length: n }, (_, i) => {
    const octet = (i % 200) + 20;
    const sub = `3b9d6e21-8c4f-4a7b-b5e2-${String(i).padStart(12, "0")}`;
    const text = prod
      .replace(/10\.40\./g, `10.${octet}.`)
      .replace("3b9d6e21-8c4f-4a7b-b5e2-91f0c7d4a836", sub)
      .replace("codemie.ai.example.com", `codemie-${i}.ai.example.com`);
    return { file: `environments/e${i}.yaml`, text };
  });
}

/**
 * Templates every HelmRelease of one environment with the real Helm (the chart cache must be filled: npm run setup).
 */
export async function templateReleases(root: string, file: string, text: string, kit: Toolkit): Promise<number> {
  const outcome = renderSources(file, text, kit);
  if (!outcome.env || !outcome.tree) throw new Error(`${file} did not render`);
  const k8s = await renderKubernetes(outcome.env, outcome.tree, { repoRoot: root });
  return k8s.releases.filter((r) => r.chart).length;
}
