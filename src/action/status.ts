// The status action: the status use case, with Flux's compliance and synced commit as outputs and
// the per-object table in the job summary; once Flux is Compliant, the site's smoke check too (the
// step fails when it fails, as CLI status exits 1).
import { workspaceFiles } from "../app/environment-files.js";
import { loadNamed } from "../app/prepare.js";
import { statusOf } from "../app/status.js";
import { syncedCommit } from "../engine/flux.js";
import type { EnvironmentStatus } from "../engine/status.js";
import { AZURE_INPUTS, azureSetup } from "./azure.js";
import { reportFailures } from "./failures.js";
import { fluxMarkdown } from "./flux-summary.js";
import { readInputs, writeOutputs } from "./inputs.js";
import { siteMarkdown, siteOutputs } from "./site-summary.js";
import { actionLog } from "./io.js";
import { logMarkdown, writeSummary } from "./summary.js";
import { environmentName, openWorkspace } from "./workspace.js";

export const STATUS_INPUTS = ["environment", ...AZURE_INPUTS, "working-directory"] as const;
export const STATUS_OUTPUTS = ["reconciled", "compliance-state", "synced-commit", "url", "resolves", "smoke"] as const;

export async function statusAction(): Promise<number> {
  const inputs = readInputs<(typeof STATUS_INPUTS)[number]>();
  const name = environmentName(inputs.required("environment"));
  const ws = await openWorkspace(inputs.text("working-directory"));
  const azure = azureSetup(inputs);

  const log = actionLog({ cwd: ws.cwd, repoRoot: ws.repoRoot });
  const { env, diagnostics } = await loadNamed(
    { name, ...(azure.subscription ? { subscription: azure.subscription } : {}) },
    workspaceFiles(ws.cwd),
  );
  for (const d of diagnostics) log.diagnostic(d);
  const status: EnvironmentStatus | undefined = env
    ? await reportFailures(log, () => statusOf(env, { connections: azure.connections, log }), undefined)
    : undefined;
  const view = status?.flux;

  writeOutputs<(typeof STATUS_OUTPUTS)[number]>({
    reconciled: status?.reconciled ? "true" : "false",
    "compliance-state": view?.complianceState ?? "",
    "synced-commit": view ? (syncedCommit(view) ?? "") : "",
    ...siteOutputs(status?.site),
  });
  const smokeFailed = status?.site?.smoke === "failed";
  const headline = !status?.reconciled ? "❌ not reconciled" : smokeFailed ? "❌ smoke check failed" : "✅ reconciled";
  const summary = [`## Status: \`${name}\` ${headline}`, ""];
  if (env) summary.push(`### Flux (${env.names.aks})`, "", ...fluxMarkdown(view), "");
  if (env) summary.push("### Site", "", ...siteMarkdown(status?.site), "");
  summary.push(...logMarkdown("Status log", log.lines));
  await writeSummary(`${summary.join("\n")}\n`);
  return status?.reconciled && !smokeFailed ? 0 : 1;
}
