// A one-file change proposed as a pull request: a branch from the default branch's head, one
// commit writing the file (contents API, with the file's current sha so a concurrent change is
// refused, not overwritten), and a pull request, the open one for that branch updated instead of a
// second one opened. The branch is the toolkit's own: a rerun resets it to the default branch's
// head. A branch this run created is deleted again when a later step fails, so a refusal leaves
// nothing half-made behind.
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

const alreadyExists = (error: unknown, text: string): boolean =>
  httpStatus(error) === 422 && error instanceof Error && error.message.includes(text);

export async function proposeFileChange(
  client: GitHubClient,
  repo: RepoRef,
  change: FileChange,
): Promise<ProposedChange> {
  const base = (await step("read the repository", () => client.rest.repos.get({ ...repo }))).data.default_branch;
  const baseSha = (
    await step(`read the head of ${base}`, () => client.rest.git.getRef({ ...repo, ref: `heads/${base}` }))
  ).data.object.sha;
  const ref = `heads/${change.branch}`;
  let created = true;
  try {
    await client.rest.git.createRef({ ...repo, ref: `refs/${ref}`, sha: baseSha });
  } catch (e) {
    if (!alreadyExists(e, "Reference already exists")) throw refusal(`create the branch ${change.branch}`, e);
    created = false;
    await step(`reset the branch ${change.branch} to ${base}`, () =>
      client.rest.git.updateRef({ ...repo, ref, sha: baseSha, force: true }),
    );
  }
  try {
    return await commitAndOpen(client, repo, change, base);
  } catch (e) {
    if (!created) throw e;
    const cleanup = await client.rest.git.deleteRef({ ...repo, ref }).then(
      () => `the branch ${change.branch} was deleted again`,
      (d: unknown) => `the branch ${change.branch} could not be deleted (${String(d)}): delete it by hand`,
    );
    throw new GitHubRefusal(`${(e as Error).message}; ${cleanup}`);
  }
}

async function commitAndOpen(
  client: GitHubClient,
  repo: RepoRef,
  change: FileChange,
  base: string,
): Promise<ProposedChange> {
  const current = await client.rest.repos.getContent({ ...repo, path: change.path, ref: change.branch }).then(
    (r) => (Array.isArray(r.data) ? undefined : r.data.sha),
    (e: unknown) => {
      if (httpStatus(e) === 404) return undefined;
      throw refusal(`read ${change.path} on ${change.branch}`, e);
    },
  );
  await step(`write ${change.path} on ${change.branch}`, () =>
    client.rest.repos.createOrUpdateFileContents({
      ...repo,
      path: change.path,
      branch: change.branch,
      message: change.commitMessage,
      content: Buffer.from(change.text, "utf8").toString("base64"),
      ...(current ? { sha: current } : {}),
    }),
  );
  const open = async (): Promise<{ number: number; html_url: string } | undefined> =>
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
    const raced = alreadyExists(e, "A pull request already exists") ? await open() : undefined;
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
