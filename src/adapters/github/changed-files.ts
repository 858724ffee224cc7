// The files a pull request or a push changed, from the REST API (a shallow checkout cannot tell).
// Undefined when GitHub cannot list them all, so the caller can assume everything changed.
import type { GitHubClient, RepoRef } from "./client.js";

/** pulls.listFiles stops at 3,000 files; compare lists at most 300. */
const PULL_FILES_LIMIT = 3000;
const COMPARE_FILES_LIMIT = 300;
const NO_COMMIT = /^0+$/;

interface FileEntry {
  filename: string;
  previous_filename?: string;
}

/** Both sides of a rename count: the old environment goes, the new one comes. */
const names = (files: FileEntry[]): string[] =>
  files.flatMap((f) => (f.previous_filename ? [f.filename, f.previous_filename] : [f.filename]));

export async function pullRequestFiles(
  client: GitHubClient,
  repo: RepoRef,
  pullNumber: number,
): Promise<string[] | undefined> {
  const files = await client.paginate(client.rest.pulls.listFiles, { ...repo, pull_number: pullNumber, per_page: 100 });
  return files.length >= PULL_FILES_LIMIT ? undefined : names(files);
}

export interface Push {
  before: string;
  after: string;
  /** A force push: `before` may not be an ancestor of `after`. */
  forced: boolean;
}

/**
 * A push's `before` is all zeros for a new branch: there is nothing to compare with. A force push
 * replaced history: the three-dot comparison (from the merge base) would miss what the old tip
 * had and the new one lacks, so it is unknown too.
 */
export async function pushFiles(client: GitHubClient, repo: RepoRef, push: Push): Promise<string[] | undefined> {
  if (NO_COMMIT.test(push.before) || push.forced) return undefined;
  const { data } = await client.rest.repos.compareCommitsWithBasehead({
    ...repo,
    basehead: `${push.before}...${push.after}`,
    per_page: 1,
  });
  const files = data.files ?? [];
  return files.length >= COMPARE_FILES_LIMIT ? undefined : names(files);
}
