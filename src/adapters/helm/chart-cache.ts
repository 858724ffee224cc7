// The local chart cache the chart checks template from: one chart directory per pinned chart,
// <cache>/<name>-<version>/, with <name>-<version>.json beside it saying where it came from.
// It is filled from a mirror directory (CODEMIE_CHART_MIRROR: chart directories exactly as
// upstream, e.g. ../shared/charts) or by `helm pull` when the network allows. Nothing here is
// ever copied into the repository's tracked files: the cache lives under the gitignored .helm/.
//
// A mirror may hold a chart only at a nearby version (CodeMie's public chart sources, a
// reconstructed LiteLLM chart). Such a stand-in is cached under the pinned name too, and its
// record says so, so every check made with it can say it was not the pinned chart.
import { execFile } from "node:child_process";
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { parseDocument } from "yaml";

const run = promisify(execFile);

export const CHART_MIRROR_ENV = "CODEMIE_CHART_MIRROR";
export const CHART_CACHE_ENV = "CODEMIE_CHART_CACHE";
export const DEFAULT_CACHE = join(".helm", "charts");

export interface ChartPin {
  name: string;
  version: string;
  /** https repository URL, or the OCI location holding the chart (`oci://host/path`). */
  repository: string;
}

export interface ChartRecord {
  name: string;
  /** The version the release pins. */
  version: string;
  origin: "pulled" | "mirror" | "stand-in";
  /** Mirror folder or repository it came from. */
  from: string;
  /** For a stand-in: the version of the chart actually cached. */
  actualVersion?: string;
  /**
   * Dependencies declared by the chart but not vendored, removed so Helm can template it (each disabled by its
   * condition).
   */
  removedDependencies?: Array<{ name: string; condition?: string }>;
}

export interface CachedChart extends ChartRecord {
  dir: string;
}

export interface CacheOptions {
  /** Absolute cache directory. */
  cache: string;
  /** Absolute mirror directory, when one is configured. */
  mirror?: string;
}

export function cacheOptions(repoRoot: string, env: NodeJS.ProcessEnv = process.env): CacheOptions {
  const cache = env[CHART_CACHE_ENV] ? env[CHART_CACHE_ENV] : join(repoRoot, DEFAULT_CACHE);
  return { cache, ...(env[CHART_MIRROR_ENV] ? { mirror: env[CHART_MIRROR_ENV] } : {}) };
}

const key = (pin: Pick<ChartPin, "name" | "version">): string => `${pin.name}-${pin.version}`;

/** The cached chart, or undefined when the cache does not hold it. */
export async function cachedChart(
  pin: Pick<ChartPin, "name" | "version">,
  opts: CacheOptions,
): Promise<CachedChart | undefined> {
  const record = await readFile(join(opts.cache, `${key(pin)}.json`), "utf8").then(
    (t) => JSON.parse(t) as ChartRecord,
    () => undefined,
  );
  if (!record) return undefined;
  const dir = join(opts.cache, key(pin));
  return (await exists(join(dir, "Chart.yaml"))) ? { ...record, dir } : undefined;
}

/**
 * Makes the chart available in the cache: already cached, else the mirror's folder of that name
 * and version, else `helm pull` (when `helm` is given), else the mirror's only folder of that
 * chart name at another version as a stand-in. Undefined when none of those has it.
 */
export async function ensureChart(
  pin: ChartPin,
  opts: CacheOptions & { helm?: string },
): Promise<CachedChart | undefined> {
  const cached = await cachedChart(pin, opts);
  if (cached) return cached;
  const mirrored = opts.mirror ? await mirrorFolders(opts.mirror) : [];
  const exact = mirrored.find((m) => m.name === pin.name && m.version === pin.version);
  if (exact)
    return store(pin, exact.dir, { name: pin.name, version: pin.version, origin: "mirror", from: exact.folder }, opts);
  if (opts.helm) {
    const pulled = await pull(pin, opts.helm, opts.cache);
    if (pulled) return pulled;
  }
  const near = mirrored.filter((m) => m.name === pin.name);
  if (near.length === 1 && near[0]) {
    const m = near[0];
    return store(
      pin,
      m.dir,
      { name: pin.name, version: pin.version, origin: "stand-in", from: m.folder, actualVersion: m.version },
      opts,
    );
  }
  return undefined;
}

/** A chart name or version as a file name may hold it (a published branch may name anything). */
const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;

/**
 * The chart at exactly the pinned version, cached or copied from the mirror: never a stand-in,
 * never pulled. For pins read from a published branch (attacker-controlled), whose charts are
 * only ever templated when they are the charts we pin ourselves.
 */
export async function exactChart(pin: ChartPin, opts: CacheOptions): Promise<CachedChart | undefined> {
  if (!PLAIN_NAME.test(pin.name) || !PLAIN_NAME.test(pin.version)) return undefined;
  const cached = await cachedChart(pin, opts);
  if (cached) return cached.origin === "stand-in" ? undefined : cached;
  const exact = (opts.mirror ? await mirrorFolders(opts.mirror) : []).find(
    (m) => m.name === pin.name && m.version === pin.version,
  );
  return exact
    ? store(pin, exact.dir, { name: pin.name, version: pin.version, origin: "mirror", from: exact.folder }, opts)
    : undefined;
}

interface MirrorFolder {
  folder: string;
  dir: string;
  name: string;
  version: string;
}

async function mirrorFolders(mirror: string): Promise<MirrorFolder[]> {
  const entries = await readdir(mirror, { withFileTypes: true }).catch(() => []);
  const out: MirrorFolder[] = [];
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const dir = join(mirror, e.name);
    const text = await readFile(join(dir, "Chart.yaml"), "utf8").catch(() => undefined);
    if (text === undefined) continue;
    const chart = parseDocument(text).toJS() as { name?: unknown; version?: unknown } | null;
    if (typeof chart?.name === "string" && chart.version !== undefined)
      out.push({ folder: e.name, dir, name: chart.name, version: String(chart.version) });
  }
  return out.sort((a, b) => (a.folder < b.folder ? -1 : 1));
}

/** Copies a chart directory into the cache (all or nothing), without dependencies it does not vendor. */
async function store(pin: ChartPin, from: string, record: ChartRecord, opts: CacheOptions): Promise<CachedChart> {
  const dir = join(opts.cache, key(pin));
  const staging = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(opts.cache, { recursive: true });
  try {
    await cp(from, staging, { recursive: true });
    const removed = await dropUnvendoredDependencies(staging);
    const full: ChartRecord = removed.length > 0 ? { ...record, removedDependencies: removed } : record;
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
    await writeFile(join(opts.cache, `${key(pin)}.json`), `${JSON.stringify(full, null, 2)}\n`);
    return { ...full, dir };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Helm refuses to template a chart whose Chart.yaml lists a dependency missing from charts/
 * (a source checkout, not a packaged chart). Each such dependency is removed from the copy and
 * returned with its condition, so the caller can refuse values that enable it.
 */
async function dropUnvendoredDependencies(dir: string): Promise<Array<{ name: string; condition?: string }>> {
  const path = join(dir, "Chart.yaml");
  const doc = parseDocument(await readFile(path, "utf8"));
  const deps = (doc.toJS() as { dependencies?: Array<{ name: string; condition?: string }> }).dependencies ?? [];
  const vendored = new Set(
    (await readdir(join(dir, "charts")).catch(() => [] as string[])).map((f) => f.replace(/-\d[^/]*\.tgz$/, "")),
  );
  const removed = deps.filter((d) => !vendored.has(d.name));
  if (removed.length === 0) return [];
  const kept = deps.filter((d) => vendored.has(d.name));
  if (kept.length === 0) doc.delete("dependencies");
  else doc.set("dependencies", kept);
  await writeFile(path, doc.toString());
  await rm(join(dir, "Chart.lock"), { force: true });
  return removed.map((d) => (d.condition ? { name: d.name, condition: d.condition } : { name: d.name }));
}

/** `helm pull` into the cache; undefined when the repository cannot be reached. */
async function pull(pin: ChartPin, helm: string, cache: string): Promise<CachedChart | undefined> {
  const staging = join(cache, `.pull-${key(pin)}-${process.pid}`);
  const args = pin.repository.startsWith("oci://")
    ? ["pull", `${pin.repository.replace(/\/+$/, "")}/${pin.name}`, "--version", pin.version]
    : ["pull", pin.name, "--repo", pin.repository, "--version", pin.version];
  try {
    await mkdir(staging, { recursive: true });
    await run(helm, [...args, "--untar", "--untardir", staging], { timeout: 60_000 });
    return await store(
      pin,
      join(staging, pin.name),
      { name: pin.name, version: pin.version, origin: "pulled", from: pin.repository },
      { cache },
    );
  } catch {
    return undefined;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
