// `codemie-gitops doctor --repo OWNER/NAME [--branch main]`: the Entra ID federated credentials
// the workflows need, one subject per way a job signs in: pull-request plans, the scheduled drift
// plan on the default branch, and each environment's deploy. A repository that calls the reusable
// workflows needs the same subjects under its own name: GitHub's `sub` claim names the caller's
// repository and context, never the called workflow.
//
// Each subject has two forms. The name-based one (`repo:owner/name:environment:prod`) and the
// immutable one GitHub issues to repositories created, renamed or transferred after its 2026
// change (or opted in), with the numeric ids appended: `repo:owner@OWNER_ID/name@REPO_ID:…`. The
// ids come from --owner-id/--repo-id or the REST API (GITHUB_TOKEN, GITHUB_API_URL).
import { basename, extname } from "node:path";
import { listEnvironmentFiles, UsageError } from "../adapters/environment-files.js";
import { resolveCloud, type CloudName } from "../adapters/azure/cloud.js";
import { githubClient } from "../adapters/github/client.js";
import { repositoryIds, type RepositoryIds } from "../adapters/github/repository.js";
import type { Io } from "./io.js";

export const GITHUB_OIDC_ISSUER = "https://token.actions.githubusercontent.com";

export interface DoctorOptions {
  repo?: string;
  branch?: string;
  cloud?: string;
  ownerId?: string;
  repoId?: string;
  format: "text" | "json";
}

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

export function federatedSubjects(repo: string, branch: string, environments: readonly string[], ids?: RepositoryIds): FederatedSubject[] {
  const [owner, name] = repo.split("/") as [string, string];
  const both = (context: string): Pick<FederatedSubject, "subject" | "immutableSubject"> => ({
    subject: `repo:${repo}:${context}`,
    ...(ids ? { immutableSubject: `repo:${owner}@${ids.ownerId}/${name}@${ids.repoId}:${context}` } : {}),
  });
  return [
    { purpose: "pull-request plans with what-if (client ID in variable or secret CODEMIE_PLAN_CLIENT_IDS)", ...both("pull_request") },
    { purpose: `scheduled drift plans on ${branch} (same app as the plans)`, ...both(`ref:refs/heads/${branch}`) },
    ...environments.map((environment) => ({ purpose: `deploy of ${environment} (client ID in variable AZURE_CLIENT_ID of GitHub Environment ${environment})`, ...both(`environment:${environment}`), environment })),
  ];
}

export type SubjectForm = { form: "immutable" | "name" | "unknown"; why: string };

/** Which form this repository's tokens carry, as far as its creation date tells. */
export function subjectForm(ids: RepositoryIds | undefined): SubjectForm {
  if (!ids) return { form: "name", why: "without the numeric ids only the name-based form can be printed; pass --owner-id and --repo-id, or set GITHUB_TOKEN, for the immutable one" };
  if (!ids.createdAt) return { form: "unknown", why: "the creation date is unknown: a repository created, renamed or transferred after June 18, 2026 (or opted in) gets the immutable form; create credentials for both if unsure" };
  if (ids.createdAt >= IMMUTABLE_SINCE) return { form: "immutable", why: `the repository was created ${ids.createdAt.slice(0, 10)}, after GitHub's change of June 18, 2026` };
  return { form: "name", why: `the repository was created ${ids.createdAt.slice(0, 10)}, before GitHub's change: name-based, unless it was renamed or transferred since or an admin opted it in (then the immutable form)` };
}

const NUMERIC_ID = /^[1-9][0-9]{0,18}$/;

async function idsOf(opts: DoctorOptions, repo: string, env: NodeJS.ProcessEnv): Promise<RepositoryIds | undefined> {
  if (opts.ownerId !== undefined || opts.repoId !== undefined) {
    if (!opts.ownerId || !opts.repoId || !NUMERIC_ID.test(opts.ownerId) || !NUMERIC_ID.test(opts.repoId)) throw new UsageError("--owner-id and --repo-id go together, each a number (GitHub's ids of the owner and the repository)");
    return { ownerId: Number(opts.ownerId), repoId: Number(opts.repoId) };
  }
  const token = env.GITHUB_TOKEN || env.GH_TOKEN;
  if (!token) return undefined;
  const [owner, name] = repo.split("/") as [string, string];
  return repositoryIds(githubClient(token), { owner, repo: name });
}

const REPO = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/;
const CLOUDS: readonly CloudName[] = ["public", "usgov", "china"];

export async function doctorCommand(opts: DoctorOptions, io: Io): Promise<number> {
  if (!opts.repo || !REPO.test(opts.repo)) throw new UsageError("doctor takes --repo OWNER/NAME (the repository whose workflows sign in to Azure)");
  if (opts.cloud !== undefined && !CLOUDS.includes(opts.cloud as CloudName)) throw new UsageError(`--cloud must be one of ${CLOUDS.join(", ")}, not "${opts.cloud}"`);
  const branch = opts.branch ?? "main";
  const environments = (await listEnvironmentFiles(io.cwd)).map((path) => basename(path, extname(path)));
  const audience = resolveCloud({ cloud: (opts.cloud ?? "public") as CloudName }, {}).federatedAudience;
  let ids: RepositoryIds | undefined;
  try {
    ids = await idsOf(opts, opts.repo, process.env);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    io.err(`warning: cannot read ${opts.repo} from the GitHub API (${error instanceof Error ? error.message : String(error)}); printing the name-based subjects only`);
  }
  const subjects = federatedSubjects(opts.repo, branch, environments, ids);
  const form = subjectForm(ids);
  if (opts.format === "json") {
    io.out(JSON.stringify({ issuer: GITHUB_OIDC_ISSUER, audience, ...(ids ? { ownerId: ids.ownerId, repoId: ids.repoId } : {}), applies: form.form, why: form.why, subjects }, null, 2));
    return 0;
  }
  io.out(`Entra ID federated credentials for ${opts.repo} (issuer ${GITHUB_OIDC_ISSUER}, audience ${audience}):`);
  const width = Math.max(...subjects.map((x) => x.subject.length));
  for (const s of subjects) io.out(`  ${s.subject.padEnd(width)}  ${s.purpose}`);
  if (ids) {
    io.out("");
    io.out(`Immutable form (owner id ${ids.ownerId}, repository id ${ids.repoId}):`);
    const immutableWidth = Math.max(...subjects.map((x) => x.immutableSubject!.length));
    for (const s of subjects) io.out(`  ${s.immutableSubject!.padEnd(immutableWidth)}  ${s.purpose}`);
  }
  io.out("");
  io.out(`Applies: ${form.form === "unknown" ? "cannot tell" : `the ${form.form === "immutable" ? "immutable" : "name-based"} form`}: ${form.why}.`);
  io.out("");
  io.out(`Create each on its app registration (Azure CLI), e.g. for the last one:`);
  const last = subjects[subjects.length - 1]!;
  const name = `github-${last.environment ?? "plan"}`;
  const subject = form.form === "immutable" && last.immutableSubject ? last.immutableSubject : last.subject;
  io.out(`  az ad app federated-credential create --id APP_ID --parameters '${JSON.stringify({ name, issuer: GITHUB_OIDC_ISSUER, subject, audiences: [audience] })}'`);
  io.out(`These are GitHub's default subjects; an organization that customised its OIDC subject template needs that template's form.`);
  return 0;
}
