// A repository's immutable numeric ids (owner and repository) and creation date, which decide the
// form of the subject GitHub puts in its Actions OIDC tokens.
import type { GitHubClient, RepoRef } from "./client.js";

export interface RepositoryIds {
  ownerId: number;
  repoId: number;
  createdAt?: string;
}

export async function repositoryIds(client: GitHubClient, repo: RepoRef): Promise<RepositoryIds> {
  const { data } = await client.rest.repos.get({ ...repo });
  return { ownerId: data.owner.id, repoId: data.id, ...(data.created_at ? { createdAt: data.created_at } : {}) };
}
