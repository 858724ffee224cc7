// The render pipeline shared by the CLI and the actions: load and plan → render (then
// compile-tree.ts compiles). Nothing is written where the user looks until the caller decides.
import type { BicepDiagnostic } from "../adapters/bicep/diagnostics.js";
import type { CapacityPlan, Locate } from "../capacity/plan.js";
import type { Diagnostic } from "../config/diagnostics.js";
import { hasErrors } from "../config/diagnostics.js";
import { loadEnvironment } from "./load.js";
import type { YamlSource } from "../config/yaml-source.js";
import type { Environment } from "../model/environment.js";
import { renderBicep } from "../render/bicep/render.js";
import type { RenderTemplate, TemplateSources } from "../render/template-runtime.js";
import { templateEngine, type TemplateSet } from "../render/template-engine.js";
import { fluxKustomizations } from "../render/bicep/flux-entry.js";
import { renderGitops } from "../render/gitops/render.js";
import { checkEnvironmentFlux } from "../render/gitops/flux-model/environment.js";
import type { RenderedTree } from "../render/tree.js";

export interface Toolkit {
  /**
   * Handlebars templates (bicep/templates, helm-values) keyed by path from the package root: their
   * sources, or in the bundles the templates the build precompiled.
   */
  templates: TemplateSet;
  /** Static Bicep modules and bicepconfig.json, keyed by path from the package root. */
  bicepFiles: TemplateSources;
}

export interface RenderOutcome {
  env?: Environment;
  plan?: CapacityPlan;
  tree?: RenderedTree;
  /** The parsed file with its source map (positions of fields, for the preflight). */
  source?: YamlSource;
  /** Environment diagnostics (validation and capacity). */
  diagnostics: Diagnostic[];
  /** Compiler and linter findings on the rendered Bicep; any entry fails the render. */
  bicepDiagnostics: BicepDiagnostic[];
  /** Position of a field in the environment file (for checks made after rendering). */
  locate?: Locate;
}

export function renderSources(file: string, text: string, toolkit: Toolkit): RenderOutcome {
  // The loader plans capacity once; planning again here printed every capacity warning twice.
  const { env, capacity: plan, diagnostics, source } = loadEnvironment(file, text);
  if (!env || !plan || hasErrors(diagnostics)) return { diagnostics, bicepDiagnostics: [] };
  const render = engineFor(toolkit.templates);
  const tree: RenderedTree = new Map([
    ...renderBicep(env, plan, fluxKustomizations(env), render, toolkit.bicepFiles),
    ...renderGitops(env, render),
  ]);
  // A tree the AKS Flux extension would refuse is a failed render, not a deploy that times out.
  // Positioned only when there is something to report (the first position costs a full parse).
  const at = () => source?.locate(["gitops"], "key") ?? { line: 1, column: 1 };
  const flux = checkEnvironmentFlux(env, tree).map(
    (v): Diagnostic => ({
      file: env.file,
      ...at(),
      severity: "error",
      path: "gitops",
      message: `Flux would not reconcile the rendered tree: ${v.object}: ${v.message} [${v.rule}]`,
    }),
  );
  const located = source ? { source, locate: (path: readonly (string | number)[]) => source.locate(path) } : {};
  if (flux.length > 0) return { env, plan, diagnostics: [...diagnostics, ...flux], bicepDiagnostics: [], ...located };
  return { env, plan, tree, diagnostics, bicepDiagnostics: [], ...located };
}

// Handlebars compiles a template source on its first use; one engine per template set keeps that
// cost to the first environment of a run instead of every environment.
const engines = new WeakMap<TemplateSet, RenderTemplate>();

function engineFor(templates: TemplateSet): RenderTemplate {
  let engine = engines.get(templates);
  if (!engine) engines.set(templates, (engine = templateEngine(templates)));
  return engine;
}
