// Use case: the reviewed plan enforced at merge. The plan records a digest of what the reviewer
// saw; before its first write, a deploy of a merged pull request recomputes it (a what-if and
// the rendered tree, as the plan made them) and stops when anything differs, unless the operator
// accepts the difference explicitly (a manual redeploy).
import { digestDifferences, type ReviewDigest } from "../engine/review-digest.js";
import { planPrepared, type PlanPorts } from "./plan.js";
import type { Prepared } from "./prepare.js";

export type ReviewCheck =
  /** Nothing differs from what was reviewed. */
  { status: "same"; digest: ReviewDigest } | { status: "differs"; differences: string[]; digest?: ReviewDigest };

/** `reviewed` undefined: the pull request carries no plan of ours, so nothing was reviewed. */
export async function checkReviewed(
  prepared: Prepared & { ok: true },
  reviewed: ReviewDigest | undefined,
  where: string,
  timeoutMs: number,
  ports: PlanPorts,
): Promise<ReviewCheck> {
  if (!reviewed)
    return {
      status: "differs",
      differences: [
        `${where} carries no plan of ${prepared.env.name} written by this workflow's token: nothing was reviewed`,
      ],
    };
  // The what-if is asked only when the review had one: a plan without Azure access reviewed no Azure changes.
  const { report } = await planPrepared(
    prepared,
    { whatIf: reviewed.whatIfHash !== undefined, offline: true, timeoutMs },
    ports,
  );
  if (report.whatIf && report.whatIf.status !== "succeeded") {
    return {
      status: "differs",
      differences: [
        `what-if: could not be recomputed (${report.whatIf.status === "error" ? report.whatIf.message : report.whatIf.error.message}), so the reviewed changes cannot be confirmed`,
      ],
    };
  }
  const digest = report.review;
  if (!digest) throw new Error("the plan computed no review digest");
  const differences = digestDifferences(reviewed, digest);
  return differences.length === 0 ? { status: "same", digest } : { status: "differs", differences, digest };
}
