// Use case `render`: each environment's Bicep (with compiled ARM templates and a parameters
// file) and GitOps tree, written to its output directory all or nothing, or (check) compared with
// what is there. One Bicep compiler session serves every environment of the run, started on first
// use so an invalid environment costs no .NET start-up. Results stream out one per environment.
import { resolve } from "node:path";
import type { BicepDiagnostic } from "../adapters/bicep/diagnostics.js";
import type { BicepCompiler } from "../adapters/bicep/session.js";
import { assertOwnedOutput, compareTree, writeTreeAtomically, type TreeDifference } from "../adapters/output-tree.js";
import { hasErrors, type Diagnostic } from "../config/diagnostics.js";
import { environmentName } from "../config/environment-name.js";
import { withPlaceholderOutputs } from "../engine/infra-outputs.js";
import type { RenderedTree } from "../render/tree.js";
import { packageRoot } from "../adapters/templates.js";
import { compileTree } from "./compile-tree.js";
import { kubernetesTree } from "./render-kubernetes.js";
import { verifyKubernetes } from "./verify-kubernetes.js";
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
  /**
   * Also template every HelmRelease with the real Helm, check the objects, and write them here (DIR/NAME with "all").
   */
  kubernetes?: string;
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
  /** With `kubernetes`: where the objects went and how many releases were rendered. */
  kubernetes?: { dir: string; releases: number };
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

export async function* renderEnvironments(
  request: RenderRequest,
  ports: RenderPorts,
): AsyncGenerator<EnvironmentRender> {
  const paths = request.envs === "all" ? await ports.files.list() : request.envs.map((e) => ports.files.pathOf(e));
  const toolkit = await ports.toolchain.toolkit();
  let compiler: Promise<BicepCompiler> | undefined;
  let ended = false;
  // A compilation started ahead of a run that has ended must not open a compiler nobody closes.
  const openCompiler = () =>
    ended ? Promise.reject(new Error("the render has ended")) : (compiler ??= ports.toolchain.openCompiler());
  /** Renders one environment and starts its compilation (the compiler is started only when the cache cannot answer). */
  const prepare = async (path: string) => {
    const name = environmentName(path);
    const out =
      request.out === undefined ? `out/${name}` : request.envs === "all" ? `${request.out}/${name}` : request.out;
    const { file, text } = await ports.files.read(path);
    const outcome = renderSources(file, text, toolkit);
    const base = { file, out, diagnostics: outcome.diagnostics, bicepDiagnostics: [] };
    if (!outcome.tree || hasErrors(outcome.diagnostics)) return { name, out, outcome, base };
    // Refused before compiling: the output directory must be the tool's own to replace.
    if (!request.check) await ports.output.assertOwned(out, name);
    const compiling = compileTree(outcome.tree, openCompiler);
    return { name, out, outcome, base, compiling };
  };
  // The next environment is rendered, and its compilation sent to the compiler, while this one
  // compiles, so the compiler's start-up and the renders overlap; results still come in order.
  const ahead = (i: number) => {
    const path = paths[i];
    if (path === undefined) return undefined;
    const prepared = prepare(path);
    prepared.then(
      (p) => p.compiling?.catch(() => undefined),
      () => undefined,
    ); // awaited in turn below
    return prepared;
  };
  try {
    let next = ahead(0);
    for (let i = 0; next !== undefined; i++) {
      const { name, out, outcome, base, compiling } = await next;
      next = ahead(i + 1);
      if (!outcome.tree || compiling === undefined) {
        yield { ...base, status: "invalid" };
        continue;
      }
      const compiled = await compiling;
      let rendered: RenderedBase = { ...base, bicepDiagnostics: compiled.diagnostics };
      if (
        request.kubernetes !== undefined &&
        outcome.env &&
        outcome.plan &&
        !compiled.diagnostics.some((d) => d.level !== "info")
      ) {
        const dir = request.envs === "all" ? `${request.kubernetes}/${name}` : request.kubernetes;
        const verified = await verifyKubernetes(
          outcome.env,
          outcome.plan,
          outcome.tree,
          outcome.locate ?? (() => undefined),
          { repoRoot: packageRoot() },
        );
        rendered = { ...rendered, diagnostics: [...rendered.diagnostics, ...verified.diagnostics] };
        if (hasErrors(verified.diagnostics)) {
          yield { ...rendered, status: "invalid" };
          continue;
        }
        if (!request.check) {
          await ports.output.assertOwned(dir, name);
          await ports.output.write(dir, kubernetesTree(verified.render), name);
          rendered.kubernetes = { dir, releases: verified.render.releases.length };
        }
      }
      // Placeholder deploy outputs, so that every kustomization of the written tree builds as it is.
      const tree = outcome.env ? withPlaceholderOutputs(outcome.env, compiled.tree) : compiled.tree;
      if (compiled.diagnostics.some((d) => d.level !== "info")) yield { ...rendered, status: "not-compiling" };
      else if (request.check)
        yield { ...rendered, status: "checked", difference: await ports.output.compare(out, tree) };
      else {
        await ports.output.write(out, tree, name);
        yield { ...rendered, status: "written", files: tree.size };
      }
    }
  } finally {
    ended = true;
    if (compiler) await (await compiler).close();
  }
}
