// A repository's deploy keys (REST "Deploy keys"): listing and adding need the Administration
// permission (read, and write to add); a workflow's GITHUB_TOKEN never has it.
import type { GitHubClient, RepoRef } from "./client.js";

export interface DeployKey {
  id: number;
  /** "ssh-ed25519 AAAA…", as GitHub returns it (without the comment). */
  key: string;
  title: string;
  readOnly: boolean;
}

export async function listDeployKeys(client: GitHubClient, repo: RepoRef): Promise<DeployKey[]> {
  const keys = await client.paginate(client.rest.repos.listDeployKeys, { ...repo, per_page: 100 });
  return keys.map((k) => ({ id: k.id, key: k.key, title: k.title, readOnly: k.read_only }));
}

export async function addReadOnlyDeployKey(
  client: GitHubClient,
  repo: RepoRef,
  title: string,
  key: string,
): Promise<DeployKey> {
  const { data } = await client.rest.repos.createDeployKey({ ...repo, title, key, read_only: true });
  return { id: data.id, key: data.key, title: data.title, readOnly: data.read_only };
}
