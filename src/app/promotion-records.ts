// Where a deploy reads what the environment it follows runs, for the promotion gate: the latest
// finished GitHub deployment of it (the actions, or the CLI given a GitHub repository and token),
// or, with no GitHub at hand, that environment's GitOps branch (each deploy's commit records its
// release) and Flux's state of it (the commit is what runs only when Flux reports it Compliant).
import type { GitHubClient, RepoRef } from "../adapters/github/client.js";
import { latestFinishedDeployment } from "../adapters/github/deployments.js";
import { formatDiagnostic } from "../config/diagnostics.js";
import { isReconciled } from "../engine/flux.js";
import { readFlux } from "../engine/flux-wait.js";
import { promotionGate, recordedRelease, type DeploymentRecord, type PromotionGate } from "../engine/promotion.js";
import type { Environment } from "../model/environment.js";
import type { Connections } from "./connections.js";
import type { EnvironmentFiles } from "./environment-files.js";
import { loadEnvironment } from "./load.js";

/** The release `after` runs; undefined when nothing is recorded. Rejects when it cannot be read. */
export type PromotionRecords = (after: string) => Promise<DeploymentRecord | undefined>;

export function gitHubPromotionRecords(client: GitHubClient, repo: RepoRef): PromotionRecords {
  const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
  return async (after) => {
    const latest = await latestFinishedDeployment(client, repo, after);
    if (!latest) return undefined;
    const codemieVersion = text(latest.payload.codemieVersion);
    const toolkit = text(latest.payload.toolkit);
    return {
      environment: after,
      sha: latest.sha,
      state: latest.state,
      ...(codemieVersion ? { codemieVersion } : {}),
      ...(toolkit ? { toolkit } : {}),
    };
  };
}

export function publishedPromotionRecords(files: EnvironmentFiles, connections: Connections): PromotionRecords {
  return async (after) => {
    const file = await files.read(files.pathOf(after));
    const loaded = loadEnvironment(file.file, file.text, after);
    if (!loaded.env) {
      const first = loaded.diagnostics.find((d) => d.severity === "error");
      throw new Error(`${file.file} does not load${first ? ` (${formatDiagnostic(first)})` : ""}`);
    }
    const env = loaded.env;
    const branch = connections.gitops(env);
    const tip = await branch.tipCommit().finally(() => branch.close?.());
    if (!tip) return undefined;
    const view = await readFlux(connections.arm(env), env);
    const state = !view
      ? `unreported (${after}'s cluster has no fluxConfiguration)`
      : isReconciled(view, tip.sha)
        ? "success"
        : `${view.complianceState} at ${view.sourceSyncedCommitId ?? "no commit"}`;
    return { environment: after, sha: tip.sha, state, ...recordedRelease(tip.message) };
  };
}

/** The gate, read through `records`; a record that cannot be read closes it, saying why. */
export async function readPromotionGate(
  env: Environment,
  toolkit: string,
  records: PromotionRecords | undefined,
  unavailable: string,
): Promise<PromotionGate> {
  const after = env.promotion?.after;
  if (!after) return { status: "none" };
  if (!records) return { status: "closed", after, reason: unavailable };
  try {
    return promotionGate(env, toolkit, await records(after));
  } catch (error) {
    return {
      status: "closed",
      after,
      reason: `cannot read what ${after} runs: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
