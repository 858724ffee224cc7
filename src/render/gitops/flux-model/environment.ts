// The Flux model applied to an environment's rendered tree: its fluxConfiguration as
// bicep/modules/flux.bicep creates it (root kustomization with wait on), the controller flags
// its multi-tenancy setting gives, and a stand-in for the outputs ConfigMap the deploy step
// writes beside the tree (same name, namespace, label and keys; values do not matter here).
import type { Environment } from "../../../model/environment.js";
import { fluxKustomizations } from "../../bicep/flux-entry.js";
import type { RenderedTree } from "../../tree.js";
import { FLUX, substitutionVariables } from "../contract.js";
import { outputsConfigMap } from "../outputs-configmap.js";
import { gitopsRoot } from "../render.js";
import { checkFluxTree, extensionFlags, type FluxViolation } from "./check.js";

export function checkEnvironmentFlux(env: Environment, tree: RenderedTree): FluxViolation[] {
  const files = new Map(tree);
  const root = gitopsRoot(env);
  const outputs = root ? `${root}/${FLUX.outputsFile}` : FLUX.outputsFile;
  if (!files.has(outputs)) files.set(outputs, standInOutputs(env));
  const config = {
    name: FLUX.sourceName,
    namespace: FLUX.namespace,
    kustomizations: fluxKustomizations(env).map((k) => ({ ...k, wait: true })),
  };
  return checkFluxTree(files, config, extensionFlags(env.gitops.multiTenancy.enforce, FLUX.applierServiceAccount));
}

function standInOutputs(env: Environment): string {
  return outputsConfigMap(env, {
    data: Object.fromEntries(substitutionVariables(env).map((v) => [v.name, "stand-in"])),
  });
}
