// `codemie-gitops doctor --repo OWNER/NAME [--branch main]`: the Entra ID federated credentials
// the workflows need (the doctor use case, src/app/doctor.ts), as text or JSON.
import { federatedCredentials } from "../app/doctor.js";
import { workspaceFiles } from "../app/environment-files.js";
import type { Io } from "./io.js";

export interface DoctorOptions {
  repo?: string;
  branch?: string;
  cloud?: string;
  format: "text" | "json";
}

export async function doctorCommand(opts: DoctorOptions, io: Io): Promise<number> {
  const { repo, issuer, audience, subjects } = await federatedCredentials(opts, workspaceFiles(io.cwd));
  if (opts.format === "json") {
    io.out(JSON.stringify({ issuer, audience, subjects }, null, 2));
    return 0;
  }
  io.out(`Entra ID federated credentials for ${repo} (issuer ${issuer}, audience ${audience}):`);
  for (const s of subjects) io.out(`  ${s.subject.padEnd(Math.max(...subjects.map((x) => x.subject.length)))}  ${s.purpose}`);
  io.out("");
  io.out(`Create each on its app registration (Azure CLI), e.g. for the last one:`);
  const last = subjects[subjects.length - 1]!;
  const name = `github-${last.environment ?? "plan"}`;
  io.out(`  az ad app federated-credential create --id APP_ID --parameters '${JSON.stringify({ name, issuer, subject: last.subject, audiences: [audience] })}'`);
  io.out(`These are GitHub's default subjects; an organization that customised its OIDC subject template needs that template's form.`);
  return 0;
}
