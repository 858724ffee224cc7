// Compiling needs the files on disk: the rendered Bicep is written to a private temporary
// directory, compiled there with the caller's Bicep session, and the ARM JSON joins the tree.
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { BicepDiagnostic } from "../adapters/bicep/diagnostics.js";
import type { BicepCompiler } from "../adapters/bicep/session.js";
import { BICEP_DIR, BICEP_ENTRIES } from "../render/bicep/render.js";
import type { RenderedTree } from "../render/tree.js";

/** Compiles the tree's Bicep entries and adds their ARM JSON; warnings count as failures (zero-warning policy). */
export async function compileTree(tree: RenderedTree, compiler: BicepCompiler): Promise<{ tree: RenderedTree; diagnostics: BicepDiagnostic[] }> {
  const dir = await mkdtemp(join(tmpdir(), "codemie-gitops-compile-"));
  try {
    for (const [path, content] of tree) {
      if (!path.startsWith(`${BICEP_DIR}/`)) continue;
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
    }
    const results = await compiler.compileAll(BICEP_ENTRIES.map((e) => join(dir, BICEP_DIR, `${e}.bicep`)));
    const diagnostics = results.flatMap((r) => r.diagnostics).map((d) => ({ ...d, file: d.file.startsWith(dir) ? d.file.slice(dir.length + 1) : d.file }));
    if (results.some((r) => !r.template) || diagnostics.some((d) => d.level !== "info")) return { tree, diagnostics };
    const compiled = new Map(tree);
    BICEP_ENTRIES.forEach((entry, i) => compiled.set(`${BICEP_DIR}/${entry}.json`, `${JSON.stringify(results[i]!.template, null, 2)}\n`));
    return { tree: compiled, diagnostics };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
