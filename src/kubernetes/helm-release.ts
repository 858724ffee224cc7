// What helm-controller makes of a HelmRelease, before Helm runs: the chart (from the release's
// HelmRepository or OCIRepository), the release name and namespace, and the values, merged as
// Flux merges them: every valuesFrom entry in order, then spec.values last. Pure: it reads
// the objects Flux applies (the built and substituted GitOps tree) and never the tree's layout.
import { parse } from "yaml";

export type Manifest = Record<string, unknown> & {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: Record<string, unknown> & { name?: unknown; namespace?: unknown };
};
export type Values = Record<string, unknown>;

export interface ChartPinOf {
  name: string;
  version: string;
  repository: string;
}

export interface ReleaseInput {
  /** The HelmRelease object's name and namespace. */
  name: string;
  namespace: string;
  /** Helm's release name and the namespace it installs into. */
  releaseName: string;
  targetNamespace: string;
  chart: ChartPinOf;
  values: Values;
  /** install.crds is not Skip: the chart's crds/ are applied. */
  includeCrds: boolean;
  /** spec.postRenderers as written (kustomize patches and images). */
  postRenderers: unknown[];
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

function find(objects: readonly Manifest[], kind: string, name: string, namespace: string): Manifest | undefined {
  return objects.find(
    (o) => o.kind === kind && o.metadata?.name === name && (o.metadata?.namespace ?? namespace) === namespace,
  );
}

/** Helm's and Flux's map merge: maps merge key by key, anything else is replaced by the override. */
export function mergeValues(base: Values, override: Values): Values {
  const out: Values = { ...base };
  for (const [k, v] of Object.entries(override)) {
    const b = out[k];
    out[k] = isObject(b) && isObject(v) ? mergeValues(b, v) : v;
  }
  return out;
}

/** Sets a value at a dotted targetPath (Flux's valuesFrom[].targetPath, plain keys only). */
function atPath(path: string, value: unknown): Values {
  return path.split(".").reduceRight<unknown>((acc, key) => ({ [key]: acc }), value) as Values;
}

export class ReleaseError extends Error {}

/** Every HelmRelease among the objects, resolved; a reference Flux could not resolve is an error. */
export function releasesOf(objects: readonly Manifest[]): ReleaseInput[] {
  return objects.filter((o) => o.kind === "HelmRelease").map((hr) => releaseOf(hr, objects));
}

function releaseOf(hr: Manifest, objects: readonly Manifest[]): ReleaseInput {
  const name = str(hr.metadata?.name) ?? "";
  const namespace = str(hr.metadata?.namespace) ?? "default";
  const spec = isObject(hr.spec) ? hr.spec : {};
  const where = `HelmRelease ${namespace}/${name}`;
  const targetNamespace = str(spec.targetNamespace) ?? namespace;
  const releaseName = str(spec.releaseName) ?? (spec.targetNamespace ? `${targetNamespace}-${name}` : name);

  let values: Values = {};
  for (const ref of Array.isArray(spec.valuesFrom) ? spec.valuesFrom : []) {
    if (!isObject(ref)) continue;
    const kind = str(ref.kind) ?? "";
    const source = find(objects, kind, str(ref.name) ?? "", namespace);
    const key = str(ref.valuesKey) ?? "values.yaml";
    if (!source) {
      if (ref.optional === true) continue;
      throw new ReleaseError(`${where}: valuesFrom ${kind} ${str(ref.name)} is not in the tree`);
    }
    const data = (isObject(source.data) ? source.data : {}) as Record<string, unknown>;
    let text = str(data[key]);
    if (text !== undefined && kind === "Secret") text = Buffer.from(text, "base64").toString("utf8");
    if (text === undefined && kind === "Secret" && isObject(source.stringData)) text = str(source.stringData[key]);
    if (text === undefined) {
      if (ref.optional === true) continue;
      throw new ReleaseError(`${where}: ${kind} ${str(ref.name)} has no key ${key}`);
    }
    const layer = typeof ref.targetPath === "string" ? atPath(ref.targetPath, text) : (parse(text) as unknown);
    if (layer !== null && layer !== undefined && !isObject(layer))
      throw new ReleaseError(`${where}: ${kind} ${str(ref.name)} key ${key} is not a YAML mapping`);
    values = mergeValues(values, (layer ?? {}) as Values);
  }
  if (isObject(spec.values)) values = mergeValues(values, spec.values);

  const install = isObject(spec.install) ? spec.install : {};
  return {
    name,
    namespace,
    releaseName,
    targetNamespace,
    chart: chartOf(spec, namespace, objects, where),
    values,
    includeCrds: install.crds !== "Skip",
    postRenderers: Array.isArray(spec.postRenderers) ? spec.postRenderers : [],
  };
}

function chartOf(
  spec: Record<string, unknown>,
  namespace: string,
  objects: readonly Manifest[],
  where: string,
): ChartPinOf {
  if (isObject(spec.chartRef)) {
    const ref = spec.chartRef;
    const repo = find(objects, str(ref.kind) ?? "", str(ref.name) ?? "", str(ref.namespace) ?? namespace);
    const rs = repo && isObject(repo.spec) ? repo.spec : undefined;
    const url = str(rs?.url);
    const tag = isObject(rs?.ref) ? (str(rs.ref.tag) ?? str(rs.ref.semver)) : undefined;
    if (ref.kind !== "OCIRepository" || !url || !tag)
      throw new ReleaseError(
        `${where}: chartRef ${str(ref.kind)} ${str(ref.name)} does not resolve ` +
          `to an OCIRepository with a url and ref.tag`,
      );
    const at = url.lastIndexOf("/");
    return { name: url.slice(at + 1), version: tag, repository: url.slice(0, at) };
  }
  const chart = isObject(spec.chart) && isObject(spec.chart.spec) ? spec.chart.spec : undefined;
  const sourceRef = chart && isObject(chart.sourceRef) ? chart.sourceRef : undefined;
  const source = sourceRef
    ? find(objects, str(sourceRef.kind) ?? "", str(sourceRef.name) ?? "", str(sourceRef.namespace) ?? namespace)
    : undefined;
  const url = source && isObject(source.spec) ? str(source.spec.url) : undefined;
  const name = str(chart?.chart);
  const version = str(chart?.version);
  if (!chart || !name || !version || !url)
    throw new ReleaseError(
      `${where}: spec.chart does not name a chart, a pinned version and a HelmRepository in the tree`,
    );
  return { name, version, repository: url.replace(/\/+$/, "") };
}
