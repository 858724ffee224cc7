// The promotion pull request's title, commit message and body, built here so that nothing read
// from an environment file is rendered as Markdown: every value sits in a code span (backticks
// replaced, one line) or a fence longer than any backtick run it holds.

export interface Promotion {
  from: string;
  to: string;
  /** The target file, from the repository root. */
  path: string;
  version: { before: string; after: string };
  warnings: readonly string[];
  runUrl?: string;
}

/** A code span that cannot close early or span lines, whatever the value holds. */
export function codeSpan(value: string): string {
  return `\`${value.replace(/`/g, "ˋ").replace(/[\r\n]+/g, " ")}\``;
}

function fence(lines: readonly string[]): string[] {
  const longest = Math.max(2, ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((m) => m.length))));
  const marker = "`".repeat(longest + 1);
  return [`${marker}text`, ...lines, marker];
}

/** The branch a promotion is proposed on; environment names are checked (lowercase, digits, hyphens). */
export const promotionBranch = (from: string, to: string): string => `codemie-gitops/promote-${from}-to-${to}`;

export function promotionTitle(p: Promotion): string {
  return `Promote ${p.from} to ${p.to}: CodeMie ${p.version.before} → ${p.version.after}`;
}

export function promotionBody(p: Promotion): string {
  const lines = [
    `## Promote ${codeSpan(p.from)} → ${codeSpan(p.to)}`,
    "",
    `${codeSpan(p.path)}: \`codemie.version\` ${codeSpan(p.version.before)} → ${codeSpan(p.version.after)}, ` +
      `the version ${codeSpan(p.from)} runs. Nothing else in the file changes.`,
    "",
    `The plan on this pull request shows the promotion gate: ${codeSpan(p.to)}'s deploy waits until ` +
      `${codeSpan(p.from)} runs this release and is Compliant.`,
  ];
  if (p.warnings.length) lines.push("", "Warnings:", "", ...fence(p.warnings));
  lines.push("", `Prepared by codemie-gitops promote${p.runUrl ? ` ([run](${p.runUrl}))` : ""}.`);
  return `${lines.join("\n")}\n`;
}
