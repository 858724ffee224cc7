// The cost for people: terminal lines and the plan comment's Markdown section. `--json` prints
// the estimate and delta themselves.
import { markdownCode, markdownText } from "../render/escape.js";
import { deltaHeadline, type CostDelta } from "./delta.js";
import type { CostEstimate, CostLine } from "./estimate.js";

export interface CostReport {
  estimate: CostEstimate;
  /** Against the base branch's version of the file. */
  base?: { ref: string; delta: CostDelta } | { ref: string; missing: string };
}

const usd = (n: number): string =>
  "$" +
  n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: n !== 0 && Math.abs(n) < 1 ? 4 : 2 });
const whole = (n: number): string => `$${Math.round(n).toLocaleString("en-US")}`;
const signed = (n: number): string => `${n < 0 ? "-" : "+"}${whole(Math.abs(n))}`;

function max(l: CostLine): string {
  return l.atMaximum ? `; at maximum ${l.atMaximum.quantity}: ${usd(l.atMaximum.monthly)}` : "";
}

function deltaLines(report: CostReport): string[] {
  const base = report.base;
  if (!base) return [];
  if ("missing" in base) return [`Change against ${base.ref}: ${base.missing}`];
  return [
    `Change against ${base.ref}: ${deltaHeadline(base.delta)}`,
    ...base.delta.changes.map((c) => `  ${signed(c.monthlyDelta)}/month: ${c.label} ${c.change}`),
  ];
}

function totalLine(e: CostEstimate): string {
  const atMax =
    e.monthlyAtMaximum !== e.monthly ? `, ${usd(e.monthlyAtMaximum)} with every autoscaled pool at its maximum` : "";
  return `${usd(e.monthly)}/month${atMax}`;
}

function priceNote(e: CostEstimate): string {
  return (
    `Prices: ${e.prices.source}, ${e.prices.retrieved}; ` +
    `${e.prices.baseRegion} × ${e.regionFactor} for ${e.region}` +
    `${e.regionNote ? ` (${e.regionNote})` : ""}. Not included: ` +
    `${e.notEstimated.join("; ")}.`
  );
}

export function costText(report: CostReport): string[] {
  const e = report.estimate;
  const lines = [`Monthly cost of ${e.environment} (${e.region}): ${totalLine(e)}`];
  for (const l of e.lines)
    lines.push(
      `  ${l.label.padEnd(34)} ${`${l.quantity} × ${l.unit}`.padEnd(44)} @ ` +
        `${usd(l.unitMonthly).padStart(9)} = ${usd(l.monthly).padStart(10)}` +
        `${max(l)}${l.note ? ` (${l.note})` : ""}`,
    );
  lines.push(...deltaLines(report), priceNote(e));
  return lines;
}

export function costMarkdown(report: CostReport): string[] {
  const e = report.estimate;
  const base = report.base;
  const head =
    base && !("missing" in base) ? `**${deltaHeadline(base.delta)}** against ${markdownCode(base.ref)}: ` : "";
  const lines = ["### Monthly cost", "", `${head}${totalLine(e)}.`];
  if (base && "missing" in base) lines.push("", markdownText(`Against ${base.ref}: ${base.missing}`));
  if (base && !("missing" in base) && base.delta.changes.length > 0) {
    lines.push(
      "",
      ...base.delta.changes.map((c) => `- ${signed(c.monthlyDelta)}/month: ${markdownText(`${c.label} ${c.change}`)}`),
    );
  }
  lines.push(
    "",
    "<details><summary>Cost lines</summary>",
    "",
    "| item | quantity | unit price / month | month | at maximum |",
    "|---|---|---:|---:|---:|",
  );
  for (const l of e.lines) {
    const note = l.note ? ` (${markdownText(l.note)})` : "";
    lines.push(
      `| ${markdownText(l.label)}${note} | ` +
        `${markdownText(`${l.quantity} × ${l.unit}`)} | ${usd(l.unitMonthly)} | ` +
        `${usd(l.monthly)} | ` +
        `${l.atMaximum ? `${l.atMaximum.quantity}: ${usd(l.atMaximum.monthly)}` : ""}` +
        ` |`,
    );
  }
  lines.push("", markdownText(priceNote(e)), "", "</details>");
  return lines;
}
