// Promotion gate: an environment with `promotion.after` deploys a release only once that release
// (the same CodeMie version, rendered by the same toolkit commit) runs Compliant in `after`, as
// the latest finished GitHub deployment of `after` records it (the deploy records success only
// when Flux reports the published commit Compliant), or as `after`'s GitOps branch records it
// (each deploy's commit names its release) with Flux reporting that commit Compliant.
import type { Environment } from "../model/environment.js";

export interface DeploymentRecord {
  environment: string;
  /** The commit deployed. */
  sha: string;
  /** From the deployment's payload; absent in records older than the gate. */
  codemieVersion?: string;
  toolkit?: string;
  /** The latest status: success, failure, error, inactive, in_progress... */
  state: string;
}

/** The release a deploy records in its GitOps commit message, as git trailers. */
export function releaseTrailers(codemieVersion: string, toolkit: string | undefined): string {
  return `CodeMie-Version: ${codemieVersion}\nToolkit-Commit: ${toolkit ?? "unknown"}\n`;
}

/**
 * The release a GitOps commit message records. The branch is not trusted: only a version-shaped
 * value and a commit id are taken.
 */
export function recordedRelease(message: string): { codemieVersion?: string; toolkit?: string } {
  const version = /^CodeMie-Version: ([0-9A-Za-z][0-9A-Za-z.+-]{0,63})$/m.exec(message)?.[1];
  const toolkit = /^Toolkit-Commit: ([0-9a-f]{40}|[0-9a-f]{64})$/m.exec(message)?.[1];
  return { ...(version ? { codemieVersion: version } : {}), ...(toolkit ? { toolkit } : {}) };
}

export type PromotionGate =
  | { status: "none" }
  | { status: "open"; after: string; sha: string }
  | { status: "closed"; after: string; reason: string };

export function promotionGate(env: Environment, toolkit: string, latest: DeploymentRecord | undefined): PromotionGate {
  const after = env.promotion?.after;
  if (!after) return { status: "none" };
  const closed = (reason: string): PromotionGate => ({ status: "closed", after, reason });
  if (!latest) return closed(`${after} has no finished deployment recorded`);
  const short = latest.sha.slice(0, 7);
  if (latest.state !== "success")
    return closed(`the latest deployment of ${after} (${short}) ended ${latest.state}, not Compliant`);
  if (latest.codemieVersion !== env.codemieVersion)
    return closed(`${after} runs CodeMie ${latest.codemieVersion ?? "(unrecorded)"}, not ${env.codemieVersion}`);
  if (latest.toolkit !== toolkit)
    return closed(
      `${after} was deployed with toolkit ` +
        `${(latest.toolkit ?? "(unrecorded)").slice(0, 12)}, not ` +
        `${toolkit.slice(0, 12)}`,
    );
  return { status: "open", after, sha: latest.sha };
}

export function gateLine(gate: PromotionGate, env: string): string {
  if (gate.status === "none") return `Promotion: ${env} has no promotion gate`;
  if (gate.status === "open")
    return `Promotion: open, ${gate.after} runs this release Compliant (${gate.sha.slice(0, 7)})`;
  return `Promotion: CLOSED, ${env} deploys only what runs Compliant in ${gate.after}: ${gate.reason}`;
}
