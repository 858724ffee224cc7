// Flux's view of an environment after a deploy or for status: read once through the same ARM
// adapter and engine reader the CLI uses, for the step's outputs and its job summary.
import { warning } from "@actions/core";
import { connectArm, type AzureFlags } from "../cli/azure-options.js";
import { objectKey, summaryLine, type FluxView } from "../engine/flux.js";
import { readFlux } from "../engine/flux-wait.js";
import type { Environment } from "../model/environment.js";
import { cell } from "./summary.js";

export async function fluxAfterRun(flags: AzureFlags, env: Environment): Promise<FluxView | undefined> {
  try {
    return await readFlux(connectArm(flags, env), env);
  } catch (error) {
    warning(`cannot read Flux's state of ${env.name} for the summary: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

export function fluxMarkdown(view: FluxView | undefined): string[] {
  if (!view) return ["Flux: no fluxConfiguration found."];
  const lines = [summaryLine(view), ""];
  if (view.objects.length === 0) return lines;
  lines.push("| object | state | reason |", "|---|---|---|");
  for (const o of view.objects) {
    const why = [o.reason, o.message].filter((s) => s !== undefined && s !== "").join(": ");
    lines.push(`| \`${objectKey(o)}\` | ${o.complianceState === "Compliant" ? "✅" : "❌"} ${o.complianceState} | ${cell(why)} |`);
  }
  return lines;
}
