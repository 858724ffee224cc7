// The status action: `codemie-gitops status`, with Flux's compliance and synced commit as
// outputs and the per-object table in the job summary.
import { statusCommand } from "../cli/status.js";
import { loadForRun } from "../cli/run-input.js";
import { syncedCommit } from "../engine/flux.js";
import { AZURE_INPUTS, azureSetup } from "./azure.js";
import { fluxAfterRun, fluxMarkdown } from "./flux-summary.js";
import { readInputs, writeOutputs } from "./inputs.js";
import { actionIo, quietIo } from "./io.js";
import { logMarkdown, writeSummary } from "./summary.js";
import { environmentName, openWorkspace } from "./workspace.js";

export const STATUS_INPUTS = ["environment", ...AZURE_INPUTS, "working-directory"] as const;
export const STATUS_OUTPUTS = ["reconciled", "compliance-state", "synced-commit"] as const;

export async function statusAction(): Promise<number> {
  const inputs = readInputs<(typeof STATUS_INPUTS)[number]>();
  const name = environmentName(inputs.required("environment"));
  const ws = await openWorkspace(inputs.text("working-directory"));
  const azure = azureSetup(inputs);

  const io = actionIo({ cwd: ws.cwd, repoRoot: ws.repoRoot });
  const code = await statusCommand({ env: name, ...azure.flags, subscription: azure.subscription }, io);
  const env = await loadForRun(name, quietIo(ws.cwd), azure.subscription).catch(() => undefined);
  const view = env ? await fluxAfterRun(azure.flags, env) : undefined;

  writeOutputs<(typeof STATUS_OUTPUTS)[number]>({
    reconciled: code === 0 ? "true" : "false",
    "compliance-state": view?.complianceState ?? "",
    "synced-commit": view ? (syncedCommit(view) ?? "") : "",
  });
  const summary = [`## Status: \`${name}\` ${code === 0 ? "✅ reconciled" : "❌ not reconciled"}`, ""];
  if (env) summary.push(`### Flux (${env.names.aks})`, "", ...fluxMarkdown(view), "");
  summary.push(...logMarkdown("Status log", io.lines));
  await writeSummary(`${summary.join("\n")}\n`);
  return code;
}
