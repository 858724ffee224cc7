// The content-addressed compile cache: a second compilation of the same files by the same
// Bicep CLI never starts the compiler and gives the same ARM JSON; any change to what the
// compiler sees misses; concurrent writers never leave a half entry; the size bound evicts the
// least recently used entries.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileCacheFromEnv, compileKey, openCompileCache } from "../../../src/adapters/bicep/cache.js";
import { openCompiler, type BicepCompiler } from "../../../src/adapters/bicep/session.js";
import { readToolkit } from "../../../src/adapters/templates.js";
import { compileTree } from "../../../src/app/compile-tree.js";
import { renderSources } from "../../../src/app/render-environment.js";
import type { RenderedTree } from "../../../src/render/tree.js";
import { ROOT } from "../../support/bicep.js";

const toolkit = await readToolkit(ROOT);
const rendered = (name: string): RenderedTree => {
  const tree = renderSources(
    `environments/${name}.yaml`,
    readFileSync(join(ROOT, "environments", `${name}.yaml`), "utf8"),
    toolkit,
  ).tree;
  if (!tree) throw new Error(`${name} did not render`);
  return tree;
};

let session: Promise<BicepCompiler> | undefined;
let opened = 0;
/** The test file's one real compiler, counting how often a compilation asked for it. */
const compiler = () => {
  opened++;
  return (session ??= openCompiler());
};
afterAll(async () => {
  if (session) await (await session).close();
});

const tempDir = (label: string) => mkdtempSync(join(tmpdir(), `cg-cache-${label}-`));

describe("the Bicep compile cache", () => {
  it(
    "answers a second compilation of the same files without starting the " + "compiler, with the same ARM JSON",
    async () => {
      const cache = openCompileCache(tempDir("hit"), 50 * 2 ** 20);
      const tree = rendered("dev");
      opened = 0;
      const first = await compileTree(tree, compiler, cache);
      expect(opened).toBe(1);
      expect(first.diagnostics.filter((d) => d.level !== "info")).toEqual([]);
      const second = await compileTree(new Map(tree), compiler, cache);
      expect(opened).toBe(1);
      expect(second.diagnostics).toEqual(first.diagnostics);
      expect([...second.tree]).toEqual([...first.tree]);
      expect(JSON.parse(second.tree.get("bicep/main.json")!).$schema).toMatch(/subscriptionDeploymentTemplate/);
    },
    300_000,
  );

  it("misses when any file the compiler sees changes, bicepconfig.json included, and caches failures too", async () => {
    const cache = openCompileCache(tempDir("miss"), 50 * 2 ** 20);
    const tree = rendered("dev");
    await compileTree(tree, compiler, cache);
    const changed = new Map(tree).set("bicep/bicepconfig.json", `${tree.get("bicep/bicepconfig.json")}\n`);
    const broken = new Map(tree).set("bicep/main.bicep", `${tree.get("bicep/main.bicep")}\nvar unused = 1\n`);
    opened = 0;
    await compileTree(changed, compiler, cache);
    expect(opened).toBe(1);
    const failed = await compileTree(broken, compiler, cache);
    expect(opened).toBe(2);
    expect(failed.diagnostics.map((d) => `${d.file} ${d.code}`)).toContain("bicep/main.bicep no-unused-vars");
    expect(failed.tree.has("bicep/main.json")).toBe(false);
    expect(await compileTree(broken, compiler, cache)).toEqual(failed);
    expect(opened).toBe(2);
  }, 300_000);

  it("keys on the Bicep CLI itself: another binary misses", async () => {
    const dir = tempDir("cli");
    const a = join(dir, "bicep-a");
    const b = join(dir, "bicep-b");
    writeFileSync(a, "one build");
    writeFileSync(b, "another build");
    chmodSync(a, 0o755);
    const files = new Map([["bicep/main.bicep", "targetScope = 'subscription'\n"]]);
    expect(await compileKey(files, ["bicep/main.bicep"], a)).toBe(
      await compileKey(new Map(files), ["bicep/main.bicep"], a),
    );
    expect(await compileKey(files, ["bicep/main.bicep"], a)).not.toBe(await compileKey(files, ["bicep/main.bicep"], b));
    expect(await compileKey(files, ["bicep/main.bicep"], a)).not.toBe(
      await compileKey(new Map([["bicep/main.bicep", "targetScope = 'resourceGroup'\n"]]), ["bicep/main.bicep"], a),
    );
  });

  it(
    "survives concurrent writers of the same and of different entries: every " +
      "read is whole, no temporary file is left",
    async () => {
      const dir = tempDir("concurrent");
      const caches = Array.from({ length: 8 }, () => openCompileCache(dir, 50 * 2 ** 20));
      const result = {
        template: { $schema: "https://schema.management.azure.com/x#", big: "x".repeat(200_000) },
        diagnostics: [],
      };
      await Promise.all(caches.flatMap((c, i) => [c.put("same", [result]), c.put(`own-${i}`, [result])]));
      const reads = await Promise.all(caches.map((c) => c.get("same")));
      for (const r of reads) expect(r).toEqual([result]);
      expect(readdirSync(dir).filter((n) => n.startsWith(".tmp-"))).toEqual([]);
      expect(readdirSync(dir).sort()).toEqual(["same.json", ...caches.map((_, i) => `own-${i}.json`)].sort());
    },
  );

  it("treats an unreadable or foreign entry as a miss", async () => {
    const dir = tempDir("corrupt");
    const cache = openCompileCache(dir, 2 ** 20);
    writeFileSync(join(dir, "k.json"), '{"format":1,"key":"k","results":[{"template":');
    expect(await cache.get("k")).toBeUndefined();
    writeFileSync(join(dir, "k.json"), JSON.stringify({ format: 1, key: "other", results: [] }));
    expect(await cache.get("k")).toBeUndefined();
  });

  it("evicts the least recently used entries past its size bound", async () => {
    const dir = tempDir("evict");
    const cache = openCompileCache(dir, 250_000);
    const entry = [
      {
        template: undefined,
        diagnostics: [
          { file: "f", line: 1, column: 1, level: "info" as const, code: "x", message: "y".repeat(100_000) },
        ],
      },
    ];
    await cache.put("a", entry);
    await cache.put("b", entry);
    const past = new Date(Date.now() - 60_000);
    utimesSync(join(dir, "a.json"), past, past);
    utimesSync(join(dir, "b.json"), new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
    expect(await cache.get("a")).toEqual(entry); // used now: b is the oldest
    await cache.put("c", entry);
    expect(readdirSync(dir).sort()).toEqual(["a.json", "c.json"]);
  });

  it("is configured by CODEMIE_BICEP_CACHE (a directory or off), under the user cache directory by default", () => {
    expect(compileCacheFromEnv({ CODEMIE_BICEP_CACHE: "off" })).toBeUndefined();
    expect(compileCacheFromEnv({ CODEMIE_BICEP_CACHE: "/tmp/x" })?.dir).toBe("/tmp/x");
    expect(compileCacheFromEnv({ XDG_CACHE_HOME: "/c" })?.dir).toBe("/c/codemie-gitops/bicep");
    expect(compileCacheFromEnv({ HOME: "/home/u" })?.dir).toBe("/home/u/.cache/codemie-gitops/bicep");
  });
});
