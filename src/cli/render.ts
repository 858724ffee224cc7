// `codemie-gitops render (--env NAME | --all) [--out DIR] [--check]`: writes each
// environment's Bicep (with compiled ARM templates and a parameters file) and GitOps tree to
// DIR (default out/<env>), all or nothing; with --check, compares instead and lists stale
// files. One Bicep compiler process serves every environment of the run.
import { openCompiler, type BicepCompiler } from "../adapters/bicep/session.js";
import { environmentPath, listEnvironmentFiles, readEnvironmentFile } from "../adapters/environment-files.js";
import { compareTree, writeTreeAtomically } from "../adapters/output-tree.js";
import { packageRoot, readToolkit } from "../adapters/templates.js";
import { kubernetesTree } from "../app/render-kubernetes.js";
import { verifyKubernetes } from "../app/verify-kubernetes.js";
import { compileTree } from "../app/compile-tree.js";
import { renderSources, type Toolkit } from "../app/render-environment.js";
import { environmentName } from "../config/load.js";
import { formatDiagnostic, hasErrors } from "../config/diagnostics.js";
import type { Io } from "./io.js";

export interface RenderOptions {
  envs: string[] | "all";
  out?: string;
  check: boolean;
  /** Also render every HelmRelease through Helm, check it, and write the objects here. */
  kubernetes?: string;
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
      const kubernetes = opts.kubernetes === undefined ? undefined : opts.envs === "all" ? `${opts.kubernetes}/${name}` : opts.kubernetes;
      failed = (await renderOne(path, out, opts.check, toolkit, session, io, kubernetes)) || failed;
    }
    return failed ? 1 : 0;
  } finally {
    if (compiler) await (await compiler).close();
  }
}

/** Returns true when the environment failed (invalid, not compiling, or stale under --check). */
async function renderOne(path: string, out: string, check: boolean, toolkit: Toolkit, compiler: () => Promise<BicepCompiler>, io: Io, kubernetes?: string): Promise<boolean> {
  const { file, text } = await readEnvironmentFile(path, io.cwd);
  const outcome = renderSources(file, text, toolkit);
  for (const d of outcome.diagnostics) io.err(formatDiagnostic(d));
  if (!outcome.tree || hasErrors(outcome.diagnostics)) return true;
  const compiled = await compileTree(outcome.tree, await compiler());
  for (const d of compiled.diagnostics) io.err(`${out}/${d.file}:${d.line}:${d.column}: ${d.level}: ${d.code} ${d.message}`);
  if (compiled.diagnostics.some((d) => d.level !== "info")) {
    io.err(`codemie-gitops: the Bicep rendered from ${file} does not compile cleanly; nothing was written to ${out}`);
    return true;
  }
  if (kubernetes !== undefined && outcome.env && outcome.plan) {
    const verified = await verifyKubernetes(outcome.env, outcome.plan, outcome.tree, outcome.locate ?? (() => undefined), { repoRoot: packageRoot() });
    for (const d of verified.diagnostics) io.err(formatDiagnostic(d));
    if (hasErrors(verified.diagnostics)) {
      io.err(`codemie-gitops: the charts render objects from ${file} that fail the checks above; nothing was written`);
      return true;
    }
    await writeTreeAtomically(io.resolve(kubernetes), kubernetesTree(verified.render));
    io.out(`${file}: rendered ${verified.render.releases.length} Helm releases to ${kubernetes} (for inspection, never published)`);
  }
  const outDir = io.resolve(out);
  if (!check) {
    await writeTreeAtomically(outDir, compiled.tree);
    io.out(`${file}: rendered ${compiled.tree.size} files to ${out}`);
    return false;
  }
  const diff = await compareTree(outDir, compiled.tree);
  const stale = [...diff.missing.map((p) => `missing ${p}`), ...diff.changed.map((p) => `changed ${p}`), ...diff.extra.map((p) => `extra ${p}`)];
  for (const line of stale) io.err(`${out}: ${line}`);
  io.out(stale.length === 0 ? `${out}: up to date with ${file}` : `${out}: ${stale.length} file(s) differ from ${file}; run codemie-gitops render --env ${environmentName(file)}`);
  return stale.length > 0;
}
