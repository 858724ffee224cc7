// The kustomizations of the environment's fluxConfigurations resource. There is one, "root",
// applying clusters/<env>/ of the GitOps branch; the layers (infrastructure → secrets → data →
// security → applications → observability) are Flux Kustomizations inside that tree, with
// their dependsOn, health checks and substitution reviewed in git beside the manifests. Its
// in-cluster name is "codemie-root", clear of the layers' "codemie-<layer>" names. The root
// waits for the layers, which apply one after another, so its timeout is theirs added up.
import type { Environment } from "../../model/environment.js";
import { planGitops, rootTimeoutMinutes } from "../gitops/plan.js";
import { gitopsRoot } from "../gitops/render.js";
import type { FluxKustomization } from "./context.js";

export function fluxKustomizations(env: Environment): FluxKustomization[] {
  return [
    {
      name: "root",
      path: `./${gitopsRoot(env)}`,
      dependsOn: [],
      timeoutSeconds: rootTimeoutMinutes(planGitops(env)) * 60,
    },
  ];
}
