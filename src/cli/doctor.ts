// `codemie-gitops doctor --env NAME`: the environment's Flux deploy key and how to register it.
// `codemie-gitops doctor --repo OWNER/NAME [--branch main] [--owner-id N --repo-id N]`: the Entra ID
// federated credentials the workflows need (the doctor use case, src/app/doctor.ts), in both subject
// forms, as text or JSON. The numeric ids come from the flags or the REST API (GITHUB_TOKEN,
// GITHUB_API_URL).
import { githubClient } from "../adapters/github/client.js";
import { azureConnections, type AzureFlags } from "../app/connections.js";
import { gitHubDeployKeys } from "../app/deploy-key-registry.js";
import { deployKeyDoctor } from "../app/deploy-key-doctor.js";
import { formatDiagnostic } from "../config/diagnostics.js";
import { reportFailures } from "./failures.js";
import { repositoryIds } from "../adapters/github/repository.js";
import { federatedCredentials } from "../app/doctor.js";
import { APPROVAL_SUFFIX } from "../app/github-environments.js";
import { DEPLOY_IDENTITY_ROLES } from "../catalogue/deploy-identity.js";
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
    lookupIds: async (owner, repo) => (token ? repositoryIds(await githubClient(token), { owner, repo }) : undefined),
  });
  const { repo, issuer, audience, ids, applies, subjects, approvals } = report;
  if (report.lookupError)
    io.err(
      `warning: cannot read ${repo} from the GitHub API (${report.lookupError}); printing the name-based subjects only`,
    );
  if (opts.format === "json") {
    io.out(
      JSON.stringify(
        {
          issuer,
          audience,
          ...(ids ? { ownerId: ids.ownerId, repoId: ids.repoId } : {}),
          applies: applies.form,
          why: applies.why,
          subjects,
          approvals,
          deployRoles: DEPLOY_IDENTITY_ROLES.map(({ role, grants }) => ({ role, grants })),
        },
        null,
        2,
      ),
    );
    return 0;
  }
  io.out(`Entra ID federated credentials for ${repo} (issuer ${issuer}, audience ${audience}):`);
  const width = Math.max(...subjects.map((x) => x.subject.length));
  for (const s of subjects) io.out(`  ${s.subject.padEnd(width)}  ${s.purpose}`);
  io.out(
    `  (a production environment's approval job runs in GitHub Environment ` +
      `NAME${APPROVAL_SUFFIX}, which signs in nowhere: no credential)`,
  );
  for (const a of approvals) io.out(`  ${a.environment}: ${a.purpose}`);
  if (ids) {
    io.out("");
    io.out(`Immutable form (owner id ${ids.ownerId}, repository id ${ids.repoId}):`);
    const immutableWidth = Math.max(...subjects.map((x) => x.immutableSubject!.length));
    for (const s of subjects) io.out(`  ${s.immutableSubject!.padEnd(immutableWidth)}  ${s.purpose}`);
  }
  io.out("");
  io.out(
    `Applies: ` +
      (applies.form === "unknown"
        ? "cannot tell"
        : `the ${applies.form === "immutable" ? "immutable" : "name-based"} form`) +
      `: ${applies.why}.`,
  );
  io.out("");
  io.out(`Create each on its app registration (Azure CLI), e.g. for the last one:`);
  const last = subjects[subjects.length - 1]!;
  const name = `github-${last.environment ?? "plan"}`;
  const subject = applies.form === "immutable" && last.immutableSubject ? last.immutableSubject : last.subject;
  io.out(
    `  az ad app federated-credential create --id APP_ID --parameters '` +
      `${JSON.stringify({ name, issuer, subject, audiences: [audience] })}'`,
  );
  io.out(
    `These are GitHub's default subjects; an organization that customised ` +
      `its OIDC subject template needs that template's form.`,
  );
  io.out("");
  io.out("Each environment's deploy app needs on its subscription Owner, or all of:");
  const roleWidth = Math.max(...DEPLOY_IDENTITY_ROLES.map((r) => r.role.length));
  for (const r of DEPLOY_IDENTITY_ROLES) io.out(`  ${r.role.padEnd(roleWidth)}  ${r.grants}`);
  io.out(`  az role assignment create --assignee APP_ID --scope /subscriptions/SUBSCRIPTION_ID --role "ROLE"`);
  return 0;
}

export interface DeployKeyOptions extends AzureFlags {
  env: string;
  subscription?: string;
  format: "text" | "json";
}

/**
 * `codemie-gitops doctor --env NAME`: Flux's deploy key of the environment and how to register it (src/app/deploy-
 * key-doctor.ts).
 */
export async function deployKeyCommand(opts: DeployKeyOptions, io: Io): Promise<number> {
  return reportFailures(io, async () => {
    const token = process.env.GITHUB_TOKEN || process.env.GH_TOKEN;
    const serverUrl = process.env.GITHUB_SERVER_URL || "https://github.com";
    const { report, diagnostics } = await deployKeyDoctor(
      { name: opts.env, ...(opts.subscription ? { subscription: opts.subscription } : {}) },
      {
        files: workspaceFiles(io.cwd),
        connections: azureConnections(opts, undefined),
        ...(token ? { lookup: gitHubDeployKeys(await githubClient(token), serverUrl).lookup } : {}),
      },
    );
    for (const d of diagnostics) io.err(formatDiagnostic(d));
    if (!report) return 1;
    if (opts.format === "json") {
      io.out(JSON.stringify(report, null, 2));
      return 0;
    }
    if (report.publicKey) {
      io.out(
        `Flux reads ${report.repository} with the deploy key in Key Vault ` +
          `${report.vault} (secret ${report.secret}); its public key:`,
      );
      io.out(`  ${report.publicKey}`);
    }
    const registration = report.registration;
    if (registration?.state === "present")
      io.out(
        registration.readOnly
          ? `It is a read-only deploy key of ${registration.slug}: nothing to do.`
          : `warning: it is a deploy key of ${registration.slug} WITH write access; ` +
              `Flux only reads: delete it there and add it again read-only.`,
      );
    if (registration?.state === "absent") io.out(`It is not a deploy key of ${registration.slug} yet.`);
    if (registration?.state === "manual") io.out(`Cannot tell whether GitHub has it: ${registration.reason}.`);
    if (report.publicKey && report.steps.length > 0)
      io.out(`Register it as a read-only deploy key of ${report.repository}:`);
    for (const step of report.steps) io.out(report.publicKey ? `  ${step}` : step);
    return 0;
  });
}
