// The plan comment is the toolkit's own: anyone can post its hidden marker first, so it is taken
// for ours only when the token's own user wrote it (the GitHub fake refuses, as GitHub does, an
// edit of someone else's comment). And text from outside (git's lines, ARM's messages, what a
// file says) cannot become Markdown: outside code it is escaped, and code fences cannot be closed.
import { getOctokit } from "@actions/github";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { hiddenMarker, upsertComment } from "../../src/adapters/github/comments.js";
import { planDocument, type PlanOutcome } from "../../src/action/plan-document.js";
import type { PlanReport } from "../../src/engine/plan.js";
import { GitHubFake } from "../github-fake/server.js";

const PR = 7;
const marker = hiddenMarker("plan:dev");
let github: GitHubFake;
afterEach(async () => {
  await github.stop();
});

const client = () => getOctokit(github.token, { baseUrl: github.url });
const repo = () => ({ owner: github.owner, repo: github.repo });

describe("the plan comment is found by marker and author", () => {
  beforeEach(async () => {
    github = await GitHubFake.start();
  });

  test("the fake refuses an edit of someone else's comment, as GitHub does", async () => {
    const theirs = github.addComment(PR, "mine", "mallory");
    await expect(
      client().rest.issues.updateComment({ ...repo(), comment_id: theirs.id, body: "changed" }),
    ).rejects.toMatchObject({ status: 403 });
    expect(theirs.body).toBe("mine");
  });

  test("a marker posted first by someone else is ignored: ours is a new comment, theirs untouched", async () => {
    const planted = github.addComment(PR, `${marker}\n## Plan: \`dev\`\n\nNothing to change. ✅`, "mallory");

    const first = await upsertComment(client(), repo(), PR, marker, `${marker}\nreal plan 1`);
    const second = await upsertComment(client(), repo(), PR, marker, `${marker}\nreal plan 2`);

    expect(first.action).toBe("created");
    expect(second).toMatchObject({ action: "updated", id: first.id });
    expect(planted.body).toContain("Nothing to change");
    expect(github.requestsTo("PATCH", new RegExp(`/issues/comments/${planted.id}$`))).toEqual([]);
    expect(github.commentsOn(PR).map((c) => [c.user.login, c.body])).toEqual([
      ["mallory", planted.body],
      ["github-actions[bot]", `${marker}\nreal plan 2`],
    ]);
  });
});

describe("with a person's token", () => {
  beforeEach(async () => {
    github = await GitHubFake.start({ user: { login: "deploy-bot-user", id: 7, type: "User" } });
  });

  test("the author is the token's user, from GET /user", async () => {
    github.addComment(PR, `${marker}\nplanted`, "github-actions[bot]");

    const first = await upsertComment(client(), repo(), PR, marker, `${marker}\none`);
    const second = await upsertComment(client(), repo(), PR, marker, `${marker}\ntwo`);

    expect(first.action).toBe("created");
    expect(second).toMatchObject({ action: "updated", id: first.id });
    expect(github.commentsOn(PR).find((c) => c.id === first.id)?.user.login).toBe("deploy-bot-user");
  });
});

/** The Markdown outside fenced code blocks and code spans: where text would be rendered. */
function outsideCode(markdown: string): string {
  const kept: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split("\n")) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === undefined && marker) fence = marker;
    else if (
      fence !== undefined &&
      marker &&
      marker[0] === fence[0] &&
      marker.length >= fence.length &&
      line.trim() === marker
    )
      fence = undefined;
    else if (fence === undefined) kept.push(line);
  }
  // Backslash escapes first (an escaped backtick opens no code span), then code spans: a run of
  // n backticks up to the next run of exactly n.
  return kept
    .join("\n")
    .replace(/\\[\\`]/g, "")
    .replace(/(`+)(?:(?!\1)[\s\S])*?\1(?!`)/g, "");
}

const HOSTILE = [
  "![tracked](https://evil.example/pixel.png)",
  "[approve](https://evil.example/phish)",
  "<details><summary>✅ no changes</summary>",
  "<img src=x onerror=alert(1)>",
  "@acme/admins",
  "````\n</details>\n```\n# Nothing to change",
].join(" ");

describe("text from outside stays text", () => {
  const report = (over: Partial<PlanReport>): PlanReport => ({
    environment: "dev",
    file: "environments/dev.yaml",
    subscriptionId: "00000000-0000-0000-0000-000000000000",
    location: "westeurope",
    capacity: { profile: "small", fits: true, pools: [] },
    gitops: { status: "unavailable", branch: "gitops/dev", reason: `git fetch failed: ${HOSTILE}`, renderedFiles: 3 },
    ...over,
  });
  const outcome = (r: PlanReport | undefined, message = HOSTILE): PlanOutcome => ({
    environment: "dev",
    code: 1,
    ...(r ? { report: r } : {}),
    diagnostics: [
      {
        file: "environments/dev.yaml",
        line: 3,
        column: 5,
        severity: "error",
        path: "tags",
        message,
        annotation: message,
      } as never,
    ],
    sha: "a".repeat(40),
  });

  const rendered = (doc: string): void => {
    const text = outsideCode(doc);
    for (const needle of [/\]\(https/, /<details>/, /<img/, /\n# Nothing/, /(?<!\\)@acme/])
      expect(text, String(needle)).not.toMatch(needle);
    expect(doc).toContain("evil.example/phish");
  };

  test("git's error lines from the remote", () => rendered(planDocument(outcome(report({}), "ok"))));
  test("what-if's error message", () =>
    rendered(
      planDocument(
        outcome(
          report({
            gitops: { status: "compared", branch: "gitops/dev", files: [], patch: "" },
            whatIf: { status: "error", message: HOSTILE },
          }),
          "ok",
        ),
      ),
    ));
  test("what-if's resource names, types, reasons and property paths", () =>
    rendered(
      planDocument(
        outcome(
          report({
            gitops: { status: "compared", branch: "gitops/dev", files: [], patch: "" },
            whatIf: {
              status: "succeeded",
              summary: {
                counts: { create: 0, modify: 0, delete: 1, unknown: 1, noChange: 0 },
                noiseRules: [],
                changes: [
                  {
                    kind: "delete",
                    resourceId: "/x",
                    resourceType: HOSTILE,
                    name: HOSTILE,
                    armChangeType: "Delete",
                    properties: [],
                    ignored: [],
                  },
                  {
                    kind: "unknown",
                    resourceId: "/y",
                    resourceType: "t",
                    name: "n",
                    armChangeType: "Ignore",
                    reason: HOSTILE,
                    properties: [{ path: HOSTILE, change: "Modify" }],
                    ignored: [],
                  },
                ],
              },
            },
          }),
          "ok",
        ),
      ),
    ));
  test("a diagnostic quoting the environment file", () => rendered(planDocument(outcome(undefined))));
});
