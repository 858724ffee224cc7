// Use case `render`: each environment's Bicep (with compiled ARM templates and a parameters
// file) and GitOps tree, written to its output directory all or nothing, or (check) compared with
// what is there. One Bicep compiler session serves every environment of the run, started on first
// use so an invalid environment costs no .NET start-up. Results stream out one per environment.
import { resolve } from "node:path";
import type { BicepDiagnostic } from "../adapters/bicep/diagnostics.js";
import type { BicepCompiler } from "../adapters/bicep/session.js";
import { assertOwnedOutput, compareTree, writeTreeAtomically, type TreeDifference } from "../adapters/output-tree.js";
import { hasErrors, type Diagnostic } from "../config/diagnostics.js";
import { environmentName } from "../config/load.js";
import type { RenderedTree } from "../render/tree.js";
import { compileTree } from "./compile-tree.js";
import type { EnvironmentFiles } from "./environment-files.js";
import { renderSources } from "./render-environment.js";
import type { Toolchain } from "./toolchain.js";

export interface RenderRequest {
  /** Environment names, or every environment file. */
  envs: readonly string[] | "all";
  /** Output directory: out/NAME by default; with "all", DIR/NAME. */
  out?: string;
  /** Compare instead of writing. */
  check: boolean;
}

/** Where rendered trees go: the directory is relative to the working directory. */
export interface OutputTrees {
  /** Refuses (throws) unless `dir` is absent, empty or an earlier output of this environment. */
  assertOwned(dir: string, environment: string): Promise<void>;
  write(dir: string, tree: RenderedTree, environment: string): Promise<void>;
  compare(dir: string, tree: RenderedTree): Promise<TreeDifference>;
}

export function outputTreesIn(root: string): OutputTrees {
  return {
    assertOwned: (dir, environment) => assertOwnedOutput(resolve(root, dir), dir, environment),
    write: (dir, tree, environment) => writeTreeAtomically(resolve(root, dir), tree, environment, dir),
    compare: (dir, tree) => compareTree(resolve(root, dir), tree),
  };
}

export interface RenderPorts {
  files: EnvironmentFiles;
  toolchain: Toolchain;
  output: OutputTrees;
}

interface RenderedBase {
  file: string;
  out: string;
  diagnostics: Diagnostic[];
  bicepDiagnostics: BicepDiagnostic[];
}

export type EnvironmentRender =
  | (RenderedBase & { status: "invalid" | "not-compiling" })
  | (RenderedBase & { status: "written"; files: number })
  | (RenderedBase & { status: "checked"; difference: TreeDifference });

/** False when the environment failed: invalid, not compiling, or stale under check. */
export function renderSucceeded(r: EnvironmentRender): boolean {
  if (r.status === "written") return true;
  if (r.status !== "checked") return false;
  const { missing, changed, extra } = r.difference;
  return missing.length + changed.length + extra.length === 0;
}

export async function* renderEnvironments(request: RenderRequest, ports: RenderPorts): AsyncGenerator<EnvironmentRender> {
  const paths = request.envs === "all" ? await ports.files.list() : request.envs.map((e) => ports.files.pathOf(e));
  const toolkit = await ports.toolchain.toolkit();
  let compiler: Promise<BicepCompiler> | undefined;
  try {
    for (const path of paths) {
      const name = environmentName(path);
      const out = request.out === undefined ? `out/${name}` : request.envs === "all" ? `${request.out}/${name}` : request.out;
      const { file, text } = await ports.files.read(path);
      const outcome = renderSources(file, text, toolkit);
      const base = { file, out, diagnostics: outcome.diagnostics, bicepDiagnostics: [] };
      if (!outcome.tree || hasErrors(outcome.diagnostics)) {
        yield { ...base, status: "invalid" };
        continue;
      }
      // Refused before compiling: the output directory must be the tool's own to replace.
      if (!request.check) await ports.output.assertOwned(out, name);
      const compiled = await compileTree(outcome.tree, await (compiler ??= ports.toolchain.openCompiler()));
      const rendered = { ...base, bicepDiagnostics: compiled.diagnostics };
      if (compiled.diagnostics.some((d) => d.level !== "info")) yield { ...rendered, status: "not-compiling" };
      else if (request.check) yield { ...rendered, status: "checked", difference: await ports.output.compare(out, compiled.tree) };
      else {
        await ports.output.write(out, compiled.tree, name);
        yield { ...rendered, status: "written", files: compiled.tree.size };
      }
    }
  } finally {
    if (compiler) await (await compiler).close();
  }
}
