// `codemie-gitops cost --env NAME [--base REF] [--json]`: the environment's monthly cost, line by
// line with unit prices, and with --base what the file's change from that branch, tag or commit
// adds or saves. Exit 1 when the file does not load or the base cannot be read.
import { UsageError } from "../adapters/environment-files.js";
import { UnknownRefError } from "../adapters/git/file-at-ref.js";
import { baseFromGit, environmentCost, type CostBase } from "../app/cost.js";
import { workspaceFiles } from "../app/environment-files.js";
import { formatDiagnostic } from "../config/diagnostics.js";
import { costText } from "../cost/cost-format.js";
import type { Io } from "./io.js";

export interface CostOptions {
  env?: string;
  base?: string;
  json: boolean;
}

export async function costCommand(opts: CostOptions, io: Io): Promise<number> {
  if (opts.env === undefined) throw new UsageError("cost takes --env NAME");
  const files = workspaceFiles(io.cwd);
  const { file, text } = await files.read(files.pathOf(opts.env));
  let base: CostBase | undefined;
  if (opts.base !== undefined) {
    try {
      base = await baseFromGit(io.cwd, opts.base, file);
    } catch (error) {
      if (!(error instanceof UnknownRefError)) throw error;
      io.err(`codemie-gitops: --base: ${error.message}`);
      return 1;
    }
  }
  const { report, diagnostics } = environmentCost({ file, text, ...(base ? { base } : {}) });
  if (opts.json) {
    io.out(JSON.stringify({ ...(report ?? {}), diagnostics }, null, 2));
  } else {
    for (const d of diagnostics) io.err(formatDiagnostic(d));
    if (report) io.out(costText(report).join("\n"));
  }
  return report ? 0 : 1;
}
