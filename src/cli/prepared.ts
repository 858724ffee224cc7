// Prints why an environment could not be prepared for plan or deploy: its diagnostics, the Bicep
// compiler's, and the closing line when the Bicep does not compile.
import { formatDiagnostic } from "../config/diagnostics.js";
import { bicepLine } from "../app/bicep-line.js";
import { notCompilingLine, type Prepared } from "../app/prepare.js";
import type { Io } from "./io.js";

export function printPrepared(prepared: Prepared, io: Io): void {
  for (const d of prepared.diagnostics) io.err(formatDiagnostic(d));
  for (const d of prepared.bicepDiagnostics) io.err(bicepLine(d));
  if (!prepared.ok && prepared.failure === "bicep") io.err(notCompilingLine(prepared.file));
}
