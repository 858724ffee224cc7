// Event payloads as GitHub writes them to GITHUB_EVENT_PATH (the fields the actions and
// @actions/github read, plus the usual neighbours).
import type { ActionEvent } from "./run-action.js";
import { REPOSITORY } from "./run-action.js";

const [owner, name] = REPOSITORY.split("/") as [string, string];
const repository = { name, full_name: REPOSITORY, owner: { login: owner }, default_branch: "main" };
const sender = { login: "octocat", type: "User" };

export function pullRequestEvent(number: number, headSha: string, mergeSha = "f".repeat(40)): ActionEvent {
  return {
    name: "pull_request",
    sha: mergeSha,
    ref: `refs/pull/${number}/merge`,
    payload: {
      action: "synchronize",
      number,
      pull_request: {
        number,
        html_url: `https://github.com/${REPOSITORY}/pull/${number}`,
        head: { ref: "change-prod", sha: headSha, repo: { full_name: REPOSITORY } },
        base: { ref: "main", sha: "b".repeat(40), repo: { full_name: REPOSITORY } },
      },
      repository,
      sender,
    },
  };
}

export function pushEvent(before: string, after: string, forced = false): ActionEvent {
  return {
    name: "push",
    sha: after,
    ref: "refs/heads/main",
    payload: { ref: "refs/heads/main", before, after, forced, commits: [], repository, sender },
  };
}

export function workflowDispatchEvent(sha: string, inputs: Record<string, string>): ActionEvent {
  return {
    name: "workflow_dispatch",
    sha,
    ref: "refs/heads/main",
    payload: { inputs, ref: "refs/heads/main", repository, sender, workflow: ".github/workflows/redeploy.yml" },
  };
}

export function scheduleEvent(sha: string): ActionEvent {
  return { name: "schedule", sha, ref: "refs/heads/main", payload: { schedule: "17 5 * * *", repository } };
}
