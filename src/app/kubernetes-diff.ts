// The Kubernetes objects a change would change: the published GitOps branch and the change are
// each built as Flux builds them and every HelmRelease whose chart or values differ is templated
// on both sides through the same Helm, the same charts, Kubernetes version and API versions,
// then compared object by object (src/kubernetes/object-diff.ts). Releases whose inputs are
// equal render equal objects and are not templated at all.
//
// The published tree is attacker-controlled: it arrives as regular files only (the git adapter
// never checks anything out or follows a link), kustomize builds it only when its
// kustomizations stay inside it (src/kubernetes/tree-safety.ts), and its charts are templated
// only at a pin the cache or mirror holds exactly, never pulled and never a stand-in.
import { cacheOptions, exactChart, type CacheOptions } from "../adapters/helm/chart-cache.js";
import { mapBounded } from "../adapters/helm/bounded.js";
import { locateHelm } from "../adapters/helm/locate.js";
import type { PublishedTree } from "../engine/ports.js";
import { apiVersionsUsed } from "../kubernetes/api-versions.js";
import type { Manifest, ReleaseInput } from "../kubernetes/helm-release.js";
import { diffObjects, varyingFields, type KubernetesDiff, type ReleaseDiff } from "../kubernetes/object-diff.js";
import type { Environment } from "../model/environment.js";
import type { RenderedTree } from "../render/tree.js";
import { chartReleases, resolveReleases, templateOne, type ChartedRelease } from "./render-kubernetes.js";
import { stableJson } from "../kubernetes/stable-json.js";

export interface KubernetesDiffOptions {
  repoRoot: string;
  cache?: CacheOptions;
}

/** Templates whose output differs on every run: such a release is templated twice to tell its noise from the change. */
const RANDOM_FUNCTIONS = [
  "randAlphaNum",
  "randAlpha",
  "randNumeric",
  "randAscii",
  "randBytes",
  "genCA",
  "genSelfSignedCert",
  "genSignedCert",
  "genPrivateKey",
  "uuidv4",
  "now",
];
const RANDOM = new RegExp(`\\b(${RANDOM_FUNCTIONS.join("|")})\\b`);

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

const inputOf = (r: ReleaseInput): string =>
  stableJson({
    chart: [r.chart.name, r.chart.version],
    values: r.values,
    releaseName: r.releaseName,
    targetNamespace: r.targetNamespace,
    crds: r.includeCrds,
    post: r.postRenderers,
  });
const idOf = (r: ReleaseInput): string => `${r.namespace}/${r.name}`;
const chartLabel = (before: ReleaseInput | undefined, after: ReleaseInput | undefined): string => {
  const b = before && `${before.chart.name} ${before.chart.version}`;
  const a = after && `${after.chart.name} ${after.chart.version}`;
  return b && a && b !== a ? `${b} → ${a}` : (a ?? b ?? "");
};

/**
 * The object diff of the change against the published tree. Never throws: what stops the
 * comparison is the reason of an "unavailable" result.
 */
export async function diffKubernetes(
  env: Environment,
  tree: RenderedTree,
  published: PublishedTree,
  opts: KubernetesDiffOptions,
): Promise<KubernetesDiff> {
  if (published.refused.length > 0) {
    return {
      status: "unavailable",
      reason: `the published branch holds ${published.refused
        .slice(0, 3)
        .map((p) => JSON.stringify(p))
        .join(", ")}, which is not a regular file; the toolkit reads nothing else from a branch`,
    };
  }
  try {
    return await compare(env, tree, published, opts);
  } catch (e) {
    return { status: "unavailable", reason: messageOf(e) };
  }
}

async function compare(
  env: Environment,
  tree: RenderedTree,
  published: PublishedTree,
  opts: KubernetesDiffOptions,
): Promise<KubernetesDiff> {
  const cache = opts.cache ?? cacheOptions(opts.repoRoot);
  const [helm, after, before] = await Promise.all([
    locateHelm(opts.repoRoot),
    resolveReleases(env, tree, {}),
    published.files.size > 0
      ? resolveReleases(env, published.files, {}, true).catch((e: unknown) => {
          throw new Error(`the published branch does not build: ${messageOf(e)}`);
        })
      : Promise.resolve({ gitops: [] as Manifest[], releases: [] as ReleaseInput[] }),
  ]);
  const old = new Map(before.releases.map((r) => [idOf(r), r]));
  const now = new Map(after.releases.map((r) => [idOf(r), r]));
  const ids = [...new Set([...now.keys(), ...old.keys()])].sort();
  const differing = ids.filter((id) => !old.has(id) || !now.has(id) || inputOf(old.get(id)!) !== inputOf(now.get(id)!));
  if (differing.length === 0)
    return { status: "compared", helmVersion: helm.version, releases: [], unchangedReleases: ids.length };

  const charted = await chartReleases(
    differing.flatMap((id) => now.get(id) ?? []),
    cache,
  );
  const chartOf = new Map(charted.map((c) => [idOf(c.release), c]));
  // Both sides see the same cluster: the API versions the change's tree applies.
  const apiVersions = apiVersionsUsed(after.gitops);
  const ctx = { helm: helm.path, kubeVersion: env.aks.kubernetesVersion };

  const releases = await mapBounded(differing, async (id): Promise<ReleaseDiff> => {
    const a = now.get(id);
    const b = old.get(id);
    const chart = chartLabel(b, a);
    const changeSide = a ? chartOf.get(id)! : undefined;
    const baseSide = b ? await baseChart(b, a, changeSide, cache) : undefined;
    if (changeSide && !changeSide.chart)
      return {
        release: id,
        chart,
        status: "not-compared",
        reason:
          `chart ${a!.chart.name} ${a!.chart.version} is not available (neither in ` +
          `the chart cache nor the mirror)`,
      };
    if (baseSide && !baseSide.chart)
      return {
        release: id,
        chart,
        status: "not-compared",
        reason:
          `the published chart ${b!.chart.name} ${b!.chart.version} is not in the ` +
          `chart cache or the mirror at exactly that version`,
      };
    const [x, y] = await Promise.all([
      baseSide ? templateOne(baseSide, ctx, apiVersions) : undefined,
      changeSide ? templateOne(changeSide, ctx, apiVersions) : undefined,
    ]);
    const failed = [x, y].find((r) => r?.error);
    if (failed)
      return {
        release: id,
        chart,
        status: "not-compared",
        reason: `${failed === x ? "the published release" : "the change"} does not template: ${failed.error}`,
      };
    const namespace = (a ?? b)!.targetNamespace;
    const noise =
      changeSide?.facts && RANDOM.test(changeSide.facts.templates) && y
        ? varyingFields(y.objects, (await templateOne(changeSide, ctx, apiVersions)).objects, namespace)
        : new Set<string>();
    const { objects, unchanged } = diffObjects(x?.objects ?? [], y?.objects ?? [], noise, namespace);
    const status = !b ? "added" : !a ? "removed" : "changed";
    return {
      release: id,
      chart,
      status,
      objects,
      unchangedObjects: unchanged,
      ...(noise.size > 0
        ? { varying: [...new Set([...noise].map((k) => k.split("\u0000").slice(-1)[0]!))].sort() }
        : {}),
    };
  });
  return { status: "compared", helmVersion: helm.version, releases, unchangedReleases: ids.length - differing.length };
}

/** The published release's chart: the change's own when the pin is the same, else that exact pin or nothing. */
async function baseChart(
  b: ReleaseInput,
  a: ReleaseInput | undefined,
  changeSide: ChartedRelease | undefined,
  cache: CacheOptions,
): Promise<ChartedRelease> {
  if (a && changeSide && a.chart.name === b.chart.name && a.chart.version === b.chart.version)
    return { ...changeSide, release: b };
  const chart = await exactChart(b.chart, cache);
  return chart ? { release: b, chart } : { release: b };
}
