// The validate action: the validate use case over the environments, each problem annotated on its
// line, plus the list of environments the triggering event affects, for a job matrix.
import { info, warning } from "@actions/core";
import { access } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { pullRequestFiles, pushFiles } from "../adapters/github/changed-files.js";
import { workspaceFiles } from "../app/environment-files.js";
import { validateEnvironments, validationLine } from "../app/validate.js";
import { affectedEnvironments } from "./affected.js";
import { gitHubRun, pullRequestOf, type GitHubRun } from "./github.js";
import { readInputs, writeOutputs } from "./inputs.js";
import { actionLog, type AnnotatedDiagnostic } from "./io.js";
import { cell, writeSummary } from "./summary.js";
import { environmentName, openWorkspace } from "./workspace.js";

export const VALIDATE_INPUTS = ["environments", "working-directory", "github-token"] as const;
export const VALIDATE_OUTPUTS = ["valid", "errors", "warnings", "environments"] as const;

/** The event's changed files; undefined when they cannot be listed (then every environment counts). */
async function changedFiles(run: GitHubRun): Promise<string[] | undefined> {
  const { client, repo } = run;
  if (!client || !repo) return undefined;
  try {
    const pr = pullRequestOf(run);
    if (pr) return await pullRequestFiles(client, repo, pr.number);
    const { before, after, forced } = run.payload as { before?: string; after?: string; forced?: boolean };
    if (run.eventName === "push" && before && after) return await pushFiles(client, repo, { before, after, forced: forced === true });
  } catch (error) {
    warning(`cannot list the changed files (${error instanceof Error ? error.message : String(error)}); every environment counts as affected`);
  }
  return undefined;
}

/** codemie-gitops itself holds its actions at the repository root; an adopting repository does not. */
const isToolkitRepository = (root: string): Promise<boolean> => access(join(root, "actions/validate/action.yml")).then(() => true, () => false);

function summaryOf(code: number, names: readonly string[], diagnostics: readonly AnnotatedDiagnostic[], affected: readonly string[]): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const lines = [`## Validate: ${code === 0 ? "✅ valid" : "❌ invalid"}`, ""];
  lines.push(`Checked ${names.map((n) => `\`${n}\``).join(", ") || "no environment"}: ${errors} error(s), ${diagnostics.length - errors} warning(s).`, "");
  if (diagnostics.length > 0) {
    lines.push("| | where | problem |", "|---|---|---|");
    for (const d of diagnostics) lines.push(`| ${d.severity === "error" ? "❌" : "⚠️"} | \`${d.file}:${d.line}:${d.column}\` | ${cell(d.message)} |`);
    lines.push("");
  }
  lines.push(`Environments to act on: ${affected.map((n) => `\`${n}\``).join(", ") || "none"}.`);
  return `${lines.join("\n")}\n`;
}

export async function validateAction(): Promise<number> {
  const inputs = readInputs<(typeof VALIDATE_INPUTS)[number]>();
  const ws = await openWorkspace(inputs.text("working-directory"));
  const listed = inputs.text("environments").split(/[\s,]+/).filter((n) => n !== "").map(environmentName);
  const run = gitHubRun(inputs.text("github-token"));
  const log = actionLog({ cwd: ws.cwd, repoRoot: ws.repoRoot });
  const files = workspaceFiles(ws.cwd);
  const report = await validateEnvironments(listed.length > 0 ? listed.map((n) => files.pathOf(n)) : "all", files);
  for (const d of report.files.flatMap((r) => r.diagnostics)) log.diagnostic(d);
  for (const r of report.files) log.info(validationLine(r));
  const code = report.valid ? 0 : 1;
  const names = listed.length > 0 ? listed : report.files.map((r) => basename(r.file, extname(r.file)));
  const affected = listed.length > 0 ? listed : affectedEnvironments(await changedFiles(run), names, { prefix: ws.prefix, toolkitRepository: await isToolkitRepository(ws.repoRoot) });
  info(`Environments affected: ${affected.join(", ") || "none"}`);
  const errors = log.diagnostics.filter((d) => d.severity === "error").length;
  writeOutputs<(typeof VALIDATE_OUTPUTS)[number]>({
    valid: code === 0 ? "true" : "false",
    errors: String(errors),
    warnings: String(log.diagnostics.length - errors),
    environments: JSON.stringify(affected),
  });
  await writeSummary(summaryOf(code, names, log.diagnostics, affected));
  return code;
}
