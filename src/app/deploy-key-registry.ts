// Registering Flux's SSH deploy key on the GitOps repository with the run's GitHub token: listed
// first, so a key already there is never added twice; added read-only. What the token may not do
// (403, or 404 for a repository it cannot see), what GitHub refuses (422: the key is in use on
// another repository) and a repository on another host come back as the reason for the manual
// step, never as a failed deploy.
import { httpStatus, type GitHubClient } from "../adapters/github/client.js";
import { addReadOnlyDeployKey, listDeployKeys } from "../adapters/github/deploy-keys.js";
import {
  keyMaterial,
  repositorySlug,
  type DeployKeyRegistration,
  type DeployKeyRegistry,
} from "../engine/deploy-key.js";

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function refusal(error: unknown, slug: string, what: string): DeployKeyRegistration {
  const status = httpStatus(error);
  if (status === 403)
    return {
      state: "manual",
      reason:
        `the GitHub token may not ${what} of ${slug}: it needs the ` +
        `Administration permission (read and write), which a workflow's ` +
        `GITHUB_TOKEN never has`,
    };
  if (status === 404)
    return {
      state: "manual",
      reason:
        `the GitHub token cannot see ${slug} (404): it needs access to that ` +
        `repository with the Administration permission`,
    };
  if (status === 422)
    return {
      state: "manual",
      reason:
        `GitHub refused the key for ${slug} (${messageOf(error)}): a deploy key ` +
        `can be registered on one repository only`,
    };
  throw error;
}

/** `serverUrl`: the GitHub the token belongs to (GITHUB_SERVER_URL), whose repositories it can reach. */
export function gitHubDeployKeys(
  client: GitHubClient,
  serverUrl: string,
): DeployKeyRegistry & {
  lookup(repository: string, publicKey: string): Promise<DeployKeyRegistration | { state: "absent"; slug: string }>;
} {
  const target = (repository: string) => {
    const { host, slug } = repositorySlug(repository);
    const [owner = "", repo = ""] = slug.split("/");
    const server = new URL(serverUrl).host;
    return {
      slug,
      ref: { owner, repo },
      elsewhere:
        host.toLowerCase() === server.toLowerCase()
          ? undefined
          : `the GitOps repository is on ${host}, the GitHub token is for ${server}`,
    };
  };
  const find = async (ref: { owner: string; repo: string }, publicKey: string) =>
    (await listDeployKeys(client, ref)).find((k) => keyMaterial(k.key) === keyMaterial(publicKey));

  return {
    async lookup(repository, publicKey) {
      const { slug, ref, elsewhere } = target(repository);
      if (elsewhere) return { state: "manual", reason: elsewhere };
      try {
        const found = await find(ref, publicKey);
        return found ? { state: "present", slug, readOnly: found.readOnly } : { state: "absent", slug };
      } catch (error) {
        return refusal(error, slug, "read the deploy keys");
      }
    },
    async register(repository, publicKey, title) {
      const { slug, ref, elsewhere } = target(repository);
      if (elsewhere) return { state: "manual", reason: elsewhere };
      try {
        const found = await find(ref, publicKey);
        if (found) return { state: "present", slug, readOnly: found.readOnly };
      } catch (error) {
        return refusal(error, slug, "read the deploy keys");
      }
      try {
        await addReadOnlyDeployKey(client, ref, title, keyMaterial(publicKey));
        return { state: "registered", slug };
      } catch (error) {
        return refusal(error, slug, "add a deploy key");
      }
    },
  };
}
