// Promotion gate: an environment with `promotion.after` deploys a release only once that release
// (the same CodeMie version, rendered by the same toolkit commit) runs Compliant in `after`, as
// the latest finished GitHub deployment of `after` records it (the deploy records success only
// when Flux reports the published commit Compliant).
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
      `${after} was deployed with toolkit ${(latest.toolkit ?? "(unrecorded)").slice(0, 12)}, not ${toolkit.slice(0, 12)}`,
    );
  return { status: "open", after, sha: latest.sha };
}

export function gateLine(gate: PromotionGate, env: string): string {
  if (gate.status === "none") return `Promotion: ${env} has no promotion gate`;
  if (gate.status === "open")
    return `Promotion: open, ${gate.after} runs this release Compliant (${gate.sha.slice(0, 7)})`;
  return `Promotion: CLOSED, ${env} deploys only what runs Compliant in ${gate.after}: ${gate.reason}`;
}
