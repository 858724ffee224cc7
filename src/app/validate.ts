// Use case `validate`: each environment file through schema, resolution, semantic and capacity
// checks; the diagnostics as data.
import type { CheckedFile, SourceRepository, SourceRepositoryQuery } from "../config/cross-file.js";
import { hasErrors, sortDiagnostics, type Diagnostic } from "../config/diagnostics.js";
import { crossFileDiagnostics } from "./cross-file-check.js";
import { loadEnvironment } from "./load.js";
import type { EnvironmentFiles } from "./environment-files.js";

export interface FileValidation {
  file: string;
  valid: boolean;
  /** The environment loaded and says `azure.production: true`. */
  production: boolean;
  diagnostics: Diagnostic[];
}

export interface ValidationReport {
  valid: boolean;
  files: FileValidation[];
}

/**
 * `paths`: the files to check; "all" for every environment file. `repo`: what is known of the repository holding them,
 * asked only for the cross-file rules, so a caller can ask git while the files are checked.
 */
export async function validateEnvironments(
  paths: readonly string[] | "all",
  files: EnvironmentFiles,
  repo: SourceRepository | SourceRepositoryQuery = {},
): Promise<ValidationReport> {
  const results: FileValidation[] = [];
  const checked: CheckedFile[] = [];
  for (const path of paths === "all" ? await files.list() : paths) {
    const { file, text } = await files.read(path);
    const { env, source, diagnostics } = loadEnvironment(file, text);
    results.push({ file, valid: env !== undefined, production: env?.production === true, diagnostics });
    if (env && source) checked.push({ file, env, source });
  }
  // What each environment would own on its GitOps branch, checked across all of them.
  const known = typeof repo === "function" ? await repo(checked.map((c) => c.env.gitops.repository)) : repo;
  for (const d of await crossFileDiagnostics(checked, files, known)) {
    const result = results.find((r) => r.file === d.file)!;
    result.diagnostics = sortDiagnostics([...result.diagnostics, d]);
    result.valid = false;
  }
  return { valid: !hasErrors(results.flatMap((r) => r.diagnostics)), files: results };
}

/** "environments/dev.yaml: valid, 1 warning": one line per file, as both faces print it. */
export function validationLine(r: FileValidation): string {
  const warnings = r.diagnostics.filter((d) => d.severity === "warning").length;
  const errors = r.diagnostics.length - warnings;
  return (
    `${r.file}: ` +
    `${r.valid ? "valid" : `${errors} error${errors === 1 ? "" : "s"}`}` +
    `${warnings ? `, ${warnings} warning${warnings === 1 ? "" : "s"}` : ""}`
  );
}
