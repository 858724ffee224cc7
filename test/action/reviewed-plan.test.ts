// The reviewed plan enforced at merge, with the bundled plan and deploy actions against the Azure
// emulator and the GitHub fake: the plan comment records a digest; the deploy of the merged pull
// request deploys when Azure still matches, stops before the first write when it drifted (and
// shows how), goes on only when told to accept, and trusts no comment but its token's own.
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { AzureEmulator } from "../emulator/emulator.js";
import { git } from "../engine/support/git-repos.js";
import { aksUpgradeWhatIf, cliEnv, dev, DEV_OUTPUTS, type Workspace } from "../engine/support/harness.js";
import { deployInProcess } from "../engine/support/in-process.js";
import { ROOT } from "../support/cli.js";
import type { GitHubFake } from "../github-fake/server.js";
import { uploadOperatorSecrets } from "../engine/preflight/support/operator-secrets.js";
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

// A chart cache of this test's own (one chart, writable), so a chart can change under its version.
let charts: string;
beforeEach(() => {
  charts = mkdtempSync(join(tmpdir(), "codemie-charts-"));
  for (const entry of ["codemie-ui-2.57.2", "codemie-ui-2.57.2.json"])
    cpSync(join(ROOT, ".helm", "charts", entry), join(charts, entry), { recursive: true });
  chmodSync(join(charts, "codemie-ui-2.57.2"), 0o755);
});
afterEach(() => rmSync(charts, { recursive: true, force: true }));
const chartEnv = (): NodeJS.ProcessEnv => ({ CODEMIE_CHART_CACHE: charts, CODEMIE_CHART_MIRROR: "" });

function plan(sha = ws.sourceCommit): Promise<ActionRun> {
  return runAction("plan", {
    cwd: ws.cwd,
    inputs: { environment: "dev", "azure-client-id": emulator.identity.clientId },
    event: pullRequestEvent(PR, sha),
    github,
    env: cliEnv(emulator, { CODEMIE_GITOPS_REMOTE: ws.remote, ...chartEnv() }),
  });
}

function deploy(inputs: Record<string, string> = {}, sha = ws.sourceCommit): Promise<ActionRun> {
  return runDeployAction(t, { event: pushEvent("a".repeat(40), sha), inputs, env: chartEnv() });
}

const deploymentPuts = (): number =>
  emulator.armRequests().filter((r) => r.method === "PUT" && /\/deployments\//i.test(r.path)).length;
const whatIfs = (): number =>
  emulator.armRequests().filter((r) => r.method === "POST" && /\/whatIf$/i.test(r.path.split("?")[0]!)).length;

type Comment = ReturnType<GitHubFake["commentsOn"]>[number];
let review: Comment | undefined;

/**
 * The plan action's review of the workspace's commit (Azure: the cluster to 1.31.2, scripted) on this test's
 * pull request. Every workspace of the file holds the same commit, charts and Azure, so the first
 * plan is every test's review: later tests get its comment, as written by the same token, instead
 * of planning again (the first test proves the comment the plan writes).
 */
async function reviewedPlan(): Promise<void> {
  // What Azure would change, for the plan and for the deploys that follow it.
  emulator.script({ whatIf: { pendingPolls: 0, changes: aksUpgradeWhatIf("1.31.2") } });
  if (review) {
    github.addComment(PR, review.body).user = review.user;
    return;
  }
  expect((await plan()).status).toBe(0);
  review = github.commentsOn(PR)[0];
}

/** A commit on top of the workspace changing dev.yaml's ingress host (the GitOps tree with it). */
function commitChange(message: string, host: string): string {
  const file = join(ws.cwd, "environments", "dev.yaml");
  writeFileSync(file, readFileSync(file, "utf8").replace(/host: \S+\.dev\.ai/, `host: ${host}.dev.ai`));
  git(ws.cwd, "commit", "-qam", message);
  return git(ws.cwd, "rev-parse", "HEAD");
}

describe("reviewed plan enforced at merge", () => {
  test("the comment carries the digest; a deploy whose what-if still matches goes on", async () => {
    review = undefined;
    await reviewedPlan();
    const [comment] = github.commentsOn(PR);
    expect(comment!.body).toMatch(
      /^<!-- codemie-gitops:plan:dev -->\n<!-- codemie-gitops:reviewed:dev [A-Za-z0-9+/=]+ -->\n/,
    );
    expect(comment!.body).toContain("`~ properties.kubernetesVersion: 1.30.6 → 1.31.2`");
    github.mergePullRequest(PR, ws.sourceCommit);

    emulator.script({ deployment: { runningPolls: 1, outputs: DEV_OUTPUTS } });
    const before = whatIfs();
    const run = await deploy();

    expect(run.stdout).toContain(
      `dev: Azure, the GitOps tree, the Kubernetes objects and the toolkit ` +
        `match the plan reviewed on pull request #${PR}`,
    );
    expect(run.status).toBe(0);
    // One what-if per deploy: the check's, which nothing asks again.
    expect(whatIfs() - before).toBe(1);
  });

  test(
    "a chart changed under the same version after the review: the objects " +
      "differ, the tree does not; the deploy stops",
    async () => {
      await reviewedPlan();
      github.mergePullRequest(PR, ws.sourceCommit);
      const values = join(charts, "codemie-ui-2.57.2", "values.yaml");
      chmodSync(values, 0o644);
      writeFileSync(values, `${readFileSync(values, "utf8")}\nrepublished: true\n`);

      const stopped = await deploy();

      expect(stopped.status).toBe(1);
      expect(stopped.stdout).toContain(`::error::dev differs from the plan reviewed on pull request #${PR}:`);
      expect(stopped.stdout).toContain(
        "Kubernetes objects: differ from the reviewed ones while the GitOps tree " +
          "does not (a chart changed under the same version, or kustomize)",
      );
      expect(stopped.stdout).not.toContain("GitOps tree: the rendered files differ");
      expect(stopped.stdout).not.toContain("what-if: Azure's changes differ");
      expect(deploymentPuts()).toBe(0);
      expect(ws.pushes()).toEqual([]);
    },
  );

  test("a deploy without the infrastructure is held to the reviewed tree and objects, with no what-if", async () => {
    // A first full deploy (nothing to hold it to) leaves deploy outputs on the branch: set-up, run in
    // this process (the deploy action's own full deploy is test/action/deploy.test.ts's).
    emulator.script({ deployment: { runningPolls: 0, outputs: DEV_OUTPUTS } });
    expect((await deployInProcess(emulator, ws, { nonCompliantReads: 0 })).status).toBe(0);
    const reviewed = commitChange("the change under review", "codemie2");
    emulator.script({ whatIf: { pendingPolls: 0, changes: aksUpgradeWhatIf("1.31.2") } });
    expect((await plan(reviewed)).status).toBe(0);
    github.mergePullRequest(PR, reviewed);
    const pushed = ws.pushes().length;
    const asked = whatIfs();

    const run = await deploy({ "skip-infrastructure": "true" }, reviewed);

    expect(run.stdout).toContain(
      `dev: (infrastructure skipped) the GitOps tree, the Kubernetes objects ` +
        `and the toolkit match the plan reviewed on pull request #${PR}`,
    );
    expect(run.status).toBe(0);
    expect(whatIfs()).toBe(asked);
    expect(ws.pushes().length).toBe(pushed + 1);
  }, 240_000);

  test("a deploy without the infrastructure stops when the tree changed after the review (another merge)", async () => {
    await reviewedPlan();
    const later = commitChange("another change, merged after the review", "codemie3");
    github.mergePullRequest(PR, later);
    const asked = whatIfs();

    const stopped = await deploy({ "skip-infrastructure": "true" }, later);

    expect(stopped.status).toBe(1);
    expect(stopped.stdout).toContain(
      "GitOps tree: the rendered files differ from the reviewed ones (another " +
        "merge, or a change of the toolkit or charts)",
    );
    expect(stopped.stdout).toContain("Kubernetes objects: differ from the reviewed ones");
    expect(stopped.stdout).not.toContain("what-if");
    expect(whatIfs()).toBe(asked);
    expect(ws.pushes()).toEqual([]);
  });

  test(
    "Azure drifted after the review: the deploy stops before the first write " +
      "and shows the difference; accepting lets it through",
    async () => {
      await reviewedPlan();
      github.mergePullRequest(PR, ws.sourceCommit);
      // Someone changed the cluster in the portal: ARM now sees a different change.
      emulator.reset();
      uploadOperatorSecrets(emulator, dev);
      emulator.script({ whatIf: { pendingPolls: 0, changes: aksUpgradeWhatIf("1.32.0") } });

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
    },
  );

  test("a comment by another user carrying the marker and a matching digest is not a review", async () => {
    await reviewedPlan();
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
