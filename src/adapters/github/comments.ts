// One comment per pull request and environment, found again by a hidden marker and edited in
// place, so a pull request shows the current plan once instead of a growing thread of plans.
// Anyone can post the marker, so a comment is ours only when the token's own user wrote it.
import type { GitHubClient, RepoRef } from "./client.js";

/** GitHub rejects issue and pull-request comments longer than this (HTTP 422). */
export const MAX_COMMENT_CHARS = 65_536;

export interface CommentResult {
  action: "created" | "updated";
  id: number;
  url: string;
}

/** An HTML comment: invisible in the rendered Markdown, and stable across edits. */
export function hiddenMarker(key: string): string {
  return `<!-- codemie-gitops:${key} -->`;
}

/** The workflow token's user; it cannot read GET /user (403), so it is known by name. */
export const WORKFLOW_BOT = "github-actions[bot]";

/**
 * The login the token authenticates as: GET /user for a person's token, github-actions[bot] for
 * the workflow token. (Another app's installation token is taken for the workflow bot too: its
 * own comments then never match, so it posts anew rather than edit anyone else's.)
 */
export async function tokenLogin(client: GitHubClient): Promise<string> {
  try {
    return (await client.rest.users.getAuthenticated()).data.login;
  } catch (error) {
    if ((error as { status?: number }).status === 403) return WORKFLOW_BOT;
    throw error;
  }
}

/** The body must start with the marker: a reply quoting it starts with ">" and is never taken for ours. */
export async function upsertComment(
  client: GitHubClient,
  repo: RepoRef,
  issueNumber: number,
  marker: string,
  body: string,
): Promise<CommentResult> {
  if (!body.startsWith(marker)) throw new Error("the comment body must start with its marker");
  const [login, comments] = await Promise.all([
    tokenLogin(client),
    client.paginate(client.rest.issues.listComments, { ...repo, issue_number: issueNumber, per_page: 100 }),
  ]);
  const existing = comments.find((c) => c.body?.startsWith(marker) && c.user?.login === login);
  if (existing) {
    const { data } = await client.rest.issues.updateComment({ ...repo, comment_id: existing.id, body });
    return { action: "updated", id: data.id, url: data.html_url };
  }
  const { data } = await client.rest.issues.createComment({ ...repo, issue_number: issueNumber, body });
  return { action: "created", id: data.id, url: data.html_url };
}
