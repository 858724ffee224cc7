// The GitHub REST client. `@actions/github` reads GITHUB_API_URL when it is first imported, so a
// GitHub Enterprise Server runner (or a test's fake) is honoured without configuration here. It is
// imported when a run asks for a client: with undici it is about a quarter of a bundle, which a
// command that never calls the API (most CLI runs) need not load.
import type { getOctokit } from "@actions/github";

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface RepoRef {
  owner: string;
  repo: string;
}

export async function githubClient(token: string): Promise<GitHubClient> {
  const { getOctokit } = await import("@actions/github");
  return getOctokit(token);
}

/** The HTTP status of an Octokit RequestError, if it is one. */
export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | undefined)?.status;
  return typeof status === "number" ? status : undefined;
}
