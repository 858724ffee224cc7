// `codemie-gitops render (--env NAME | --all) [--out DIR] [--check]`: writes each
// environment's Bicep (with compiled ARM templates and a parameters file) and GitOps tree to
// DIR (default out/<env>), all or nothing; with --check, compares instead and lists stale
// files. One Bicep compiler process serves every environment of the run.
import { workspaceFiles } from "../app/environment-files.js";
import {
  outputTreesIn,
  renderEnvironments,
  renderSucceeded,
  type EnvironmentRender,
  type RenderRequest,
} from "../app/render.js";
import { packageToolchain } from "../app/toolchain.js";
import { formatDiagnostic } from "../config/diagnostics.js";
import { environmentName } from "../config/environment-name.js";
import type { Io } from "./io.js";

export type RenderOptions = RenderRequest;

export async function renderCommand(opts: RenderOptions, io: Io): Promise<number> {
  let failed = false;
  for await (const result of renderEnvironments(opts, {
    files: workspaceFiles(io.cwd),
    toolchain: packageToolchain,
    output: outputTreesIn(io.cwd),
  })) {
    print(result, io);
    failed = !renderSucceeded(result) || failed;
  }
  return failed ? 1 : 0;
}

function print(r: EnvironmentRender, io: Io): void {
  const { file, out } = r;
  for (const d of r.diagnostics) io.err(formatDiagnostic(d));
  for (const d of r.bicepDiagnostics)
    io.err(`${out}/${d.file}:${d.line}:${d.column}: ${d.level}: ${d.code} ${d.message}`);
  switch (r.status) {
    case "invalid":
      return;
    case "not-compiling":
      io.err(`codemie-gitops: the Bicep rendered from ${file} does not compile cleanly; nothing was written to ${out}`);
      return;
    case "written":
      io.out(`${file}: rendered ${r.files} files to ${out}`);
      if (r.kubernetes)
        io.out(
          `${file}: rendered ${r.kubernetes.releases} Helm releases to ` +
            `${r.kubernetes.dir} (for inspection, never published)`,
        );
      return;
    case "checked": {
      const { missing, changed, extra } = r.difference;
      const stale = [
        ...missing.map((p) => `missing ${p}`),
        ...changed.map((p) => `changed ${p}`),
        ...extra.map((p) => `extra ${p}`),
      ];
      for (const line of stale) io.err(`${out}: ${line}`);
      io.out(
        stale.length === 0
          ? `${out}: up to date with ${file}`
          : `${out}: ${stale.length} file(s) differ from ${file}; run codemie-gitops ` +
              `render --env ${environmentName(file)}`,
      );
    }
  }
}
