// `codemie-gitops promote --from staging --to prod`: set prod's CodeMie version to the one staging
// runs, editing environments/prod.yaml in place (comments kept). Commit it and open a pull
// request: its plan shows the promotion gate, and prod's deploy waits for staging to run it.
import { UsageError } from "../adapters/environment-files.js";
import { writeFile } from "node:fs/promises";
import { workspaceFiles } from "../app/environment-files.js";
import { promote } from "../app/promote.js";
import { formatDiagnostic } from "../config/diagnostics.js";
import type { Io } from "./io.js";

export async function promoteCommand(opts: { from?: string; to?: string }, io: Io): Promise<number> {
  if (!opts.from || !opts.to) throw new UsageError("promote takes --from NAME --to NAME");
  if (opts.from === opts.to) throw new UsageError("promote needs two different environments");
  const files = workspaceFiles(io.cwd);
  const fromPath = files.pathOf(opts.from);
  const toPath = files.pathOf(opts.to);
  const [from, to] = await Promise.all([files.read(fromPath), files.read(toPath)]);
  const result = promote({ from, to });
  if (result.status === "invalid") {
    for (const d of result.diagnostics) io.err(formatDiagnostic(d));
    return 1;
  }
  for (const w of result.warnings) io.err(`warning: ${w}`);
  if (result.status === "unchanged") {
    io.out(`${to.file} already runs CodeMie ${result.version}, as ${from.file} does: nothing to change`);
    return 0;
  }
  await writeFile(toPath, result.text);
  io.out(
    `${to.file}: codemie.version ${result.version.before} → ` +
      `${result.version.after} (what ${result.from} runs); commit it and open ` +
      `a pull request`,
  );
  return 0;
}
