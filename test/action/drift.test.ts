// The plan action on a schedule with drift-issue on: one issue per environment, opened when Azure
// or the GitOps branch differs from the files, updated in place while it does, closed once they
// agree, and left alone when the plan cannot tell.
import { afterAll, beforeAll, expect, test } from "vitest";
import { GitopsBranch } from "../../src/adapters/git/gitops-branch.js";
import { readToolkit } from "../../src/adapters/templates.js";
import { renderSources } from "../../src/app/render-environment.js";
import { gitopsFiles } from "../../src/engine/rendered.js";
import type { AzureEmulator } from "../emulator/emulator.js";
import { environmentText } from "../engine/support/environments.js";
import { GIT_IDENTITY } from "../engine/support/git-repos.js";
import { BRANCH, cliEnv, createWorkspace, dev, startEmulator, type Workspace } from "../engine/support/harness.js";
import { GitHubFake } from "../github-fake/server.js";
import { scheduleEvent } from "./support/events.js";
import { runAction, type ActionRun } from "./support/run-action.js";
import { joinedRegExp } from "../support/regex.js";

const MARKER = "<!-- codemie-gitops:drift:dev -->";

let github: GitHubFake;
let emulator: AzureEmulator;
let ws: Workspace;
beforeAll(async () => {
  [github, emulator] = await Promise.all([GitHubFake.start(), startEmulator()]);
  ws = createWorkspace();
  // The GitOps branch holds exactly what dev renders to: no GitOps drift.
  const { tree } = renderSources("environments/dev.yaml", environmentText("dev"), await readToolkit());
  Object.assign(process.env, GIT_IDENTITY);
  await new GitopsBranch({ remote: ws.remote, branch: BRANCH, root: "clusters/dev" }).publish(gitopsFiles(tree!), {
    message: "deploy",
    expectedParent: undefined,
  });
});
afterAll(async () => {
  ws.dispose();
  await Promise.all([github.stop(), emulator.stop()]);
});

const aks =
  `/subscriptions/${dev.azure.subscriptionId}/resourceGroups/` +
  `${dev.names.resourceGroup}` +
  `/providers/Microsoft.ContainerService/managedClusters/${dev.names.aks}`;

function scheduledPlan(
  whatIf: Parameters<AzureEmulator["script"]>[0]["whatIf"],
  remote = ws.remote,
): Promise<ActionRun> {
  emulator.reset();
  emulator.script({ whatIf });
  return runAction("plan", {
    cwd: ws.cwd,
    inputs: { environment: "dev", "azure-client-id": emulator.identity.clientId, "drift-issue": "true" },
    event: scheduleEvent(ws.sourceCommit),
    github,
    env: cliEnv(emulator, { CODEMIE_GITOPS_REMOTE: remote }),
  });
}

const driftIssues = () => github.issues.filter((i) => !i.pullRequest && i.body.startsWith(MARKER));

test(
  "opens one issue on drift, updates it while drift lasts, leaves it when " +
    "the plan cannot tell, closes it once clean",
  async () => {
    // A pull request carrying the label and the marker is not an issue and must never be taken for one.
    github.addIssue({
      title: "a pull request",
      body: `${MARKER}\nquoted`,
      state: "open",
      labels: ["codemie-drift"],
      pullRequest: true,
    });
    const modified = {
      pendingPolls: 0,
      changes: [
        {
          resourceId: aks,
          changeType: "Modify",
          delta: [{ path: "properties.kubernetesVersion", propertyChangeType: "Modify" }],
        },
      ],
    };

    const first = await scheduledPlan(modified);

    expect(first.status).toBe(0);
    expect(driftIssues()).toHaveLength(1);
    const [issue] = driftIssues();
    expect(issue).toMatchObject({
      state: "open",
      labels: ["codemie-drift"],
      title: "Drift: dev differs from environments/dev.yaml",
    });
    expect(issue!.body).toContain("~ properties.kubernetesVersion");
    expect(first.outputs["drift-issue-url"]).toBe(`https://github.com/acme/codemie-platform/issues/${issue!.number}`);
    expect(first.outputs["comment-url"]).toBe("");

    const second = await scheduledPlan(modified);

    expect(second.status).toBe(0);
    expect(driftIssues()).toHaveLength(1);
    expect(github.requestsTo("POST", /\/issues$/)).toHaveLength(1);
    expect(github.requestsTo("PATCH", new RegExp(`/issues/${issue!.number}$`))).toHaveLength(1);

    const unknown = await scheduledPlan({
      pendingPolls: 0,
      failure: { code: "InvalidTemplate", message: "The template is not valid." },
    });

    expect(unknown.status).toBe(1);
    expect(unknown.stdout).toContain(
      "::warning::cannot tell whether dev drifted (the plan is incomplete); its drift issue is left as it is",
    );
    expect(driftIssues()[0]!.state).toBe("open");

    // What-if is clean but the GitOps branch cannot be read: the drift check could not look, so it fails.
    const unreadable = await scheduledPlan(
      { pendingPolls: 0, changes: [{ resourceId: aks, changeType: "NoChange" }] },
      `${ws.remote}-gone`,
    );

    expect(unreadable.status).toBe(1);
    expect(unreadable.stdout).toContain(
      "::warning::cannot tell whether dev drifted (the plan is incomplete); its drift issue is left as it is",
    );
    expect(driftIssues()[0]!.state).toBe("open");

    const clean = await scheduledPlan({ pendingPolls: 0, changes: [{ resourceId: aks, changeType: "NoChange" }] });

    expect(clean.status).toBe(0);
    expect(driftIssues()[0]).toMatchObject({ state: "closed", stateReason: "completed" });
    expect(github.commentsOn(issue!.number).map((c) => c.body)).toEqual([
      expect.stringMatching(
        joinedRegExp(
          /^No drift any more: the plan of `[0-9a-f]{7}` /,
          /\(\[run\]\(https:\/\/github\.com\/acme\/codemie-platform\/actions\/runs\/4242\)\) finds Azure and the /,
          /GitOps branch matching `environments\/dev\.yaml`\.$/,
        ),
      ),
    ]);
    expect(github.issues.find((i) => i.pullRequest)!.state).toBe("open");
  },
  420_000,
);
