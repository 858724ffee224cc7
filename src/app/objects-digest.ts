// The Kubernetes objects of a reviewed plan, as a hash apart from the GitOps tree's. The objects
// are what kustomize builds from the tree (substituted with stand-ins for the deploy outputs,
// which the deploy writes) and, for each HelmRelease, what Helm renders from the chart it pins
// and its values. Both builds are deterministic, so the hash is of their inputs, a content
// address: the kustomize that would build (its version), the tree, the stand-ins, and the content
// of each pinned chart as the toolkit's chart cache holds it. Hashing Helm's output instead would
// not do: charts that template random values render differently on every run. So the objects
// can move while the tree does not: a chart republished under the same version, another kustomize.
// Nothing is built: the releases come from the Flux model's build of the tree, or from kustomize's
// when the model does not understand the tree.
import { createHash } from "node:crypto";
import { cacheOptions, ensureChart } from "../adapters/helm/chart-cache.js";
import { chartDigest } from "../adapters/helm/chart-digest.js";
import { mapBounded } from "../adapters/helm/bounded.js";
import { findKustomizeTool } from "../adapters/kustomize.js";
import { treeHash } from "../engine/review-digest.js";
import type { Environment } from "../model/environment.js";
import type { RenderedTree } from "../render/tree.js";
import { stableJson } from "../kubernetes/stable-json.js";
import { resolveReleases } from "./render-kubernetes.js";
import { modelReleases, standInOutputs } from "./tree-releases.js";

export type ObjectsHash = { status: "hashed"; hash: string } | { status: "error"; message: string };

export async function objectsHash(env: Environment, tree: RenderedTree, repoRoot: string): Promise<ObjectsHash> {
  try {
    // Without a kustomize the objects cannot be built at all, so they are not hashed either.
    const kustomize = await findKustomizeTool();
    const releases = modelReleases(env, tree) ?? (await resolveReleases(env, tree, {})).releases;
    const hash = createHash("sha256");
    hash.update(`objects built by ${kustomize.description}\n`);
    hash.update(`tree ${treeHash(env, tree)}\n`);
    hash.update(`outputs ${stableJson(standInOutputs(env))}\n`);
    const cache = cacheOptions(repoRoot);
    const charts = await mapBounded(releases, async (r) => {
      const chart = await ensureChart(r.chart, cache);
      const content = chart ? await chartDigest(chart.dir) : "not available";
      return `${r.namespace}/${r.name} ${r.chart.repository} ${r.chart.name} ${r.chart.version}: ${content}`;
    });
    for (const line of charts.sort()) hash.update(`${line}\n`);
    return { status: "hashed", hash: hash.digest("hex") };
  } catch (error) {
    // Tool output can be long (kustomize's stderr): its first line says enough.
    const message = (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
    return { status: "error", message: message.length > 300 ? `${message.slice(0, 300)}…` : message };
  }
}
