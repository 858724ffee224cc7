// The pure pieces of the actions: cutting Markdown to GitHub's limits without breaking it, the
// environments a change affects, what a plan means for has-changes and drift, and the outputs file.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { affectedEnvironments, TOOLKIT_PATHS, WORKFLOW_PATHS } from "../../src/action/affected.js";
import { writeOutputs } from "../../src/action/inputs.js";
import { truncateMarkdown } from "../../src/action/markdown.js";
import { driftOf, hasChanges, markedBody } from "../../src/action/plan-document.js";
import type { PlanReport } from "../../src/engine/plan.js";
import type { WhatIfSummary } from "../../src/engine/what-if.js";
import { ROOT } from "../support/cli.js";
import { parseOutputs } from "./support/run-action.js";

describe("truncateMarkdown", () => {
  const note = "> [!NOTE]\n> cut";

  test("leaves text within the limit alone", () => {
    expect(truncateMarkdown("# a\n\nb\n", 100, note)).toBe("# a\n\nb\n");
  });

  test("cuts between lines, within the limit, and ends with the note", () => {
    const text = Array.from({ length: 100 }, (_, i) => `line ${i}`).join("\n");
    const cut = truncateMarkdown(text, 200, note);
    expect(cut.length).toBeLessThanOrEqual(200);
    expect(cut.endsWith(`\n\n${note}`)).toBe(true);
    expect(
      cut
        .split("\n")
        .slice(0, -3)
        .every((l) => /^line \d+$/.test(l)),
    ).toBe(true);
  });

  test("closes a code fence and <details> block left open", () => {
    const text = [
      "<details><summary>Diff</summary>",
      "",
      "````diff",
      ...Array.from({ length: 200 }, (_, i) => `+ ${i} \`\`\` not a fence`),
      "````",
      "",
      "</details>",
    ].join("\n");
    const cut = truncateMarkdown(text, 1000, note);
    expect(cut.length).toBeLessThanOrEqual(1000);
    expect(cut).toMatch(/\n````\n\n<\/details>\n\n> \[!NOTE\]\n> cut$/);
  });

  test("a fence closed before the cut is not closed again", () => {
    const text = ["```", "code", "```", ...Array.from({ length: 100 }, () => "text")].join("\n");
    expect(truncateMarkdown(text, 100, note)).not.toMatch(/text\n```/);
  });
});

describe("markedBody", () => {
  test("starts with the marker and points at the job summary when cut", () => {
    const body = markedBody("<!-- m -->", "x\n".repeat(40_000), 65_536, "https://github.com/o/r/actions/runs/1");
    expect(body.startsWith("<!-- m -->\n")).toBe(true);
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toContain("[job summary](https://github.com/o/r/actions/runs/1)");
  });
});

describe("affectedEnvironments", () => {
  const all = ["dev", "prod", "staging"];

  test("an environment file affects its environment; other files affect none", () => {
    expect(affectedEnvironments(["environments/prod.yaml", "README.md", "docs/x.md"], all)).toEqual(["prod"]);
  });

  const toolkit = { toolkitRepository: true };
  const toolkitFiles = [
    "bicep/modules/aks.bicep",
    "helm-values/api.yaml.hbs",
    "src/cli/main.ts",
    "schema/environment.schema.json",
    "actions/plan/dist/index.js",
    "action.yml",
    "package.json",
    "package-lock.json",
    ".github/workflows/plan.yml",
  ];

  test(
    "in the toolkit's own repository the toolkit and the workflows affect " +
      "every environment, as does an unknown change",
    () => {
      for (const path of toolkitFiles) expect(affectedEnvironments([path], all, toolkit), path).toEqual(all);
      expect(affectedEnvironments(undefined, all)).toEqual(all);
    },
  );

  test("in an adopting repository its own code, package.json and workflows affect no environment", () => {
    for (const path of toolkitFiles) expect(affectedEnvironments([path], all), path).toEqual([]);
    expect(
      affectedEnvironments(
        ["src/app.ts", "package.json", ".github/workflows/codemie-plan.yml", "environments/dev.yaml"],
        all,
      ),
    ).toEqual(["dev"]);
  });

  test("a deleted or renamed-away environment is not acted on; a working directory is honoured", () => {
    expect(affectedEnvironments(["environments/old.yaml", "environments/dev.yaml"], all)).toEqual(["dev"]);
    expect(
      affectedEnvironments(["infra/environments/staging.yaml", "environments/prod.yaml"], all, { prefix: "infra" }),
    ).toEqual(["staging"]);
    expect(affectedEnvironments(["src/app.ts"], all, { prefix: "infra", toolkitRepository: true })).toEqual([]);
  });

  test("the plan and deploy workflows start on exactly the paths that can affect an environment here", () => {
    const filters = (file: string, on: "pull_request" | "push"): string[] =>
      (
        parse(readFileSync(join(ROOT, ".github/workflows", file), "utf8")) as {
          on: Record<string, { paths: string[] }>;
        }
      ).on[on]!.paths;
    const expected = ["environments/**", ...TOOLKIT_PATHS, WORKFLOW_PATHS].sort();
    expect(filters("plan.yml", "pull_request").sort()).toEqual(expected);
    expect(filters("deploy.yml", "push").sort()).toEqual(expected);
  });
});

describe("has-changes and drift", () => {
  const counts = (c: Partial<WhatIfSummary["counts"]>): WhatIfSummary => ({
    counts: { create: 0, modify: 0, delete: 0, unknown: 0, noChange: 3, ...c },
    changes: [],
    noiseRules: [],
  });
  const report = (files: number, whatIf?: PlanReport["whatIf"]): PlanReport => ({
    environment: "dev",
    file: "environments/dev.yaml",
    subscriptionId: "s",
    location: "westeurope",
    capacity: { profile: "small", fits: true, pools: [] },
    gitops: {
      status: "compared",
      branch: "gitops/dev",
      base: "a".repeat(40),
      files: Array.from({ length: files }, (_, i) => ({ path: `f${i}`, change: "modified" as const })),
      patch: "",
    },
    ...(whatIf ? { whatIf } : {}),
  });

  test("nothing to change only when every part of the plan says so", () => {
    expect(hasChanges(report(0))).toBe(false);
    expect(hasChanges(report(0, { status: "succeeded", summary: counts({}) }))).toBe(false);
    expect(hasChanges(report(1))).toBe(true);
    expect(hasChanges(report(0, { status: "succeeded", summary: counts({ unknown: 1 }) }))).toBe(true);
    expect(hasChanges(report(0, { status: "error", message: "no sign-in" }))).toBe(true);
    expect(hasChanges(undefined)).toBe(true);
  });

  test("drift ignores what-if's unknowns and is unknown when the plan is incomplete", () => {
    expect(driftOf(report(0, { status: "succeeded", summary: counts({ unknown: 2 }) }))).toBe("clean");
    expect(driftOf(report(0, { status: "succeeded", summary: counts({ delete: 1 }) }))).toBe("drift");
    expect(driftOf(report(2))).toBe("drift");
    expect(driftOf(report(0, { status: "failed", error: { code: "X", message: "y", details: [] } }))).toBe("unknown");
    expect(
      driftOf({ ...report(0), gitops: { status: "unavailable", branch: "gitops/dev", reason: "x", renderedFiles: 3 } }),
    ).toBe("unknown");
  });
});

describe("writeOutputs", () => {
  test("a one-line value is a name=value line; a value with a line break keeps the delimited form", () => {
    const dir = mkdtempSync(join(tmpdir(), "outputs-"));
    const file = join(dir, "output");
    writeFileSync(file, "");
    const before = process.env.GITHUB_OUTPUT;
    process.env.GITHUB_OUTPUT = file;
    try {
      writeOutputs({ valid: "true", environments: '["dev","prod"]', comment: "line one\nline two=3" });
      const text = readFileSync(file, "utf8");
      expect(text).toMatch(/^valid=true\nenvironments=\["dev","prod"\]\ncomment<<ghadelimiter_/);
      expect(parseOutputs(text)).toEqual({
        valid: "true",
        environments: '["dev","prod"]',
        comment: "line one\nline two=3",
      });
    } finally {
      if (before === undefined) delete process.env.GITHUB_OUTPUT;
      else process.env.GITHUB_OUTPUT = before;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
