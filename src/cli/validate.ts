// `codemie-gitops validate [--env NAME] [FILE...] [--format text|json]`
import { sourceRepository } from "../adapters/git/source-repository.js";
import { workspaceFiles } from "../app/environment-files.js";
import { validateEnvironments, validationLine } from "../app/validate.js";
import { formatDiagnostic } from "../config/diagnostics.js";
import type { Io } from "./io.js";

export interface ValidateOptions {
  env?: string;
  files: string[];
  format: "text" | "json";
}

export async function validateCommand(opts: ValidateOptions, io: Io): Promise<number> {
  const files = workspaceFiles(io.cwd);
  const paths =
    opts.files.length > 0 ? opts.files.map((f) => io.resolve(f)) : opts.env ? [files.pathOf(opts.env)] : "all";
  // git answers while the files are read and checked.
  const report = await validateEnvironments(paths, files, sourceRepository(io.cwd));
  if (opts.format === "json") {
    io.out(JSON.stringify(report, null, 2));
  } else {
    for (const d of report.files.flatMap((r) => r.diagnostics)) io.err(formatDiagnostic(d));
    for (const r of report.files) io.out(validationLine(r));
  }
  return report.valid ? 0 : 1;
}
