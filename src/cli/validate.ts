// `codemie-gitops validate [--env NAME] [FILE...] [--format text|json]`
import { environmentPath, listEnvironmentFiles, readEnvironmentFile } from "../adapters/environment-files.js";
import { crossFileDiagnostics } from "../app/cross-file-check.js";
import type { CheckedFile } from "../config/cross-file.js";
import { formatDiagnostic, hasErrors, sortDiagnostics, type Diagnostic } from "../config/diagnostics.js";
import { loadEnvironment } from "../config/load.js";
import type { Io } from "./io.js";

export interface ValidateOptions {
  env?: string;
  files: string[];
  format: "text" | "json";
}

export async function validateCommand(opts: ValidateOptions, io: Io): Promise<number> {
  const paths = opts.files.length > 0 ? opts.files.map((f) => io.resolve(f)) : opts.env ? [environmentPath(io.cwd, opts.env)] : await listEnvironmentFiles(io.cwd);
  const results: { file: string; valid: boolean; diagnostics: Diagnostic[] }[] = [];
  const checked: CheckedFile[] = [];
  for (const path of paths) {
    const { file, text } = await readEnvironmentFile(path, io.cwd);
    const { env, source, diagnostics } = loadEnvironment(file, text);
    results.push({ file, valid: env !== undefined, diagnostics });
    if (env && source) checked.push({ file, env, source });
  }
  // What each environment would own on its GitOps branch, checked across all of them.
  for (const d of await crossFileDiagnostics(checked, io.cwd)) {
    const result = results.find((r) => r.file === d.file)!;
    result.diagnostics = sortDiagnostics([...result.diagnostics, d]);
    result.valid = false;
  }
  const all = results.flatMap((r) => r.diagnostics);
  if (opts.format === "json") {
    io.out(JSON.stringify({ valid: !hasErrors(all), files: results }, null, 2));
  } else {
    for (const d of all) io.err(formatDiagnostic(d));
    for (const r of results) {
      const warnings = r.diagnostics.filter((d) => d.severity === "warning").length;
      const errors = r.diagnostics.length - warnings;
      io.out(`${r.file}: ${r.valid ? "valid" : `${errors} error${errors === 1 ? "" : "s"}`}${warnings ? `, ${warnings} warning${warnings === 1 ? "" : "s"}` : ""}`);
    }
  }
  return hasErrors(all) ? 1 : 0;
}
