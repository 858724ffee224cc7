// The GitHub REST adapter against the fake, in process: the sticky comment is found by its marker
// on any page of a busy pull request, and a comment GitHub would refuse as too long is refused.
import { getOctokit } from "@actions/github";
import { afterAll, beforeAll, expect, test } from "vitest";
import { hiddenMarker, MAX_COMMENT_CHARS, upsertComment } from "../../../src/adapters/github/comments.js";
import { GitHubFake } from "../../github-fake/server.js";

let github: GitHubFake;
beforeAll(async () => {
  github = await GitHubFake.start();
});
afterAll(async () => {
  await github.stop();
});

test("finds its comment on the second page and updates it", async () => {
  const client = getOctokit(github.token, { baseUrl: github.url });
  const repo = { owner: github.owner, repo: github.repo };
  const marker = hiddenMarker("plan:prod");
  for (let i = 0; i < 120; i += 1) github.addComment(40, `comment ${i}`);
  const first = await upsertComment(client, repo, 40, marker, `${marker}\nfirst`);
  for (let i = 0; i < 30; i += 1) github.addComment(40, `later ${i}`);

  const second = await upsertComment(client, repo, 40, marker, `${marker}\nsecond`);

  expect(first.action).toBe("created");
  expect(second).toMatchObject({ action: "updated", id: first.id });
  expect(
    github
      .commentsOn(40)
      .filter((c) => c.body.startsWith(marker))
      .map((c) => c.body),
  ).toEqual([`${marker}\nsecond`]);
  // Each run read both pages of 100, following the Link header's absolute URL.
  expect(github.requestsTo("GET", /\/issues\/40\/comments$/).map((r) => r.query.page ?? "1")).toEqual([
    "1",
    "2",
    "1",
    "2",
  ]);
});

test("GitHub's limit is real: a body one character over it is refused", async () => {
  const client = getOctokit(github.token, { baseUrl: github.url });
  const marker = hiddenMarker("plan:dev");
  await expect(
    upsertComment(
      client,
      { owner: github.owner, repo: github.repo },
      41,
      marker,
      `${marker}${"x".repeat(MAX_COMMENT_CHARS - marker.length + 1)}`,
    ),
  ).rejects.toMatchObject({ status: 422 });
});
