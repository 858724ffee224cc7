// Use case: the reviewed plan enforced at deploy. The plan records a digest of what the reviewer
// saw; before its first write, a deploy held to it recomputes each part (one what-if, the
// rendered tree, the Kubernetes objects, the toolkit commit) and stops when anything differs,
// unless the operator accepts the difference explicitly. A deploy that skips the infrastructure
// changes nothing in Azure: it is held to the tree, the objects and the toolkit only.
import { packageRoot } from "../adapters/templates.js";
import { toolkitCommit } from "../adapters/git/toolkit-commit.js";
import { azureChanges, type WhatIfReport } from "../engine/plan.js";
import { digestDifferences, reviewDigest, type ReviewDigest } from "../engine/review-digest.js";
import type { Connections } from "./connections.js";
import { objectsHash } from "./objects-digest.js";
import type { Prepared } from "./prepare.js";
import { withRunSignal } from "./run-signal.js";

export type ReviewCheck =
  /** Nothing differs from what was reviewed. */
  { status: "same"; digest: ReviewDigest } | { status: "differs"; differences: string[]; digest?: ReviewDigest };

export interface ReviewCheckPorts {
  connections: Connections;
  onInterrupt(): void;
}

export interface ReviewCheckRequest {
  /** undefined: the change carries no plan of ours, so nothing was reviewed. */
  reviewed: ReviewDigest | undefined;
  /** Why nothing counts as reviewed, when `reviewed` is undefined. */
  unreviewed?: string;
  /** The deploy changes nothing in Azure: no what-if to compare. */
  skipInfrastructure: boolean;
  timeoutMs: number;
}

const messageOf = (w: WhatIfReport & { status: "failed" | "error" }): string =>
  w.status === "error" ? w.message : w.error.message;

export async function checkReviewed(
  prepared: Prepared & { ok: true },
  request: ReviewCheckRequest,
  ports: ReviewCheckPorts,
): Promise<ReviewCheck> {
  const { env, tree } = prepared;
  const { reviewed } = request;
  if (!reviewed)
    return {
      status: "differs",
      differences: [request.unreviewed ?? `no plan of ${env.name} was reviewed`],
    };
  // One what-if, and only when the review had one (a plan without Azure access reviewed no Azure
  // changes) and this deploy changes Azure.
  const askAzure = reviewed.whatIfHash !== undefined && !request.skipInfrastructure;
  const [azure, objects, toolkit] = await Promise.all([
    askAzure
      ? withRunSignal(request.timeoutMs, ports.onInterrupt, (signal) =>
          azureChanges(env, tree, ports.connections.arm(env), signal),
        )
      : undefined,
    objectsHash(env, tree, packageRoot()),
    toolkitCommit(),
  ]);
  const whatIf = azure?.whatIf;
  if (whatIf && whatIf.status !== "succeeded")
    return {
      status: "differs",
      differences: [
        `what-if: could not be recomputed (${messageOf(whatIf)}), so the reviewed changes cannot be confirmed`,
      ],
    };
  const digest = reviewDigest(
    env,
    tree,
    toolkit,
    objects.status === "hashed" ? objects.hash : undefined,
    whatIf?.status === "succeeded" ? whatIf.summary : undefined,
  );
  const differences = digestDifferences(
    // Without a what-if now there is nothing of Azure to compare: the tree, objects and toolkit are.
    askAzure ? reviewed : { ...reviewed, whatIfHash: undefined, whatIf: undefined },
    digest,
    objects.status === "error" ? { objects: objects.message } : {},
  );
  return differences.length === 0 ? { status: "same", digest } : { status: "differs", differences, digest };
}
