// Deploys in commit order, through the bundled deploy action against the Azure emulator, a scratch
// GitOps repository and the GitHub fake: an older commit's push deploy (two merges whose runs
// finish out of order, or a re-run of an old run) deploys nothing and exits 0 with a notice; a
// redeploy of it rolls back and says so.
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, expect, test } from "vitest";
import type { AzureEmulator } from "../emulator/emulator.js";
import { branchTip, git } from "../engine/support/git-repos.js";
import { BRANCH, DEV_OUTPUTS, type Workspace } from "../engine/support/harness.js";
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

function deploy(event: ActionEvent, inputs: Record<string, string> = {}): Promise<ActionRun> {
  emulator.script({ deployment: { runningPolls: 0, outputs: DEV_OUTPUTS } });
  return runDeployAction(t, { event, inputs, nonCompliantReads: 0 });
}

const armWrites = (): number => emulator.armRequests().filter((r) => r.method !== "GET").length;

test("a push deploy of an older commit deploys nothing; a redeploy of it rolls back, saying so", async () => {
  const older = ws.sourceCommit;
  expect((await deploy(pushEvent("0".repeat(40), older))).status).toBe(0);
  // A newer merge, deployed first.
  appendFileSync(join(ws.cwd, "environments/dev.yaml"), "# a newer commit\n");
  git(ws.cwd, "commit", "-q", "-am", "newer");
  const newer = git(ws.cwd, "rev-parse", "HEAD");
  expect((await deploy(pushEvent(older, newer))).status).toBe(0);
  const tip = branchTip(ws.remote, BRANCH);
  expect(git(ws.remote, "log", "-1", "--format=%B", BRANCH)).toContain(`at source commit ${newer}`);

  // The older merge's run finishes last (or is re-run): the checkout is at the older commit.
  git(ws.cwd, "checkout", "-q", "--detach", older);
  const writes = armWrites();
  github.deployments.length = 0;
  const late = await deploy(pushEvent("0".repeat(40), older));

  expect(late.stderr).toBe("");
  expect(late.status).toBe(0);
  expect(late.stdout).toContain(
    `::notice::dev: nothing deployed; ${older.slice(0, 7)} is older than ${newer.slice(0, 7)}, which dev already runs`,
  );
  expect(late.stdout).toContain(
    `Nothing deployed: ${older.slice(0, 7)} is older than ${newer.slice(0, 7)}, which dev already runs`,
  );
  expect(armWrites()).toBe(writes);
  expect(branchTip(ws.remote, BRANCH)).toBe(tip);
  expect(late.outputs).toMatchObject({ "deployment-name": "", "published-commit": "" });
  expect(late.summary).toContain(
    `## Deploy: \`dev\` ⏭️ not deployed: it already runs the newer \`${newer.slice(0, 7)}\``,
  );
  expect(github.deployments[0]!.statuses.map((s) => s.state)).toEqual(["in_progress", "inactive"]);

  // The same commit by hand is a rollback: deployed, and the log says what it takes back (the
  // GitOps tree only, which is all that differs, to keep the test short).
  const rollback = await deploy(
    workflowDispatchEvent(older, { environment: "dev", ref: older, "skip-infrastructure": "true" }),
    { "skip-infrastructure": "true" },
  );

  expect(rollback.status).toBe(0);
  expect(rollback.stdout).toContain(
    `Rolling back dev: ${older.slice(0, 7)} is older than ${newer.slice(0, 7)}, which it was last deployed from`,
  );
  expect(git(ws.remote, "log", "-1", "--format=%B", BRANCH)).toContain(`at source commit ${older}`);
}, 480_000);
