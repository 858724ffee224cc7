// Shared fixtures of the chart checks: the chart mirror (CODEMIE_CHART_MIRROR, else the
// shared/charts folder beside the repository, as .ci/run sets it), a private chart cache
// filled from it, and each shipped environment rendered through the real Helm once per file.
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { CacheOptions } from "../../src/adapters/helm/chart-cache.js";
import { renderKubernetes, type KubernetesRender } from "../../src/app/render-kubernetes.js";
import type { Environment } from "../../src/model/environment.js";
import type { RenderedTree } from "../../src/render/tree.js";
import { loadEnv, render, ROOT } from "../render/gitops/support.js";

export { ROOT };

/** The chart mirror; a test that needs it fails (never skips) when it is missing. */
export function mirror(): string {
  const dir = process.env.CODEMIE_CHART_MIRROR || join(dirname(ROOT), "shared", "charts");
  if (!existsSync(dir))
    throw new Error(
      `no chart mirror at ${dir}: set CODEMIE_CHART_MIRROR to a directory of chart sources (see .ci/run)`,
    );
  return dir;
}

let cache: CacheOptions | undefined;
/** One private cache per test file, filled from the mirror on first use. */
export function testCache(): CacheOptions {
  cache ??= { cache: mkdtempSync(join(tmpdir(), "codemie-chart-cache-")), mirror: mirror() };
  return cache;
}

const trees = new Map<string, Promise<{ env: Environment; tree: RenderedTree }>>();

/** A shipped environment and its rendered tree, once per file, without Helm. */
export function renderedTree(name: string): Promise<{ env: Environment; tree: RenderedTree }> {
  let r = trees.get(name);
  if (!r) {
    r = (async () => {
      const env = loadEnv(name);
      return { env, tree: await render(env) };
    })();
    trees.set(name, r);
  }
  return r;
}

const renders = new Map<string, Promise<{ env: Environment; tree: RenderedTree; k8s: KubernetesRender }>>();

/** A shipped environment (or a changed copy of it) rendered through the real Helm. */
export function rendered(
  name: string,
  change?: (env: Environment) => Environment,
): Promise<{ env: Environment; tree: RenderedTree; k8s: KubernetesRender }> {
  const key = change ? `${name}:${change.toString()}` : name;
  let r = renders.get(key);
  if (!r) {
    r = (async () => {
      const base = loadEnv(name);
      const env = change ? change(base) : base;
      const tree = await render(env);
      return { env, tree, k8s: await renderKubernetes(env, tree, { repoRoot: ROOT, cache: testCache() }) };
    })();
    renders.set(key, r);
  }
  return r;
}
