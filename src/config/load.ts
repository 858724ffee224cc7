// Loads one environment: parse with positions → schema → resolve → semantic checks →
// capacity plan. Pure: the caller reads the file; this returns the model and every diagnostic.
import { planCapacity, type CapacityPlan } from "../capacity/plan.js";
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
  /** Present once the semantic checks pass, even when the plan does not fit. */
  capacity?: CapacityPlan;
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
  const semantic = checkSemantics(env, source);
  // Capacity is planned only for a consistent environment; otherwise it would echo the error.
  if (hasErrors(semantic)) return { source, diagnostics: sortDiagnostics(semantic) };
  const capacity = planCapacity(env, (path) => locateWritten(source, path));
  const diagnostics = sortDiagnostics([...semantic, ...capacity.diagnostics]);
  return hasErrors(diagnostics) ? { source, capacity, diagnostics } : { env, source, capacity, diagnostics };
}

/** Position of a field the file writes (its value, or the key of a mapping); undefined otherwise. */
function locateWritten(source: YamlSource, path: readonly (string | number)[]) {
  let node: unknown = source.data;
  for (const seg of path) {
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, seg)) return undefined;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return source.locate(path, node !== null && typeof node === "object" ? "key" : "value");
}

export function environmentName(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.ya?ml$/, "");
}
