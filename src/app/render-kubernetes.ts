// What the cluster would run: the GitOps tree built layer by layer with the real kustomize (as
// kustomize-controller builds it), post-build substitution with the deploy outputs (stand-in
// values offline), then every HelmRelease templated with the real Helm from the chart cache
// (as helm-controller installs it). The result is for checks and inspection, never published.
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseAllDocuments } from "yaml";
import { cacheOptions, ensureChart, type CachedChart, type CacheOptions } from "../adapters/helm/chart-cache.js";
import { mapBounded } from "../adapters/helm/bounded.js";
import { locateHelm } from "../adapters/helm/locate.js";
import { helmTemplate } from "../adapters/helm/template.js";
import { kustomizeBuild } from "../adapters/kustomize.js";
import { releasesOf, type Manifest, type ReleaseInput } from "../kubernetes/helm-release.js";
import type { Environment } from "../model/environment.js";
import { FLUX, substitutionVariables } from "../render/gitops/contract.js";
import { fluxSubstitute } from "../render/gitops/flux.js";
import { gitopsRoot } from "../render/gitops/render.js";
import type { RenderedTree } from "../render/tree.js";

export interface KubernetesRelease {
  release: ReleaseInput;
  /** Undefined when no chart is available for the pin (neither cached, mirrored nor pullable). */
  chart?: CachedChart;
  objects: Manifest[];
}

export interface KubernetesRender {
  /** Every HelmRelease of the tree, in the tree's order. */
  releases: KubernetesRelease[];
  /** The objects the layer Kustomizations apply (after substitution). */
  gitops: Manifest[];
  helmVersion: string;
}

export interface KubernetesRenderOptions {
  repoRoot: string;
  /** Deploy outputs (ConfigMap codemie-infra-outputs); stand-ins are used for any not given. */
  outputs?: Readonly<Record<string, string>>;
  cache?: CacheOptions;
}

/** A stand-in for a deploy output, shaped like the real value (client IDs are GUIDs, URIs URLs). */
export function placeholderOutput(name: string): string {
  const slug = name.toLowerCase().replace(/_/g, "-");
  if (name.endsWith("_CLIENT_ID")) return "00000000-0000-0000-0000-000000000000";
  if (name.endsWith("_URI") || name.endsWith("_ENDPOINT")) return `https://${slug}.placeholder.invalid/`;
  if (name.endsWith("_HOST")) return `${slug}.placeholder.invalid`;
  return `placeholder-${slug}`;
}

export async function renderKubernetes(env: Environment, tree: RenderedTree, opts: KubernetesRenderOptions): Promise<KubernetesRender> {
  const [helm, gitops] = await Promise.all([locateHelm(opts.repoRoot), buildTree(env, tree, opts.outputs ?? {})]);
  const cache = opts.cache ?? cacheOptions(opts.repoRoot);
  const releases = releasesOf(gitops);
  const rendered = await mapBounded(releases, async (release): Promise<KubernetesRelease> => {
    const chart = await ensureChart(release.chart, cache);
    if (!chart) return { release, objects: [] };
    const objects = await helmTemplate(release, { helm: helm.path, chartDir: chart.dir, kubeVersion: env.aks.kubernetesVersion, apiVersions: [] });
    return { release, chart, objects };
  });
  return { releases: rendered, gitops, helmVersion: helm.version };
}

/** Builds every layer Kustomization of the tree with kustomize and substitutes as Flux would. */
async function buildTree(env: Environment, tree: RenderedTree, outputs: Readonly<Record<string, string>>): Promise<Manifest[]> {
  const dir = await mkdtemp(join(tmpdir(), "codemie-tree-"));
  try {
    for (const [path, content] of tree) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
    }
    const variables = Object.fromEntries(substitutionVariables(env).map((v) => [v.name, outputs[v.name] ?? placeholderOutput(v.name)]));
    const root = gitopsRoot(env);
    const layers = [...tree].filter(([path]) => path.startsWith(root ? `${root}/` : "")).flatMap(([, text]) => parse(text)).filter(isLayer);
    const built = await mapBounded(layers, async (layer) => {
      const spec = layer.spec as { path: string; postBuild?: { substitute?: Record<string, string> } };
      const text = await kustomizeBuild(join(dir, spec.path));
      return parse(fluxSubstitute(text, { ...variables, ...(spec.postBuild?.substitute ?? {}) }));
    });
    return built.flat();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A Flux Kustomization applying part of this tree from the environment's GitOps source. */
function isLayer(o: Manifest): boolean {
  const spec = o.spec as { sourceRef?: { kind?: string; name?: string }; path?: unknown } | undefined;
  return o.kind === "Kustomization" && String(o.apiVersion).startsWith("kustomize.toolkit.fluxcd.io/") && spec?.sourceRef?.kind === "GitRepository" && spec.sourceRef.name === FLUX.sourceName && typeof spec.path === "string";
}

function parse(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as unknown)
    .filter((v): v is Manifest => v !== null && typeof v === "object" && !Array.isArray(v));
}
