// Loads one environment: parse with positions → schema → resolve → semantic checks.
// Pure: the caller reads the file; this returns the model and every diagnostic.
import type { Environment } from "../model/environment.js";
import { resolveEnvironment } from "../model/resolve.js";
import { hasErrors, sortDiagnostics, type Diagnostic } from "./diagnostics.js";
import { checkSchema } from "./schema-check.js";
import { checkSemantics } from "./semantic.js";
import { parseYamlSource, type YamlSource } from "./yaml-source.js";

export const ENV_NAME_PATTERN = /^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/;

export interface LoadResult {
  /** Present when the file has no errors (warnings allowed). */
  env?: Environment;
  source?: YamlSource;
  diagnostics: Diagnostic[];
}

/** `file` is the path shown in diagnostics; the environment name defaults to its base name. */
export function loadEnvironment(file: string, text: string, name = environmentName(file)): LoadResult {
  if (!ENV_NAME_PATTERN.test(name)) {
    return {
      diagnostics: [{ file, line: 1, column: 1, severity: "error", path: "", message: `environment name "${name}" (from the file name) must be 1-12 lowercase letters, digits or hyphens, starting with a letter` }],
    };
  }
  const parsed = parseYamlSource(file, text);
  if (!parsed.source) return { diagnostics: parsed.diagnostics };
  const source = parsed.source;
  const schemaErrors = checkSchema(source);
  if (schemaErrors.length > 0) return { source, diagnostics: sortDiagnostics(schemaErrors) };
  const env = resolveEnvironment(name, file, source.data);
  const diagnostics = sortDiagnostics(checkSemantics(env, source));
  return hasErrors(diagnostics) ? { source, diagnostics } : { env, source, diagnostics };
}

export function environmentName(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.ya?ml$/, "");
}
