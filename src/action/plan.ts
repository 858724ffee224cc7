// The plan action: the plan use case (with what-if when an Azure app is named), the plan written as Markdown and JSON
// files, the job summary, one sticky comment per environment
// on a pull request, and, for scheduled runs, one drift issue per environment.
import { error as annotateError, info, warning } from "@actions/core";
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { httpStatus } from "../adapters/github/client.js";
import { hiddenMarker, MAX_COMMENT_CHARS, upsertComment } from "../adapters/github/comments.js";
import { reportIssue, resolveIssue } from "../adapters/github/issues.js";
import { parseDuration } from "../app/connections.js";
import { workspaceFiles } from "../app/environment-files.js";
import { planPrepared, type PlanRun } from "../app/plan.js";
import { prepareNamed } from "../app/prepare.js";
import { INTERRUPTED } from "../app/run-signal.js";
import { packageToolchain } from "../app/toolchain.js";
import { planText } from "../engine/plan-format.js";
import type { PlanReport } from "../engine/plan.js";
import { digestMarker } from "../engine/review-digest.js";
import type { Environment } from "../model/environment.js";
import { toolkitCommit } from "../adapters/git/toolkit-commit.js";
import { promotionGateOf } from "./promotion-gate.js";
import { AZURE_INPUTS, azureSetup } from "./azure.js";
import { reportFailures } from "./failures.js";
import { gitHubRun, pullRequestOf, type GitHubRun } from "./github.js";
import { readInputs, writeOutputs } from "./inputs.js";
import { actionLog } from "./io.js";
import { logPrepared } from "./prepared.js";
import { pullRequestCostBase } from "./cost-base.js";
import { deletions, driftOf, hasChanges, markedBody, planDocument, type PlanOutcome } from "./plan-document.js";
import { writeSummary } from "./summary.js";
import { environmentName, openWorkspace } from "./workspace.js";

export const PLAN_INPUTS = [
  "environment",
  ...AZURE_INPUTS,
  "github-token",
  "comment",
  "drift-issue",
  "wait-timeout",
  "working-directory",
] as const;
export const PLAN_OUTPUTS = [
  "has-changes",
  "deletions",
  "plan-markdown",
  "plan-json",
  "comment-url",
  "drift-issue-url",
] as const;

/** The label drift issues carry, so finding them does not page through every open issue. */
export const DRIFT_LABEL = "codemie-drift";

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

async function writePlanFiles(
  environment: string,
  document: string,
  report: PlanReport | undefined,
): Promise<{ markdown: string; json: string }> {
  const dir = join(process.env.RUNNER_TEMP || tmpdir(), "codemie-gitops");
  await mkdir(dir, { recursive: true });
  const markdown = join(dir, `plan-${environment}.md`);
  const json = join(dir, `plan-${environment}.json`);
  await writeFile(markdown, document);
  await writeFile(json, `${JSON.stringify(report ?? null, null, 2)}\n`);
  return { markdown, json };
}

/** The comment's URL; undefined when there is no pull request or no right to comment. */
async function comment(run: GitHubRun, outcome: PlanOutcome, document: string): Promise<string | undefined> {
  const pr = pullRequestOf(run);
  if (!pr) return undefined;
  if (!run.client || !run.repo) {
    warning("no github-token: the plan is in the job summary only");
    return undefined;
  }
  const marker = hiddenMarker(`plan:${outcome.environment}`);
  try {
    // What the reviewer sees, for the deploy on merge to hold itself to (hidden; see review-digest.ts).
    const reviewed = outcome.report?.review ? `${digestMarker(outcome.report.review)}\n${document}` : document;
    const result = await upsertComment(
      run.client,
      run.repo,
      pr.number,
      marker,
      markedBody(marker, reviewed, MAX_COMMENT_CHARS, run.runUrl),
    );
    info(`Plan comment ${result.action}: ${result.url}`);
    return result.url;
  } catch (error) {
    // A pull request from a fork gets a read-only token: its plan lives in the job summary.
    if (httpStatus(error) === 403) {
      warning(
        `cannot comment on pull request #${pr.number} (read-only token, as for a fork); the plan is in the job summary`,
      );
      return undefined;
    }
    throw new Error(`cannot post the plan comment on pull request #${pr.number}: ${messageOf(error)}`);
  }
}

async function syncDriftIssue(run: GitHubRun, outcome: PlanOutcome, document: string): Promise<string | undefined> {
  const state = driftOf(outcome.report);
  if (!run.client || !run.repo) {
    warning("no github-token: drift is reported in the job summary only");
    return undefined;
  }
  if (state === "unknown") {
    warning(
      `cannot tell whether ${outcome.environment} drifted (the plan is incomplete); its drift issue is left as it is`,
    );
    return undefined;
  }
  const file = outcome.report?.file ?? `environments/${outcome.environment}.yaml`;
  const issue = {
    marker: hiddenMarker(`drift:${outcome.environment}`),
    label: DRIFT_LABEL,
    title: `Drift: ${outcome.environment} differs from ${file}`,
  };
  const sha = outcome.sha.slice(0, 7);
  const result =
    state === "drift"
      ? await reportIssue(
          run.client,
          run.repo,
          issue,
          markedBody(
            issue.marker,
            `Azure or the GitOps branch of \`${outcome.environment}\` differs from \`` +
              `${file}\` at \`${sha}\`. Deploy the environment (or revert the change ` +
              `made outside Git); this issue closes itself once a scheduled plan finds ` +
              `no difference.\n\n${document}`,
            MAX_COMMENT_CHARS,
            run.runUrl,
          ),
        )
      : await resolveIssue(
          run.client,
          run.repo,
          issue,
          `No drift any more: the plan of \`${sha}\`` +
            `${run.runUrl ? ` ([run](${run.runUrl}))` : ""} finds Azure and the ` +
            `GitOps branch matching \`${file}\`.`,
        );
  if (result.action === "none") return undefined;
  info(`Drift issue ${result.action}: ${result.url}`);
  return result.url;
}

export async function planAction(): Promise<number> {
  const inputs = readInputs<(typeof PLAN_INPUTS)[number]>();
  const environment = environmentName(inputs.required("environment"));
  const ws = await openWorkspace(inputs.text("working-directory"));
  const azure = azureSetup(inputs);
  const timeoutMs = parseDuration(inputs.required("wait-timeout"), "wait-timeout");
  const postComment = inputs.flag("comment");
  const reportDrift = inputs.flag("drift-issue");
  const run = gitHubRun(inputs.text("github-token"));
  if (!azure.clientId) info("No azure-client-id: offline plan (capacity and the GitOps tree; no what-if).");

  const log = actionLog({ cwd: ws.cwd, repoRoot: ws.repoRoot });
  const planned = await reportFailures<(PlanRun & { env: Environment }) | undefined>(
    log,
    async () => {
      const prepared = await prepareNamed(
        { name: environment, ...(azure.subscription ? { subscription: azure.subscription } : {}) },
        { files: workspaceFiles(ws.cwd), toolchain: packageToolchain },
      );
      logPrepared(prepared, log);
      if (!prepared.ok) return undefined;
      const costBase = await pullRequestCostBase(run, ws.cwd, prepared.file);
      const result = await planPrepared(
        prepared,
        { whatIf: azure.clientId !== "", timeoutMs, ...(costBase ? { costBase } : {}) },
        { connections: azure.connections, onInterrupt: () => log.error(INTERRUPTED) },
      );
      return { ...result, env: prepared.env };
    },
    undefined,
  );
  const report = planned?.report;
  // The gate's state for the reviewer; a plan never fails for it (the deploy enforces it).
  const env = planned?.env;
  if (report && env?.promotion) {
    const gate = await reportFailures(log, async () => promotionGateOf(run, env, await toolkitCommit()), undefined);
    if (gate) report.promotion = gate;
  }
  const code = planned?.ok ? 0 : 1;
  if (report) info(planText(report));

  const outcome: PlanOutcome = {
    environment,
    code,
    ...(report ? { report } : {}),
    diagnostics: log.diagnostics,
    sha: pullRequestOf(run)?.headSha ?? run.sha,
    ...(run.runUrl ? { runUrl: run.runUrl } : {}),
  };
  const document = planDocument(outcome);
  const files = await writePlanFiles(environment, document, report);
  await writeSummary(document);
  let commentUrl: string | undefined;
  let issueUrl: string | undefined;
  let failed = false;
  try {
    if (postComment) commentUrl = await comment(run, outcome, document);
    if (reportDrift) {
      issueUrl = await syncDriftIssue(run, outcome, document);
      // A drift check that could not look (what-if failed, GitOps branch unreadable) is not green.
      if (driftOf(report) === "unknown") failed = true;
    }
  } catch (error) {
    annotateError(messageOf(error));
    failed = true;
  }
  writeOutputs<(typeof PLAN_OUTPUTS)[number]>({
    "has-changes": String(hasChanges(report)),
    deletions: String(deletions(report).length),
    "plan-markdown": files.markdown,
    "plan-json": files.json,
    "comment-url": commentUrl ?? "",
    "drift-issue-url": issueUrl ?? "",
  });
  return failed ? 1 : code;
}
