// Drift issues: one open issue per environment while Azure or the GitOps branch differs from the
// files, found again by label and hidden marker, updated in place, and closed once they agree.
import type { GitHubClient, RepoRef } from "./client.js";

export interface TrackedIssue {
  /** Hidden marker the body starts with. */
  marker: string;
  /** Narrows the search to the issues this tool opens; created on first use. */
  label: string;
  title: string;
}

export type IssueSync = { action: "opened" | "updated" | "closed"; number: number; url: string } | { action: "none" };

async function findOpen(client: GitHubClient, repo: RepoRef, issue: TrackedIssue) {
  const open = await client.paginate(client.rest.issues.listForRepo, {
    ...repo,
    state: "open",
    labels: issue.label,
    per_page: 100,
  });
  // The issues endpoint lists pull requests too.
  return open.find((i) => i.pull_request === undefined && (i.body ?? "").startsWith(issue.marker));
}

/** Opens or updates the issue with `body` (which must start with the marker). */
export async function reportIssue(
  client: GitHubClient,
  repo: RepoRef,
  issue: TrackedIssue,
  body: string,
): Promise<IssueSync> {
  if (!body.startsWith(issue.marker)) throw new Error("the issue body must start with its marker");
  const existing = await findOpen(client, repo, issue);
  if (existing) {
    const { data } = await client.rest.issues.update({
      ...repo,
      issue_number: existing.number,
      title: issue.title,
      body,
    });
    return { action: "updated", number: data.number, url: data.html_url };
  }
  const { data } = await client.rest.issues.create({ ...repo, title: issue.title, body, labels: [issue.label] });
  return { action: "opened", number: data.number, url: data.html_url };
}

/** Closes the open issue, if any, with a comment saying why. */
export async function resolveIssue(
  client: GitHubClient,
  repo: RepoRef,
  issue: TrackedIssue,
  comment: string,
): Promise<IssueSync> {
  const existing = await findOpen(client, repo, issue);
  if (!existing) return { action: "none" };
  await client.rest.issues.createComment({ ...repo, issue_number: existing.number, body: comment });
  const { data } = await client.rest.issues.update({
    ...repo,
    issue_number: existing.number,
    state: "closed",
    state_reason: "completed",
  });
  return { action: "closed", number: data.number, url: data.html_url };
}
