// The promotion gate in the bundled deploy action: an environment that follows another deploys
// nothing until that one's latest GitHub deployment succeeded with the same CodeMie version and
// toolkit commit; then it deploys and records its own release for those that follow it.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, test } from "vitest";
import type { AzureEmulator } from "../emulator/emulator.js";
import { git } from "../engine/support/git-repos.js";
import { dev, DEV_OUTPUTS, type Workspace } from "../engine/support/harness.js";
import type { GitHubFake } from "../github-fake/server.js";
import { deployFixture, runDeployAction } from "./support/deploy-fixture.js";
import { ROOT } from "../support/cli.js";
import { pushEvent } from "./support/events.js";
import { type ActionRun } from "./support/run-action.js";

const t = deployFixture();
let github: GitHubFake;
let emulator: AzureEmulator;
let ws: Workspace;
let sha: string;
beforeEach(() => {
  ({ github, emulator, ws } = t);
  const file = join(ws.cwd, "environments", "dev.yaml");
  writeFileSync(file, `${readFileSync(file, "utf8")}promotion:\n  after: staging\n`);
  git(ws.cwd, "commit", "-qam", "dev follows staging");
  sha = git(ws.cwd, "rev-parse", "HEAD");
});

function deploy(): Promise<ActionRun> {
  return runDeployAction(t, { event: pushEvent("a".repeat(40), sha) });
}

const puts = (): number => emulator.armRequests().filter((r) => r.method === "PUT").length;

describe("promotion gate in the deploy action", () => {
  test(
    "refuses before any write while staging does not run the release; " +
      "deploys once it does, recording its own release",
    async () => {
      const toolkit = git(ROOT, "rev-parse", "HEAD");
      github.deployments.push({
        id: 1,
        ref: "1".repeat(40),
        environment: "staging",
        payload: { codemieVersion: "2.0.0", toolkit },
        statuses: [{ state: "success" }],
      });

      const refused = await deploy();

      expect(refused.status).toBe(1);
      expect(refused.stdout).toContain(`dev follows staging: staging runs CodeMie 2.0.0, not ${dev.codemieVersion}`);
      expect(puts()).toBe(0);
      expect(github.deployments.filter((d) => d.environment === "dev")).toHaveLength(0);

      github.deployments.push({
        id: 2,
        ref: "2".repeat(40),
        environment: "staging",
        payload: { codemieVersion: dev.codemieVersion, toolkit },
        statuses: [{ state: "in_progress" }, { state: "success" }],
      });
      emulator.script({ deployment: { runningPolls: 1, outputs: DEV_OUTPUTS } });

      const run = await deploy();

      expect(run.stdout).toContain("Promotion: open, staging runs this release Compliant (2222222)");
      expect(run.status).toBe(0);
      const record = github.deployments.find((d) => d.environment === "dev");
      expect(record?.payload).toMatchObject({ codemieVersion: dev.codemieVersion, toolkit });
    },
  );
});
