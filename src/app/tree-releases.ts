// The HelmReleases of a rendered tree without starting kustomize: its layers built by the Flux
// model (src/render/gitops/flux-model/build.ts) from the tree substituted with the deploy outputs'
// stand-ins. The model understands only what the renderer writes and says so otherwise; then this
// gives undefined and the caller builds the tree with the real kustomize.
import { gitopsFiles } from "../engine/rendered.js";
import { releasesOf, type Manifest, type ReleaseInput } from "../kubernetes/helm-release.js";
import type { Environment } from "../model/environment.js";
import { substitutionVariables } from "../render/gitops/contract.js";
import { fluxSubstitute } from "../render/gitops/flux.js";
import { buildDirectory, normalPath } from "../render/gitops/flux-model/build.js";
import type { RenderedTree } from "../render/tree.js";
import { layersOf, pathOf, placeholderOutput } from "./render-kubernetes.js";

/** The deploy outputs' stand-ins, by variable: what an offline build substitutes. */
export function standInOutputs(env: Environment): Record<string, string> {
  return Object.fromEntries(substitutionVariables(env).map((v) => [v.name, placeholderOutput(v.name)]));
}

export function modelReleases(env: Environment, tree: RenderedTree): ReleaseInput[] | undefined {
  try {
    const layers = layersOf(env, tree);
    // A layer with variables of its own substitutes differently from the others: kustomize's case.
    if (layers.some((l) => (l.spec as { postBuild?: { substitute?: unknown } }).postBuild?.substitute))
      return undefined;
    const variables = standInOutputs(env);
    const files = new Map([...gitopsFiles(tree)].map(([path, text]) => [path, fluxSubstitute(text, variables)]));
    const objects: Manifest[] = [];
    for (const layer of layers) {
      const built = buildDirectory(files, normalPath(pathOf(layer)));
      if (built.problems.length > 0) return undefined;
      objects.push(...(built.objects as Manifest[]));
    }
    return releasesOf(objects);
  } catch {
    return undefined; // a variable without a stand-in, a release the model cannot resolve: kustomize says why
  }
}
