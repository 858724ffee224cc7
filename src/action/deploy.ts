// The deploy action: the deploy use case, recorded as a GitHub deployment (in_progress, then
// success or failure, linking this run), with the outputs and a job summary of what was deployed,
// the published commit and Flux's per-object result. skip-infrastructure is the CLI's
// --skip-infrastructure: no ARM deployment, so none is named in the outputs, record or summary.
import { info, notice, warning } from "@actions/core";
import { isAncestor, readSourceCommit } from "../adapters/git/source-commit.js";
import { createDeployment, setDeploymentStatus } from "../adapters/github/deployments.js";
import { parseDuration, pollIntervalMs } from "../app/connections.js";
import { NO_SOURCE, prepareDeploy, runDeploy, type DeployPorts, type DeployRequest } from "../app/deploy.js";
import { gitHubDeployKeys } from "../app/deploy-key-registry.js";
import { workspaceFiles } from "../app/environment-files.js";
import { INTERRUPTED } from "../app/run-signal.js";
import { packageToolchain } from "../app/toolchain.js";
import { isReconciled, type FluxView } from "../engine/flux.js";
import { systemClock, type SourceCommit } from "../engine/ports.js";
import type { Environment } from "../model/environment.js";
import { AZURE_INPUTS, azureSetup } from "./azure.js";
import { reportFailures } from "./failures.js";
import { reviewedPlanOf } from "./review-gate.js";
import { NO_TOKEN, promotionRecordsOf } from "./promotion-gate.js";
import { ACCEPT, checkDeployGates } from "../app/deploy-gates.js";
import { fluxMarkdown } from "./flux-summary.js";
import { gitHubRun, type GitHubRun } from "./github.js";
import { readInputs, writeOutputs } from "./inputs.js";
import { actionLog } from "./io.js";
import { logPrepared } from "./prepared.js";
import { logMarkdown, writeSummary } from "./summary.js";
import { environmentName, openWorkspace } from "./workspace.js";

export const DEPLOY_INPUTS = [
  "environment",
  ...AZURE_INPUTS,
  "github-token",
  "wait-timeout",
  "flux-timeout",
  "skip-infrastructure",
  "record-deployment",
  ACCEPT,
  "working-directory",
] as const;
export const DEPLOY_OUTPUTS = ["deployment-name", "source-commit", "published-commit", "compliance-state"] as const;

interface DeploymentRecord {
  finish(state: "success" | "failure" | "inactive", detail: string): Promise<void>;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** A GitHub deployment of this run; a failure to record it never stops the deploy. */
async function startRecord(
  run: GitHubRun,
  env: Environment,
  source: SourceCommit,
  deployment: string,
  toolkit: string,
): Promise<DeploymentRecord | undefined> {
  const { client, repo } = run;
  if (!client || !repo) return undefined;
  const logUrl = run.runUrl ?? "";
  const environmentUrl = `${env.network.ingress.tls ? "https" : "http"}://${env.network.ingress.host}`;
  try {
    const id = await createDeployment(client, repo, {
      ref: source.sha,
      environment: env.name,
      description: deployment
        ? `codemie-gitops: ARM deployment ${deployment}, then the GitOps tree and Flux`
        : "codemie-gitops: the GitOps tree and Flux, infrastructure skipped",
      production: env.production,
      // The release, for the promotion gate of the environments that follow this one.
      payload: { armDeployment: deployment, file: env.file, codemieVersion: env.codemieVersion, toolkit },
    });
    await setDeploymentStatus(client, repo, id, {
      state: "in_progress",
      description: `Deploying ${env.name} from ${source.sha.slice(0, 7)}`,
      logUrl,
    });
    info(`GitHub deployment ${id} of ${env.name}: in progress`);
    return {
      finish: async (state, detail) => {
        try {
          await setDeploymentStatus(client, repo, id, {
            state,
            description: detail,
            logUrl,
            ...(state === "success" ? { environmentUrl } : {}),
          });
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

function summaryOf(
  name: string,
  code: number,
  superseded: string | undefined,
  env: Environment | undefined,
  rows: [string, string][],
  view: FluxView | undefined,
  log: readonly string[],
): string {
  const outcome =
    code !== 0
      ? "❌ failed"
      : superseded
        ? `⏭️ not deployed: it already runs the newer \`${superseded.slice(0, 7)}\``
        : "✅ deployed";
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
  const run = gitHubRun(inputs.text("github-token"));
  const request: DeployRequest = {
    name,
    ...(azure.subscription ? { subscription: azure.subscription } : {}),
    skipInfrastructure: inputs.flag("skip-infrastructure"),
    timeoutMs: parseDuration(inputs.required("wait-timeout"), "wait-timeout"),
    ...(inputs.text("flux-timeout")
      ? { fluxTimeoutMs: parseDuration(inputs.text("flux-timeout"), "flux-timeout") }
      : {}),
    fluxIntervalMs: pollIntervalMs(process.env, 15_000),
    // The outputs and the summary report Flux's state after the run, however far it got.
    fluxAfterFailure: true,
    // A push deploys forward only: runs finishing out of order, or a re-run of an old one, must not
    // take a newer commit back. A dispatched redeploy may roll back.
    order: run.eventName === "push" ? "newer-only" : "any",
  };
  const recordDeployment = inputs.flag("record-deployment");

  const log = actionLog({ cwd: ws.cwd, repoRoot: ws.repoRoot });
  const ports: DeployPorts = {
    files: workspaceFiles(ws.cwd),
    toolchain: packageToolchain,
    readSource: () => readSourceCommit(ws.cwd),
    history: { isAncestor: (a, b) => isAncestor(ws.cwd, a, b) },
    connections: azure.connections,
    clock: systemClock,
    log,
    onInterrupt: () => log.error(INTERRUPTED),
    // With a token that may (Administration permission), the deploy registers Flux's SSH deploy key itself.
    ...(run.client ? { deployKeys: gitHubDeployKeys(run.client, run.serverUrl) } : {}),
  };
  const start = await reportFailures(log, () => prepareDeploy(request, ports), undefined);
  if (start && !start.source) log.error(`error: ${NO_SOURCE}`);
  if (start?.source) logPrepared(start.prepared, log);
  const prepared = start?.ok ? start : undefined;
  // Before the first write: the promotion gate, and the deploy of a merged pull request must match what was reviewed.
  const accept = inputs.flag(ACCEPT);
  const gates = prepared
    ? await reportFailures(
        log,
        async () =>
          checkDeployGates(
            prepared,
            {
              review: await reviewedPlanOf(run, name, prepared.source.sha, log),
              accept,
              acceptHint: `redeploy with ${ACCEPT}: true`,
              skipInfrastructure: request.skipInfrastructure,
              timeoutMs: request.timeoutMs,
            },
            {
              connections: azure.connections,
              log,
              onInterrupt: () => log.error(INTERRUPTED),
              ...(promotionRecordsOf(run) ? { promotionRecords: promotionRecordsOf(run) } : {}),
              promotionUnavailable: NO_TOKEN,
            },
          ),
        undefined,
      )
    : undefined;
  if (gates && gates.accepted.length > 0)
    warning(
      [
        `${name} differs from the plan reviewed; deploying anyway (${ACCEPT}):`,
        ...gates.accepted.map((d) => `  ${d}`),
      ].join("\n"),
    );
  const toolkit = gates?.toolkit ?? "unknown";
  const ready = gates?.ok ? prepared : undefined;
  const record =
    ready && recordDeployment ? await startRecord(run, ready.env, ready.source, ready.deployment, toolkit) : undefined;
  const outcome = ready ? await reportFailures(log, () => runDeploy(ready, request, ports), undefined) : undefined;
  if (ready && outcome?.fluxError)
    warning(`cannot read Flux's state of ${ready.env.name} for the summary: ${outcome.fluxError}`);
  const code = outcome?.result.ok ? 0 : 1;
  const superseded = outcome?.result.ok ? outcome.result.superseded : undefined;
  if (superseded && start?.source)
    notice(
      `${name}: nothing deployed; ${start.source.sha.slice(0, 7)} is older ` +
        `than ${superseded.slice(0, 7)}, which ${name} already runs`,
    );

  const view = outcome?.flux;
  const published = outcome?.published ?? "";
  const source = start?.source;
  writeOutputs<(typeof DEPLOY_OUTPUTS)[number]>({
    "deployment-name": superseded ? "" : (ready?.deployment ?? ""),
    "source-commit": source?.sha ?? "",
    "published-commit": published,
    "compliance-state": view?.complianceState ?? "",
  });
  const rows: [string, string][] = [
    ["source commit", source ? `${source.sha}${source.dirty ? " (with uncommitted changes)" : ""}` : ""],
    [
      "ARM deployment",
      superseded ? "none (not deployed)" : request.skipInfrastructure ? "skipped" : (ready?.deployment ?? ""),
    ],
    ["GitOps branch", ready?.env.gitops.branch ?? ""],
    ["published commit", published],
    [
      "Flux",
      view
        ? `${view.complianceState}${published && isReconciled(view, published) ? " at the published commit" : ""}`
        : "",
    ],
  ];
  await writeSummary(summaryOf(name, code, superseded, ready?.env, rows, view, log.lines));
  if (superseded)
    await record?.finish("inactive", `Not deployed: ${name} already runs the newer ${superseded.slice(0, 7)}`);
  else
    await record?.finish(
      code === 0 ? "success" : "failure",
      code === 0
        ? `Deployed ${published.slice(0, 7)}; Flux reports it Compliant`
        : "Deploy failed; see the run's log and summary",
    );
  return code;
}
