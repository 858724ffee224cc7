// The chart checks as one use case: render what Flux would install (render-kubernetes.ts),
// check it (src/kubernetes/checks.ts) and report each finding at the environment file's line.
import type { CapacityPlan, Locate } from "../capacity/plan.js";
import { dotted, sortDiagnostics, type Diagnostic } from "../config/diagnostics.js";
import { checkReleases, restrictedNamespaces, type CheckedRelease } from "../kubernetes/checks.js";
import type { Environment } from "../model/environment.js";
import { planGitops } from "../render/gitops/plan.js";
import type { RenderedTree } from "../render/tree.js";
import { renderKubernetes, type KubernetesRender, type KubernetesRenderOptions } from "./render-kubernetes.js";

export interface KubernetesVerification {
  render: KubernetesRender;
  diagnostics: Diagnostic[];
}

export async function verifyKubernetes(
  env: Environment,
  capacity: CapacityPlan,
  tree: RenderedTree,
  locate: Locate,
  opts: KubernetesRenderOptions,
): Promise<KubernetesVerification> {
  const render = await renderKubernetes(env, tree, opts);
  const plans = planGitops(env).releases;
  const checked: CheckedRelease[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const r of render.releases) {
    const plan = plans.find((p) => p.release === r.release.name);
    if (!plan) {
      diagnostics.push({
        file: env.file,
        line: 1,
        column: 1,
        severity: "error",
        path: "",
        message: `HelmRelease ${r.release.namespace}/${r.release.name} is not a release of the GitOps plan`,
      });
      continue;
    }
    const overrides = env.helmValues?.[plan.id];
    checked.push({
      plan,
      objects: r.objects,
      values: r.release.values,
      ...(r.chart ? { chart: r.chart } : {}),
      ...(r.facts ? { facts: r.facts } : {}),
      ...(r.error ? { error: r.error } : {}),
      ...(overrides ? { overrides } : {}),
    });
  }
  for (const f of checkReleases(env, capacity, checked, restrictedNamespaces(render.gitops))) {
    const at = ancestors(f.path)
      .map(locate)
      .find((p) => p !== undefined) ?? { line: 1, column: 1 };
    diagnostics.push({
      file: env.file,
      line: at.line,
      column: at.column,
      severity: f.severity,
      path: dotted(f.path),
      message: f.message,
    });
  }
  return { render, diagnostics: sortDiagnostics(diagnostics) };
}

/** The path and each of its parents, nearest first: a finding sits at the closest field the file writes. */
function ancestors(path: (string | number)[]): (string | number)[][] {
  return Array.from({ length: path.length }, (_, i) => path.slice(0, path.length - i));
}
