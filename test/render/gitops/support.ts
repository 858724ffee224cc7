// Shared fixtures of the GitOps tests: every shipped environment loaded, the helm-values
// templates read once, rendering, and helpers that read the rendered tree back.
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import yaml from "js-yaml";
import { readTemplates } from "../../../src/adapters/templates.js";
import { loadEnvironment } from "../../../src/app/load.js";
import type { Environment } from "../../../src/model/environment.js";
import { createEngine, type TemplateSources } from "../../../src/render/engine.js";
import { FLUX, substitutionVariables } from "../../../src/render/gitops/contract.js";
import { fluxSubstitute } from "../../../src/render/gitops/flux.js";
import { gitopsRoot, renderGitops } from "../../../src/render/gitops/render.js";
import type { RenderedTree } from "../../../src/render/tree.js";

export const ROOT = join(import.meta.dirname, "../../..");

export const ENV_NAMES: string[] = readdirSync(join(ROOT, "environments"))
  .filter((f) => f.endsWith(".yaml"))
  .map((f) => f.replace(/\.yaml$/, ""))
  .sort();

export function loadEnv(name: string): Environment {
  const file = `environments/${name}.yaml`;
  const { env, diagnostics } = loadEnvironment(file, readFileSync(join(ROOT, file), "utf8"));
  if (!env) throw new Error(`${file} does not load: ${JSON.stringify(diagnostics)}`);
  return env;
}

let templates: Promise<TemplateSources> | undefined;
export function helmTemplates(): Promise<TemplateSources> {
  templates ??= readTemplates(["helm-values"], ROOT);
  return templates;
}

export async function render(env: Environment): Promise<RenderedTree> {
  return renderGitops(env, createEngine(await helmTemplates()));
}

/** Stand-in deploy outputs: one recognisable, non-secret value per substitution variable. */
export function dummyOutputs(env: Environment): Record<string, string> {
  return Object.fromEntries(
    substitutionVariables(env).map((v) => [v.name, `dummy-${v.name.toLowerCase().replace(/_/g, "-")}`]),
  );
}

/** The ConfigMap the deploy step writes beside the tree (FLUX.outputsFile). */
export function outputsManifest(env: Environment): string {
  return yaml.dump({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: FLUX.outputsConfigMap,
      namespace: FLUX.namespace,
      labels: { [FLUX.watchLabel.key]: FLUX.watchLabel.value },
    },
    data: dummyOutputs(env),
  });
}

/** Writes the tree (plus the deploy step's outputs file) under dir. */
export async function writeTree(dir: string, env: Environment, tree: RenderedTree): Promise<void> {
  const files: Array<[string, string]> = [...tree, [join(gitopsRoot(env), FLUX.outputsFile), outputsManifest(env)]];
  for (const [path, content] of files) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}

/** What Flux applies: the text after post-build substitution with the stand-in outputs. */
export function substituted(env: Environment, text: string): string {
  return fluxSubstitute(text, dummyOutputs(env));
}

export type Doc = Record<string, unknown>;

export function docs(text: string): Doc[] {
  return yaml.loadAll(text).filter((d): d is Doc => d !== null && typeof d === "object");
}

/** A value at a dotted path ("a.b.c"), or undefined. */
export function at(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** The rendered file at a path relative to the environment's GitOps root. */
export function file(tree: RenderedTree, env: Environment, path: string): string {
  const content = tree.get(`${gitopsRoot(env)}/${path}`);
  if (content === undefined) throw new Error(`no rendered file ${path}`);
  return content;
}

/** Parsed Helm values of a release (after Flux substitution). */
export function valuesOf(tree: RenderedTree, env: Environment, layer: string, release: string): Doc {
  return yaml.load(substituted(env, file(tree, env, `${layer}/${release}/values.yaml`))) as Doc;
}
