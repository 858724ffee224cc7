// The reviewed-plan digest: what it records, what a difference looks like, and that a marker is
// read only when well-formed (a comment body is untrusted text).
import { describe, expect, test } from "vitest";
import {
  digestDifferences,
  digestMarker,
  parseDigestMarker,
  type ReviewDigest,
} from "../../src/engine/review-digest.js";
import { summarizeWhatIf } from "../../src/engine/what-if.js";
import { whatIfLines } from "../../src/engine/review-digest.js";

const aks = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks";
const reviewed: ReviewDigest = {
  v: 1,
  environment: "prod",
  toolkit: "a".repeat(40),
  tree: "1".repeat(64),
  whatIfHash: "3".repeat(64),
  whatIf: ["~ Microsoft.ContainerService/managedClusters aks", "    properties.kubernetesVersion: 1.30.6 → 1.31.2"],
};

describe("review digest", () => {
  test("what-if lines are the changes after noise rules, with values; noise and unchanged resources are left out", () => {
    const summary = summarizeWhatIf(
      [
        {
          resourceId: aks,
          changeType: "Modify",
          delta: [
            { path: "properties.kubernetesVersion", propertyChangeType: "Modify", before: "1.30.6", after: "1.31.2" },
            { path: "properties.powerState.code", propertyChangeType: "NoEffect", before: "Running" },
          ],
        },
        { resourceId: "/subscriptions/s/resourceGroups/rg", changeType: "NoChange" },
      ],
      [],
    );
    expect(whatIfLines(summary)).toEqual(reviewed.whatIf);
  });

  test("nothing differs from itself; each moved part is named, what-if line by line", () => {
    expect(digestDifferences(reviewed, reviewed)).toEqual([]);
    const now: ReviewDigest = {
      ...reviewed,
      toolkit: "b".repeat(40),
      tree: "2".repeat(64),
      whatIfHash: "4".repeat(64),
      whatIf: [
        "~ Microsoft.ContainerService/managedClusters aks",
        "    properties.kubernetesVersion: 1.30.6 → 1.31.2",
        "    properties.sku.tier: Free → Standard",
      ],
    };
    expect(digestDifferences(reviewed, now)).toEqual([
      "toolkit: reviewed at aaaaaaaaaaaa, deploying with bbbbbbbbbbbb",
      "GitOps tree: the rendered files differ from the reviewed ones (another merge, or a change of the toolkit or charts)",
      "what-if: Azure's changes differ from the reviewed ones",
      "  new since the review:   properties.sku.tier: Free → Standard",
    ]);
    // A review without what-if (no Azure access) compares the tree and the toolkit only.
    expect(digestDifferences({ ...reviewed, whatIf: undefined, whatIfHash: undefined }, now)).toHaveLength(2);
    // Lines past the recorded budget: the hash still tells.
    expect(digestDifferences({ ...reviewed, whatIfHash: "5".repeat(64) }, reviewed)).toEqual([
      "what-if: Azure's changes differ from the reviewed ones",
      "  (beyond the lines the comment could record: compare the plans in full)",
    ]);
  });

  test("the marker round-trips; a marker for another environment or a malformed one is not a digest", () => {
    const body = `<!-- codemie-gitops:plan:prod -->\n${digestMarker(reviewed)}\n## Plan`;
    expect(parseDigestMarker(body, "prod")).toEqual(reviewed);
    expect(parseDigestMarker(body, "dev")).toBeUndefined();
    const forged = (d: unknown): string =>
      `<!-- codemie-gitops:reviewed:prod ${Buffer.from(JSON.stringify(d)).toString("base64")} -->`;
    expect(parseDigestMarker(forged({ ...reviewed, whatIf: [1] }), "prod")).toBeUndefined();
    expect(parseDigestMarker(forged({ ...reviewed, v: 2 }), "prod")).toBeUndefined();
    expect(parseDigestMarker("<!-- codemie-gitops:reviewed:prod !!! -->", "prod")).toBeUndefined();
    expect(
      parseDigestMarker(`<!-- codemie-gitops:reviewed:prod ${Buffer.from("{").toString("base64")} -->`, "prod"),
    ).toBeUndefined();
  });
});
