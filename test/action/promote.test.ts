// The bundled promote action as a process against the GitHub fake (real Octokit): a branch with
// one commit changing only the target environment file, a pull request opened and on a rerun
// updated (never a second one), nothing to promote as a notice, and a refused call reported with
// nothing half-made left: the branch it created deleted again.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { codeSpan, promotionBody } from "../../src/action/promotion-body.js";
import { GitHubFake } from "../github-fake/server.js";
import { edited, shipped } from "../capacity/environments.js";
import { workflowDispatchEvent } from "./support/events.js";
import { runAction, type ActionRun } from "./support/run-action.js";

const BRANCH = "codemie-gitops/promote-staging-to-prod";
const PROD = "environments/prod.yaml";
const prod = (version: string): string =>
  `# Production: promoted from staging\n${edited(shipped("prod"), [
    [["promotion"], { after: "staging" }],
    [["codemie", "version"], version],
  ])}`;
const staging = (version: string): string => edited(shipped("staging"), [[["codemie", "version"], version]]);

let fake: GitHubFake;
let dir: string;
let main: string;

function checkout(files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
}

beforeEach(async () => {
  fake = await GitHubFake.start();
  dir = mkdtempSync(join(tmpdir(), "cg-promote-action-"));
  mkdirSync(join(dir, "environments"));
  execFileSync("git", ["init", "-q", dir]);
  const files = { "environments/staging.yaml": staging("2.58.1"), [PROD]: prod("2.50.0") };
  checkout(files);
  main = fake.seedRepository(files);
});
afterEach(async () => {
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

function promote(): Promise<ActionRun> {
  return runAction("promote", {
    cwd: dir,
    inputs: { from: "staging", to: "prod" },
    event: workflowDispatchEvent(main, {}),
    github: fake,
  });
}

describe("promote action", () => {
  test("opens a pull request whose one commit changes only prod.yaml, as the CLI edits it", async () => {
    const run = await promote();

    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(fake.pulls).toHaveLength(1);
    const pull = fake.pulls[0]!;
    expect(pull).toMatchObject({ head: BRANCH, base: "main", state: "open" });
    expect(run.outputs).toEqual({
      changed: "true",
      "pull-request-number": String(pull.number),
      "pull-request-url": `https://github.com/acme/codemie-platform/pull/${pull.number}`,
    });
    const head = fake.branches.get(BRANCH)!;
    expect(fake.commits.get(head)!.parent).toBe(main);
    expect(fake.changedFiles(main, head)).toEqual([PROD]);
    // What `codemie-gitops promote` writes (test/cli/promote.test.ts): comments kept, the version changed.
    expect(fake.fileAt(BRANCH, PROD)).toBe(prod("2.50.0").replace("version: 2.50.0", "version: 2.58.1"));
    expect(pull.title).toBe("Promote staging to prod: CodeMie 2.50.0 → 2.58.1");
    expect(pull.body).toContain("`environments/prod.yaml`: `codemie.version` `2.50.0` → `2.58.1`");
    expect(pull.body).toContain("([run](https://github.com/acme/codemie-platform/actions/runs/4242))");
    expect(fake.fileAt("main", PROD)).toBe(prod("2.50.0"));
  });

  test(
    "a rerun commits the new version on the default branch's new head and " + "updates the open pull request",
    async () => {
      expect((await promote()).status).toBe(0);
      const number = fake.pulls[0]!.number;
      const files = { "environments/staging.yaml": staging("2.59.0") };
      checkout(files);
      main = fake.pushCommit("main", files);

      const run = await promote();

      expect(run.status).toBe(0);
      expect(fake.pulls).toHaveLength(1);
      expect(run.outputs["pull-request-number"]).toBe(String(number));
      expect(fake.pulls[0]!.title).toBe("Promote staging to prod: CodeMie 2.50.0 → 2.59.0");
      const head = fake.branches.get(BRANCH)!;
      expect(fake.commits.get(head)!.parent).toBe(main);
      expect(fake.changedFiles(main, head)).toEqual([PROD]);
      expect(fake.fileAt(BRANCH, PROD)).toContain("version: 2.59.0");
      expect(fake.requestsTo("POST", /\/pulls$/)).toHaveLength(1);
      expect(fake.requestsTo("PATCH", /\/pulls\/\d+$/)).toHaveLength(1);
    },
  );

  test("nothing to promote: a notice, no branch and no pull request", async () => {
    checkout({ [PROD]: prod("2.58.1") });

    const run = await promote();

    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      "::notice::environments/prod.yaml already runs CodeMie 2.58.1, as " +
        "environments/staging.yaml does: nothing to promote",
    );
    expect(run.outputs).toEqual({ changed: "false", "pull-request-number": "", "pull-request-url": "" });
    expect([...fake.branches.keys()]).toEqual(["main"]);
    expect(fake.requests.filter((r) => r.method !== "GET")).toEqual([]);
  });

  test("run from another branch than the default one: a usage error, nothing written", async () => {
    const run = await runAction("promote", {
      cwd: dir,
      inputs: { from: "staging", to: "prod" },
      event: { ...workflowDispatchEvent(main, {}), ref: "refs/heads/feature" },
      github: fake,
    });

    expect(run.status).toBe(2);
    expect(run.stdout).toContain(
      "::error::codemie-gitops: promote runs on the default branch (main), not refs/heads/feature",
    );
    expect(fake.requests.filter((r) => r.method !== "GET")).toEqual([]);
  });

  test("GitHub refuses the pull request: a clear error, exit 1, the branch it created deleted", async () => {
    fake.faults.push({ method: "POST", path: /\/pulls$/, status: 403 });

    const run = await promote();

    expect(run.status).toBe(1);
    expect(run.stdout).toContain(
      `::error::codemie-gitops: error: GitHub refused to open a pull request from ${BRANCH} into main (HTTP 403)`,
    );
    expect(run.stdout).toContain(`the branch ${BRANCH} was deleted again`);
    expect(run.stdout).not.toMatch(/internal error|at .*\.js:\d+/);
    expect([...fake.branches.keys()]).toEqual(["main"]);
    expect(fake.pulls).toEqual([]);
    expect(run.outputs.changed).toBe("false");
  });

  test("GitHub refuses the commit: the error names the file, no branch and no pull request", async () => {
    fake.faults.push({ method: "POST", path: /\/git\/trees$/, status: 422 });

    const run = await promote();

    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`::error::codemie-gitops: error: GitHub refused to write ${PROD} (HTTP 422)`);
    expect([...fake.branches.keys()]).toEqual(["main"]);
    expect(fake.pulls).toEqual([]);
  });

  test("a rerun whose pull request update is refused leaves the branch at the new commit, whole", async () => {
    expect((await promote()).status).toBe(0);
    checkout({ "environments/staging.yaml": staging("2.59.0") });
    fake.faults.push({ method: "PATCH", path: /\/pulls\/\d+$/, status: 403 });

    const run = await promote();

    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`GitHub refused to update pull request #${fake.pulls[0]!.number} (HTTP 403)`);
    const head = fake.branches.get(BRANCH)!;
    expect(fake.commits.get(head)!.parent).toBe(main);
    expect(fake.fileAt(BRANCH, PROD)).toContain("version: 2.59.0");
  });
});

test("the root action's command: promote runs the same action", async () => {
  const run = await runAction("root", {
    cwd: dir,
    inputs: { command: "promote", from: "staging", to: "prod" },
    event: workflowDispatchEvent(main, {}),
    github: fake,
  });

  expect(run.status).toBe(0);
  expect(fake.pulls).toHaveLength(1);
  expect(run.outputs["pull-request-number"]).toBe(String(fake.pulls[0]!.number));
  expect(fake.changedFiles(main, fake.branches.get(BRANCH)!)).toEqual([PROD]);
});

describe("the GitHub fake refuses as GitHub does", () => {
  test(
    "an existing ref, a move that is not a fast forward, an unknown tree or " + "parent, a second pull request",
    async () => {
      const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> => {
        const r = await fetch(`${fake.url}/repos/acme/codemie-platform${path}`, {
          method,
          headers: { authorization: `token ${fake.token}`, "content-type": "application/json" },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        return { status: r.status, text: await r.text() };
      };
      const json = (r: { text: string }): Record<string, unknown> => JSON.parse(r.text) as Record<string, unknown>;
      const baseTree = (json(await api("GET", `/git/commits/${main}`)).tree as { sha: string }).sha;
      const tree = json(
        await api("POST", "/git/trees", {
          base_tree: baseTree,
          tree: [{ path: "a.txt", mode: "100644", type: "blob", content: "a\n" }],
        }),
      ).sha;
      const commit = json(await api("POST", "/git/commits", { message: "a", tree, parents: [main] })).sha as string;
      expect(fake.changedFiles(main, commit)).toEqual(["a.txt"]);

      expect((await api("POST", "/git/refs", { ref: "refs/heads/x", sha: main })).status).toBe(201);
      expect(await api("POST", "/git/refs", { ref: "refs/heads/x", sha: commit })).toMatchObject({
        status: 422,
        text: expect.stringContaining("Reference already exists"),
      });
      expect((await api("POST", "/pulls", { head: "x", base: "main", title: "t" })).text).toContain(
        "No commits between",
      );
      expect((await api("PATCH", "/git/refs/heads/x", { sha: commit })).status).toBe(200);
      expect((await api("PATCH", "/git/refs/heads/x", { sha: main })).text).toContain("Update is not a fast forward");
      expect((await api("POST", "/git/trees", { base_tree: "0".repeat(40), tree: [] })).status).toBe(422);
      expect((await api("POST", "/git/commits", { message: "m", tree: "0".repeat(40), parents: [main] })).status).toBe(
        422,
      );
      expect((await api("POST", "/git/commits", { message: "m", tree, parents: ["0".repeat(40)] })).status).toBe(422);
      expect((await api("POST", "/pulls", { head: "x", base: "main", title: "t" })).status).toBe(201);
      expect((await api("POST", "/pulls", { head: "x", base: "main", title: "t" })).text).toContain(
        "A pull request already exists for acme:x.",
      );
    },
  );
});

test("the body renders no Markdown from an environment file", () => {
  expect(codeSpan("2.0`<img src=x>`\n# h")).toBe("`2.0ˋ<img src=x>ˋ # h`");
  const body = promotionBody({
    from: "staging",
    to: "prod",
    path: PROD,
    version: { before: "1", after: "2" },
    warnings: ["``` ](javascript:x)"],
  });
  expect(body).toContain("````text\n``` ](javascript:x)\n````");
});
