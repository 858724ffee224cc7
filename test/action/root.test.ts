// The root action (action.yml) as a process: `command` picks an action, whose defaults apply to
// the inputs left empty, and whose outputs and exit code are the root's.
import { afterAll, beforeAll, expect, test } from "vitest";
import { GitHubFake } from "../github-fake/server.js";
import { pullRequestEvent } from "./support/events.js";
import { runAction } from "./support/run-action.js";
import { checkout } from "./support/workspace.js";

let github: GitHubFake;
beforeAll(async () => {
  github = await GitHubFake.start();
});
afterAll(async () => {
  await github.stop();
});

test("command: validate runs the validate action with its defaults", async () => {
  const ws = checkout(["dev", "staging"]);
  try {
    github.addPullRequest(3, ["environments/staging.yaml"]);

    const run = await runAction("root", {
      cwd: ws.path,
      inputs: { command: "validate" },
      event: pullRequestEvent(3, ws.sha),
      github,
    });

    expect(run.status).toBe(0);
    expect(run.stdout).toContain("environments/staging.yaml: valid");
    expect(run.outputs).toEqual({
      valid: "true",
      errors: "0",
      warnings: "0",
      environments: '["staging"]',
      production: "[]",
    });
    expect(run.summary).toContain("## Validate: ✅ valid");
  } finally {
    ws.dispose();
  }
});

test("an unknown command is a usage error (exit 2)", async () => {
  const ws = checkout(["dev"]);
  try {
    const run = await runAction("root", {
      cwd: ws.path,
      inputs: { command: "destroy" },
      event: pullRequestEvent(3, ws.sha),
      github,
    });

    expect(run.status).toBe(2);
    expect(run.stdout).toContain(
      '::error::codemie-gitops: input "command" must be one of validate, plan, deploy, status, promote, not "destroy"',
    );
  } finally {
    ws.dispose();
  }
});
