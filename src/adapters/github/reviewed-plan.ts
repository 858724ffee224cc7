// The reviewed plan of a merged pull request: the pull request a merge commit came from, and the
// bodies of its comments that carry a marker AND were written by the token's own identity. Anyone
// can post a comment with the marker; only the plan workflow's own comment says what was reviewed.
import type { GitHubClient, RepoRef } from "./client.js";
import { tokenLogin } from "./comments.js";

/** The pull request merged as `sha`; undefined for a direct push. */
export async function mergedPullRequest(client: GitHubClient, repo: RepoRef, sha: string): Promise<number | undefined> {
  const pulls = await client.paginate(client.rest.repos.listPullRequestsAssociatedWithCommit, {
    ...repo,
    commit_sha: sha,
    per_page: 100,
  });
  return (pulls.find((p) => p.merge_commit_sha === sha) ?? pulls.find((p) => p.merged_at))?.number;
}

/** Bodies of the token's own comments on the pull request that start with `marker`, newest last. */
export async function ownMarkedComments(
  client: GitHubClient,
  repo: RepoRef,
  issueNumber: number,
  marker: string,
): Promise<string[]> {
  const [login, comments] = await Promise.all([
    tokenLogin(client),
    client.paginate(client.rest.issues.listComments, { ...repo, issue_number: issueNumber, per_page: 100 }),
  ]);
  return comments.filter((c) => c.user?.login === login && c.body?.startsWith(marker)).map((c) => c.body ?? "");
}
