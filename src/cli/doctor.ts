// `codemie-gitops doctor --repo OWNER/NAME [--branch main] [--owner-id N --repo-id N]`: the Entra ID
// federated credentials the workflows need (the doctor use case, src/app/doctor.ts), in both subject
// forms, as text or JSON. The numeric ids come from the flags or the REST API (GITHUB_TOKEN,
// GITHUB_API_URL).
import { githubClient } from "../adapters/github/client.js";
import { repositoryIds } from "../adapters/github/repository.js";
import { federatedCredentials } from "../app/doctor.js";
import { APPROVAL_SUFFIX } from "../app/github-environments.js";
import { workspaceFiles } from "../app/environment-files.js";
import type { Io } from "./io.js";

export interface DoctorOptions {
  repo?: string;
  branch?: string;
  cloud?: string;
  ownerId?: string;
  repoId?: string;
  format: "text" | "json";
}

export async function doctorCommand(opts: DoctorOptions, io: Io): Promise<number> {
  const token = process.env.GITHUB_TOKEN || process.env.GH_TOKEN;
  const report = await federatedCredentials(opts, {
    files: workspaceFiles(io.cwd),
    lookupIds: async (owner, repo) => (token ? repositoryIds(githubClient(token), { owner, repo }) : undefined),
  });
  const { repo, issuer, audience, ids, applies, subjects } = report;
  if (report.lookupError) io.err(`warning: cannot read ${repo} from the GitHub API (${report.lookupError}); printing the name-based subjects only`);
  if (opts.format === "json") {
    io.out(JSON.stringify({ issuer, audience, ...(ids ? { ownerId: ids.ownerId, repoId: ids.repoId } : {}), applies: applies.form, why: applies.why, subjects }, null, 2));
    return 0;
  }
  io.out(`Entra ID federated credentials for ${repo} (issuer ${issuer}, audience ${audience}):`);
  const width = Math.max(...subjects.map((x) => x.subject.length));
  for (const s of subjects) io.out(`  ${s.subject.padEnd(width)}  ${s.purpose}`);
  io.out(`  (a production environment's approval job runs in GitHub Environment NAME${APPROVAL_SUFFIX}, which signs in nowhere: no credential)`);
  if (ids) {
    io.out("");
    io.out(`Immutable form (owner id ${ids.ownerId}, repository id ${ids.repoId}):`);
    const immutableWidth = Math.max(...subjects.map((x) => x.immutableSubject!.length));
    for (const s of subjects) io.out(`  ${s.immutableSubject!.padEnd(immutableWidth)}  ${s.purpose}`);
  }
  io.out("");
  io.out(`Applies: ${applies.form === "unknown" ? "cannot tell" : `the ${applies.form === "immutable" ? "immutable" : "name-based"} form`}: ${applies.why}.`);
  io.out("");
  io.out(`Create each on its app registration (Azure CLI), e.g. for the last one:`);
  const last = subjects[subjects.length - 1]!;
  const name = `github-${last.environment ?? "plan"}`;
  const subject = applies.form === "immutable" && last.immutableSubject ? last.immutableSubject : last.subject;
  io.out(`  az ad app federated-credential create --id APP_ID --parameters '${JSON.stringify({ name, issuer, subject, audiences: [audience] })}'`);
  io.out(`These are GitHub's default subjects; an organization that customised its OIDC subject template needs that template's form.`);
  return 0;
}
