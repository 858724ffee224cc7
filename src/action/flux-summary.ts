// Flux's view of an environment, as the deploy and status actions' job summaries show it.
import { objectKey, summaryLine, type FluxView } from "../engine/flux.js";
import { cell } from "./summary.js";

export function fluxMarkdown(view: FluxView | undefined): string[] {
  if (!view) return ["Flux: no fluxConfiguration found."];
  const lines = [summaryLine(view), ""];
  if (view.objects.length === 0) return lines;
  lines.push("| object | state | reason |", "|---|---|---|");
  for (const o of view.objects) {
    const why = [o.reason, o.message].filter((s) => s !== undefined && s !== "").join(": ");
    lines.push(
      `| \`${objectKey(o)}\` | ${o.complianceState === "Compliant" ? "✅" : "❌"} ${o.complianceState} | ${cell(why)} |`,
    );
  }
  return lines;
}
