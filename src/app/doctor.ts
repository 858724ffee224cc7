// Use case `doctor`: the Entra ID federated credentials the workflows need, one subject per way a
// job signs in: pull-request plans, the scheduled drift plan on the default branch, and each
// environment's deploy. A repository that calls the reusable workflows needs the same subjects
// under its own name: GitHub's `sub` claim names the caller's repository and context, never the
// called workflow.
//
// Each subject has two forms. The name-based one (`repo:owner/name:environment:prod`) and the
// immutable one GitHub issues to repositories created, renamed or transferred after its 2026
// change (or opted in), with the numeric ids appended: `repo:owner@OWNER_ID/name@REPO_ID:…`. The
// ids come from the request or the GitHub REST API.
import { basename, extname } from "node:path";
import { resolveCloud, type CloudName } from "../adapters/azure/cloud.js";
import { UsageError } from "../adapters/environment-files.js";
import type { RepositoryIds } from "../adapters/github/repository.js";
import type { EnvironmentFiles } from "./environment-files.js";
import { approvalEnvironment } from "./github-environments.js";
import { loadEnvironment } from "./load.js";

export const GITHUB_OIDC_ISSUER = "https://token.actions.githubusercontent.com";

export interface FederatedSubject {
  /** What signs in with it, and where the app's client ID goes. */
  purpose: string;
  /** The name-based form. */
  subject: string;
  /** The immutable form, when the numeric ids are known. */
  immutableSubject?: string;
  environment?: string;
}

/**
 * GitHub issues the immutable form by default to repositories created, renamed or transferred
 * after June 18, 2026 (GitHub Docs, "OIDC in Azure"); older ones keep the name-based form unless
 * an admin opts them in.
 */
const IMMUTABLE_SINCE = "2026-06-18T00:00:00Z";

export function federatedSubjects(
  repo: string,
  branch: string,
  environments: readonly string[],
  ids?: RepositoryIds,
): FederatedSubject[] {
  const [owner, name] = repo.split("/") as [string, string];
  const both = (context: string): Pick<FederatedSubject, "subject" | "immutableSubject"> => ({
    subject: `repo:${repo}:${context}`,
    ...(ids ? { immutableSubject: `repo:${owner}@${ids.ownerId}/${name}@${ids.repoId}:${context}` } : {}),
  });
  return [
    {
      purpose: "pull-request plans with what-if (client ID in variable or secret CODEMIE_PLAN_CLIENT_IDS)",
      ...both("pull_request"),
    },
    { purpose: `scheduled drift plans on ${branch} (same app as the plans)`, ...both(`ref:refs/heads/${branch}`) },
    ...environments.map((environment) => ({
      purpose: `deploy of ${environment} (client ID in variable AZURE_CLIENT_ID of GitHub Environment ${environment})`,
      ...both(`environment:${environment}`),
      environment,
    })),
  ];
}

export type SubjectForm = { form: "immutable" | "name" | "unknown"; why: string };

/** Which form this repository's tokens carry, as far as its creation date tells. */
export function subjectForm(ids: RepositoryIds | undefined): SubjectForm {
  if (!ids)
    return {
      form: "name",
      why:
        "without the numeric ids only the name-based form can be printed; pass " +
        "--owner-id and --repo-id, or set GITHUB_TOKEN, for the immutable one",
    };
  if (!ids.createdAt)
    return {
      form: "unknown",
      why:
        "the creation date is unknown: a repository created, renamed or " +
        "transferred after June 18, 2026 (or opted in) gets the immutable form; " +
        "create credentials for both if unsure",
    };
  if (ids.createdAt >= IMMUTABLE_SINCE)
    return {
      form: "immutable",
      why: `the repository was created ${ids.createdAt.slice(0, 10)}, after GitHub's change of June 18, 2026`,
    };
  return {
    form: "name",
    why:
      `the repository was created ${ids.createdAt.slice(0, 10)}, before ` +
      `GitHub's change: name-based, unless it was renamed or transferred since ` +
      `or an admin opted it in (then the immutable form)`,
  };
}

export interface DoctorRequest {
  repo?: string;
  branch?: string;
  cloud?: string;
  ownerId?: string;
  repoId?: string;
}

export interface DoctorPorts {
  files: EnvironmentFiles;
  /** The repository's numeric ids from the GitHub API; undefined when no token is at hand. */
  lookupIds(owner: string, repo: string): Promise<RepositoryIds | undefined>;
}

export interface ApprovalEnvironment {
  /** NAME-approval. */
  environment: string;
  /** NAME, the production environment it approves. */
  approves: string;
  purpose: string;
}

export interface DoctorReport {
  repo: string;
  issuer: string;
  audience: string;
  ids?: RepositoryIds;
  applies: SubjectForm;
  subjects: FederatedSubject[];
  /** The GitHub Environment whose reviewers approve each production environment's deploy; it signs in nowhere. */
  approvals: ApprovalEnvironment[];
  /** Why the ids could not be read, when the API failed. */
  lookupError?: string;
}

const REPO = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/;
const CLOUDS: readonly CloudName[] = ["public", "usgov", "china"];
const NUMERIC_ID = /^[1-9][0-9]{0,18}$/;

export async function federatedCredentials(request: DoctorRequest, ports: DoctorPorts): Promise<DoctorReport> {
  if (!request.repo || !REPO.test(request.repo))
    throw new UsageError("doctor takes --repo OWNER/NAME (the repository whose workflows sign in to Azure)");
  if (request.cloud !== undefined && !CLOUDS.includes(request.cloud as CloudName))
    throw new UsageError(`--cloud must be one of ${CLOUDS.join(", ")}, not "${request.cloud}"`);
  if (request.ownerId !== undefined || request.repoId !== undefined) {
    if (!request.ownerId || !request.repoId || !NUMERIC_ID.test(request.ownerId) || !NUMERIC_ID.test(request.repoId))
      throw new UsageError(
        "--owner-id and --repo-id go together, each a number (GitHub's ids of the owner and the repository)",
      );
  }
  const paths = await ports.files.list();
  const environments = paths.map((path) => basename(path, extname(path)));
  const audience = resolveCloud({ cloud: (request.cloud ?? "public") as CloudName }, {}).federatedAudience;
  let ids: RepositoryIds | undefined;
  let lookupError: string | undefined;
  if (request.ownerId && request.repoId) ids = { ownerId: Number(request.ownerId), repoId: Number(request.repoId) };
  else {
    const [owner, name] = request.repo.split("/") as [string, string];
    try {
      ids = await ports.lookupIds(owner, name);
    } catch (error) {
      lookupError = error instanceof Error ? error.message : String(error);
    }
  }
  const subjects = federatedSubjects(request.repo, request.branch ?? "main", environments, ids);
  const approvals = await approvalEnvironments(paths, ports.files);
  return {
    repo: request.repo,
    issuer: GITHUB_OIDC_ISSUER,
    audience,
    ...(ids ? { ids } : {}),
    applies: subjectForm(ids),
    subjects,
    approvals,
    ...(lookupError ? { lookupError } : {}),
  };
}

/** The approval environments of the files that load as production environments (validate reports the others). */
async function approvalEnvironments(paths: readonly string[], files: EnvironmentFiles): Promise<ApprovalEnvironment[]> {
  const approvals: ApprovalEnvironment[] = [];
  for (const path of paths) {
    const { file, text } = await files.read(path);
    const env = loadEnvironment(file, text).env;
    if (env?.production)
      approvals.push({
        environment: approvalEnvironment(env.name),
        approves: env.name,
        purpose: `its reviewers approve each deploy of ${env.name}; the approval job signs in nowhere: no credential`,
      });
  }
  return approvals;
}
