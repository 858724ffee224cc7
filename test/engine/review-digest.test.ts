// The reviewed-plan digest: what it records, what a difference looks like, and that a marker is
// read only when well-formed (a comment body is untrusted text).
import { describe, expect, test } from "vitest";
import {
  compactDigest,
  digestDifferences,
  digestMarker,
  parseCompactDigest,
  parseDigestMarker,
  type ReviewDigest,
} from "../../src/engine/review-digest.js";
import { summarizeWhatIf } from "../../src/engine/what-if.js";
import { whatIfLines } from "../../src/engine/review-digest.js";

const aks = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks";
const reviewed: ReviewDigest = {
  v: 2,
  environment: "prod",
  toolkit: "a".repeat(40),
  tree: "1".repeat(64),
  objects: "9".repeat(64),
  whatIfHash: "3".repeat(64),
  whatIf: ["~ Microsoft.ContainerService/managedClusters aks", "    properties.kubernetesVersion: 1.30.6 → 1.31.2"],
};

describe("review digest", () => {
  test(
    "what-if lines are the changes after noise rules, with values; noise and " + "unchanged resources are left out",
    () => {
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
    },
  );

  test("nothing differs from itself; each moved part is named, what-if line by line", () => {
    expect(digestDifferences(reviewed, reviewed)).toEqual([]);
    const now: ReviewDigest = {
      ...reviewed,
      toolkit: "b".repeat(40),
      tree: "2".repeat(64),
      objects: "8".repeat(64),
      whatIfHash: "4".repeat(64),
      whatIf: [
        "~ Microsoft.ContainerService/managedClusters aks",
        "    properties.kubernetesVersion: 1.30.6 → 1.31.2",
        "    properties.sku.tier: Free → Standard",
      ],
    };
    expect(digestDifferences(reviewed, now)).toEqual([
      "what-if: Azure's changes differ from the reviewed ones",
      "  new since the review:   properties.sku.tier: Free → Standard",
      "GitOps tree: the rendered files differ from the reviewed ones (another " +
        "merge, or a change of the toolkit or charts)",
      "Kubernetes objects: differ from the reviewed ones",
      "toolkit: reviewed at aaaaaaaaaaaa, deploying with bbbbbbbbbbbb",
    ]);
    // A review without what-if (no Azure access) compares the tree, the objects and the toolkit only.
    expect(digestDifferences({ ...reviewed, whatIf: undefined, whatIfHash: undefined }, now)).toHaveLength(3);
    // The objects alone: the tree is the same, so a chart (or kustomize) moved.
    expect(digestDifferences(reviewed, { ...reviewed, objects: "7".repeat(64) })).toEqual([
      "Kubernetes objects: differ from the reviewed ones while the GitOps tree " +
        "does not (a chart changed under the same version, or kustomize)",
    ]);
    // Objects that cannot be built now cannot confirm the reviewed ones; a review without them holds the rest.
    const { objects: _, ...withoutObjects } = reviewed;
    expect(digestDifferences(reviewed, withoutObjects, { objects: "kubectl: ENOENT" })).toEqual([
      "Kubernetes objects: cannot be built now (kubectl: ENOENT), so the reviewed ones cannot be confirmed",
    ]);
    expect(digestDifferences(withoutObjects, reviewed)).toEqual([]);
    // Lines past the recorded budget: the hash still tells.
    expect(digestDifferences({ ...reviewed, whatIfHash: "5".repeat(64) }, reviewed)).toEqual([
      "what-if: Azure's changes differ from the reviewed ones",
      "  (beyond the lines the comment could record: compare the plans in full)",
    ]);
  });

  test(
    "the compact digest a person copies holds every part's hash, cut short, " +
      "and shows Azure's changes now when they moved",
    () => {
      const compact = compactDigest(reviewed);
      expect(compact).toBe(`rp2.prod.aaaaaaaaaaaa.${"1".repeat(20)}.${"9".repeat(20)}.${"3".repeat(20)}`);
      const parsed = parseCompactDigest(` ${compact}\n`)!;
      expect(digestDifferences(parsed, reviewed)).toEqual([]);
      expect(digestDifferences(parsed, { ...reviewed, whatIfHash: "4".repeat(64) })).toEqual([
        "what-if: Azure's changes differ from the reviewed ones",
        "  Azure's changes now:",
        "    ~ Microsoft.ContainerService/managedClusters aks",
        "        properties.kubernetesVersion: 1.30.6 → 1.31.2",
      ]);
      expect(parseCompactDigest(compactDigest({ ...reviewed, whatIfHash: undefined, whatIf: undefined }))).toEqual({
        v: 2,
        environment: "prod",
        toolkit: "aaaaaaaaaaaa",
        tree: "1".repeat(20),
        objects: "9".repeat(20),
      });
      for (const bad of [
        "rp2.prod",
        `rp1.prod.${"a".repeat(12)}.${"1".repeat(20)}.-.-`,
        `${compact}0`,
        "rp2.PROD.x.y.z.w",
      ])
        expect(parseCompactDigest(bad)).toBeUndefined();
    },
  );

  test("the marker round-trips; a marker for another environment or a malformed one is not a digest", () => {
    const body = `<!-- codemie-gitops:plan:prod -->\n${digestMarker(reviewed)}\n## Plan`;
    expect(parseDigestMarker(body, "prod")).toEqual(reviewed);
    expect(parseDigestMarker(body, "dev")).toBeUndefined();
    const forged = (d: unknown): string =>
      `<!-- codemie-gitops:reviewed:prod ${Buffer.from(JSON.stringify(d)).toString("base64")} -->`;
    expect(parseDigestMarker(forged({ ...reviewed, whatIf: [1] }), "prod")).toBeUndefined();
    expect(parseDigestMarker(forged({ ...reviewed, v: 3 }), "prod")).toBeUndefined();
    expect(parseDigestMarker(forged({ ...reviewed, objects: 1 }), "prod")).toBeUndefined();
    // A digest recorded before the objects were is still read.
    const { objects: _, ...v1 } = { ...reviewed, v: 1 as const };
    expect(parseDigestMarker(forged(v1), "prod")).toEqual(v1);
    expect(parseDigestMarker("<!-- codemie-gitops:reviewed:prod !!! -->", "prod")).toBeUndefined();
    expect(
      parseDigestMarker(`<!-- codemie-gitops:reviewed:prod ${Buffer.from("{").toString("base64")} -->`, "prod"),
    ).toBeUndefined();
  });
});
