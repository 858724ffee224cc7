// Deploys in commit order. The GitOps branch records the source commit each deploy rendered from;
// a deploy compares its own commit with it. A push deploy whose commit is older (an ancestor of the
// recorded one) deploys nothing: a newer commit already runs, and two merges whose runs finish out
// of order, or a re-run of an old run, must not take it back. A redeploy may go back, and says so.
import type { Log, Publisher, SourceCommit, SourceHistory } from "./ports.js";

/**
 * The source commit a deploy recorded in its GitOps commit message ("… at source commit SHA").
 * The message comes from the GitOps branch, which is not trusted: only a commit id is taken.
 */
export function recordedSourceCommit(message: string): string | undefined {
  return /^Rendered by codemie-gitops from .* at source commit ([0-9a-f]{40}|[0-9a-f]{64})\b/m.exec(message)?.[1];
}

/** "newer-only" for a push deploy; "any" for a redeploy, which may roll back. */
export type OrderMode = "newer-only" | "any";

/** `recorded`: the source commit the branch tip records, if any. */
export type OrderVerdict =
  | { proceed: true; recorded: string | undefined }
  | { proceed: false; deployed: string; tip: string };

const short = (sha: string): string => sha.slice(0, 7);

/** Throws when the GitOps branch cannot be read. */
export async function checkCommitOrder(
  envName: string,
  source: SourceCommit,
  mode: OrderMode,
  ports: { gitops: Pick<Publisher, "branch" | "tipCommit">; history: SourceHistory; log: Log },
): Promise<OrderVerdict> {
  const tip = await ports.gitops.tipCommit();
  const deployed = tip ? recordedSourceCommit(tip.message) : undefined;
  const go = { proceed: true, recorded: deployed } as const;
  if (!tip || !deployed || deployed === source.sha) return go;
  const older = await ports.history.isAncestor(source.sha, deployed);
  if (older === undefined) {
    ports.log.info(
      `Cannot tell whether ${short(source.sha)} is older than ` +
        `${short(deployed)}, which ${envName} was last deployed from (not in ` +
        `this checkout's history); deploying`,
    );
    return go;
  }
  if (!older) return go;
  if (mode === "any") {
    ports.log.info(
      `Rolling back ${envName}: ${short(source.sha)} is older than ${short(deployed)}, which it was last deployed from`,
    );
    return go;
  }
  return { proceed: false, deployed, tip: tip.sha };
}
