// The promotion gate: open only when `after`'s latest finished deployment succeeded (Compliant)
// with the same CodeMie version and toolkit commit.
import { describe, expect, test } from "vitest";
import {
  gateLine,
  promotionGate,
  recordedRelease,
  releaseTrailers,
  type DeploymentRecord,
} from "../../src/engine/promotion.js";
import { edited, load, shipped } from "../capacity/environments.js";

const prod = load("prod", edited(shipped("prod"), [[["promotion"], { after: "staging" }]])).env!;
const toolkit = "c".repeat(40);
const record = (patch: Partial<DeploymentRecord> = {}): DeploymentRecord => ({
  environment: "staging",
  sha: "d".repeat(40),
  codemieVersion: prod.codemieVersion,
  toolkit,
  state: "success",
  ...patch,
});

describe("promotion gate", () => {
  test("the schema takes promotion.after and the model carries it", () => {
    expect(prod.promotion).toEqual({ after: "staging" });
    expect(
      load("prod", edited(shipped("prod"), [[["promotion"], { after: "Staging!" }]])).diagnostics.some(
        (d) => d.severity === "error" && d.path.startsWith("promotion"),
      ),
    ).toBe(true);
  });

  test.each([
    ["open", record(), "Promotion: open, staging runs this release Compliant (ddddddd)"],
    ["no record", undefined, "staging has no finished deployment recorded"],
    ["failed", record({ state: "failure" }), "the latest deployment of staging (ddddddd) ended failure, not Compliant"],
    ["older version", record({ codemieVersion: "2.0.0" }), `staging runs CodeMie 2.0.0, not ${prod.codemieVersion}`],
    [
      "other toolkit",
      record({ toolkit: "e".repeat(40) }),
      "staging was deployed with toolkit eeeeeeeeeeee, not cccccccccccc",
    ],
    ["record without release", record({ codemieVersion: undefined }), "staging runs CodeMie (unrecorded)"],
  ])("%s", (_, latest, expected) => {
    const gate = promotionGate(prod, toolkit, latest);
    expect(gate.status).toBe(expected.startsWith("Promotion: open") ? "open" : "closed");
    expect(gateLine(gate, "prod")).toContain(expected);
  });

  test("an environment without promotion has no gate", () => {
    expect(promotionGate(load("dev").env!, toolkit, undefined)).toEqual({ status: "none" });
  });

  test(
    "a deploy's GitOps commit records its release as trailers; only " +
      "well-shaped values are read back (the branch is untrusted)",
    () => {
      const message = `Deploy staging from abc\n\nRendered by codemie-gitops.\n\n${releaseTrailers("2.57.2", toolkit)}`;
      expect(recordedRelease(message)).toEqual({ codemieVersion: "2.57.2", toolkit });
      expect(recordedRelease("Deploy staging\n")).toEqual({});
      expect(recordedRelease("CodeMie-Version: 2.57.2; rm -rf /\nToolkit-Commit: main\n")).toEqual({});
      // An unknown toolkit (outside a checkout) is recorded, and never matches a commit.
      expect(recordedRelease(releaseTrailers("2.57.2", undefined))).toEqual({ codemieVersion: "2.57.2" });
    },
  );
});
