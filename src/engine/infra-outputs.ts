// The bridge from the ARM deployment to the cluster: ConfigMap `codemie-infra-outputs` in
// flux-system, published with the GitOps tree, whose keys Flux substitutes into the manifests
// (postBuild.substituteFrom). Keys come from the GitOps contract; each maps to one output of
// main.bicep. Only plain identifiers and endpoints go in: never a secret.
import { parse } from "yaml";
import type { Environment } from "../model/environment.js";
import type { PoolExpectation } from "../render/bicep/expectations.js";
import { deployedPoolsAnnotation } from "./day2-published.js";
import { FLUX, substitutionVariables, VARIABLE_OUTPUTS } from "../render/gitops/contract.js";
import { outputsConfigMap } from "../render/gitops/outputs-configmap.js";
import { gitopsRoot } from "../render/gitops/render.js";
import type { RenderedTree } from "../render/tree.js";

export type DeployOutputs = Record<string, unknown>;

const sources = (env: Environment) =>
  substitutionVariables(env).map(({ name }) => ({
    name,
    output: VARIABLE_OUTPUTS[name].output,
    key: VARIABLE_OUTPUTS[name].key,
  }));

/** Outputs the ConfigMap needs that the compiled template does not declare: checked before deploying anything. */
export function missingOutputs(env: Environment, template: Record<string, unknown>): string[] {
  const declared = new Set(Object.keys((template.outputs ?? {}) as Record<string, unknown>));
  return [...new Set(sources(env).map((s) => s.output))].filter((o) => !declared.has(o)).sort();
}

/** GUIDs, host names and URLs only: nothing Flux's envsubst or YAML could misread. */
const PLAIN_VALUE = /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/;

/** The root kustomization.yaml of the tree lists this file, so Flux builds nothing before a deploy wrote it. */
export function infraOutputsPath(env: Environment): string {
  const root = gitopsRoot(env);
  return root ? `${root}/${FLUX.outputsFile}` : FLUX.outputsFile;
}

/** The ConfigMap's data; throws naming every variable the outputs cannot fill. */
export function infraOutputValues(env: Environment, outputs: DeployOutputs): Record<string, string> {
  const data: Record<string, string> = {};
  const problems: string[] = [];
  for (const { name, output, key } of sources(env)) {
    const value = key === undefined ? outputs[output] : (outputs[output] as Record<string, unknown> | undefined)?.[key];
    if (typeof value !== "string" || value === "") problems.push(`${name} (no value in the deployment outputs)`);
    else if (!PLAIN_VALUE.test(value))
      problems.push(`${name} (unexpected characters in ${JSON.stringify(value.slice(0, 80))})`);
    else data[name] = value;
  }
  if (problems.length > 0)
    throw new Error(`the deployment outputs do not fill ConfigMap ${FLUX.outputsConfigMap}: ${problems.join(", ")}`);
  return data;
}

/** `pools`: the node pools this deployment created, recorded for an offline plan's day-2 check. */
export function infraOutputsManifest(
  env: Environment,
  outputs: DeployOutputs,
  pools: readonly PoolExpectation[] = [],
): string {
  const data = infraOutputValues(env, outputs);
  const annotations = pools.length > 0 ? deployedPoolsAnnotation(pools) : {};
  const comments = [
    "# Outputs of the environment's ARM deployment, substituted by Flux into the manifests (postBuild.substituteFrom).",
  ];
  return outputsConfigMap(env, { comments, annotations, data });
}

/** Marks a ConfigMap `render` wrote without a deployment's outputs; the deploy engine refuses to publish one. */
export const PLACEHOLDER_ANNOTATION = "codemie-gitops.dev/placeholder";

/**
 * What `render` writes when no deployment produced outputs, so that every kustomization of the
 * rendered tree builds as it is: the same keys, with values that say what they are.
 */
export function placeholderOutputsManifest(env: Environment): string {
  const data = Object.fromEntries(sources(env).map(({ name }) => [name, `PLACEHOLDER-${name}`]));
  const header = [
    "# PLACEHOLDER written by `codemie-gitops render`: no deployment has produced these values.",
    "# A deploy writes the real ConfigMap from the ARM deployment's outputs; this file is never published.",
  ];
  return outputsConfigMap(env, { comments: header, annotations: { [PLACEHOLDER_ANNOTATION]: "true" }, data });
}

/** Whether a ConfigMap text is (or may be) a placeholder: its marker anywhere is enough to refuse it. */
export function isPlaceholderOutputs(text: string): boolean {
  return text.includes(PLACEHOLDER_ANNOTATION);
}

/** The rendered tree as `render` writes it: with placeholder outputs where a deploy would write real ones. */
export function withPlaceholderOutputs(env: Environment, tree: RenderedTree): RenderedTree {
  const path = infraOutputsPath(env);
  return tree.has(path) ? tree : new Map([...tree, [path, placeholderOutputsManifest(env)]]);
}

/**
 * Variables the environment's tree needs that a published ConfigMap (infra-outputs.yaml as an
 * earlier deploy wrote it) does not fill, e.g. after enabling the LLM proxy: publishing it again
 * without deploying would leave Flux unable to substitute them.
 */
export function unfilledVariables(env: Environment, published: string): string[] {
  let data: unknown;
  try {
    data = (parse(published) as { data?: unknown } | null)?.data;
  } catch {
    data = undefined;
  }
  const values = (typeof data === "object" && data !== null ? data : {}) as Record<string, unknown>;
  return sources(env)
    .map((s) => s.name)
    .filter((name) => typeof values[name] !== "string" || values[name] === "");
}
