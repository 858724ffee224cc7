// The object diff for people: plain text for a terminal, Markdown for a pull-request comment (one
// collapsed block per release, the whole section kept under a budget with a notice of what was
// left out). Names, values and messages come from charts and from a published branch: in
// Markdown they appear only inside code blocks or entity-encoded, never as Markdown or HTML.
import { markdownCodeBlock } from "../render/escape.js";
import {
  describeRef,
  type FieldChange,
  type KubernetesDiff,
  type ObjectChange,
  type ReleaseDiff,
} from "./object-diff.js";

const SYMBOL: Record<ObjectChange["change"], string> = { added: "+", changed: "~", removed: "-" };
/** Field lines shown per changed object in text and Markdown; --json has them all. */
const FIELDS_PER_OBJECT = 40;
/**
 * Characters of one release's Markdown block, and of the whole section (a comment holds 65,536 with the rest of the
 * plan).
 */
const MARKDOWN_RELEASE_CHARS = 6_000;
export const MARKDOWN_SECTION_CHARS = 20_000;

function fieldLines(f: FieldChange): string[] {
  if (f.lines) return [`${f.path}:`, ...f.lines.map((l) => `  ${l}`)];
  if (f.before === undefined) return [`${f.path}: + ${f.after ?? ""}`];
  if (f.after === undefined) return [`${f.path}: - ${f.before}`];
  return [`${f.path}: ${f.before} → ${f.after}`];
}

function objectLines(o: ObjectChange): string[] {
  const lines = [`${SYMBOL[o.change]} ${describeRef(o.object)}`];
  const fields = o.fields.flatMap(fieldLines);
  lines.push(...fields.slice(0, FIELDS_PER_OBJECT).map((l) => `    ${l}`));
  if (fields.length > FIELDS_PER_OBJECT)
    lines.push(`    … ${fields.length - FIELDS_PER_OBJECT} more line(s); --json has them all`);
  return lines;
}

function counts(r: ReleaseDiff): string {
  if (r.status === "not-compared") return "not compared";
  const n = (c: ObjectChange["change"]) => r.objects.filter((o) => o.change === c).length;
  if (r.objects.length === 0) return "values differ, objects identical";
  return [`${n("added")} added`, `${n("changed")} changed`, `${n("removed")} removed`]
    .filter((s) => !s.startsWith("0 "))
    .join(", ");
}

function releaseLines(r: ReleaseDiff): string[] {
  if (r.status === "not-compared") return [`not compared: ${r.reason}`];
  return [
    ...r.objects.flatMap(objectLines),
    ...(r.varying ? [`(left out: ${r.varying.join(", ")}, which differ on every render of this chart)`] : []),
  ];
}

function head(d: KubernetesDiff & { status: "compared" }): string {
  const changed = d.releases.length;
  return (
    `${changed} release(s) render differently, ${d.unchangedReleases} ` +
    `unchanged (helm template ${d.helmVersion} of the published branch and ` +
    `of this change, same charts)`
  );
}

export function objectDiffText(d: KubernetesDiff): string[] {
  if (d.status === "skipped") return [`Kubernetes objects: not compared (${d.reason})`];
  if (d.status === "unavailable") return [`Kubernetes objects: could not be compared: ${d.reason}`];
  const lines = [`Kubernetes objects: ${head(d)}`];
  for (const r of d.releases) {
    lines.push(
      `  ${r.release} (chart ${r.chart}` +
        `${r.status === "added" || r.status === "removed" ? `, release ${r.status}` : ""}` +
        `): ${counts(r)}`,
    );
    lines.push(...releaseLines(r).map((l) => `    ${l}`));
  }
  return lines;
}

/**
 * Text from a chart or a branch inside HTML (a <summary>): every character but plain ones as an entity, so nothing in
 * it is Markdown or HTML.
 */
function htmlText(value: string): string {
  return value.replace(/[^A-Za-z0-9 ._/-]/g, (c) => `&#${c.codePointAt(0)};`);
}

export function objectDiffMarkdown(d: KubernetesDiff, budget = MARKDOWN_SECTION_CHARS): string[] {
  const lines = ["### Kubernetes objects", ""];
  if (d.status === "skipped") return [...lines, `Not compared: ${htmlText(d.reason)}.`];
  if (d.status === "unavailable") return [...lines, "Could not be compared:", "", markdownCodeBlock(d.reason, "text")];
  lines.push(`${htmlText(head(d))}.`);
  let used = lines.join("\n").length;
  let shown = 0;
  for (const r of d.releases) {
    let body = releaseLines(r).join("\n");
    if (body.length > MARKDOWN_RELEASE_CHARS)
      body = `${body.slice(0, MARKDOWN_RELEASE_CHARS)}\n… (cut here; --json or the CLI has the whole diff)`;
    const block = [
      "",
      `<details><summary>${htmlText(`${r.release} (chart ${r.chart}): ${counts(r)}`)}</summary>`,
      "",
      markdownCodeBlock(body, "diff"),
      "",
      "</details>",
    ].join("\n");
    if (used + block.length > budget) break;
    lines.push(block);
    used += block.length + 1;
    shown += 1;
  }
  if (shown < d.releases.length)
    lines.push(
      "",
      `> [!NOTE]\n> **Truncated**: ${d.releases.length - shown} more ` +
        `release(s) render differently; \`codemie-gitops plan --json\` lists ` +
        `every object.`,
    );
  return lines;
}
