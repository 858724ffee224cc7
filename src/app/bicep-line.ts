// How both faces print a Bicep diagnostic. Its own module so that a face which only logs
// (the validate action) does not load the render engine with it.
import type { BicepDiagnostic } from "../adapters/bicep/diagnostics.js";

/** A Bicep diagnostic as one compiler-style line, `bicep/main.bicep:3:5: warning: CODE: message`. */
export function bicepLine(d: BicepDiagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.level}: ${d.code}: ${d.message}`;
}
