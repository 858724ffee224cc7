// A workflow job's GITHUB_TOKEN carries exactly its permissions, and the GitHub fake refuses what
// they do not cover as GitHub does (403 "Resource not accessible by integration", with the
// x-accepted-github-permissions header), through the real Octokit: in a private repository reads
// need their scope too, in a public one they do not; a plain issue's comments need `issues`, a
// pull request's take `issues` or `pull-requests`; deploy keys need Administration, which no
// GITHUB_TOKEN has.
import { getOctokit } from "@actions/github";
import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { mergedPullRequest } from "../../../src/adapters/github/reviewed-plan.js";
import { allAt, type Permissions } from "../../github-fake/permissions.js";
import { GitHubFake } from "../../github-fake/server.js";

let github: GitHubFake;
beforeAll(async () => {
  github = await GitHubFake.start();
});
afterAll(async () => {
  await github.stop();
});
afterEach(() => {
  github.visibility = "private";
});

const NONE = allAt("none");
const SHA = "a".repeat(40);
const client = (permissions: Partial<Permissions>) =>
  getOctokit(github.issueToken({ ...NONE, ...permissions }), { baseUrl: github.url, request: { retries: 0 } });
const repo = () => ({ owner: github.owner, repo: github.repo });
const refusal = (call: Promise<unknown>) =>
  call.then(
    () => undefined,
    (error: { status: number; response: { data: unknown; headers: Record<string, string> } }) => ({
      status: error.status,
      body: error.response.data,
      accepted: error.response.headers["x-accepted-github-permissions"],
    }),
  );

test(
  "a job without pull-requests: read cannot find the pull request a commit " + "merged, in a private repository",
  async () => {
    github.mergePullRequest(12, SHA);

    expect(await refusal(mergedPullRequest(client({ contents: "read", deployments: "write" }), repo(), SHA))).toEqual({
      status: 403,
      body: {
        message: "Resource not accessible by integration",
        documentation_url: "https://docs.github.com/rest/commits/commits#list-pull-requests-associated-with-a-commit",
        status: "403",
      },
      accepted: "pull_requests=read",
    });
    expect(await mergedPullRequest(client({ "pull-requests": "read" }), repo(), SHA)).toBe(12);

    // Public: anyone may read its pull requests, whatever the token's scopes; writes still need them.
    github.visibility = "public";
    expect(await mergedPullRequest(client({}), repo(), SHA)).toBe(12);
    expect(
      await refusal(
        client({ "pull-requests": "read" }).rest.issues.createComment({ ...repo(), issue_number: 12, body: "x" }),
      ),
    ).toMatchObject({ status: 403 });
  },
);

test("each endpoint needs its own scope; write includes read; write-all still cannot manage deploy keys", async () => {
  const deployments = client({ deployments: "read" });
  expect((await deployments.rest.repos.listDeployments(repo())).status).toBe(200);
  expect(await refusal(deployments.rest.repos.createDeployment({ ...repo(), ref: SHA }))).toMatchObject({
    status: 403,
    accepted: "deployments=write",
  });
  const writer = client({ deployments: "write" });
  const created = await writer.rest.repos.createDeployment({ ...repo(), ref: SHA, environment: "dev" });
  expect((await writer.rest.repos.listDeployments(repo())).status).toBe(200);
  expect(
    await refusal(
      client({ deployments: "read" }).rest.repos.createDeploymentStatus({
        ...repo(),
        deployment_id: (created.data as { id: number }).id,
        state: "success",
      }),
    ),
  ).toMatchObject({ status: 403 });

  github.environments.set("prod", {});
  expect(
    await refusal(client({ contents: "write" }).rest.repos.getEnvironment({ ...repo(), environment_name: "prod" })),
  ).toMatchObject({
    status: 403,
    accepted: "actions=read",
  });
  expect(
    (await client({ actions: "read" }).rest.repos.getEnvironment({ ...repo(), environment_name: "prod" })).status,
  ).toBe(200);

  expect(
    await refusal(
      client({ "pull-requests": "read" }).rest.repos.compareCommitsWithBasehead({ ...repo(), basehead: "a...b" }),
    ),
  ).toMatchObject({
    status: 403,
    accepted: "contents=read",
  });
  // The repository itself is Metadata, which every token reads.
  expect((await client({}).rest.repos.get(repo())).status).toBe(200);

  const everything = getOctokit(github.issueToken(allAt("write")), { baseUrl: github.url });
  expect(await refusal(everything.rest.repos.listDeployKeys(repo()))).toMatchObject({
    status: 403,
    accepted: "administration=read",
  });
  github.visibility = "public";
  expect(await refusal(everything.rest.repos.listDeployKeys(repo()))).toMatchObject({ status: 403 });
});

test("comments: a pull request's take issues or pull-requests write; a plain issue's need issues write", async () => {
  github.addPullRequest(21, ["environments/dev.yaml"]);
  const issue = github.addIssue({ title: "drift", body: "", state: "open", labels: [], pullRequest: false });
  const pulls = client({ "pull-requests": "write" });

  const onPull = await pulls.rest.issues.createComment({ ...repo(), issue_number: 21, body: "plan" });
  expect(onPull.status).toBe(201);
  expect(
    (await client({ issues: "write" }).rest.issues.createComment({ ...repo(), issue_number: 21, body: "also" })).status,
  ).toBe(201);
  expect(
    await refusal(pulls.rest.issues.createComment({ ...repo(), issue_number: issue.number, body: "no" })),
  ).toMatchObject({
    status: 403,
    accepted: "issues=write",
  });
  expect(
    await refusal(
      client({ "pull-requests": "read" }).rest.issues.updateComment({
        ...repo(),
        comment_id: onPull.data.id,
        body: "edit",
      }),
    ),
  ).toMatchObject({
    status: 403,
    accepted: "issues=write; pull_requests=write",
  });
  expect(await refusal(client({ "pull-requests": "write" }).rest.issues.listForRepo(repo()))).toMatchObject({
    status: 403,
    accepted: "issues=read",
  });
  expect(github.requests.filter((r) => r.status === 403).every((r) => r.authorized)).toBe(true);
});
