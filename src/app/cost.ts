// Use case `cost`: the monthly cost of one environment and, when a base version of the file is
// given (the pull request's base branch), what the change adds or saves.
import { costDelta } from "../cost/delta.js";
import { estimateCost } from "../cost/estimate.js";
import type { CostReport } from "../cost/cost-format.js";
import { hasErrors, type Diagnostic } from "../config/diagnostics.js";
import { fileAtRef } from "../adapters/git/file-at-ref.js";
import type { CapacityPlan } from "../capacity/plan.js";
import type { Environment } from "../model/environment.js";
import { loadEnvironment } from "./load.js";

export type CostBase = { ref: string; text: string | undefined };

export interface CostInput {
  /** Path shown in diagnostics, e.g. environments/prod.yaml. */
  file: string;
  text: string;
  /** The same file on the base: text undefined when the base has no such file (a new environment). */
  base?: CostBase;
}

export interface CostResult {
  report?: CostReport;
  diagnostics: Diagnostic[];
}

function baseOf(file: string, base: CostBase | undefined, head: CostReport["estimate"]): CostReport["base"] {
  if (!base) return undefined;
  if (base.text === undefined)
    return { ref: base.ref, delta: costDelta({ ...head, lines: [], monthly: 0, monthlyAtMaximum: 0 }, head) };
  const loaded = loadEnvironment(file, base.text);
  if (!loaded.env || !loaded.capacity || hasErrors(loaded.diagnostics))
    return {
      ref: base.ref,
      missing: "the base version of the file does not load, so there is nothing to compare with",
    };
  return { ref: base.ref, delta: costDelta(estimateCost(loaded.env, loaded.capacity), head) };
}

/** The cost of an environment already loaded (the plan's), against the base version of its file. */
export function costOf(env: Environment, capacity: CapacityPlan, base?: CostBase): CostReport {
  const estimate = estimateCost(env, capacity);
  const compared = baseOf(env.file, base, estimate);
  return { estimate, ...(compared ? { base: compared } : {}) };
}

export function environmentCost(input: CostInput): CostResult {
  const { env, capacity, diagnostics } = loadEnvironment(input.file, input.text);
  if (!env || !capacity || hasErrors(diagnostics)) return { diagnostics };
  return { report: costOf(env, capacity, input.base), diagnostics };
}

/**
 * The file as `ref` (a branch, tag or commit of the repository at `cwd`) holds it; `file` is relative to `cwd`.
 * Throws UnknownRefError.
 */
export async function baseFromGit(cwd: string, ref: string, file: string): Promise<CostBase> {
  return { ref, text: await fileAtRef(cwd, ref, `./${file}`) };
}
