// The plan as a pull request, a job summary and a drift issue show it: the CLI's Markdown plan,
// with deletions called out first (they are the change a reviewer must not miss), then the
// validation result, and a footer naming the commit and the run.
import { planMarkdown } from "../engine/plan-format.js";
import type { PlanReport } from "../engine/plan.js";
import type { ResourceChange } from "../engine/what-if.js";
import type { AnnotatedDiagnostic } from "./io.js";
import { truncateMarkdown } from "./markdown.js";
import { markdownCode, markdownCodeBlock, markdownText } from "../render/escape.js";

export interface PlanOutcome {
  environment: string;
  /** The plan command's exit code. */
  code: number;
  /** Absent when the environment did not render. */
  report?: PlanReport;
  diagnostics: readonly AnnotatedDiagnostic[];
  sha: string;
  runUrl?: string;
}

export function deletions(report: PlanReport | undefined): ResourceChange[] {
  return report?.whatIf?.status === "succeeded" ? report.whatIf.summary.changes.filter((c) => c.kind === "delete") : [];
}

/** False only when the plan proves nothing would change: an incomplete plan counts as changes. */
export function hasChanges(report: PlanReport | undefined): boolean {
  if (!report || report.gitops.status !== "compared" || report.gitops.files.length > 0) return true;
  if (!report.whatIf) return false;
  if (report.whatIf.status !== "succeeded") return true;
  const { counts } = report.whatIf.summary;
  return counts.create + counts.modify + counts.delete + counts.unknown > 0;
}

/**
 * Whether Azure or the GitOps branch differs from the files: "unknown" when the plan could not
 * look (branch unreachable, what-if failed). What-if's unknowns alone are not drift: ARM reports
 * them for resources it cannot evaluate, run after run.
 */
export function driftOf(report: PlanReport | undefined): "drift" | "clean" | "unknown" {
  if (!report || report.gitops.status !== "compared" || (report.whatIf && report.whatIf.status !== "succeeded"))
    return "unknown";
  const counts = report.whatIf?.status === "succeeded" ? report.whatIf.summary.counts : undefined;
  return report.gitops.files.length > 0 || (counts && counts.create + counts.modify + counts.delete > 0)
    ? "drift"
    : "clean";
}

function validationMarkdown(outcome: PlanOutcome): string[] {
  const errors = outcome.diagnostics.filter((d) => d.severity === "error");
  // File names and messages quote what a pull request wrote: code, never Markdown.
  const file = markdownCode(
    outcome.report?.file ?? outcome.diagnostics[0]?.file ?? `environments/${outcome.environment}.yaml`,
  );
  const head =
    errors.length > 0
      ? `❌ ${file}: ${errors.length} error(s)`
      : outcome.report
        ? `✅ ${file} is valid`
        : `❌ ${file} does not render`;
  const warnings = outcome.diagnostics.length - errors.length;
  const lines = ["### Validation", "", `${head}${warnings > 0 ? `, ${warnings} warning(s)` : ""}.`];
  if (outcome.diagnostics.length > 0) {
    lines.push(
      "",
      markdownCodeBlock(
        outcome.diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}`).join("\n"),
      ),
    );
  }
  return lines;
}

/** The full plan, as the job summary shows it. */
export function planDocument(outcome: PlanOutcome): string {
  const doomed = deletions(outcome.report);
  const parts: string[] = [];
  if (doomed.length > 0) {
    const list = doomed.map((c) => `${markdownCode(c.name)} (${markdownText(c.resourceType)})`).join(", ");
    parts.push(`> [!CAUTION]\n> **This plan deletes ${doomed.length} Azure resource(s)**: ${list}.`, "");
  }
  parts.push(
    outcome.report
      ? planMarkdown(outcome.report).trimEnd()
      : `## Plan: \`${outcome.environment}\`\n\nNo plan: the environment does not render (see Validation).`,
  );
  parts.push("", ...validationMarkdown(outcome), "", "---");
  const run = outcome.runUrl ? ` in [this run](${outcome.runUrl})` : "";
  parts.push(`<sub>codemie-gitops plan of \`${outcome.sha.slice(0, 7)}\`${run}.</sub>`);
  return `${parts.join("\n")}\n`;
}

/** The document under a hidden marker, cut to `limit` with a pointer to the job summary when longer. */
export function markedBody(marker: string, document: string, limit: number, runUrl: string | undefined): string {
  const where = runUrl ? `the [job summary](${runUrl})` : "the job summary of this run";
  const note =
    `> [!NOTE]\n> **Truncated**: the full plan (` +
    `${document.length.toLocaleString("en-US")} characters) is longer than ` +
    `GitHub allows here; read it in ${where}.`;
  return truncateMarkdown(`${marker}\n${document}`, limit, note);
}
