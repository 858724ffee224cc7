// The reviewed plan enforced at merge, with the bundled plan and deploy actions against the Azure
// emulator and the GitHub fake: the plan comment records a digest; the deploy of the merged pull
// request deploys when Azure still matches, stops before the first write when it drifted (and
// shows how), goes on only when told to accept, and trusts no comment but its token's own.
import { beforeEach, describe, expect, test } from "vitest";
import type { AzureEmulator } from "../emulator/emulator.js";
import { cliEnv, dev, DEV_OUTPUTS, type Workspace } from "../engine/support/harness.js";
import type { GitHubFake } from "../github-fake/server.js";
import { uploadOperatorSecrets } from "../preflight/support/operator-secrets.js";
import { deployFixture, runDeployAction } from "./support/deploy-fixture.js";
import { pullRequestEvent, pushEvent } from "./support/events.js";
import { runAction, type ActionRun } from "./support/run-action.js";

const t = deployFixture();
let github: GitHubFake;
let emulator: AzureEmulator;
let ws: Workspace;
let PR = 300;
beforeEach(() => {
  ({ github, emulator, ws } = t);
  PR += 1;
  github.addPullRequest(PR, ["environments/dev.yaml"]);
});

const aks = `/subscriptions/${dev.azure.subscriptionId}/resourceGroups/${dev.names.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${dev.names.aks}`;
const upgrade = (to: string) => [
  {
    resourceId: aks,
    changeType: "Modify",
    delta: [{ path: "properties.kubernetesVersion", propertyChangeType: "Modify", before: "1.30.6", after: to }],
  },
];

function plan(): Promise<ActionRun> {
  return runAction("plan", {
    cwd: ws.cwd,
    inputs: { environment: "dev", "azure-client-id": emulator.identity.clientId },
    event: pullRequestEvent(PR, ws.sourceCommit),
    github,
    env: cliEnv(emulator, { CODEMIE_GITOPS_REMOTE: ws.remote }),
  });
}

function deploy(inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runDeployAction(t, { event: pushEvent("a".repeat(40), ws.sourceCommit), inputs });
}

const deploymentPuts = (): number =>
  emulator.armRequests().filter((r) => r.method === "PUT" && /\/deployments\//i.test(r.path)).length;

describe("reviewed plan enforced at merge", () => {
  test("the comment carries the digest; a deploy whose what-if still matches goes on", async () => {
    emulator.script({ whatIf: { pendingPolls: 0, changes: upgrade("1.31.2") } });
    const planned = await plan();
    expect(planned.status).toBe(0);
    const [comment] = github.commentsOn(PR);
    expect(comment!.body).toMatch(
      /^<!-- codemie-gitops:plan:dev -->\n<!-- codemie-gitops:reviewed:dev [A-Za-z0-9+/=]+ -->\n/,
    );
    expect(comment!.body).toContain("`~ properties.kubernetesVersion: 1.30.6 → 1.31.2`");
    github.mergePullRequest(PR, ws.sourceCommit);

    emulator.script({ deployment: { runningPolls: 1, outputs: DEV_OUTPUTS } });
    const run = await deploy();

    expect(run.stdout).toContain(
      `dev: Azure, the GitOps tree and the toolkit match the plan reviewed on pull request #${PR}`,
    );
    expect(run.status).toBe(0);
  });

  test("Azure drifted after the review: the deploy stops before the first write and shows the difference; accepting lets it through", async () => {
    emulator.script({ whatIf: { pendingPolls: 0, changes: upgrade("1.31.2") } });
    expect((await plan()).status).toBe(0);
    github.mergePullRequest(PR, ws.sourceCommit);
    // Someone changed the cluster in the portal: ARM now sees a different change.
    emulator.reset();
    uploadOperatorSecrets(emulator, dev);
    emulator.script({ whatIf: { pendingPolls: 0, changes: upgrade("1.32.0") } });

    const stopped = await deploy();

    expect(stopped.status).toBe(1);
    expect(stopped.stdout).toContain(`::error::dev differs from the plan reviewed on pull request #${PR}:`);
    expect(stopped.stdout).toContain("reviewed, not any more: properties.kubernetesVersion: 1.30.6 → 1.31.2");
    expect(stopped.stdout).toContain("new since the review:   properties.kubernetesVersion: 1.30.6 → 1.32.0");
    expect(deploymentPuts()).toBe(0);
    expect(ws.pushes()).toEqual([]);
    expect(github.deployments).toHaveLength(0);

    emulator.script({ deployment: { runningPolls: 1, outputs: DEV_OUTPUTS } });
    const accepted = await deploy({ "accept-unreviewed-changes": "true" });
    expect(accepted.stdout).toMatch(/::warning::dev differs from the plan reviewed/);
    expect(accepted.status).toBe(0);
    expect(deploymentPuts()).toBeGreaterThan(0);
  });

  test("a comment by another user carrying the marker and a matching digest is not a review", async () => {
    emulator.script({ whatIf: { pendingPolls: 0, changes: upgrade("1.31.2") } });
    expect((await plan()).status).toBe(0);
    const ours = github.commentsOn(PR)[0]!.body;
    // The same body, pasted by someone else on another pull request that merged the commit.
    const other = PR + 1000;
    github.addComment(other, ours, "mallory");
    github.mergePullRequest(other, ws.sourceCommit);

    const run = await deploy();

    expect(run.status).toBe(1);
    expect(run.stdout).toContain(
      `pull request #${other} carries no plan of dev written by this workflow's token: nothing was reviewed`,
    );
    expect(deploymentPuts()).toBe(0);
  });
});
