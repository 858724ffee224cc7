// The bundled deploy action as a process against the Azure emulator, a scratch GitOps repository
// and the GitHub fake: on a push, and as a workflow_dispatch redeploy. The GitHub deployment and
// its statuses, the outputs, the job summary and the exit code follow the outcome.
import { beforeEach, describe, expect, test } from "vitest";
import type { AzureEmulator } from "../emulator/emulator.js";
import { branchTip, fileAt, git, pushFiles } from "../engine/support/git-repos.js";
import { BRANCH, dev, DEV_OUTPUTS, type Workspace } from "../engine/support/harness.js";
import type { GitHubFake } from "../github-fake/server.js";
import { deployFixture, runDeployAction } from "./support/deploy-fixture.js";
import { pushEvent, workflowDispatchEvent } from "./support/events.js";
import type { ActionEvent, ActionRun } from "./support/run-action.js";

const t = deployFixture();
let github: GitHubFake;
let emulator: AzureEmulator;
let ws: Workspace;
beforeEach(() => {
  ({ github, emulator, ws } = t);
});

/** Runs the deploy action; once it has published, the emulator's Flux reports that commit Compliant. */
function deploy(event: ActionEvent, inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runDeployAction(t, { event, inputs });
}

const short = (): string => ws.sourceCommit.slice(0, 7);

describe("deploy action", () => {
  test(
    "push: deploys, records a GitHub deployment in_progress then success, " + "and reports the published commit",
    async () => {
      emulator.script({ deployment: { runningPolls: 1, outputs: DEV_OUTPUTS } });

      const run = await deploy(pushEvent("a".repeat(40), ws.sourceCommit));

      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      const tip = branchTip(ws.remote, BRANCH) ?? "";
      expect(run.outputs).toEqual({
        "deployment-name": `codemie-dev.${short()}`,
        "source-commit": ws.sourceCommit,
        "published-commit": tip,
        "compliance-state": "Compliant",
      });
      expect(run.stdout).toContain(
        `Deployed dev: ARM deployment codemie-dev.${short()} succeeded and Flux reports ${tip.slice(0, 7)} Compliant`,
      );

      expect(github.deployments).toHaveLength(1);
      const [deployment] = github.deployments;
      expect(deployment).toMatchObject({
        ref: ws.sourceCommit,
        environment: "dev",
        productionEnvironment: false,
        payload: { armDeployment: `codemie-dev.${short()}`, file: "environments/dev.yaml" },
      });
      expect(deployment!.statuses.map((s) => s.state)).toEqual(["in_progress", "success"]);
      expect(deployment!.statuses[1]).toMatchObject({
        logUrl: "https://github.com/acme/codemie-platform/actions/runs/4242",
        environmentUrl: `https://${dev.network.ingress.host}`,
      });

      expect(run.summary).toContain("## Deploy: `dev` ✅ deployed");
      expect(run.summary).toContain(`| published commit | \`${tip}\` |`);
      expect(run.summary).toContain(`| ARM deployment | \`codemie-dev.${short()}\` |`);
      expect(run.summary).toMatch(/\| `Kustomization flux-system\/codemie-infrastructure` \| ✅ Compliant \|/);
      expect(run.summary).toContain("<details><summary>Deploy log</summary>");
    },
  );

  test(
    "workflow_dispatch redeploy that fails: exit 1, the failure annotated, " + "the GitHub deployment marked failure",
    async () => {
      const conflict = {
        code: "VaultAlreadyExists",
        message: `The vault name '${dev.names.keyVault}' is already in use.`,
      };
      emulator.script({
        deployment: {
          runningPolls: 1,
          failure: {
            error: {
              code: "DeploymentFailed",
              message: "At least one resource deployment operation failed.",
              details: [conflict],
            },
            failedOperations: [
              {
                resourceType: "Microsoft.KeyVault/vaults",
                resourceName: dev.names.keyVault,
                statusCode: "Conflict",
                error: conflict,
              },
            ],
          },
        },
      });

      const run = await deploy(
        workflowDispatchEvent(ws.sourceCommit, {
          environment: "dev",
          ref: "main",
          "skip-infrastructure": "false",
          "wait-timeout": "2m",
        }),
      );

      expect(run.status).toBe(1);
      expect(run.stdout).toMatch(
        new RegExp(
          `^::error::bootstrap deployment codemie-dev\\.${short()}\\.bootstrap ` +
            `failed \\(correlation id [0-9a-f-]{36}\\)$`,
          "m",
        ),
      );
      expect(run.stdout).toContain(
        `      VaultAlreadyExists: The vault name '${dev.names.keyVault}' is already in use.`,
      );
      expect(run.outputs).toMatchObject({ "deployment-name": `codemie-dev.${short()}`, "published-commit": "" });
      expect(branchTip(ws.remote, BRANCH)).toBeUndefined();
      expect(github.deployments[0]!.statuses.map((s) => s.state)).toEqual(["in_progress", "failure"]);
      expect(run.summary).toContain("## Deploy: `dev` ❌ failed");
    },
  );

  test("no right to record deployments: a warning, and the deploy goes on", async () => {
    emulator.script({ deployment: { runningPolls: 0, outputs: DEV_OUTPUTS } });
    github.faults.push({ method: "POST", path: /\/deployments$/, status: 403, times: 1 });

    const run = await deploy(pushEvent("a".repeat(40), ws.sourceCommit));

    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      "::warning::cannot record a GitHub deployment (Resource not accessible by integration",
    );
    expect(run.outputs["compliance-state"]).toBe("Compliant");
  });

  test(
    "workflow_dispatch with skip-infrastructure: no ARM deployment, the " + "published outputs kept, Flux awaited",
    async () => {
      emulator.script({ deployment: { runningPolls: 0, outputs: DEV_OUTPUTS } });
      const full = await deploy(pushEvent("a".repeat(40), ws.sourceCommit));
      expect(full.status).toBe(0);
      const outputsFile = "clusters/dev/infra-outputs.yaml";
      const outputs = fileAt(ws.remote, BRANCH, outputsFile);
      // Something else on the branch, so the redeploy has a tree to publish again.
      const outside = pushFiles(ws.remote, BRANCH, { "clusters/dev/stale.yaml": "stale: true\n" });
      const before = emulator.armRequests().length;
      github.deployments.length = 0;

      const run = await deploy(
        workflowDispatchEvent(ws.sourceCommit, { environment: "dev", ref: "main", "skip-infrastructure": "true" }),
        { "skip-infrastructure": "true" },
      );

      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      expect(
        emulator
          .armRequests()
          .slice(before)
          .filter((r) => r.method !== "GET"),
      ).toEqual([]);
      const tip = branchTip(ws.remote, BRANCH) ?? "";
      expect(git(ws.remote, "rev-parse", `${tip}^`)).toBe(outside);
      expect(fileAt(ws.remote, BRANCH, outputsFile)).toBe(outputs);
      expect(fileAt(ws.remote, BRANCH, "clusters/dev/stale.yaml")).toBeUndefined();
      expect(run.outputs).toEqual({
        "deployment-name": "",
        "source-commit": ws.sourceCommit,
        "published-commit": tip,
        "compliance-state": "Compliant",
      });
      expect(run.stdout).toContain(
        `Deployed dev: infrastructure skipped (no ARM deployment) and Flux reports ${tip.slice(0, 7)} Compliant`,
      );
      expect(run.summary).toContain("| ARM deployment | `skipped` |");
      expect(github.deployments[0]).toMatchObject({
        description: "codemie-gitops: the GitOps tree and Flux, infrastructure skipped",
        payload: { armDeployment: "" },
      });
      expect(github.deployments[0]!.statuses.map((s) => s.state)).toEqual(["in_progress", "success"]);
    },
  );

  test("usage errors exit 2 before anything is touched", async () => {
    const badTimeout = await deploy(pushEvent("a".repeat(40), ws.sourceCommit), { "wait-timeout": "soon" });
    const badName = await deploy(pushEvent("a".repeat(40), ws.sourceCommit), { environment: "../prod" });
    const badFlag = await deploy(
      workflowDispatchEvent(ws.sourceCommit, { environment: "dev", "skip-infrastructure": "yes" }),
      { "skip-infrastructure": "yes" },
    );

    expect(badTimeout.status).toBe(2);
    expect(badTimeout.stdout).toContain(
      '::error::codemie-gitops: wait-timeout takes a duration such as 90s, 45m or 1h, not "soon"',
    );
    expect(badName.status).toBe(2);
    expect(badName.stdout).toContain('::error::codemie-gitops: "../prod" is not an environment name');
    expect(badFlag.status).toBe(2);
    expect(badFlag.stdout).toContain(
      '::error::codemie-gitops: input "skip-infrastructure" must be true or false, not "yes"',
    );
    expect(emulator.armRequests()).toHaveLength(0);
    expect(github.deployments).toHaveLength(0);
  });
});
