// Loads one environment, the first step of every use case: parse with positions → schema →
// resolve → semantic checks → capacity plan, once. Pure: the caller reads the file; this returns
// the model, the plan and every diagnostic. It lives above config/ and capacity/ because it joins
// them (config/ must not import capacity/, which imports config/).
import { planCapacity, type CapacityPlan } from "../capacity/plan.js";
import { hasErrors, sortDiagnostics, type Diagnostic } from "../config/diagnostics.js";
import { environmentName, environmentNameProblem } from "../config/environment-name.js";
import { validityOf, type Path } from "../config/repair.js";
import { checkSchema, repairForChecks } from "../config/schema-check.js";
import { checkSemantics } from "../config/semantic.js";
import { parseYamlSource, type YamlSource } from "../config/yaml-source.js";
import type { Environment } from "../model/environment.js";
import { resolveEnvironment } from "../model/resolve.js";

export interface LoadResult {
  /** Present when the file has no errors (warnings allowed). */
  env?: Environment;
  source?: YamlSource;
  /** Present when every field the planner reads is valid, even when the plan does not fit. */
  capacity?: CapacityPlan;
  diagnostics: Diagnostic[];
}

/** `file` is the path shown in diagnostics; the environment name defaults to its base name. */
export function loadEnvironment(file: string, text: string, name = environmentName(file)): LoadResult {
  const nameProblem = environmentNameProblem(name);
  if (nameProblem)
    return { diagnostics: [{ file, line: 1, column: 1, severity: "error", path: "", message: nameProblem }] };
  const parsed = parseYamlSource(file, text);
  if (!parsed.source) return { diagnostics: parsed.diagnostics };
  const source = parsed.source;
  // Every check whose inputs are valid runs, so one run reports every independent error: the
  // schema's findings are taken out of the document and the checks that read them are skipped.
  const schemaErrors = checkSchema(source);
  // A valid file needs no repair: skip the second validation and the copy.
  const repaired = schemaErrors.length > 0 ? repairForChecks(source) : { document: source.data, invalid: [] };
  const valid = validityOf(repaired.invalid);
  let env: Environment;
  try {
    env = resolveEnvironment(name, file, repaired.document);
  } catch {
    return { source, diagnostics: sortDiagnostics(schemaErrors) }; // a shape the repair could not mend
  }
  const semantic = checkSemantics(env, source, valid);
  const found = [...schemaErrors, ...semantic];
  // Capacity is planned when what it reads is consistent; otherwise it would echo those errors.
  const inputsClean =
    CAPACITY_INPUTS.every((p) => valid(p)) &&
    !semantic.some((d) => d.severity === "error" && SIZES.some((p) => isUnder(d.path, p)));
  const capacity = inputsClean ? planCapacity(env, (path) => locateWritten(source, path)) : undefined;
  const errorAt = new Set(found.filter((d) => d.severity === "error").map((d) => d.path));
  const planned = (capacity?.diagnostics ?? []).filter((d) => !errorAt.has(d.path));
  const diagnostics = unique(sortDiagnostics([...found, ...planned]));
  if (hasErrors(diagnostics)) return capacity ? { source, capacity, diagnostics } : { source, diagnostics };
  return { env, source, ...(capacity ? { capacity } : {}), diagnostics };
}

/** What the capacity planner reads (the subnet check it makes guards itself). */
const CAPACITY_INPUTS: Path[] = [
  ["profile"],
  ["aks", "nodePools"],
  ["aks", "zones"],
  ["aks", "autoSizing"],
  ["components"],
  ["azure", "production"],
  ["usage"],
  ["postgres", "tier"],
  ["postgres", "sku"],
  ["postgres", "storageGb"],
];

/** Sizes the semantic checks refuse (a 16-byte pod, minCount above maxCount) that the planner would refuse again. */
const SIZES: Path[] = [["aks", "nodePools"], ["components"]];

function isUnder(dottedPath: string, prefix: Path): boolean {
  const p = prefix.join(".");
  return dottedPath === p || dottedPath.startsWith(`${p}.`) || dottedPath.startsWith(`${p}[`);
}

function unique(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.file}:${d.line}:${d.column}:${d.severity}:${d.message}`;
    return !seen.has(key) && (seen.add(key), true);
  });
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
