// Reports why an environment could not be prepared for plan or deploy: its diagnostics and the
// Bicep compiler's annotated, and the closing line when the Bicep does not compile.
import { notCompilingLine, type Prepared } from "../app/prepare.js";
import type { ActionLog } from "./io.js";

export function logPrepared(prepared: Prepared, log: ActionLog): void {
  for (const d of prepared.diagnostics) log.diagnostic(d);
  for (const d of prepared.bicepDiagnostics) log.bicep(d);
  if (!prepared.ok && prepared.failure === "bicep") log.error(notCompilingLine(prepared.file));
}
