// What a reviewer saw in a plan, in a form a deploy can check: the what-if changes after noise
// rules (as lines, so a difference can be shown), a hash of the rendered GitOps tree, a hash of
// the Kubernetes objects (src/app/objects-digest.ts), and the toolkit commit. The plan comment
// carries it in a hidden marker (and a compact form a person can copy); a deploy held to it
// recomputes it and stops before the first write when any part moved since the review.
import { createHash } from "node:crypto";
import type { RenderedTree } from "../render/tree.js";
import type { Environment } from "../model/environment.js";
import { infraOutputsPath } from "./infra-outputs.js";
import { gitopsFiles } from "./rendered.js";
import { propertyValues } from "./what-if-format.js";
import type { WhatIfSummary } from "./what-if.js";

export interface ReviewDigest {
  /** 1: recorded before the objects were; still read. */
  v: 1 | 2;
  environment: string;
  /** The toolkit's commit ("unknown" outside a git checkout). */
  toolkit: string;
  /** sha256 of the rendered GitOps tree (path and content of every file, sorted). */
  tree: string;
  /** sha256 of the Kubernetes objects; absent when they could not be built (or in a v1 digest). */
  objects?: string;
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
  objects: string | undefined,
  whatIf: WhatIfSummary | undefined,
): ReviewDigest {
  const lines = whatIf ? whatIfLines(whatIf) : undefined;
  const whatIfPart = lines
    ? { whatIfHash: createHash("sha256").update(lines.join("\n")).digest("hex"), whatIf: capped(lines) }
    : {};
  return {
    v: 2,
    environment: env.name,
    toolkit,
    tree: treeHash(env, tree),
    ...(objects ? { objects } : {}),
    ...whatIfPart,
  };
}

/** The reviewed hash may be cut short (the compact digest a person copies): it must begin the full one. */
const same = (reviewed: string, now: string): boolean =>
  reviewed === now || (reviewed.length >= 12 && now.startsWith(reviewed));

/** What a deploy could not recompute, so a reviewed part cannot be confirmed. */
export interface DigestGaps {
  /** Why the Kubernetes objects could not be built now. */
  objects?: string;
}

/** Lines of Azure's current changes shown when the review recorded only their hash. */
const SHOWN_NOW = 40;

/** What differs between the reviewed digest and the one computed now, as lines for people; empty when nothing does. */
export function digestDifferences(reviewed: ReviewDigest, now: ReviewDigest, gaps: DigestGaps = {}): string[] {
  const out: string[] = [];
  if (reviewed.environment !== now.environment)
    out.push(`the reviewed plan is of ${reviewed.environment}, not ${now.environment}`);
  // A plan without Azure access reviewed no what-if: nothing of Azure to compare with.
  if (reviewed.whatIfHash && now.whatIfHash && !same(reviewed.whatIfHash, now.whatIfHash)) {
    out.push("what-if: Azure's changes differ from the reviewed ones");
    if (reviewed.whatIf) {
      const before = new Set(reviewed.whatIf);
      const after = new Set(now.whatIf);
      const gone = reviewed.whatIf.filter((l) => !after.has(l));
      const added = (now.whatIf ?? []).filter((l) => !before.has(l));
      out.push(
        ...gone.map((l) => `  reviewed, not any more: ${l.trim()}`),
        ...added.map((l) => `  new since the review:   ${l.trim()}`),
      );
      if (gone.length + added.length === 0)
        out.push("  (beyond the lines the comment could record: compare the plans in full)");
    } else {
      // A compact digest records the hash only: show what Azure would change now.
      const lines = now.whatIf ?? [];
      out.push(
        lines.length === 0 ? "  Azure's changes now: none" : "  Azure's changes now:",
        ...lines.slice(0, SHOWN_NOW).map((l) => `    ${l}`),
        ...(lines.length > SHOWN_NOW ? [`    (${lines.length - SHOWN_NOW} more line(s): run plan --azure)`] : []),
      );
    }
  }
  if (!same(reviewed.tree, now.tree))
    out.push(
      "GitOps tree: the rendered files differ from the reviewed ones (another " +
        "merge, or a change of the toolkit or charts)",
    );
  if (reviewed.objects && !now.objects)
    out.push(
      `Kubernetes objects: cannot be built now (` +
        `${gaps.objects ?? "unknown reason"}), so the reviewed ones cannot be ` +
        `confirmed`,
    );
  else if (reviewed.objects && now.objects && !same(reviewed.objects, now.objects))
    out.push(
      same(reviewed.tree, now.tree)
        ? "Kubernetes objects: differ from the reviewed ones while the GitOps tree " +
            "does not (a chart changed under the same version, or kustomize)"
        : "Kubernetes objects: differ from the reviewed ones",
    );
  if (!same(reviewed.toolkit, now.toolkit))
    out.push(`toolkit: reviewed at ${reviewed.toolkit.slice(0, 12)}, deploying with ${now.toolkit.slice(0, 12)}`);
  return out;
}

/** How long each hash is in the compact digest: 80 bits, beyond anyone's reach to match by chance or on purpose. */
const COMPACT_HEX = 20;
const COMPACT =
  /^rp2\.([a-z][a-z0-9-]{0,11})\.([0-9a-f]{12}|unknown)\.([0-9a-f]{20})\.([0-9a-f]{20}|-)\.([0-9a-f]{20}|-)$/;

/**
 * The digest as one line a person can copy from a plan into `deploy --reviewed-plan`:
 * `rp2.ENV.TOOLKIT.TREE.OBJECTS.WHATIF`, each hash cut short, `-` for a part the plan did not have.
 */
export function compactDigest(d: ReviewDigest): string {
  const cut = (h: string | undefined): string => (h ? h.slice(0, COMPACT_HEX) : "-");
  const toolkit = d.toolkit === "unknown" ? "unknown" : d.toolkit.slice(0, 12);
  return `rp2.${d.environment}.${toolkit}.${cut(d.tree)}.${cut(d.objects)}.${cut(d.whatIfHash)}`;
}

/** A compact digest; undefined when the text is not one. */
export function parseCompactDigest(text: string): ReviewDigest | undefined {
  const m = COMPACT.exec(text.trim());
  if (!m) return undefined;
  const [environment, toolkit, tree, objects, whatIf] = m.slice(1).map((part) => part ?? "");
  if (!environment || !toolkit || !tree || !objects || !whatIf) return undefined;
  return {
    v: 2,
    environment,
    toolkit,
    tree,
    ...(objects !== "-" ? { objects } : {}),
    ...(whatIf !== "-" ? { whatIfHash: whatIf } : {}),
  };
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
    if (
      (d.v !== 1 && d.v !== 2) ||
      d.environment !== environment ||
      typeof d.toolkit !== "string" ||
      typeof d.tree !== "string" ||
      (d.objects !== undefined && typeof d.objects !== "string")
    )
      return undefined;
    if (
      (d.whatIfHash === undefined) !== (d.whatIf === undefined) ||
      (d.whatIfHash !== undefined && typeof d.whatIfHash !== "string") ||
      (d.whatIf !== undefined && !isStrings(d.whatIf))
    )
      return undefined;
    return {
      v: d.v,
      environment,
      toolkit: d.toolkit,
      tree: d.tree,
      ...(d.objects ? { objects: d.objects } : {}),
      ...(d.whatIfHash && d.whatIf ? { whatIfHash: d.whatIfHash, whatIf: d.whatIf } : {}),
    };
  } catch {
    return undefined;
  }
}
