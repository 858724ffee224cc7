// ConfigMap `codemie-infra-outputs` in flux-system, the one object the GitOps tree reads from
// outside itself: the keys Flux substitutes into the layers (postBuild.substituteFrom). The
// deploy step writes it from the ARM outputs (src/engine/infra-outputs.ts), `render` writes a
// placeholder, and the Flux model checks the tree against a stand-in: all three are laid out here.
import type { Environment } from "../../model/environment.js";
import { generatedHeader } from "../tree.js";
import { FLUX } from "./contract.js";

export interface OutputsConfigMap {
  /** Comment lines after the generated header. */
  comments?: string[];
  annotations?: Record<string, string>;
  data: Record<string, string>;
}

export function outputsConfigMap(
  env: Environment,
  { comments = [], annotations = {}, data }: OutputsConfigMap,
): string {
  const annotationLines = Object.entries(annotations).map(([key, value]) => `    ${key}: ${JSON.stringify(value)}`);
  return [
    generatedHeader(env.file, "#"),
    ...comments,
    "apiVersion: v1",
    "kind: ConfigMap",
    "metadata:",
    `  name: ${FLUX.outputsConfigMap}`,
    `  namespace: ${FLUX.namespace}`,
    "  labels:",
    "    # kustomize-controller reconciles the layers that substitute from it as soon as it changes.",
    `    ${FLUX.watchLabel.key}: ${FLUX.watchLabel.value}`,
    ...(annotationLines.length > 0 ? ["  annotations:", ...annotationLines] : []),
    "data:",
    ...Object.keys(data)
      .sort()
      .map((key) => `  ${key}: ${JSON.stringify(data[key])}`),
    "",
  ].join("\n");
}
