// The deploy action: `codemie-gitops deploy` itself, recorded as a GitHub deployment (in_progress,
// then success or failure, linking this run), with the outputs and a job summary of what was
// deployed, the published commit and Flux's per-object result. skip-infrastructure is the CLI's
// --skip-infrastructure: no ARM deployment, so none is named in the outputs, record or summary.
import { info, notice, warning } from "@actions/core";
import type { SourceCommit } from "../adapters/git/source-commit.js";
import { readSourceCommit } from "../adapters/git/source-commit.js";
import { createDeployment, setDeploymentStatus } from "../adapters/github/deployments.js";
import { parseDuration } from "../cli/azure-options.js";
import { deployCommand } from "../cli/deploy.js";
import type { DeployResult } from "../engine/deploy.js";
import { loadForRun } from "../cli/run-input.js";
import { isReconciled, syncedCommit, type FluxView } from "../engine/flux.js";
import { deploymentNames } from "../engine/names.js";
import type { Environment } from "../model/environment.js";
import { AZURE_INPUTS, azureSetup } from "./azure.js";
import { fluxAfterRun, fluxMarkdown } from "./flux-summary.js";
import { gitHubRun, type GitHubRun } from "./github.js";
import { readInputs, writeOutputs } from "./inputs.js";
import { actionIo, quietIo } from "./io.js";
import { logMarkdown, writeSummary } from "./summary.js";
import { environmentName, openWorkspace } from "./workspace.js";

export const DEPLOY_INPUTS = ["environment", ...AZURE_INPUTS, "github-token", "wait-timeout", "skip-infrastructure", "record-deployment", "working-directory"] as const;
export const DEPLOY_OUTPUTS = ["deployment-name", "source-commit", "published-commit", "compliance-state"] as const;

interface DeploymentRecord {
  finish(state: "success" | "failure" | "inactive", detail: string): Promise<void>;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** A GitHub deployment of this run; a failure to record it never stops the deploy. */
async function startRecord(run: GitHubRun, env: Environment, source: SourceCommit, deployment: string): Promise<DeploymentRecord | undefined> {
  const { client, repo } = run;
  if (!client || !repo) return undefined;
  const logUrl = run.runUrl ?? "";
  const environmentUrl = `${env.network.ingress.tls ? "https" : "http"}://${env.network.ingress.host}`;
  try {
    const id = await createDeployment(client, repo, {
      ref: source.sha,
      environment: env.name,
      description: deployment ? `codemie-gitops: ARM deployment ${deployment}, then the GitOps tree and Flux` : "codemie-gitops: the GitOps tree and Flux, infrastructure skipped",
      production: env.production,
      payload: { armDeployment: deployment, file: env.file },
    });
    await setDeploymentStatus(client, repo, id, { state: "in_progress", description: `Deploying ${env.name} from ${source.sha.slice(0, 7)}`, logUrl });
    info(`GitHub deployment ${id} of ${env.name}: in progress`);
    return {
      finish: async (state, detail) => {
        try {
          await setDeploymentStatus(client, repo, id, { state, description: detail, logUrl, ...(state === "success" ? { environmentUrl } : {}) });
        } catch (error) {
          warning(`cannot update GitHub deployment ${id}: ${messageOf(error)}`);
        }
      },
    };
  } catch (error) {
    warning(`cannot record a GitHub deployment (${messageOf(error)}); deploying anyway`);
    return undefined;
  }
}

function summaryOf(name: string, code: number, superseded: string | undefined, env: Environment | undefined, rows: [string, string][], view: FluxView | undefined, log: readonly string[]): string {
  const outcome = code !== 0 ? "❌ failed" : superseded ? `⏭️ not deployed: it already runs the newer \`${superseded.slice(0, 7)}\`` : "✅ deployed";
  const lines = [`## Deploy: \`${name}\` ${outcome}`, "", "| | |", "|---|---|"];
  for (const [key, value] of rows) lines.push(`| ${key} | ${value ? `\`${value}\`` : "–"} |`);
  lines.push("");
  if (env) lines.push(`### Flux (${env.names.aks})`, "", ...fluxMarkdown(view), "");
  lines.push(...logMarkdown("Deploy log", log));
  return `${lines.join("\n")}\n`;
}

export async function deployAction(): Promise<number> {
  const inputs = readInputs<(typeof DEPLOY_INPUTS)[number]>();
  const name = environmentName(inputs.required("environment"));
  const ws = await openWorkspace(inputs.text("working-directory"));
  const azure = azureSetup(inputs);
  const timeoutMs = parseDuration(inputs.required("wait-timeout"), "wait-timeout");
  const skipInfrastructure = inputs.flag("skip-infrastructure");
  const recordDeployment = inputs.flag("record-deployment");

  // Read quietly for the record and the outputs; the deploy itself reports any problem.
  const env = await loadForRun(name, quietIo(ws.cwd), azure.subscription).catch(() => undefined);
  const source = await readSourceCommit(ws.cwd);
  const deployment = env && source && !skipInfrastructure ? deploymentNames(env, source).main : "";
  const run = gitHubRun(inputs.text("github-token"));
  const record = env && source && recordDeployment ? await startRecord(run, env, source, deployment) : undefined;

  const io = actionIo({ cwd: ws.cwd, repoRoot: ws.repoRoot });
  // A push deploys forward only: runs finishing out of order, or a re-run of an old one, must not
  // take a newer commit back. A dispatched redeploy may roll back.
  const order = run.eventName === "push" ? "newer-only" : "any";
  let result: DeployResult | undefined;
  const code = await deployCommand({ env: name, ...azure.flags, subscription: azure.subscription, timeoutMs, skipInfrastructure, order, onResult: (r) => (result = r) }, io);
  const superseded = result?.ok ? result.superseded : undefined;
  if (superseded && source) notice(`${name}: nothing deployed; ${source.sha.slice(0, 7)} is older than ${superseded.slice(0, 7)}, which ${name} already runs`);

  const view = env ? await fluxAfterRun(azure.flags, env) : undefined;
  // Success means Flux reports the published commit Compliant, so the synced commit is it.
  const published = code === 0 && !superseded && view ? (syncedCommit(view) ?? "") : "";
  writeOutputs<(typeof DEPLOY_OUTPUTS)[number]>({
    "deployment-name": superseded ? "" : deployment,
    "source-commit": source?.sha ?? "",
    "published-commit": published,
    "compliance-state": view?.complianceState ?? "",
  });
  const rows: [string, string][] = [
    ["source commit", source ? `${source.sha}${source.dirty ? " (with uncommitted changes)" : ""}` : ""],
    ["ARM deployment", superseded ? "none (not deployed)" : skipInfrastructure ? "skipped" : deployment],
    ["GitOps branch", env?.gitops.branch ?? ""],
    ["published commit", published],
    ["Flux", view ? `${view.complianceState}${published && isReconciled(view, published) ? " at the published commit" : ""}` : ""],
  ];
  await writeSummary(summaryOf(name, code, superseded, env, rows, view, io.lines));
  if (superseded) await record?.finish("inactive", `Not deployed: ${name} already runs the newer ${superseded.slice(0, 7)}`);
  else await record?.finish(code === 0 ? "success" : "failure", code === 0 ? `Deployed ${published.slice(0, 7)}; Flux reports it Compliant` : "Deploy failed; see the run's log and summary");
  return code;
}
