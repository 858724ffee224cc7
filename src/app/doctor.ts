// Use case `doctor`: the Entra ID federated credentials the workflows need, one subject per way a
// job signs in: pull-request plans, the scheduled drift plan on the default branch, and each
// environment's deploy. A repository that calls the reusable workflows needs the same subjects
// under its own name: GitHub's `sub` claim names the caller's repository and context, never the
// called workflow.
import { basename, extname } from "node:path";
import { resolveCloud, type CloudName } from "../adapters/azure/cloud.js";
import { UsageError } from "../adapters/environment-files.js";
import type { EnvironmentFiles } from "./environment-files.js";

export const GITHUB_OIDC_ISSUER = "https://token.actions.githubusercontent.com";

export interface FederatedSubject {
  /** What signs in with it, and where the app's client ID goes. */
  purpose: string;
  subject: string;
  environment?: string;
}

export function federatedSubjects(repo: string, branch: string, environments: readonly string[]): FederatedSubject[] {
  return [
    { purpose: "pull-request plans with what-if (client ID in secret CODEMIE_PLAN_CLIENT_IDS)", subject: `repo:${repo}:pull_request` },
    { purpose: `scheduled drift plans on ${branch} (same app as the plans)`, subject: `repo:${repo}:ref:refs/heads/${branch}` },
    ...environments.map((environment) => ({ purpose: `deploy of ${environment} (client ID in secret AZURE_CLIENT_ID of GitHub Environment ${environment})`, subject: `repo:${repo}:environment:${environment}`, environment })),
  ];
}

export interface DoctorRequest {
  repo?: string;
  branch?: string;
  cloud?: string;
}

export interface DoctorReport {
  repo: string;
  issuer: string;
  audience: string;
  subjects: FederatedSubject[];
}

const REPO = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/;
const CLOUDS: readonly CloudName[] = ["public", "usgov", "china"];

export async function federatedCredentials(request: DoctorRequest, files: EnvironmentFiles): Promise<DoctorReport> {
  if (!request.repo || !REPO.test(request.repo)) throw new UsageError("doctor takes --repo OWNER/NAME (the repository whose workflows sign in to Azure)");
  if (request.cloud !== undefined && !CLOUDS.includes(request.cloud as CloudName)) throw new UsageError(`--cloud must be one of ${CLOUDS.join(", ")}, not "${request.cloud}"`);
  const environments = (await files.list()).map((path) => basename(path, extname(path)));
  const audience = resolveCloud({ cloud: (request.cloud ?? "public") as CloudName }, {}).federatedAudience;
  return { repo: request.repo, issuer: GITHUB_OIDC_ISSUER, audience, subjects: federatedSubjects(request.repo, request.branch ?? "main", environments) };
}
