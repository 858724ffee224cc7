// The bundled plan action as a process on a pull request: one sticky comment per environment,
// created on the first run and updated (never duplicated) on the next, the plan files and the
// job summary, annotations, a read-only token (a fork), and a what-if too large for a comment.
import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type { AzureEmulator } from "../emulator/emulator.js";
import { bareRemote, GIT_IDENTITY, tempDir, type TempDir } from "../engine/support/git-repos.js";
import { dev, startEmulator } from "../engine/support/harness.js";
import { GitHubFake } from "../github-fake/server.js";
import { pullRequestEvent } from "./support/events.js";
import { runAction, type ActionRun } from "./support/run-action.js";
import { checkout, commitFile, type Checkout } from "./support/workspace.js";
import { joinedRegExp } from "../support/regex.js";

const MARKER = "<!-- codemie-gitops:plan:dev -->";
/** Each test plans its own pull request. */
let PR = 10;

let github: GitHubFake;
let emulator: AzureEmulator;
let ws: Checkout;
let gitops: TempDir;
beforeAll(async () => {
  [github, emulator] = await Promise.all([GitHubFake.start(), startEmulator()]);
});
afterAll(async () => {
  await Promise.all([github.stop(), emulator.stop()]);
});
beforeEach(() => {
  PR += 1;
  emulator.reset();
  ws = checkout(["dev"]);
  gitops = bareRemote();
  github.addPullRequest(PR, ["environments/dev.yaml"]);
});
afterEach(() => {
  ws.dispose();
  gitops.dispose();
});

/** The plan action on pull request PR, offline unless `inputs` name an Azure app. */
function plan(inputs: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}): Promise<ActionRun> {
  return runAction("plan", {
    cwd: ws.path,
    inputs: { environment: "dev", ...inputs },
    event: pullRequestEvent(PR, ws.sha),
    github,
    env: { ...GIT_IDENTITY, CODEMIE_GITOPS_REMOTE: gitops.path, ...env },
  });
}

const ours = (): { id: number; body: string }[] => github.commentsOn(PR).filter((c) => c.body.startsWith(MARKER));

describe("plan action on a pull request", () => {
  test("creates the comment on the first run and updates that same comment on the second", async () => {
    const quoting = github.addComment(PR, `> ${MARKER}\n> ## Plan: \`dev\`\n\nWhy a new branch?`);

    const runnerTemp = tempDir("runner-temp-");
    const first = await plan({}, { RUNNER_TEMP: runnerTemp.path });

    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    expect(ours()).toHaveLength(1);
    const [comment] = ours();
    expect(comment!.body).toContain("## Plan: `dev`");
    expect(comment!.body).toContain("### Capacity (small)");
    expect(comment!.body).toContain("Branch `gitops/dev` (new)");
    expect(comment!.body).toContain("✅ `environments/dev.yaml` is valid");
    expect(comment!.body).toContain(
      `codemie-gitops plan of \`${ws.sha.slice(0, 7)}\` in [this ` +
        `run](https://github.com/acme/codemie-platform/actions/runs/4242)`,
    );
    expect(first.outputs).toMatchObject({
      "has-changes": "true",
      deletions: "0",
      "comment-url": expect.stringContaining(`#issuecomment-${comment!.id}`),
    });
    expect(first.outputs["plan-markdown"]).toBe(`${runnerTemp.path}/codemie-gitops/plan-dev.md`);
    expect(readFileSync(first.outputs["plan-markdown"]!, "utf8").trimEnd()).toBe(first.summary.trimEnd());
    expect(JSON.parse(readFileSync(first.outputs["plan-json"]!, "utf8"))).toMatchObject({
      environment: "dev",
      gitops: { status: "compared", branch: "gitops/dev" },
    });
    runnerTemp.dispose();
    expect(first.summary).toContain("## Plan: `dev`");
    expect(first.summary).not.toContain(MARKER);
    expect(first.stdout).toContain("Plan for dev (environments/dev.yaml)");

    const text = readFileSync(`${ws.path}/environments/dev.yaml`, "utf8").replace("version: 2.57.2", "version: 2.58.0");
    const edited = commitFile(ws.path, "environments/dev.yaml", text);
    const second = await runAction("plan", {
      cwd: ws.path,
      inputs: { environment: "dev" },
      event: pullRequestEvent(PR, edited),
      github,
      env: { ...GIT_IDENTITY, CODEMIE_GITOPS_REMOTE: gitops.path },
    });

    expect(second.status).toBe(0);
    expect(ours()).toHaveLength(1);
    expect(ours()[0]!.id).toBe(comment!.id);
    expect(ours()[0]!.body).toContain(`plan of \`${edited.slice(0, 7)}\``);
    expect(github.requestsTo("POST", new RegExp(`/issues/${PR}/comments$`))).toHaveLength(1);
    expect(github.requestsTo("PATCH", new RegExp(`/issues/comments/${comment!.id}$`))).toHaveLength(1);
    // The reply quoting the marker is someone else's and stays as it was.
    expect(github.comments.find((c) => c.id === quoting.id)!.body).toMatch(/^> /);
  });

  test("a read-only token (a pull request from a fork) gets the plan in the job summary and a warning", async () => {
    github.faults.push({ method: "POST", path: new RegExp(`/issues/${PR}/comments$`), status: 403, times: 1 });
    github.faults.push({ method: "PATCH", path: /\/issues\/comments\/\d+$/, status: 403, times: 1 });

    const run = await plan();

    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      `::warning::cannot comment on pull request #${PR} (read-only token, as ` +
        `for a fork); the plan is in the job summary`,
    );
    expect(run.outputs["comment-url"]).toBe("");
    expect(run.summary).toContain("## Plan: `dev`");
    expect(ours()).toHaveLength(0);
  });

  test("an invalid environment: exit 1, the error annotated on its line and listed in the comment", async () => {
    const lines = readFileSync(`${ws.path}/environments/dev.yaml`, "utf8").split("\n");
    const index = lines.findIndex((l) => l.startsWith("profile:"));
    lines[index] = "profile: medium";
    commitFile(ws.path, "environments/dev.yaml", lines.join("\n"));

    const run = await plan();

    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`::error file=environments/dev.yaml,line=${index + 1},col=10::.*profile`));
    expect(run.outputs).toMatchObject({ "has-changes": "true", deletions: "0" });
    expect(ours()[0]!.body).toContain("❌ `environments/dev.yaml`: 1 error(s)");
    expect(ours()[0]!.body).toMatch(
      new RegExp(`\n\`\`\`text\nenvironments/dev\\.yaml:${index + 1}:10: error: .*profile`),
    );
  });

  test(
    "with Azure: what-if deletions are called out, and a comment over " +
      "GitHub's limit is cut with a pointer to the job summary",
    async () => {
      const sub = `/subscriptions/${dev.azure.subscriptionId}`;
      const rg = `${sub}/resourceGroups/${dev.names.resourceGroup}`;
      // Enough resources for a plan longer than a comment may be.
      const changes = Array.from({ length: 700 }, (_, i) => ({
        resourceId:
          `${rg}/providers/Microsoft.Network/privateDnsZones/privatelink.zone-` +
          `${String(i).padStart(4, "0")}.example.internal.azure.com`,
        changeType: i < 2 ? "Delete" : "Create",
      }));
      emulator.script({ whatIf: { pendingPolls: 1, changes } });

      const run = await plan(
        { "azure-client-id": emulator.identity.clientId },
        { ...emulator.env(), CODEMIE_POLL_INTERVAL_MS: "20", CODEMIE_RETRY_DELAY_MS: "20" },
      );

      expect(run.status).toBe(0);
      expect(run.outputs).toMatchObject({ "has-changes": "true", deletions: "2" });
      const [comment] = ours();
      expect(comment!.body.length).toBeLessThanOrEqual(65_536);
      expect(comment!.body).toMatch(
        joinedRegExp(
          /^<!-- codemie-gitops:plan:dev -->\n<!-- codemie-gitops:reviewed:dev [A-Za-z0-9+/=]{1,20000} -->\n> /,
          /\[!CAUTION\]\n> \*\*This plan deletes 2 Azure resource\(s\)\*\*: /,
          /`privatelink\.zone-0000\.example\.internal\.azure\.com`/,
        ),
      );
      expect(comment!.body).toMatch(
        joinedRegExp(
          /> \*\*Truncated\*\*: the full plan \([\d,]+ characters\) is longer than GitHub allows here; read it in /,
          /the \[job summary\]\(https:\/\/github\.com\/acme\/codemie-platform\/actions\/runs\/4242\)\.$/,
        ),
      );
      expect(run.summary.length).toBeGreaterThan(65_536);
      expect(run.summary).toContain("privatelink.zone-0699.example.internal.azure.com");
      expect(emulator.idTokensIssued).toBeGreaterThan(0);
      // Each ID token is masked before use: it appears only in the runner's add-mask command,
      // which the log never shows.
      const tokenLines = run.stdout.split("\n").filter((line) => /eyJ[\w-]+\.[\w-]+\.[\w-]+/.test(line));
      expect(tokenLines.length).toBeGreaterThan(0);
      expect(tokenLines.every((line) => /^::add-mask::eyJ[\w-]+\.[\w-]+\.[\w-]+$/.test(line))).toBe(true);
    },
  );
});
