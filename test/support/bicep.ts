// One Bicep compiler session per test file (started only on a compile-cache miss), plus the toolkit's templates, for
// tests that
// render and compile environments.
import { join } from "node:path";
import { afterAll, expect } from "vitest";
import { openCompiler, type BicepCompiler } from "../../src/adapters/bicep/session.js";
import { readToolkit } from "../../src/adapters/templates.js";
import { compileTree } from "../../src/app/compile-tree.js";
import type { CapacityPlan } from "../../src/capacity/plan.js";
import type { Environment } from "../../src/model/environment.js";
import { fluxKustomizations } from "../../src/render/bicep/flux-entry.js";
import { renderBicep } from "../../src/render/bicep/render.js";
import { createEngine } from "../../src/render/engine.js";
import type { RenderedTree } from "../../src/render/tree.js";
import { planCapacity } from "../../src/capacity/plan.js";

export const ROOT = join(import.meta.dirname, "../..");

/** Registers the session's hooks; call at the top of a test file. */
export async function bicepSession() {
  const toolkit = await readToolkit(ROOT);
  const engine = createEngine(toolkit.templates);
  // Started on the first compilation the compile cache cannot answer.
  let compiler: Promise<BicepCompiler> | undefined;
  afterAll(async () => {
    if (compiler) await (await compiler).close();
  });
  const compile = (env: Environment, plan: CapacityPlan) =>
    compileTree(
      renderBicep(env, plan, fluxKustomizations(env), engine, toolkit.bicepFiles),
      () => (compiler ??= openCompiler()),
    );
  const clean = new WeakMap<Environment, Promise<RenderedTree>>();
  return {
    /** Renders the environment's Bicep and compiles it with the session's compiler (or the compile cache). */
    compile,
    /** The environment's compiled tree at its own capacity plan, compiled once; fails on any Bicep diagnostic. */
    cleanTree(env: Environment): Promise<RenderedTree> {
      let tree = clean.get(env);
      if (!tree) {
        tree = compile(env, planCapacity(env)).then((result) => {
          expect(result.diagnostics).toEqual([]);
          return result.tree;
        });
        clean.set(env, tree);
      }
      return tree;
    },
  };
}
