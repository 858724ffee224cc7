// Compiling needs the files on disk: the rendered Bicep is written to a private temporary
// directory, compiled there with the caller's Bicep session, and the ARM JSON joins the tree.
// A compilation of the same files by the same Bicep CLI comes from the compile cache instead,
// and then the compiler is never started.
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { compileCacheFromEnv, compileKey, type CachedResult, type CompileCache } from "../adapters/bicep/cache.js";
import { bicepExecutable } from "../adapters/bicep/compile.js";
import type { BicepDiagnostic } from "../adapters/bicep/diagnostics.js";
import type { BicepCompiler } from "../adapters/bicep/session.js";
import { BICEP_DIR, BICEP_ENTRIES } from "../render/bicep/render.js";
import type { RenderedTree } from "../render/tree.js";

/** A compiler session, or a way to open one when the cache cannot answer (opened at most once). */
export type CompilerSource = BicepCompiler | (() => Promise<BicepCompiler>);

/** Compiles the tree's Bicep entries and adds their ARM JSON; warnings count as failures (zero-warning policy). */
export async function compileTree(
  tree: RenderedTree,
  compiler: CompilerSource,
  cache: CompileCache | undefined = compileCacheFromEnv(),
): Promise<{ tree: RenderedTree; diagnostics: BicepDiagnostic[] }> {
  const files = new Map([...tree].filter(([path]) => path.startsWith(`${BICEP_DIR}/`)));
  const entries = BICEP_ENTRIES.map((e) => `${BICEP_DIR}/${e}.bicep`);
  const key = cache
    ? await compileKey(files, entries, typeof compiler === "function" ? bicepExecutable() : compiler.executable)
    : "";
  let results = cache ? await cache.get(key) : undefined;
  if (!results) {
    results = await compileFiles(files, entries, typeof compiler === "function" ? await compiler() : compiler);
    await cache?.put(key, results);
  }
  const diagnostics = results.flatMap((r) => r.diagnostics);
  if (results.some((r) => !r.template) || diagnostics.some((d) => d.level !== "info")) return { tree, diagnostics };
  const compiled = new Map(tree);
  BICEP_ENTRIES.forEach((entry, i) =>
    compiled.set(`${BICEP_DIR}/${entry}.json`, `${JSON.stringify(results[i]!.template, null, 2)}\n`),
  );
  return { tree: compiled, diagnostics };
}

/** Diagnostics name files relative to the tree, so that they mean the same on a cache hit. */
async function compileFiles(
  files: ReadonlyMap<string, string>,
  entries: readonly string[],
  compiler: BicepCompiler,
): Promise<CachedResult[]> {
  const dir = await mkdtemp(join(tmpdir(), "codemie-gitops-compile-"));
  try {
    for (const [path, content] of files) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
    }
    const results = await compiler.compileAll(entries.map((e) => join(dir, e)));
    return results.map((r) => ({
      template: r.template,
      diagnostics: r.diagnostics.map((d) => ({
        ...d,
        file: d.file.startsWith(dir) ? d.file.slice(dir.length + 1) : d.file,
      })),
    }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
