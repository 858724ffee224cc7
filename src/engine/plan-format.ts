// The plan for people: plain text for a terminal, Markdown for a pull-request comment. `--json`
// prints the PlanReport itself.
import { markdownCode, markdownCodeBlock, markdownText } from "../render/escape.js";
import { formatArmError } from "./arm-error-text.js";
import { formatDiagnostic } from "../config/diagnostics.js";
import { objectDiffMarkdown, objectDiffText } from "../kubernetes/object-diff-format.js";
import type { CapacitySummary, Day2PlanReport, GitopsComparison, PlanReport, WhatIfReport } from "./plan.js";
import type { PreflightReport } from "./preflight/run.js";
import type { ChangeKind, PropertyChange, ResourceChange, WhatIfSummary } from "./what-if.js";
import { propertyValues } from "./what-if-format.js";
import { costMarkdown, costText } from "../cost/cost-format.js";
import { gateLine } from "./promotion.js";
import { compactDigest } from "./review-digest.js";

const SYMBOL: Record<ChangeKind, string> = { create: "+", modify: "~", delete: "-", unknown: "?", noChange: "=" };
const LABEL: Record<ChangeKind, string> = {
  create: "to create",
  modify: "to modify",
  delete: "to delete",
  unknown: "unknown",
  noChange: "unchanged",
};
const CHANGE_SYMBOL: Record<string, string> = { added: "A", modified: "M", deleted: "D" };
/** Text output shows this much of the patch; --json carries all of it. */
const TEXT_PATCH_LINES = 400;
/** GitHub comments hold 65,536 characters. */
const MARKDOWN_PATCH_CHARS = 50_000;

function propertyLine(p: PropertyChange): string {
  return `${p.change === "Create" ? "+" : p.change === "Delete" ? "-" : "~"} ${p.path}${propertyValues(p)}`;
}

function whatIfCounts(summary: WhatIfSummary): string {
  return (["create", "modify", "delete", "unknown", "noChange"] as const)
    .map((k) => `${summary.counts[k]} ${LABEL[k]}`)
    .join(", ");
}

function capacityText(c: CapacitySummary): string[] {
  const lines = [`Capacity (${c.profile} profile)${c.fits ? "" : ": DOES NOT FIT"}`];
  for (const p of c.pools) {
    const nodes = p.autoscaled
      ? `${p.nodesNeeded} needed, autoscaling ${p.minCount}-${p.maxCount}`
      : `${p.nodesNeeded} needed, fixed ${p.minCount}`;
    lines.push(
      `  ${p.name.padEnd(10)} ${p.vmSize} (${p.vcpu} vCPU, ${p.memoryGiB} GiB) ` +
        `× ${nodes}; requests ${p.requested.vcpu}/${p.allocatable.vcpu} vCPU, ` +
        `${p.requested.memoryGiB}/${p.allocatable.memoryGiB} GiB allocatable; ~$` +
        `${p.hourlyUsdPerNode.toFixed(2)}/h per node`,
    );
  }
  return lines;
}

function gitopsText(g: GitopsComparison): string[] {
  if (g.status === "unavailable")
    return [`GitOps branch ${g.branch}: not compared (${g.reason}); ${g.renderedFiles} file(s) rendered`];
  if (g.status === "skipped")
    return [`GitOps branch ${g.branch}: not read (--offline); ${g.renderedFiles} file(s) rendered`];
  const head =
    `GitOps branch ${g.branch}` +
    `${g.base ? ` at ${g.base.slice(0, 7)}` : " (does not exist yet)"}: ` +
    `${g.files.length === 0 ? "up to date" : `${g.files.length} file(s) would change`}`;
  const lines = [head, ...g.files.map((f) => `  ${CHANGE_SYMBOL[f.change] ?? "?"} ${f.path}`)];
  // A new branch's patch is every file in full: the list says it all.
  if (g.base && g.patch) {
    const patch = g.patch.trimEnd().split("\n");
    lines.push("", ...patch.slice(0, TEXT_PATCH_LINES));
    if (patch.length > TEXT_PATCH_LINES)
      lines.push(`… ${patch.length - TEXT_PATCH_LINES} more line(s); --json has the whole patch`);
  }
  return lines;
}

function resourceText(c: ResourceChange): string[] {
  const why = c.kind === "unknown" && c.reason ? ` (${c.reason})` : "";
  const lines = [`  ${SYMBOL[c.kind]} ${c.resourceType} ${c.name}${why}`];
  for (const p of c.properties) lines.push(`      ${propertyLine(p)}`);
  for (const i of c.ignored) lines.push(`      · ${i.path} (noise: ${i.rule})`);
  return lines;
}

function whatIfText(w: WhatIfReport): string[] {
  if (w.status === "error") return [`What-if: could not run: ${w.message}`];
  if (w.status === "failed") return ["What-if: ARM reported an error", ...formatArmError(w.error, 1)];
  const s = w.summary;
  const listed = s.changes.filter((c) => c.kind !== "noChange" || c.ignored.length > 0);
  const lines = [`What-if (ARM, subscription scope): ${whatIfCounts(s)}`, ...listed.flatMap(resourceText)];
  if (s.noiseRules.length > 0)
    lines.push("  Noise rules applied:", ...s.noiseRules.map((r) => `    ${r.id}: ${r.reason}`));
  return lines;
}

/** Day 2 in plain lines, shared by text and Markdown: the real storage size and every refusal. */
function day2Lines(d: Day2PlanReport | undefined): string[] {
  if (!d) return ["Day 2: not checked (offline plan; add --azure to compare with the deployed resources)"];
  if (d.status === "error") return [`Day 2: could not read the deployed resources: ${d.message}`];
  if (d.status === "published") {
    const against = `the node pools the last deploy recorded on the GitOps branch at ${d.commit.slice(0, 7)}`;
    if (d.refusals.length === 0)
      return [
        `Day 2 (offline): no node-pool change AKS would refuse, against ${against}; add --azure for the full check`,
      ];
    return [
      `Day 2: REFUSED (offline, against ${against}), ${d.refusals.length} ` +
        `change(s) the deployed node pools cannot take`,
      ...d.refusals.map((r) => `  ${r.field}: ${r.message}`),
    ];
  }
  const s = d.postgresStorage;
  const storage =
    s.deployedGb === undefined
      ? `PostgreSQL storage: ${s.deployGb} GiB (server not created yet)`
      : s.deployedGb > s.configuredGb
        ? `PostgreSQL storage: ${s.deployedGb} GiB deployed (auto-grown; the file ` +
          `asks ${s.configuredGb}): the deploy keeps ${s.deployGb} GiB`
        : `PostgreSQL storage: ${s.deployedGb} GiB deployed, ${s.deployGb} GiB asked`;
  const verdict =
    d.refusals.length === 0
      ? "Day 2: the deployed resources allow this deploy"
      : `Day 2: REFUSED, ${d.refusals.length} change(s) the deployed resources cannot take`;
  return [
    verdict,
    `  ${storage}`,
    ...d.refusals.map((r) => `  ${r.field}: ${r.message}`),
    ...(d.kept ?? []).map((k) => `  kept: ${k.field}: ${k.message}`),
  ];
}

export function planText(report: PlanReport): string {
  const lines = [
    `Plan for ${report.environment} (${report.file}): subscription ${report.subscriptionId}, ${report.location}`,
    "",
    ...capacityText(report.capacity),
    "",
    ...gitopsText(report.gitops),
  ];
  if (report.kubernetes) lines.push("", ...objectDiffText(report.kubernetes));
  lines.push("", ...day2Lines(report.day2));
  lines.push(
    "",
    ...(report.whatIf ? whatIfText(report.whatIf) : ["What-if: not run (offline plan; add --azure to ask ARM)"]),
  );
  if (report.preflight) lines.push("", ...preflightLines(report.preflight));
  if (report.cost) lines.push("", ...costText(report.cost));
  if (report.promotion) lines.push("", gateLine(report.promotion, report.environment));
  if (report.review) lines.push("", `Reviewed-plan digest: ${compactDigest(report.review)}`, ...reviewGaps(report));
  return lines.join("\n");
}

/** What the reviewed-plan digest could not include. */
function reviewGaps(report: PlanReport): string[] {
  return report.reviewObjectsError ? [`(the Kubernetes objects are not in it: ${report.reviewObjectsError})`] : [];
}

function preflightLines(p: PreflightReport): string[] {
  if (p.status === "error") return [`Preflight: could not run: ${p.message}`];
  const errors = p.diagnostics.filter((d) => d.severity === "error").length;
  const head =
    p.diagnostics.length === 0
      ? "Preflight: quota, VM sizes, versions, providers and operator secrets: nothing Azure would refuse"
      : `Preflight: ${errors} error(s), ${p.diagnostics.length - errors} ` +
        `warning(s); deploy refuses to start while any error stands`;
  return [
    head,
    ...p.diagnostics.map(formatDiagnostic),
    ...p.notes.map((note) => `  (${note})`),
    ...(p.secretsChecked
      ? []
      : ["  (the Key Vault does not exist yet: operator secrets are checked after the bootstrap deployment)"]),
  ];
}

// Table cells hold ARM's words and values that came from the environment file: escaped to stay text.
const cell = markdownText;

const fence = markdownCodeBlock;

function whatIfMarkdown(w: WhatIfReport): string[] {
  if (w.status === "error") return ["### What-if", "", "Could not run:", "", fence(w.message, "text")];
  if (w.status === "failed")
    return ["### What-if", "", "ARM reported an error:", "", fence(formatArmError(w.error).join("\n"), "text")];
  const s = w.summary;
  const lines = ["### What-if", "", "| create | modify | delete | unknown | unchanged |", "|---:|---:|---:|---:|---:|"];
  lines.push(
    `| ${s.counts.create} | ${s.counts.modify} | ${s.counts.delete} | ${s.counts.unknown} | ${s.counts.noChange} |`,
    "",
  );
  const listed = s.changes.filter((c) => c.kind !== "noChange" || c.ignored.length > 0);
  if (listed.length > 0) {
    lines.push("| | resource | type | details |", "|---|---|---|---|");
    for (const c of listed) {
      const details = [
        ...(c.kind === "unknown" && c.reason ? [cell(c.reason)] : []),
        ...c.properties.map((p) => markdownCode(propertyLine(p))),
        ...c.ignored.map((i) => `noise (${i.rule}): ${markdownCode(i.path)}`),
      ];
      lines.push(`| ${SYMBOL[c.kind]} | ${markdownCode(c.name)} | ${cell(c.resourceType)} | ${details.join("<br>")} |`);
    }
    lines.push("");
  }
  if (s.noiseRules.length > 0)
    lines.push(
      "<details><summary>Noise rules applied</summary>",
      "",
      ...s.noiseRules.map((r) => `- \`${r.id}\`: ${r.reason}`),
      "",
      "</details>",
    );
  return lines;
}

export function planMarkdown(report: PlanReport): string {
  const lines = [
    `## Plan: \`${report.environment}\``,
    "",
    `\`${report.file}\` → subscription \`${report.subscriptionId}\`, ${report.location}`,
    "",
  ];
  lines.push(
    `### Capacity (${report.capacity.profile})${report.capacity.fits ? "" : " — does not fit"}`,
    "",
    "| pool | VM size | nodes | requests / allocatable | $/h per node |",
    "|---|---|---|---|---:|",
  );
  for (const p of report.capacity.pools) {
    const nodes = p.autoscaled
      ? `${p.nodesNeeded} (autoscale ${p.minCount}–${p.maxCount})`
      : `${p.nodesNeeded} (fixed)`;
    lines.push(
      `| ${p.name} | ${p.vmSize} | ${nodes} | ${p.requested.vcpu}/` +
        `${p.allocatable.vcpu} vCPU, ${p.requested.memoryGiB}/` +
        `${p.allocatable.memoryGiB} GiB | ${p.hourlyUsdPerNode.toFixed(2)} |`,
    );
  }
  lines.push("", "### GitOps tree", "");
  const g = report.gitops;
  if (g.status === "unavailable") {
    // git's and the remote's words: in a code block, where they cannot become Markdown.
    lines.push(`Branch \`${g.branch}\` not compared:`, "", fence(g.reason, "text"));
  } else if (g.status === "skipped") {
    lines.push(`Branch \`${g.branch}\` not read (offline plan); ${g.renderedFiles} file(s) rendered.`);
  } else if (g.files.length === 0) {
    lines.push(`Branch \`${g.branch}\` already holds the rendered tree.`);
  } else {
    lines.push(
      `Branch \`${g.branch}\`` +
        `${g.base ? ` at \`${g.base.slice(0, 7)}\`` : " (new)"}: ` +
        `${g.files.length} file(s) would change.`,
      "",
    );
    lines.push(...g.files.map((f) => `- ${CHANGE_SYMBOL[f.change] ?? "?"} \`${f.path}\``));
    if (g.base && g.patch) {
      const patch =
        g.patch.length > MARKDOWN_PATCH_CHARS
          ? `${g.patch.slice(0, MARKDOWN_PATCH_CHARS)}\n… (truncated)`
          : g.patch.trimEnd();
      lines.push("", "<details><summary>Diff</summary>", "", fence(patch, "diff"), "", "</details>");
    }
  }
  if (report.kubernetes) lines.push("", ...objectDiffMarkdown(report.kubernetes));
  const [verdict, ...details] = day2Lines(report.day2);
  lines.push(
    "",
    "### Day 2",
    "",
    cell(verdict ?? ""),
    ...(details.length > 0 ? ["", ...details.map((l) => `- ${cell(l.trim())}`)] : []),
  );
  lines.push("", ...(report.whatIf ? whatIfMarkdown(report.whatIf) : ["### What-if", "", "Not run (offline plan)."]));
  if (report.preflight) lines.push("", "### Preflight", "", fence(preflightLines(report.preflight).join("\n"), "text"));
  if (report.cost) lines.push("", ...costMarkdown(report.cost));
  if (report.promotion)
    lines.push("", "### Promotion gate", "", markdownText(gateLine(report.promotion, report.environment)));
  if (report.review)
    lines.push(
      "",
      "### Reviewed plan",
      "",
      `Digest ${markdownCode(compactDigest(report.review))}: the deploy on ` +
        `merge, or \`deploy --reviewed-plan\` with it, stops when Azure, the ` +
        `GitOps tree, the Kubernetes objects or the toolkit differ from this ` +
        `plan.`,
      ...reviewGaps(report).map((g) => `\n${markdownText(g)}`),
    );
  return `${lines.join("\n")}\n`;
}
