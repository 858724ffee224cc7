// `codemie-gitops render (--env NAME | --all) [--out DIR] [--check]`: writes each
// environment's Bicep (with compiled ARM templates and a parameters file) and GitOps tree to
// DIR (default out/<env>), all or nothing; with --check, compares instead and lists stale
// files. One Bicep compiler process serves every environment of the run.
import { openCompiler, type BicepCompiler } from "../adapters/bicep/session.js";
import { environmentPath, listEnvironmentFiles, readEnvironmentFile } from "../adapters/environment-files.js";
import { compareTree, writeTreeAtomically } from "../adapters/output-tree.js";
import { readToolkit } from "../adapters/templates.js";
import { compileTree } from "../app/compile-tree.js";
import { renderSources, type Toolkit } from "../app/render-environment.js";
import { environmentName } from "../config/load.js";
import { formatDiagnostic, hasErrors } from "../config/diagnostics.js";
import { withPlaceholderOutputs } from "../engine/infra-outputs.js";
import type { Io } from "./io.js";

export interface RenderOptions {
  envs: string[] | "all";
  out?: string;
  check: boolean;
}

export async function renderCommand(opts: RenderOptions, io: Io): Promise<number> {
  const paths = opts.envs === "all" ? await listEnvironmentFiles(io.cwd) : opts.envs.map((e) => environmentPath(io.cwd, e));
  const toolkit = await readToolkit();
  // Started on first use, so an invalid environment costs no .NET start-up.
  let compiler: Promise<BicepCompiler> | undefined;
  const session = () => (compiler ??= openCompiler());
  try {
    let failed = false;
    for (const path of paths) {
      const name = environmentName(path);
      const out = opts.out === undefined ? `out/${name}` : opts.envs === "all" ? `${opts.out}/${name}` : opts.out;
      failed = (await renderOne(path, out, opts.check, toolkit, session, io)) || failed;
    }
    return failed ? 1 : 0;
  } finally {
    if (compiler) await (await compiler).close();
  }
}

/** Returns true when the environment failed (invalid, not compiling, or stale under --check). */
async function renderOne(path: string, out: string, check: boolean, toolkit: Toolkit, compiler: () => Promise<BicepCompiler>, io: Io): Promise<boolean> {
  const { file, text } = await readEnvironmentFile(path, io.cwd);
  const outcome = renderSources(file, text, toolkit);
  for (const d of outcome.diagnostics) io.err(formatDiagnostic(d));
  if (!outcome.tree || hasErrors(outcome.diagnostics)) return true;
  const compiled = await compileTree(outcome.tree, compiler);
  for (const d of compiled.diagnostics) io.err(`${out}/${d.file}:${d.line}:${d.column}: ${d.level}: ${d.code} ${d.message}`);
  if (compiled.diagnostics.some((d) => d.level !== "info")) {
    io.err(`codemie-gitops: the Bicep rendered from ${file} does not compile cleanly; nothing was written to ${out}`);
    return true;
  }
  const outDir = io.resolve(out);
  // Placeholder deploy outputs, so that every kustomization of the written tree builds as it is.
  const tree = withPlaceholderOutputs(outcome.env!, compiled.tree);
  if (!check) {
    await writeTreeAtomically(outDir, tree);
    io.out(`${file}: rendered ${tree.size} files to ${out}`);
    return false;
  }
  const diff = await compareTree(outDir, tree);
  const stale = [...diff.missing.map((p) => `missing ${p}`), ...diff.changed.map((p) => `changed ${p}`), ...diff.extra.map((p) => `extra ${p}`)];
  for (const line of stale) io.err(`${out}: ${line}`);
  io.out(stale.length === 0 ? `${out}: up to date with ${file}` : `${out}: ${stale.length} file(s) differ from ${file}; run codemie-gitops render --env ${environmentName(file)}`);
  return stale.length > 0;
}
