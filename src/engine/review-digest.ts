// What a reviewer saw in a plan, in a form a deploy can check: the what-if changes after noise
// rules (as lines, so a difference can be shown), a hash of the rendered GitOps tree, and the
// toolkit commit. The plan comment carries it in a hidden marker; the deploy on merge recomputes
// it and stops before the first write when Azure, the tree or the toolkit moved since the review.
import { createHash } from "node:crypto";
import type { RenderedTree } from "../render/tree.js";
import type { Environment } from "../model/environment.js";
import { infraOutputsPath } from "./infra-outputs.js";
import { gitopsFiles } from "./rendered.js";
import { propertyValues } from "./what-if-format.js";
import type { WhatIfSummary } from "./what-if.js";

export interface ReviewDigest {
  v: 1;
  environment: string;
  /** The toolkit's commit ("unknown" outside a git checkout). */
  toolkit: string;
  /** sha256 of the rendered GitOps tree (path and content of every file, sorted). */
  tree: string;
  /** sha256 of the what-if's changes after noise rules; absent when the plan ran no what-if. */
  whatIfHash?: string;
  /** Those changes, one line each, as many as fit the comment's budget: to show a difference. */
  whatIf?: string[];
}

/** The digest rides in the plan comment (65,536 characters in all): its lines get this much. */
const LINES_BUDGET = 12_000;

function capped(lines: readonly string[]): string[] {
  const out: string[] = [];
  let size = 0;
  for (const line of lines) {
    size += line.length + 1;
    if (size > LINES_BUDGET) break;
    out.push(line);
  }
  return out;
}

const SYMBOL: Record<string, string> = { create: "+", modify: "~", delete: "-", unknown: "?" };

export function treeHash(env: Environment, tree: RenderedTree): string {
  const hash = createHash("sha256");
  // The outputs ConfigMap is written at deploy time from ARM's outputs: not part of what is reviewed.
  const files = [...gitopsFiles(tree)]
    .filter(([path]) => path !== infraOutputsPath(env))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [path, content] of files) hash.update(`${path}\0${content}\0`);
  return hash.digest("hex");
}

export function whatIfLines(summary: WhatIfSummary): string[] {
  return summary.changes
    .filter((c) => c.kind !== "noChange")
    .flatMap((c) => [
      `${SYMBOL[c.kind] ?? "?"} ${c.resourceType} ${c.name}`,
      ...c.properties.map((p) => `    ${p.path}${propertyValues(p)}`),
    ]);
}

export function reviewDigest(
  env: Environment,
  tree: RenderedTree,
  toolkit: string,
  whatIf: WhatIfSummary | undefined,
): ReviewDigest {
  const lines = whatIf ? whatIfLines(whatIf) : undefined;
  const whatIfPart = lines
    ? { whatIfHash: createHash("sha256").update(lines.join("\n")).digest("hex"), whatIf: capped(lines) }
    : {};
  return { v: 1, environment: env.name, toolkit, tree: treeHash(env, tree), ...whatIfPart };
}

/** What differs between the reviewed digest and the one computed now, as lines for people; empty when nothing does. */
export function digestDifferences(reviewed: ReviewDigest, now: ReviewDigest): string[] {
  const out: string[] = [];
  if (reviewed.environment !== now.environment)
    out.push(`the reviewed plan is of ${reviewed.environment}, not ${now.environment}`);
  if (reviewed.toolkit !== now.toolkit)
    out.push(`toolkit: reviewed at ${reviewed.toolkit.slice(0, 12)}, deploying with ${now.toolkit.slice(0, 12)}`);
  if (reviewed.tree !== now.tree)
    out.push(
      "GitOps tree: the rendered files differ from the reviewed ones (another merge, or a change of the toolkit or charts)",
    );
  // A plan without Azure access reviewed no what-if: nothing of Azure to compare with.
  if (reviewed.whatIfHash && now.whatIfHash && reviewed.whatIfHash !== now.whatIfHash) {
    const before = new Set(reviewed.whatIf);
    const after = new Set(now.whatIf);
    const gone = (reviewed.whatIf ?? []).filter((l) => !after.has(l));
    const added = (now.whatIf ?? []).filter((l) => !before.has(l));
    out.push(
      "what-if: Azure's changes differ from the reviewed ones",
      ...gone.map((l) => `  reviewed, not any more: ${l.trim()}`),
      ...added.map((l) => `  new since the review:   ${l.trim()}`),
    );
    if (gone.length + added.length === 0)
      out.push("  (beyond the lines the comment could record: compare the plans in full)");
  }
  return out;
}

const MARKER = /<!-- codemie-gitops:reviewed:([a-z][a-z0-9-]{0,11}) ([A-Za-z0-9+/=]+) -->/;

export function digestMarker(d: ReviewDigest): string {
  return `<!-- codemie-gitops:reviewed:${d.environment} ${Buffer.from(JSON.stringify(d)).toString("base64")} -->`;
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === "string");

/** The digest in a comment body; undefined when absent or malformed (the body is untrusted text). */
export function parseDigestMarker(body: string, environment: string): ReviewDigest | undefined {
  const m = MARKER.exec(body);
  if (!m || m[1] !== environment) return undefined;
  try {
    const d = JSON.parse(Buffer.from(m[2]!, "base64").toString("utf8")) as Partial<ReviewDigest>;
    if (d.v !== 1 || d.environment !== environment || typeof d.toolkit !== "string" || typeof d.tree !== "string")
      return undefined;
    if (
      (d.whatIfHash === undefined) !== (d.whatIf === undefined) ||
      (d.whatIfHash !== undefined && typeof d.whatIfHash !== "string") ||
      (d.whatIf !== undefined && !isStrings(d.whatIf))
    )
      return undefined;
    return {
      v: 1,
      environment,
      toolkit: d.toolkit,
      tree: d.tree,
      ...(d.whatIfHash && d.whatIf ? { whatIfHash: d.whatIfHash, whatIf: d.whatIf } : {}),
    };
  } catch {
    return undefined;
  }
}
