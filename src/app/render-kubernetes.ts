// What the cluster would run: the GitOps tree built layer by layer with the real kustomize (as
// kustomize-controller builds it), post-build substitution with the deploy outputs (stand-in
// values offline), then every HelmRelease templated with the real Helm from the chart cache
// (as helm-controller installs it). The result is for checks and inspection, never published.
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, posix } from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import { cacheOptions, ensureChart, type CachedChart, type CacheOptions } from "../adapters/helm/chart-cache.js";
import { chartFacts } from "../adapters/helm/chart-facts.js";
import type { ChartFacts } from "../kubernetes/values-keys.js";
import { mapBounded } from "../adapters/helm/bounded.js";
import { locateHelm } from "../adapters/helm/locate.js";
import { helmTemplate, HelmTemplateError } from "../adapters/helm/template.js";
import { kustomizeBuild } from "../adapters/kustomize.js";
import { apiVersionsServed, apiVersionsUsed, asksAbout, capabilityQuestions } from "../kubernetes/api-versions.js";
import { releasesOf, type Manifest, type ReleaseInput } from "../kubernetes/helm-release.js";
import { insideTree, layerDirectory, unsafeKustomization } from "../kubernetes/tree-safety.js";
import type { Environment } from "../model/environment.js";
import { FLUX, substitutionVariables } from "../render/gitops/contract.js";
import { fluxSubstitute } from "../render/gitops/flux.js";
import { gitopsRoot } from "../render/gitops/render.js";
import type { RenderedTree } from "../render/tree.js";

export interface KubernetesRelease {
  release: ReleaseInput;
  /** Undefined when no chart is available for the pin (neither cached, mirrored nor pullable). */
  chart?: CachedChart;
  /** The chart's defaults and templates (what reads the values). */
  facts?: ChartFacts;
  objects: Manifest[];
  /** Helm refused to template the release (its message: a values.schema.json failure, a template error). */
  error?: string;
}

export interface KubernetesRender {
  /** Every HelmRelease of the tree, in the tree's order. */
  releases: KubernetesRelease[];
  /** The objects the layer Kustomizations apply (after substitution). */
  gitops: Manifest[];
  helmVersion: string;
  /** What `--api-versions` told Helm the cluster serves beyond Kubernetes' own. */
  apiVersions: string[];
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

export async function renderKubernetes(
  env: Environment,
  tree: RenderedTree,
  opts: KubernetesRenderOptions,
): Promise<KubernetesRender> {
  const [helm, resolved] = await Promise.all([
    locateHelm(opts.repoRoot),
    resolveReleases(env, tree, opts.outputs ?? {}),
  ]);
  const charted = await chartReleases(resolved.releases, opts.cache ?? cacheOptions(opts.repoRoot));
  const { releases, apiVersions } = await templateReleases(charted, {
    helm: helm.path,
    kubeVersion: env.aks.kubernetesVersion,
    gitops: resolved.gitops,
  });
  return { releases, gitops: resolved.gitops, helmVersion: helm.version, apiVersions };
}

/**
 * The tree built and substituted as Flux applies it, and the HelmReleases resolved from it.
 * `anyVariable`: a stand-in for every variable the tree names (a published tree may name
 * variables an older environment had), not only the environment's own.
 */
export async function resolveReleases(
  env: Environment,
  tree: RenderedTree,
  outputs: Readonly<Record<string, string>>,
  anyVariable = false,
): Promise<{ gitops: Manifest[]; releases: ReleaseInput[] }> {
  const gitops = await buildTree(env, tree, outputs, anyVariable);
  return { gitops, releases: releasesOf(gitops) };
}

/** A release with the chart it pins, when one is available, and what the chart holds. */
export interface ChartedRelease {
  release: ReleaseInput;
  chart?: CachedChart;
  facts?: ChartFacts;
}

/** Each release's chart from the cache (filled from the mirror; never pulled here). */
export async function chartReleases(releases: readonly ReleaseInput[], cache: CacheOptions): Promise<ChartedRelease[]> {
  return mapBounded(releases, async (release): Promise<ChartedRelease> => {
    const chart = await ensureChart(release.chart, cache);
    if (!chart) return { release };
    return { release, chart, facts: await chartFacts(chart.dir) };
  });
}

export interface TemplateContext {
  helm: string;
  kubeVersion: string;
  /** The objects the layers apply: their API versions are served. */
  gitops: readonly Manifest[];
}

/**
 * `helm template` of every release as helm-controller would, with `--api-versions` for what the
 * cluster serves once the tree is applied: the API versions the tree's objects use, then those of
 * every CRD the releases install (their crds/, which `--include-crds` renders, and their
 * templates). A chart that asks `.Capabilities.APIVersions` about a version only a CRD serves is
 * templated again with it, so no chart sees less than the cluster will serve.
 */
export async function templateReleases(
  charted: readonly ChartedRelease[],
  ctx: TemplateContext,
): Promise<{ releases: KubernetesRelease[]; apiVersions: string[] }> {
  const first = apiVersionsUsed(ctx.gitops);
  const releases = await mapBounded(charted, (c) => templateOne(c, ctx, first));
  const apiVersions = union(first, apiVersionsServed(releases.flatMap((r) => r.objects)));
  const added = apiVersions.filter((v) => !first.includes(v));
  if (added.length === 0) return { releases, apiVersions };
  const again = await mapBounded(charted, (c) =>
    c.facts && asksAbout(capabilityQuestions(c.facts.templates), added)
      ? templateOne(c, ctx, apiVersions)
      : Promise.resolve(undefined),
  );
  return { releases: releases.map((r, i) => again[i] ?? r), apiVersions };
}

/** One release templated; a release without a chart renders nothing (the checks report it). */
export async function templateOne(
  c: ChartedRelease,
  ctx: Pick<TemplateContext, "helm" | "kubeVersion">,
  apiVersions: readonly string[],
): Promise<KubernetesRelease> {
  const { release, chart, facts } = c;
  if (!chart) return { release, objects: [] };
  try {
    const objects = await helmTemplate(release, {
      helm: ctx.helm,
      chartDir: chart.dir,
      kubeVersion: ctx.kubeVersion,
      apiVersions,
    });
    return { release, chart, ...(facts ? { facts } : {}), objects };
  } catch (e) {
    if (!(e instanceof HelmTemplateError)) throw e;
    return { release, chart, ...(facts ? { facts } : {}), objects: [], error: e.message };
  }
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}

/**
 * The rendered objects as files for inspection, `<namespace>/<release>.yaml`, each headed with
 * the chart it came from; a release whose chart is not available gets a file saying so.
 */
export function kubernetesTree(render: KubernetesRender): RenderedTree {
  const files = new Map<string, string>();
  for (const r of render.releases) {
    const { release, chart } = r;
    const origin = !chart
      ? `not verified: chart ${release.chart.name} ${release.chart.version} not available`
      : chart.origin === "stand-in"
        ? `chart ${chart.name} ${chart.version} stood in for by ${chart.from} (version ${chart.actualVersion})`
        : `chart ${chart.name} ${chart.version} (${chart.origin}: ${chart.from})`;
    const header =
      `# HelmRelease ${release.namespace}/${release.name}: ${origin}; helm ` +
      `template ${render.helmVersion}. For inspection only, never applied.\n`;
    files.set(
      `${release.targetNamespace}/${release.releaseName}.yaml`,
      header + r.objects.map((o) => `---\n${stringify(o)}`).join(""),
    );
  }
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The tree holds what kustomize must not build (a published branch is attacker-controlled). */
export class UnsafeTreeError extends Error {}

/**
 * Builds every layer Kustomization of the tree with kustomize and substitutes as Flux would.
 * The tree may be a published branch: it is refused unless each path stays inside it and each
 * kustomization uses only what the toolkit writes (src/kubernetes/tree-safety.ts).
 */
async function buildTree(
  env: Environment,
  tree: RenderedTree,
  outputs: Readonly<Record<string, string>>,
  anyVariable: boolean,
): Promise<Manifest[]> {
  for (const path of tree.keys())
    if (insideTree(".", path) !== path)
      throw new UnsafeTreeError(`refusing to build the tree: ${JSON.stringify(path)} is not a plain path inside it`);
  const layers = layersOf(env, tree);
  for (const l of layers) {
    if (!layerDirectory(tree, pathOf(l)))
      throw new UnsafeTreeError(
        `refusing to build the tree: Kustomization ${String(l.metadata?.name)} ` +
          `applies ${JSON.stringify(pathOf(l))}, which is not a directory of the ` +
          `tree`,
      );
  }
  const unsafe = unsafeKustomization(tree, layers.map(pathOf));
  if (unsafe) throw new UnsafeTreeError(`refusing to build the tree: ${unsafe}`);
  const dir = await mkdtemp(join(tmpdir(), "codemie-tree-"));
  try {
    for (const [path, content] of tree) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content, { flag: "wx" });
    }
    const known: Record<string, string> = Object.fromEntries(
      substitutionVariables(env).map((v) => [v.name, outputs[v.name] ?? placeholderOutput(v.name)]),
    );
    const variables = (extra: Record<string, string> = {}): Record<string, string> => {
      const all = { ...known, ...extra };
      return anyVariable
        ? new Proxy(all, {
            get: (t, name) => (typeof name === "string" ? (t[name] ?? placeholderOutput(name)) : undefined),
          })
        : all;
    };
    // One kustomize process for every layer (each a base of a synthetic kustomization), as the
    // layers only share the deploy outputs; a layer with inline variables is built on its own.
    const inline = (l: Manifest) =>
      (l.spec as { postBuild?: { substitute?: Record<string, string> } }).postBuild?.substitute;
    const shared = layers.filter((l) => !inline(l));
    const own = layers.filter((l) => inline(l));
    const all = join(dir, ".codemie-layers");
    await mkdir(all);
    await writeFile(
      join(all, "kustomization.yaml"),
      stringify({
        apiVersion: "kustomize.config.k8s.io/v1beta1",
        kind: "Kustomization",
        resources: shared.map((l) => `../${pathOf(l)}`),
      }),
    );
    const built = await mapBounded([undefined, ...own], async (layer) => {
      const text = await kustomizeBuild(layer ? join(dir, pathOf(layer)) : all);
      return parse(fluxSubstitute(text, variables(layer ? inline(layer) : {})));
    });
    return built.flat();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The Flux Kustomizations of the tree that apply a part of it (from the environment's GitOps source). */
export function layersOf(env: Environment, tree: RenderedTree): Manifest[] {
  const root = gitopsRoot(env);
  return [...tree]
    .filter(([path]) => path.startsWith(root ? `${root}/` : ""))
    .flatMap(([, text]) => parse(text))
    .filter(isLayer);
}

/** A Flux Kustomization applying part of this tree from the environment's GitOps source. */
function isLayer(o: Manifest): boolean {
  const spec = o.spec as { sourceRef?: { kind?: string; name?: string }; path?: unknown } | undefined;
  return (
    o.kind === "Kustomization" &&
    String(o.apiVersion).startsWith("kustomize.toolkit.fluxcd.io/") &&
    spec?.sourceRef?.kind === "GitRepository" &&
    spec.sourceRef.name === FLUX.sourceName &&
    typeof spec.path === "string"
  );
}

export function pathOf(layer: Manifest): string {
  return posix.normalize((layer.spec as { path: string }).path);
}

function parse(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as unknown)
    .filter((v): v is Manifest => v !== null && typeof v === "object" && !Array.isArray(v));
}
