// Runs `helm template` for a release exactly as helm-controller installs it: the cached chart at
// the pinned version, the merged values, the release's namespace, the cluster's Kubernetes
// version, CRDs unless the release skips them, no test hooks (Flux runs none by default), then
// the release's kustomize post-renderers and Flux's own origin labels. Helm's output comes from the
// template cache (template-cache.ts) when the same chart, values, flags and Helm were templated before.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import type { Manifest, ReleaseInput } from "../../kubernetes/helm-release.js";
import { kustomizeBuild } from "../kustomize.js";
import { templateCacheFromEnv, templateKey, type TemplateCache } from "./template-cache.js";

export interface TemplateOptions {
  helm: string;
  chartDir: string;
  /** "1.34" or "1.34.0". */
  kubeVersion: string;
  /** API versions the cluster serves beyond the built-in ones (CRDs other releases install). */
  apiVersions: readonly string[];
  /** Defaults to the cache the environment configures (CODEMIE_HELM_CACHE); undefined turns it off. */
  cache?: TemplateCache | undefined;
}

export class HelmTemplateError extends Error {}

const CHART = "<chart>";

export async function helmTemplate(release: ReleaseInput, opts: TemplateOptions): Promise<Manifest[]> {
  const dir = await mkdtemp(join(tmpdir(), "codemie-helm-"));
  try {
    const valuesFile = join(dir, "values.json");
    const values = JSON.stringify(release.values);
    await writeFile(valuesFile, values);
    // The chart by its content (in the key), not its directory: a test's private chart cache hits too.
    const flags = [
      "template",
      release.releaseName,
      CHART,
      "--namespace",
      release.targetNamespace,
      "--kube-version",
      kubeVersion(opts.kubeVersion),
      "--skip-tests",
      ...(release.includeCrds ? ["--include-crds"] : []),
      ...opts.apiVersions.flatMap((v) => ["--api-versions", v]),
    ];
    const cache = "cache" in opts ? opts.cache : templateCacheFromEnv();
    const key = cache ? await templateKey({ helm: opts.helm, chartDir: opts.chartDir, args: flags, values }) : "";
    let text = cache ? await cache.get(key) : undefined;
    if (text === undefined) {
      const args = flags.map((f) => (f === CHART ? opts.chartDir : f));
      text = await helm(opts.helm, [...args, "--values", valuesFile], release);
      await cache?.put(key, text);
    }
    let objects = manifests(text);
    if (release.postRenderers.length > 0) objects = await postRender(objects, release, dir);
    return objects.map((o) => originLabels(o, release));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function kubeVersion(v: string): string {
  return /^\d+\.\d+$/.test(v) ? `${v}.0` : v;
}

function helm(path: string, args: string[], release: ReleaseInput): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      path,
      args,
      { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, timeout: 120_000, env: { ...process.env, HELM_DEBUG: "" } },
      (error, stdout, stderr) => {
        if (!error) resolve(stdout);
        else
          reject(
            new HelmTemplateError(
              `helm template of ${release.namespace}/${release.name} failed: ${(stderr || error.message).trim()}`,
            ),
          );
      },
    );
  });
}

function manifests(text: string): Manifest[] {
  const out: Manifest[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0)
      throw new HelmTemplateError(`helm printed YAML that does not parse: ${doc.errors[0]?.message ?? ""}`);
    const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    if (value !== null && typeof value === "object" && !Array.isArray(value)) out.push(value as Manifest);
  }
  return out;
}

/**
 * Applies the release's kustomize post-renderers with the real kustomize, as helm-controller does:
 * to everything but the chart's hooks. helm-controller 1.4 (Flux 2.7.5 of AKS microsoft.flux
 * 1.23.0) runs Helm 3's actions, which post-render only the release manifest (helm/helm#7891,
 * fluxcd/helm-controller#1163); hooks reach post-renderers from Helm 4 (Flux 2.8) on.
 */
async function postRender(objects: Manifest[], release: ReleaseInput, dir: string): Promise<Manifest[]> {
  const hooks = objects.filter(isHook);
  let current = objects.filter((o) => !isHook(o));
  for (const [i, renderer] of release.postRenderers.entries()) {
    const kustomize = (renderer as { kustomize?: Record<string, unknown> }).kustomize;
    if (!kustomize) continue;
    const step = join(dir, `post-render-${i}`);
    await mkdir(step, { recursive: true });
    await writeFile(join(step, "helm-output.yaml"), current.map((o) => stringify(o)).join("---\n"));
    const kustomization: Record<string, unknown> = {
      apiVersion: "kustomize.config.k8s.io/v1beta1",
      kind: "Kustomization",
      resources: ["helm-output.yaml"],
    };
    for (const field of ["patches", "images"])
      if (kustomize[field] !== undefined) kustomization[field] = kustomize[field];
    await writeFile(join(step, "kustomization.yaml"), stringify(kustomization));
    current = manifests(await kustomizeBuild(step));
  }
  return [...current, ...hooks];
}

function isHook(o: Manifest): boolean {
  const annotations = o.metadata?.annotations as Record<string, unknown> | undefined;
  return typeof annotations?.["helm.sh/hook"] === "string";
}

/** helm-controller labels every object it applies with the HelmRelease it came from. */
function originLabels(o: Manifest, release: ReleaseInput): Manifest {
  const metadata = (o.metadata ?? {}) as Record<string, unknown>;
  const labels = {
    ...((metadata.labels as Record<string, string> | undefined) ?? {}),
    "helm.toolkit.fluxcd.io/name": release.name,
    "helm.toolkit.fluxcd.io/namespace": release.namespace,
  };
  return { ...o, metadata: { ...metadata, labels } };
}
