// The validate action: the validate use case over the environments, each problem annotated on its
// line, plus the list of environments the triggering event affects, for a job matrix.
import { error as annotate, info, warning } from "@actions/core";
import { access, readFile } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { sourceRepository } from "../adapters/git/source-repository.js";
import { pullRequestFiles, pushFiles } from "../adapters/github/changed-files.js";
import { environmentProtection } from "../adapters/github/environments.js";
import { workspaceFiles } from "../app/environment-files.js";
import { productionEnvironmentProblems, UnreadableEnvironment } from "../app/github-environments.js";
import { validateEnvironments, validationLine } from "../app/validate.js";
import { affectedEnvironments } from "./affected.js";
import type { GitHubRun } from "./github.js";
import { readInputs, writeOutputs } from "./inputs.js";
import { actionLog, type AnnotatedDiagnostic } from "./io.js";
import { cell, writeSummary } from "./summary.js";
import { environmentName, openWorkspace, workingDirectoryOf } from "./workspace.js";

export const VALIDATE_INPUTS = ["environments", "working-directory", "github-token", "protected-production"] as const;
export const VALIDATE_OUTPUTS = ["valid", "errors", "warnings", "environments", "production"] as const;

/**
 * The run and its REST client, made on first use: most validate runs (environments listed, no
 * production check) never call the API, and loading Octokit is most of the action's start-up.
 */
function lazyGitHubRun(token: string): () => Promise<GitHubRun> {
  let run: Promise<GitHubRun> | undefined;
  return () => (run ??= import("./github.js").then((m) => m.gitHubRun(token)));
}

/** The event's changed files; undefined when they cannot be listed (then every environment counts). */
async function changedFiles(github: () => Promise<GitHubRun>): Promise<string[] | undefined> {
  const run = await github();
  const { client, repo } = run;
  if (!client || !repo) return undefined;
  try {
    const pr = (await import("./github.js")).pullRequestOf(run);
    if (pr) return await pullRequestFiles(client, repo, pr.number);
    const { before, after, forced } = run.payload as { before?: string; after?: string; forced?: boolean };
    if (run.eventName === "push" && before && after)
      return await pushFiles(client, repo, { before, after, forced: forced === true });
  } catch (error) {
    warning(
      `cannot list the changed files (` +
        `${error instanceof Error ? error.message : String(error)}); every ` +
        `environment counts as affected`,
    );
  }
  return undefined;
}

/** codemie-gitops itself holds its actions at the repository root; an adopting repository does not. */
const isToolkitRepository = (root: string): Promise<boolean> =>
  access(join(root, "actions/validate/action.yml")).then(
    () => true,
    () => false,
  );

/**
 * A production environment deploys through two GitHub Environments (src/app/github-environments.ts):
 * one problem per line, annotated on the environment file's `production` line.
 */
async function unprotectedProduction(
  github: () => Promise<GitHubRun>,
  ws: { cwd: string; prefix: string },
  production: readonly { name: string; path: string }[],
): Promise<string[]> {
  const problems: string[] = [];
  const run = production.length > 0 ? await github() : undefined;
  for (const { name, path } of production) {
    const file = `${ws.prefix ? `${ws.prefix}/` : ""}environments/${name}.yaml`;
    const client = run?.client;
    const repo = run?.repo;
    let found: string[];
    if (!client || !repo) found = [`cannot check GitHub Environment "${name}" without a github-token`];
    else {
      try {
        found = await productionEnvironmentProblems(name, {
          protection: (environment) => environmentProtection(client, repo, environment),
        });
      } catch (error) {
        const unreadable = error instanceof UnreadableEnvironment ? error.environment : name;
        found = [
          `cannot read GitHub Environment "${unreadable}" (` +
            `${error instanceof Error ? error.message : String(error)}); the job ` +
            `needs actions: read`,
        ];
      }
    }
    if (found.length === 0) continue;
    const text = await readFile(path, "utf8").catch(() => "");
    const line = text.split("\n").findIndex((l) => /^\s*production:\s*true\b/.test(l)) + 1;
    for (const problem of found) {
      annotate(problem, { file, ...(line > 0 ? { startLine: line, startColumn: 1 } : {}) });
      problems.push(`${file}:${Math.max(line, 1)}:1: error: ${problem}`);
    }
  }
  return problems;
}

function summaryOf(
  code: number,
  names: readonly string[],
  diagnostics: readonly AnnotatedDiagnostic[],
  affected: readonly string[],
): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const lines = [`## Validate: ${code === 0 ? "✅ valid" : "❌ invalid"}`, ""];
  lines.push(
    `Checked ${names.map((n) => `\`${n}\``).join(", ") || "no environment"}: ` +
      `${errors} error(s), ${diagnostics.length - errors} warning(s).`,
    "",
  );
  if (diagnostics.length > 0) {
    lines.push("| | where | problem |", "|---|---|---|");
    for (const d of diagnostics)
      lines.push(
        `| ${d.severity === "error" ? "❌" : "⚠️"} | \`${d.file}:${d.line}:${d.column}\` | ${cell(d.message)} |`,
      );
    lines.push("");
  }
  lines.push(`Environments to act on: ${affected.map((n) => `\`${n}\``).join(", ") || "none"}.`);
  return `${lines.join("\n")}\n`;
}

export async function validateAction(): Promise<number> {
  const inputs = readInputs<(typeof VALIDATE_INPUTS)[number]>();
  // git finds the repository root (for annotation paths) while the files are read and checked.
  const workspace = openWorkspace(inputs.text("working-directory"));
  const cwd = workingDirectoryOf(inputs.text("working-directory"));
  const listed = inputs
    .text("environments")
    .split(/[\s,]+/)
    .filter((n) => n !== "")
    .map(environmentName);
  const github = lazyGitHubRun(inputs.text("github-token"));
  const files = workspaceFiles(cwd);
  const report = await validateEnvironments(
    listed.length > 0 ? listed.map((n) => files.pathOf(n)) : "all",
    files,
    sourceRepository(cwd),
  );
  const ws = await workspace;
  const log = actionLog({ cwd: ws.cwd, repoRoot: ws.repoRoot });
  for (const d of report.files.flatMap((r) => r.diagnostics)) log.diagnostic(d);
  for (const r of report.files) log.info(validationLine(r));
  const code = report.valid ? 0 : 1;
  const names = listed.length > 0 ? listed : report.files.map((r) => basename(r.file, extname(r.file)));
  const affected =
    listed.length > 0
      ? listed
      : affectedEnvironments(await changedFiles(github), names, {
          prefix: ws.prefix,
          toolkitRepository: await isToolkitRepository(ws.repoRoot),
        });
  info(`Environments affected: ${affected.join(", ") || "none"}`);
  // The affected environments that load and say production: true (a file that does not load is reported above).
  const production = report.files
    .filter((r) => r.production)
    .map((r) => ({ name: basename(r.file, extname(r.file)), path: files.pathOf(basename(r.file, extname(r.file))) }))
    .filter((p) => affected.includes(p.name));
  const unprotected = inputs.flag("protected-production") ? await unprotectedProduction(github, ws, production) : [];
  const diagnosticErrors = log.diagnostics.filter((d) => d.severity === "error").length;
  const failed = code !== 0 || unprotected.length > 0;
  writeOutputs<(typeof VALIDATE_OUTPUTS)[number]>({
    valid: failed ? "false" : "true",
    errors: String(diagnosticErrors + unprotected.length),
    warnings: String(log.diagnostics.length - diagnosticErrors),
    environments: JSON.stringify(affected),
    production: JSON.stringify(production.map((p) => p.name)),
  });
  await writeSummary(
    summaryOf(failed ? 1 : 0, names, log.diagnostics, affected) + unprotected.map((p) => `\n❌ ${p}\n`).join(""),
  );
  return failed ? 1 : 0;
}
