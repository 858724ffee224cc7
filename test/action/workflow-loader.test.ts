// GitHub's workflow loader, modelled (workflow-loader.ts), run over every workflow of this
// repository and every caller example of docs/github-actions.md: each must load. The model itself
// is tried on the workflows that GitHub refused (the PR plan and drift callers of the single
// reusable plan workflow, the README's copy-exactly drift and redeploy) and must refuse them with
// GitHub's own words.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { APPROVAL_SUFFIX } from "../../src/app/github-environments.js";
import { ROOT } from "../support/cli.js";
import { loadWorkflow, type LoadContext, type WorkflowSource } from "./workflow-loader.js";

const TOOLKIT = "codemie/codemie-gitops";
const ADOPTER = "acme/codemie-platform";
const SHA = "4f1c0ffee4f1c0ffee4f1c0ffee4f1c0ffee4f1c";
const WORKFLOWS = join(ROOT, ".github/workflows");
const EXAMPLES = join(ROOT, "docs/examples");

/** Workflow files by repository, then path: the toolkit's are this checkout's, at any ref. */
function resolver(repos: Record<string, Record<string, string>>): LoadContext["resolve"] {
  return (uses, caller) => {
    const local = /^\.\/(\.github\/workflows\/[\w.-]+)$/.exec(uses);
    const remote = /^([\w.-]+\/[\w.-]+)\/(\.github\/workflows\/[\w.-]+)@(.+)$/.exec(uses);
    const [repository, path, ref] = local
      ? [caller.repository, local[1]!, caller.ref]
      : remote
        ? [remote[1]!, remote[2]!, remote[3]!]
        : [];
    const text = repository && path ? repos[repository]?.[path] : undefined;
    return text === undefined ? undefined : { path: path!, text, repository: repository!, ref: ref! };
  };
}

const toolkitFiles = Object.fromEntries(
  readdirSync(WORKFLOWS).map((f) => [`.github/workflows/${f}`, readFileSync(join(WORKFLOWS, f), "utf8")]),
);

function load(path: string, text: string, repository: string, extra: Record<string, string> = {}): string[] {
  const own = repository === TOOLKIT ? { ...toolkitFiles, ...extra } : extra;
  const source: WorkflowSource = { path, text, repository, ref: SHA };
  return loadWorkflow(source, {
    github: { repository, sha: SHA },
    resolve: resolver({ [TOOLKIT]: toolkitFiles, [repository]: own }),
  });
}

describe("every workflow GitHub would load", () => {
  test.each(Object.keys(toolkitFiles))("%s loads in this repository", (path) => {
    expect(load(path, toolkitFiles[path]!, TOOLKIT)).toEqual([]);
  });

  const examples = readdirSync(EXAMPLES).filter((f) => f.endsWith(".yml"));
  test("the docs show a caller for plan, deploy, redeploy, drift and promote", () => {
    expect(examples.sort()).toEqual([
      "codemie-deploy.yml",
      "codemie-drift.yml",
      "codemie-plan.yml",
      "codemie-promote.yml",
      "codemie-redeploy.yml",
    ]);
  });
  test.each(examples)("docs/examples/%s loads in an adopting repository", (file) => {
    expect(load(`.github/workflows/${file}`, readFileSync(join(EXAMPLES, file), "utf8"), ADOPTER)).toEqual([]);
  });
});

// The reusable workflow as it was: one file, a plan job for pull requests and a drift job for the
// schedule, each switched by `if:`.
const COMBINED = `on:
  workflow_call:
    inputs:
      drift: { type: boolean, default: false }
      environment: { type: string, required: true }
    secrets:
      TOKEN: { required: true }
      OPTIONAL: { required: false }
permissions: {}
jobs:
  plan:
    if: \${{ !inputs.drift }}
    runs-on: ubuntu-latest
    permissions: { contents: read, id-token: write, pull-requests: write }
    steps: [{ run: "true" }]
  drift:
    if: \${{ inputs.drift }}
    runs-on: ubuntu-latest
    permissions: { contents: read, id-token: write, issues: write }
    steps: [{ run: "true" }]
`;

const caller = (job: string): string => `on: push
permissions: {}
jobs:
${job}`;

const loadCombined = (job: string): string[] =>
  load(".github/workflows/caller.yml", caller(job), TOOLKIT, { ".github/workflows/combined.yml": COMBINED });
const REF = `${TOOLKIT}/.github/workflows/combined.yml@${SHA}`;

describe("the model refuses what GitHub refuses, in GitHub's words", () => {
  test("a nested job asking for more than the caller grants fails the whole file, whatever its if: says", () => {
    const errors = loadCombined(`  plan:
    uses: ./.github/workflows/combined.yml
    permissions: { contents: read, pull-requests: write, id-token: write }
    with: { environment: dev }
    secrets: { TOKEN: x }
`);
    expect(errors).toEqual([
      `.github/workflows/caller.yml (Line: 4, Col: 3): Error calling workflow '` +
        `${REF}'. The nested job 'drift' is requesting 'issues: write', but is ` +
        `only allowed 'issues: none'.`,
    ]);
  });

  test(
    "the drift caller granting pull-requests: read is refused for the plan " +
      "job; several scopes are listed together",
    () => {
      const errors = loadCombined(`  drift:
    uses: ./.github/workflows/combined.yml
    permissions: { contents: read, pull-requests: read, issues: write }
    with: { drift: true, environment: dev }
    secrets: { TOKEN: x }
`);
      expect(errors).toEqual([
        `.github/workflows/caller.yml (Line: 4, Col: 3): Error calling workflow '` +
          `${REF}'. The nested job 'plan' is requesting 'pull-requests: write, ` +
          `id-token: write', but is only allowed 'pull-requests: read, id-token: ` +
          `none'.`,
        `.github/workflows/caller.yml (Line: 4, Col: 3): Error calling workflow '` +
          `${REF}'. The nested job 'drift' is requesting 'id-token: write', but is ` +
          `only allowed 'id-token: none'.`,
      ]);
    },
  );

  test("a caller stating no permissions gets its workflow's, else the restricted default", () => {
    const fromWorkflow = load(
      ".github/workflows/caller.yml",
      `on: push\npermissions: { contents: read }\njobs:\n  x:\n    uses: ./.github/workflows/plan-only.yml\n`,
      TOOLKIT,
      {
        ".github/workflows/plan-only.yml":
          `on: workflow_call\njobs:\n  plan:\n    runs-on: ubuntu-latest\n    ` +
          `permissions: { pull-requests: write }\n    steps: [{ run: "true" }]\n`,
      },
    );
    expect(fromWorkflow).toEqual([
      expect.stringContaining(
        "The nested job 'plan' is requesting 'pull-requests: write', but is only allowed 'pull-requests: none'.",
      ),
    ]);
    const byDefault = load(
      ".github/workflows/caller.yml",
      `on: push\njobs:\n  x:\n    uses: ./.github/workflows/plan-only.yml\n`,
      TOOLKIT,
      {
        ".github/workflows/plan-only.yml":
          `on: workflow_call\npermissions: { contents: read, id-token: write ` + `}\njobs: {}\n`,
      },
    );
    expect(byDefault).toEqual([
      expect.stringContaining("The workflow is requesting 'id-token: write', but is only allowed 'id-token: none'."),
    ]);
  });

  test("inputs and secrets: the required ones passed, no undeclared one", () => {
    const errors = loadCombined(`  plan:
    uses: ./.github/workflows/combined.yml
    permissions: { contents: read, pull-requests: write, id-token: write, issues: write }
    with: { envronment: dev }
    secrets: { OPTIONAL: x, GITOPS_TOKEN: y }
`);
    expect(errors).toEqual([
      ".github/workflows/caller.yml (Line: 5, Col: 11): Input environment is required, but not provided while calling.",
      ".github/workflows/caller.yml (Line: 7, Col: 25): Invalid input, " +
        "envronment is not defined in the referenced workflow.",
      ".github/workflows/caller.yml (Line: 5, Col: 11): Secret TOKEN is required, but not provided while calling.",
      ".github/workflows/caller.yml (Line: 8, Col: 43): Invalid secret, " +
        "GITOPS_TOKEN is not defined in the referenced workflow.",
    ]);
    // Names are compared ignoring case; secrets: inherit passes everything and is not checked.
    expect(
      loadCombined(
        `  plan:\n    uses: ./.github/workflows/combined.yml\n    permissions: ` +
          `write-all\n    with: { ENVIRONMENT: dev }\n    secrets: inherit\n`,
      ),
    ).toEqual([]);
  });

  test("a workflow without workflow_call cannot be called", () => {
    expect(loadCombined(`  x:\n    uses: ./.github/workflows/deploy.yml\n    permissions: write-all\n`)).toEqual([
      ".github/workflows/caller.yml (Line: 5, Col: 11): workflow_call key is not defined in the referenced workflow.",
    ]);
  });

  test(
    "an adopter copying this repository's drift caller checks the toolkit " + "out of its own repository: refused",
    () => {
      const copied = toolkitFiles[".github/workflows/drift.yml"]!.replace(
        "./.github/workflows/reusable-drift.yml",
        `${TOOLKIT}/.github/workflows/reusable-drift.yml@${SHA}`,
      );
      const errors = load(".github/workflows/drift.yml", copied, ADOPTER);
      expect(errors).toHaveLength(2);
      expect(errors[0]).toBe(
        `.github/workflows/drift.yml (Line: 17, Col: 3): Error calling workflow '` +
          `${TOOLKIT}/.github/workflows/reusable-drift.yml@${SHA}'. The nested job ` +
          `'environments' checks out the toolkit at '${ADOPTER}@${SHA}', but the ` +
          `workflow was called at '${TOOLKIT}@${SHA}'.`,
      );
    },
  );

  test("a caller pinning the workflow at one commit and the toolkit at another: refused", () => {
    const example = readFileSync(join(EXAMPLES, "codemie-deploy.yml"), "utf8").replace(
      "toolkit-ref: TOOLKIT_SHA",
      "toolkit-ref: main",
    );
    expect(load(".github/workflows/codemie-deploy.yml", example, ADOPTER)).toContainEqual(
      expect.stringContaining(
        "checks out the toolkit at 'codemie/codemie-gitops@main', but the " +
          "workflow was called at 'codemie/codemie-gitops@TOOLKIT_SHA'.",
      ),
    );
  });
});

describe("approvals that do not block the queue", () => {
  const DEPLOY = ".github/workflows/deploy.yml";
  const REUSABLE = ".github/workflows/reusable-deploy.yml";
  const reusable = toolkitFiles[REUSABLE]!;
  const REF = `${TOOLKIT}/${REUSABLE}@${SHA}`;
  /** The push caller of a changed reusable deploy workflow. */
  const withReusable = (text: string): string[] => load(DEPLOY, toolkitFiles[DEPLOY]!, TOOLKIT, { [REUSABLE]: text });
  const prefix = `${DEPLOY} (Line: 23, Col: 3): Error calling workflow '${REF}'.`;

  test(
    "the approval job names the approval GitHub Environment the validate " +
      "step checks, holds no group, and the production deploy needs it",
    () => {
      const jobs = (
        parse(reusable) as {
          jobs: Record<string, { environment?: { name: string }; concurrency?: unknown; needs?: string[] }>;
        }
      ).jobs;
      expect(jobs.approve!.environment!.name).toBe(`\${{ matrix.environment }}${APPROVAL_SUFFIX}`);
      expect(jobs.approve!.concurrency).toBeUndefined();
      expect(jobs["deploy-production"]!.needs).toContain("approve");
      expect(withReusable(reusable)).toEqual([]);
    },
  );

  test("an approval inside the concurrency group is refused", () => {
    const inside = reusable.replace(
      "      name: ${{ matrix.environment }}-approval\n",
      "      name: ${{ matrix.environment }}-approval\n    concurrency: codemie-deploy-${{ matrix.environment }}\n",
    );
    expect(withReusable(inside)).toEqual([
      `${prefix} The nested job 'approve' waits for approval in environment ` +
        `'\${{ matrix.environment }}-approval' inside concurrency group ` +
        `'codemie-deploy-\${{ matrix.environment }}': every later job of the ` +
        `group queues behind the approval.`,
    ]);
  });

  test("a production deploy without the approval job before it is refused", () => {
    const unapproved = reusable.replace("    needs: [environments, approve]\n", "    needs: [environments, deploy]\n");
    expect(withReusable(unapproved)).toEqual([
      `${prefix} The nested job 'deploy-production' deploys production ` +
        `environments in concurrency group 'codemie-deploy-\${{ ` +
        `matrix.environment }}' without an approval job before it: it would wait ` +
        `for reviewers inside the group.`,
    ]);
  });

  test("a deploy that GitHub may cancel while it waits for its group, with nothing to report it, is refused", () => {
    const silent = reusable.slice(0, reusable.indexOf("  # GitHub keeps one pending job per concurrency group"));
    expect(withReusable(silent)).toEqual([
      `${prefix} The nested job 'deploy' is in concurrency group ` +
        `'codemie-deploy-\${{ matrix.environment }}', but no job reports it when ` +
        `GitHub cancels it while it waits (a newer job of the group replaces a ` +
        `waiting one).`,
      `${prefix} The nested job 'deploy-production' is in concurrency group ` +
        `'codemie-deploy-\${{ matrix.environment }}', but no job reports it when ` +
        `GitHub cancels it while it waits (a newer job of the group replaces a ` +
        `waiting one).`,
    ]);
  });
});
