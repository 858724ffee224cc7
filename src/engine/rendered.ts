// Reads what a run needs out of the compiled tree: the two ARM deployment requests and the files
// that go to the GitOps branch (everything except the Bicep).
import type { Environment } from "../model/environment.js";
import { BICEP_DIR } from "../render/bicep/render.js";
import type { RenderedTree } from "../render/tree.js";
import type { DeploymentRequest } from "./ports.js";

function json(tree: RenderedTree, path: string): Record<string, unknown> {
  const text = tree.get(path);
  if (text === undefined) throw new Error(`the rendered tree has no ${path}; was it compiled?`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** Bootstrap (resource group, Log Analytics, Key Vault) first, then main with its Key Vault parameter reference. */
export function deploymentRequests(
  env: Environment,
  tree: RenderedTree,
): { bootstrap: DeploymentRequest; main: DeploymentRequest } {
  const location = env.azure.location;
  const parameters = (json(tree, `${BICEP_DIR}/main.parameters.json`).parameters ??
    {}) as DeploymentRequest["parameters"];
  return {
    bootstrap: { location, template: json(tree, `${BICEP_DIR}/bootstrap.json`), parameters: {} },
    main: { location, template: json(tree, `${BICEP_DIR}/main.json`), parameters },
  };
}

export function gitopsFiles(tree: RenderedTree): Map<string, string> {
  return new Map([...tree].filter(([path]) => !path.startsWith(`${BICEP_DIR}/`)));
}
