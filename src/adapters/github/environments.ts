// GitHub Environments: a deploy job runs in the one named like the environment, and GitHub creates
// a missing one on the fly, unprotected. Production environments are checked before any deploy.
import type { GitHubClient, RepoRef } from "./client.js";

/**
 * The rules GitHub applies before a job in the environment runs: required_reviewers, wait_timer, branch_policy, or an
 * app's.
 */
export type EnvironmentProtection = { exists: false } | { exists: true; rules: string[] };

/** Needs actions: read. */
export async function environmentProtection(
  client: GitHubClient,
  repo: RepoRef,
  name: string,
): Promise<EnvironmentProtection> {
  try {
    const { data } = await client.rest.repos.getEnvironment({ ...repo, environment_name: name });
    return { exists: true, rules: (data.protection_rules ?? []).map((rule) => rule.type) };
  } catch (error) {
    if ((error as { status?: number }).status === 404) return { exists: false };
    throw error;
  }
}
