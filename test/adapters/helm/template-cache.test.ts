// The content-addressed `helm template` cache, with the real Helm and a real chart from the mirror:
// a hit gives byte for byte what a fresh render prints; a changed value, a changed chart file at
// the same version and another Helm binary each miss; a corrupt or truncated entry is ignored
// and rewritten; concurrent writers leave a valid entry; the bound evicts; "off" turns it off.
import { copyFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { locateHelm } from "../../../src/adapters/helm/locate.js";
import { helmTemplate, type TemplateOptions } from "../../../src/adapters/helm/template.js";
import {
  openTemplateCache,
  templateCacheFromEnv,
  type TemplateCache,
} from "../../../src/adapters/helm/template-cache.js";
import type { ReleaseInput } from "../../../src/kubernetes/helm-release.js";
import { mirror, ROOT } from "../../charts/support.js";

const tempDir = (label: string) => mkdtempSync(join(tmpdir(), `cg-helm-cache-${label}-`));
const helm = (await locateHelm(ROOT)).path;

/** A private copy of a mirrored chart, so a test can change its files. */
function chartCopy(): string {
  const dir = join(tempDir("chart"), "fluent-bit");
  cpSync(join(mirror(), "fluent-bit-0.48.3"), dir, { recursive: true });
  return dir;
}

const release = (values: Record<string, unknown> = {}): ReleaseInput => ({
  name: "fluent-bit",
  namespace: "flux-system",
  releaseName: "fluent-bit",
  targetNamespace: "logging",
  chart: { name: "fluent-bit", version: "0.48.3", repository: "https://fluent.github.io/helm-charts" },
  values: { kind: "Deployment", replicaCount: 2, ...values },
  includeCrds: true,
  postRenderers: [],
});

/** A cache that records what it answered and what it was given. */
function recording(inner: TemplateCache) {
  const hits: string[] = [];
  const puts: string[] = [];
  const cache: TemplateCache = {
    dir: inner.dir,
    get: async (key) => {
      const text = await inner.get(key);
      if (text !== undefined) hits.push(text);
      return text;
    },
    put: async (key, text) => {
      puts.push(text);
      await inner.put(key, text);
    },
  };
  return { cache, hits, puts };
}

const entries = (dir: string) => readdirSync(dir).filter((n) => n.endsWith(".json"));
const opts = (chartDir: string, cache: TemplateCache | undefined, path = helm): TemplateOptions => ({
  helm: path,
  chartDir,
  kubeVersion: "1.34",
  apiVersions: ["monitoring.coreos.com/v1"],
  cache,
});

describe("the helm template cache", () => {
  it("answers a second template of the same chart and values with what a fresh render printed", async () => {
    const chart = chartCopy();
    const r = recording(openTemplateCache(tempDir("hit"), 50 * 2 ** 20));
    const first = await helmTemplate(release(), opts(chart, r.cache));
    expect(r.hits).toEqual([]);
    expect(r.puts).toHaveLength(1);
    expect(first.some((o) => o.kind === "Deployment")).toBe(true);
    // The same chart in another directory (each test file has its own chart cache) is the same key.
    const second = await helmTemplate(release(), opts(chartCopy(), r.cache));
    expect(r.hits).toHaveLength(1);
    expect(r.hits[0]).toBe(r.puts[0]);
    expect(second).toEqual(first);
    // Byte for byte what Helm prints with no cache at all.
    const fresh = recording(openTemplateCache(tempDir("fresh"), 50 * 2 ** 20));
    await helmTemplate(release(), opts(chart, fresh.cache));
    expect(fresh.puts[0]).toBe(r.hits[0]);
    expect(entries(r.cache.dir)).toHaveLength(1);
  });

  it("misses on a changed value, a changed chart file at the same version and another Helm binary", async () => {
    const chart = chartCopy();
    const dir = tempDir("miss");
    const r = recording(openTemplateCache(dir, 50 * 2 ** 20));
    await helmTemplate(release(), opts(chart, r.cache));
    await helmTemplate(release({ replicaCount: 3 }), opts(chart, r.cache));
    expect(r.hits).toEqual([]);
    expect(r.puts[1]).toMatch(/replicas: 3/);
    // A template edited without a version bump.
    const deployment = join(chart, "templates", "deployment.yaml");
    writeFileSync(deployment, readFileSync(deployment, "utf8") + "\n---\n# edited: same version\n");
    await helmTemplate(release(), opts(chart, r.cache));
    expect(r.hits).toEqual([]);
    expect(r.puts[2]).toContain("# edited: same version");
    // The same Helm copied elsewhere is another binary as far as the key can tell.
    const other = join(tempDir("bin"), "helm");
    copyFileSync(helm, other);
    await helmTemplate(release(), opts(chart, r.cache, other));
    expect(r.hits).toEqual([]);
    expect(entries(dir)).toHaveLength(4);
    // Each unchanged call now hits (the edited chart with either binary).
    await helmTemplate(release(), opts(chart, r.cache));
    await helmTemplate(release(), opts(chart, r.cache, other));
    expect(r.hits).toHaveLength(2);
  });

  it("ignores a corrupt or truncated entry and writes it again", async () => {
    const chart = chartCopy();
    const dir = tempDir("corrupt");
    const r = recording(openTemplateCache(dir, 50 * 2 ** 20));
    const first = await helmTemplate(release(), opts(chart, r.cache));
    const [name] = entries(dir);
    const file = join(dir, name!);
    const whole = readFileSync(file, "utf8");
    for (const broken of [whole.slice(0, whole.length / 2), JSON.stringify({ format: 1, key: "other", text: "x" })]) {
      writeFileSync(file, broken);
      expect(await helmTemplate(release(), opts(chart, r.cache))).toEqual(first);
      expect(readFileSync(file, "utf8")).toBe(whole);
    }
    expect(r.hits).toEqual([]);
  });

  it("leaves one valid entry when writers race, and no temporary files", async () => {
    const chart = chartCopy();
    const dir = tempDir("race");
    const cache = openTemplateCache(dir, 50 * 2 ** 20);
    const results = await Promise.all(Array.from({ length: 6 }, () => helmTemplate(release(), opts(chart, cache))));
    for (const r of results) expect(r).toEqual(results[0]);
    expect(readdirSync(dir)).toHaveLength(1);
    const entry = JSON.parse(readFileSync(join(dir, entries(dir)[0]!), "utf8")) as { text: string };
    expect(entry.text).toMatch(/kind: Deployment/);
  });

  it("evicts the least recently used entries past its bound", async () => {
    const dir = tempDir("evict");
    const cache = openTemplateCache(dir, 3000);
    await cache.put("a", "x".repeat(1000));
    await new Promise((r) => setTimeout(r, 20));
    await cache.put("b", "y".repeat(1000));
    await new Promise((r) => setTimeout(r, 20));
    expect(await cache.get("a")).toBe("x".repeat(1000)); // touched: now newer than b
    await new Promise((r) => setTimeout(r, 20));
    await cache.put("c", "z".repeat(1000));
    expect(entries(dir).sort()).toEqual(["a.json", "c.json"]);
    expect(await cache.get("b")).toBeUndefined();
  });

  it("is configured by CODEMIE_HELM_CACHE (a directory or off), in the user cache directory by default", async () => {
    expect(templateCacheFromEnv({ CODEMIE_HELM_CACHE: "off" })).toBeUndefined();
    expect(templateCacheFromEnv({ CODEMIE_HELM_CACHE: "/tmp/x" })?.dir).toBe("/tmp/x");
    expect(templateCacheFromEnv({ XDG_CACHE_HOME: "/c" })?.dir).toBe("/c/codemie-gitops/helm");
    expect(templateCacheFromEnv({ HOME: "/home/u" })?.dir).toBe("/home/u/.cache/codemie-gitops/helm");
    // Left to the environment, "off" writes nothing and a directory is used.
    const dir = tempDir("env");
    const saved = process.env.CODEMIE_HELM_CACHE;
    const chart = chartCopy();
    const byEnv = { helm, chartDir: chart, kubeVersion: "1.34", apiVersions: [] };
    try {
      process.env.CODEMIE_HELM_CACHE = "off";
      await helmTemplate(release(), byEnv);
      process.env.CODEMIE_HELM_CACHE = dir;
      expect(readdirSync(dir)).toEqual([]);
      await helmTemplate(release(), byEnv);
      expect(entries(dir)).toHaveLength(1);
    } finally {
      if (saved === undefined) delete process.env.CODEMIE_HELM_CACHE;
      else process.env.CODEMIE_HELM_CACHE = saved;
    }
  });
});
