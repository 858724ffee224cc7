// The promote action: the promote use case on the checked-out repository, then, when the target
// environment's file changes, a branch with that one commit and a pull request (the open one
// updated on a rerun). Nothing to promote is a notice: no branch, no pull request.
import { error as annotateError, info, notice, warning } from "@actions/core";
import { UsageError } from "../adapters/environment-files.js";
import { GitHubRefusal, proposeFileChange } from "../adapters/github/change-pull-request.js";
import { workspaceFiles } from "../app/environment-files.js";
import { promote } from "../app/promote.js";
import { gitHubRun } from "./github.js";
import { readInputs, writeOutputs } from "./inputs.js";
import { actionLog } from "./io.js";
import { promotionBody, promotionBranch, promotionTitle } from "./promotion-body.js";
import { environmentName, openWorkspace } from "./workspace.js";

export const PROMOTE_INPUTS = ["from", "to", "github-token", "working-directory"] as const;
export const PROMOTE_OUTPUTS = ["changed", "pull-request-number", "pull-request-url"] as const;

export async function promoteAction(): Promise<number> {
  const inputs = readInputs<(typeof PROMOTE_INPUTS)[number]>();
  const fromName = environmentName(inputs.required("from"));
  const toName = environmentName(inputs.required("to"));
  if (fromName === toName) throw new UsageError("promote needs two different environments");
  const run = gitHubRun(inputs.text("github-token"));
  if (!run.client || !run.repo) throw new UsageError('promote needs the "github-token" input and GITHUB_REPOSITORY');
  // The commit goes on the default branch's head: files checked out from elsewhere could undo its changes.
  const defaultBranch = (run.payload.repository as { default_branch?: string } | undefined)?.default_branch;
  if (defaultBranch && run.ref !== `refs/heads/${defaultBranch}`)
    throw new UsageError(`promote runs on the default branch (${defaultBranch}), not ${run.ref}`);
  const ws = await openWorkspace(inputs.text("working-directory"));
  const files = workspaceFiles(ws.cwd);
  const [from, to] = await Promise.all([files.read(files.pathOf(fromName)), files.read(files.pathOf(toName))]);
  const outputs = { changed: "false", "pull-request-number": "", "pull-request-url": "" };

  const result = promote({ from, to });
  if (result.status === "invalid") {
    const log = actionLog({ cwd: ws.cwd, repoRoot: ws.repoRoot });
    for (const d of result.diagnostics) log.diagnostic(d);
    writeOutputs(outputs);
    return 1;
  }
  for (const w of result.warnings) warning(w);
  if (result.status === "unchanged") {
    notice(`${to.file} already runs CodeMie ${result.version}, as ${from.file} does: nothing to promote`);
    writeOutputs(outputs);
    return 0;
  }
  const path = ws.prefix ? `${ws.prefix}/${to.file}` : to.file;
  const promotion = { from: fromName, to: toName, path, version: result.version, warnings: result.warnings };
  try {
    const pr = await proposeFileChange(run.client, run.repo, {
      branch: promotionBranch(fromName, toName),
      path,
      text: result.text,
      commitMessage: promotionTitle(promotion),
      title: promotionTitle(promotion),
      body: promotionBody({ ...promotion, ...(run.runUrl ? { runUrl: run.runUrl } : {}) }),
    });
    info(`${pr.opened ? "Opened" : "Updated"} pull request #${pr.number}: ${pr.url}`);
    writeOutputs({ changed: "true", "pull-request-number": String(pr.number), "pull-request-url": pr.url });
    return 0;
  } catch (e) {
    if (!(e instanceof GitHubRefusal)) throw e;
    annotateError(`codemie-gitops: error: ${e.message}`);
    writeOutputs(outputs);
    return 1;
  }
}
