// The run as GitHub describes it (event, repository, pull request, run URL) and the REST client
// for the token the workflow passed. `@actions/github` builds its context from GITHUB_* and the
// event payload file when first imported, which happens once per action process.
import { setSecret } from "@actions/core";
import { context, getOctokit } from "@actions/github";
import type { GitHubClient, RepoRef } from "../adapters/github/client.js";

export interface GitHubRun {
  eventName: string;
  payload: typeof context.payload;
  /** The commit the workflow runs on (for a pull request, the merge commit). */
  sha: string;
  /** The ref the workflow runs on (refs/heads/NAME for a branch). */
  ref: string;
  repo?: RepoRef;
  /** The run's page, where the job summary is shown. */
  runUrl?: string;
  /** The GitHub the run (and its token) belongs to: https://github.com or a GitHub Enterprise Server. */
  serverUrl: string;
  /** Absent without a token: the action then skips what needs the API. */
  client?: GitHubClient;
}

export function gitHubRun(token: string): GitHubRun {
  // GitHub masks its own token in the log; a personal token passed in might not be.
  if (token) setSecret(token);
  const repository = process.env.GITHUB_REPOSITORY;
  const repo = repository?.includes("/") ? context.repo : undefined;
  const runUrl =
    repo && context.runId
      ? `${context.serverUrl}/${repo.owner}/${repo.repo}/actions/runs/` +
        `${context.runId}` +
        `${context.runAttempt > 1 ? `/attempts/${context.runAttempt}` : ""}`
      : undefined;
  return {
    eventName: context.eventName,
    payload: context.payload,
    sha: context.sha,
    ref: context.ref,
    serverUrl: context.serverUrl,
    ...(repo ? { repo } : {}),
    ...(runUrl ? { runUrl } : {}),
    ...(token && repo ? { client: getOctokit(token) } : {}),
  };
}

/** The pull request a pull_request (or pull_request_target) event is about. */
export function pullRequestOf(run: GitHubRun): { number: number; headSha: string; baseSha?: string } | undefined {
  const pr = run.payload.pull_request as
    | { number?: number; head?: { sha?: string }; base?: { sha?: string } }
    | undefined;
  return pr?.number
    ? { number: pr.number, headSha: pr.head?.sha ?? run.sha, ...(pr.base?.sha ? { baseSha: pr.base.sha } : {}) }
    : undefined;
}
