// `codemie-gitops doctor --repo OWNER/NAME [--branch main]`: the Entra ID federated credentials
// the workflows need, one subject per way a job signs in: pull-request plans, the scheduled drift
// plan on the default branch, and each environment's deploy. A repository that calls the reusable
// workflows needs the same subjects under its own name: GitHub's `sub` claim names the caller's
// repository and context, never the called workflow.
import { basename, extname } from "node:path";
import { listEnvironmentFiles, UsageError } from "../adapters/environment-files.js";
import { resolveCloud, type CloudName } from "../adapters/azure/cloud.js";
import type { Io } from "./io.js";

export const GITHUB_OIDC_ISSUER = "https://token.actions.githubusercontent.com";

export interface DoctorOptions {
  repo?: string;
  branch?: string;
  cloud?: string;
  format: "text" | "json";
}

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

const REPO = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/;
const CLOUDS: readonly CloudName[] = ["public", "usgov", "china"];

export async function doctorCommand(opts: DoctorOptions, io: Io): Promise<number> {
  if (!opts.repo || !REPO.test(opts.repo)) throw new UsageError("doctor takes --repo OWNER/NAME (the repository whose workflows sign in to Azure)");
  if (opts.cloud !== undefined && !CLOUDS.includes(opts.cloud as CloudName)) throw new UsageError(`--cloud must be one of ${CLOUDS.join(", ")}, not "${opts.cloud}"`);
  const branch = opts.branch ?? "main";
  const environments = (await listEnvironmentFiles(io.cwd)).map((path) => basename(path, extname(path)));
  const audience = resolveCloud({ cloud: (opts.cloud ?? "public") as CloudName }, {}).federatedAudience;
  const subjects = federatedSubjects(opts.repo, branch, environments);
  if (opts.format === "json") {
    io.out(JSON.stringify({ issuer: GITHUB_OIDC_ISSUER, audience, subjects }, null, 2));
    return 0;
  }
  io.out(`Entra ID federated credentials for ${opts.repo} (issuer ${GITHUB_OIDC_ISSUER}, audience ${audience}):`);
  for (const s of subjects) io.out(`  ${s.subject.padEnd(Math.max(...subjects.map((x) => x.subject.length)))}  ${s.purpose}`);
  io.out("");
  io.out(`Create each on its app registration (Azure CLI), e.g. for the last one:`);
  const last = subjects[subjects.length - 1]!;
  const name = `github-${last.environment ?? "plan"}`;
  io.out(`  az ad app federated-credential create --id APP_ID --parameters '${JSON.stringify({ name, issuer: GITHUB_OIDC_ISSUER, subject: last.subject, audiences: [audience] })}'`);
  io.out(`These are GitHub's default subjects; an organization that customised its OIDC subject template needs that template's form.`);
  return 0;
}
