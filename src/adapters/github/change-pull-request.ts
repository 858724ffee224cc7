// A one-file change proposed as a pull request. The commit is made first, with the git data API
// (a tree from the default branch head's tree with the one file replaced, a commit on that head),
// and only then does the branch point at it: created, or on a rerun moved there (the branch is
// the toolkit's own), so it never holds a half-made state. Then the pull request: the open one for
// the branch updated instead of a second one opened. A branch this run created is deleted again
// when opening the pull request fails, so a refusal leaves nothing behind.
import { httpStatus, type GitHubClient, type RepoRef } from "./client.js";

export interface FileChange {
  branch: string;
  /** Path from the repository root. */
  path: string;
  text: string;
  commitMessage: string;
  title: string;
  body: string;
}

export interface ProposedChange {
  number: number;
  url: string;
  /** false: the open pull request for the branch was updated. */
  opened: boolean;
}

/** What GitHub refused, in words for the job log. */
export class GitHubRefusal extends Error {}

function refusal(what: string, error: unknown): GitHubRefusal {
  const status = httpStatus(error);
  const reason = error instanceof Error ? error.message : String(error);
  return new GitHubRefusal(`GitHub refused to ${what}${status ? ` (HTTP ${status})` : ""}: ${reason}`);
}

async function step<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw refusal(what, e);
  }
}

const refusedWith = (error: unknown, text: string): boolean =>
  httpStatus(error) === 422 && error instanceof Error && error.message.includes(text);

export async function proposeFileChange(
  client: GitHubClient,
  repo: RepoRef,
  change: FileChange,
): Promise<ProposedChange> {
  const base = (await step("read the repository", () => client.rest.repos.get({ ...repo }))).data.default_branch;
  const head = (await step(`read the head of ${base}`, () => client.rest.git.getRef({ ...repo, ref: `heads/${base}` })))
    .data.object.sha;
  const baseTree = (await step(`read commit ${head}`, () => client.rest.git.getCommit({ ...repo, commit_sha: head })))
    .data.tree.sha;
  const tree = await step(`write ${change.path}`, () =>
    client.rest.git.createTree({
      ...repo,
      base_tree: baseTree,
      tree: [{ path: change.path, mode: "100644", type: "blob", content: change.text }],
    }),
  );
  const commit = await step(`commit ${change.path}`, () =>
    client.rest.git.createCommit({ ...repo, message: change.commitMessage, tree: tree.data.sha, parents: [head] }),
  );
  const ref = `heads/${change.branch}`;
  const sha = commit.data.sha;
  let created = true;
  try {
    await client.rest.git.createRef({ ...repo, ref: `refs/${ref}`, sha });
  } catch (e) {
    if (!refusedWith(e, "Reference already exists")) throw refusal(`create the branch ${change.branch}`, e);
    created = false;
    await step(`move the branch ${change.branch} to the new commit`, () =>
      client.rest.git.updateRef({ ...repo, ref, sha, force: true }),
    );
  }
  try {
    return await openOrUpdate(client, repo, change, base);
  } catch (e) {
    if (!created) throw e;
    const cleanup = await client.rest.git.deleteRef({ ...repo, ref }).then(
      () => `the branch ${change.branch} was deleted again`,
      (d: unknown) => `the branch ${change.branch} could not be deleted (${String(d)}): delete it by hand`,
    );
    throw new GitHubRefusal(`${(e as Error).message}; ${cleanup}`);
  }
}

async function openOrUpdate(
  client: GitHubClient,
  repo: RepoRef,
  change: FileChange,
  base: string,
): Promise<ProposedChange> {
  const open = async (): Promise<{ number: number } | undefined> =>
    (
      await step(`list the pull requests of ${change.branch}`, () =>
        client.rest.pulls.list({ ...repo, head: `${repo.owner}:${change.branch}`, base, state: "open" }),
      )
    ).data[0];
  const existing = await open();
  const text = { title: change.title, body: change.body };
  if (existing) return update(client, repo, existing.number, text);
  try {
    const { data } = await client.rest.pulls.create({ ...repo, head: change.branch, base, ...text });
    return { number: data.number, url: data.html_url, opened: true };
  } catch (e) {
    // Another run opened it in between: update that one.
    const raced = refusedWith(e, "A pull request already exists") ? await open() : undefined;
    if (!raced) throw refusal(`open a pull request from ${change.branch} into ${base}`, e);
    return update(client, repo, raced.number, text);
  }
}

async function update(
  client: GitHubClient,
  repo: RepoRef,
  number: number,
  text: { title: string; body: string },
): Promise<ProposedChange> {
  const { data } = await step(`update pull request #${number}`, () =>
    client.rest.pulls.update({ ...repo, pull_number: number, ...text }),
  );
  return { number: data.number, url: data.html_url, opened: false };
}
