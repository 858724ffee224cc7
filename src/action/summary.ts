// The job summary: the full report of a step, shown on the run's page. GitHub refuses a step
// summary over 1 MiB, so a longer one is cut with a note.
import { summary } from "@actions/core";
import { markdownText } from "../render/escape.js";
import { truncateMarkdown } from "./markdown.js";

const SUMMARY_LIMIT = 1_000_000;

export async function writeSummary(markdown: string): Promise<void> {
  // Outside a runner (a local run of the bundle) there is no summary file to write.
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const note =
    "> [!NOTE]\n> The rest of this summary was cut: GitHub keeps at most 1 " +
    "MiB of summary per step; the job log has everything.";
  await summary.addRaw(truncateMarkdown(markdown, SUMMARY_LIMIT, note), true).write();
}

/** A table cell: pipes escaped, one line. */
/** A table cell of text from outside (Flux, ARM, a file): escaped so it stays text. */
export const cell = markdownText;

/** The command's output, collapsed, for the summary. */
export function logMarkdown(title: string, lines: readonly string[]): string[] {
  const text = lines.join("\n").trimEnd();
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = "`".repeat(longest + 1);
  return [`<details><summary>${title}</summary>`, "", `${ticks}text`, text, ticks, "", "</details>"];
}
