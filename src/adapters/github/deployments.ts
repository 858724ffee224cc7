// GitHub deployments: the record of what was deployed where, shown on the repository's
// Environments page and on the commit. The deploy action creates one per run and moves its
// status from in_progress to success or failure.
import type { GitHubClient, RepoRef } from "./client.js";

export interface DeploymentRequest {
  /** The commit deployed. */
  ref: string;
  environment: string;
  description: string;
  production: boolean;
  payload: Record<string, string>;
}

/** "inactive": a deploy that deployed nothing (its commit was older than the one running). */
export type DeploymentState = "in_progress" | "success" | "failure" | "error" | "inactive";

export interface DeploymentStatus {
  state: DeploymentState;
  description: string;
  logUrl: string;
  environmentUrl?: string;
}

/** GitHub limits a status description to 140 characters. */
const MAX_DESCRIPTION = 140;

const clip = (text: string): string =>
  text.length <= MAX_DESCRIPTION ? text : `${text.slice(0, MAX_DESCRIPTION - 1)}…`;

export async function createDeployment(
  client: GitHubClient,
  repo: RepoRef,
  request: DeploymentRequest,
): Promise<number> {
  const response = await client.rest.repos.createDeployment({
    ...repo,
    ref: request.ref,
    environment: request.environment,
    description: clip(request.description),
    production_environment: request.production,
    payload: request.payload,
    task: "deploy",
    // The commit is already on the default branch and checked by CI: no merge, no status gate.
    auto_merge: false,
    required_contexts: [],
  });
  // 202 means GitHub merged the default branch into the ref instead of creating a deployment.
  if (!("id" in response.data))
    throw new Error(`GitHub created no deployment: ${response.data.message ?? `HTTP ${response.status}`}`);
  return response.data.id;
}

export async function setDeploymentStatus(
  client: GitHubClient,
  repo: RepoRef,
  deploymentId: number,
  status: DeploymentStatus,
): Promise<void> {
  await client.rest.repos.createDeploymentStatus({
    ...repo,
    deployment_id: deploymentId,
    state: status.state,
    description: clip(status.description),
    log_url: status.logUrl,
    ...(status.environmentUrl ? { environment_url: status.environmentUrl } : {}),
  });
}

/** States a deploy run ends in; in_progress and queued ones are still running. */
const FINISHED = new Set(["success", "failure", "error", "inactive"]);

/** The latest finished deployment of an environment, with the release its payload names. */
export async function latestFinishedDeployment(
  client: GitHubClient,
  repo: RepoRef,
  environment: string,
): Promise<{ sha: string; state: string; payload: Record<string, unknown> } | undefined> {
  const { data: deployments } = await client.rest.repos.listDeployments({ ...repo, environment, per_page: 30 });
  for (const d of deployments) {
    const { data: statuses } = await client.rest.repos.listDeploymentStatuses({
      ...repo,
      deployment_id: d.id,
      per_page: 1,
    });
    const state = statuses[0]?.state;
    // "inactive" is a deploy that deployed nothing: what runs is an older record's.
    if (state && FINISHED.has(state) && state !== "inactive") {
      const payload = typeof d.payload === "object" && d.payload !== null ? (d.payload as Record<string, unknown>) : {};
      return { sha: d.sha, state, payload };
    }
  }
  return undefined;
}
