// Use case `validate`: each environment file through schema, resolution, semantic and capacity
// checks; the diagnostics as data.
import { hasErrors, type Diagnostic } from "../config/diagnostics.js";
import { loadEnvironment } from "../config/load.js";
import type { EnvironmentFiles } from "./environment-files.js";

export interface FileValidation {
  file: string;
  valid: boolean;
  diagnostics: Diagnostic[];
}

export interface ValidationReport {
  valid: boolean;
  files: FileValidation[];
}

/** `paths`: the files to check; "all" for every environment file. */
export async function validateEnvironments(paths: readonly string[] | "all", files: EnvironmentFiles): Promise<ValidationReport> {
  const results: FileValidation[] = [];
  for (const path of paths === "all" ? await files.list() : paths) {
    const { file, text } = await files.read(path);
    const { env, diagnostics } = loadEnvironment(file, text);
    results.push({ file, valid: env !== undefined, diagnostics });
  }
  return { valid: !hasErrors(results.flatMap((r) => r.diagnostics)), files: results };
}

/** "environments/dev.yaml: valid, 1 warning": one line per file, as both faces print it. */
export function validationLine(r: FileValidation): string {
  const warnings = r.diagnostics.filter((d) => d.severity === "warning").length;
  const errors = r.diagnostics.length - warnings;
  return `${r.file}: ${r.valid ? "valid" : `${errors} error${errors === 1 ? "" : "s"}`}${warnings ? `, ${warnings} warning${warnings === 1 ? "" : "s"}` : ""}`;
}
