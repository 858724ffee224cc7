// Use case `capacity`: one environment's capacity plan and its diagnostics, as data.
import type { CapacityPlan } from "../capacity/plan.js";
import { hasErrors, type Diagnostic } from "../config/diagnostics.js";
import { loadEnvironment } from "./load.js";
import type { EnvironmentFiles } from "./environment-files.js";

export interface CapacityReport {
  file: string;
  /** Absent when the file does not get as far as planning. */
  capacity?: CapacityPlan;
  diagnostics: Diagnostic[];
  /** The plan fits and the file has no error. */
  fits: boolean;
}

export async function environmentCapacity(path: string, files: EnvironmentFiles): Promise<CapacityReport> {
  const { file, text } = await files.read(path);
  const { capacity, diagnostics } = loadEnvironment(file, text);
  return {
    file,
    ...(capacity ? { capacity } : {}),
    diagnostics,
    fits: capacity !== undefined && capacity.fits && !hasErrors(diagnostics),
  };
}
