// Finds the Bicep CLI without running it (a .NET start-up costs a second), in a fixed order:
// PATH, the configured path, the package restored by scripts/install-bicep.sh, then the copy
// `az bicep install` keeps under ~/.azure/bin (present on GitHub-hosted runners).
import { homedir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isExecutableFile } from "../executable.js";

export const BICEP_PATH_ENV = "CODEMIE_BICEP_PATH";
const RESTORED = join(".bicep", "bin", "bicep");

export type BicepSource = "path" | "configured" | "restored" | "azure-cli";

export interface BicepLocation {
  path: string;
  source: BicepSource;
}

export interface LocateOptions {
  /** Explicit executable; takes the place of CODEMIE_BICEP_PATH. */
  bicepPath?: string;
  /** Repository holding .bicep/bin/bicep; when absent, searched upwards from this module and the cwd. */
  repoRoot?: string;
  /** Environment to read PATH, CODEMIE_BICEP_PATH and HOME from; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

const INSTALL_HINT =
  "Install it with `npm run setup` (or `bash scripts/install-bicep.sh`, which needs the dotnet SDK), " +
  `or install the Bicep CLI (https://aka.ms/bicep-install) and put it on PATH or set ${BICEP_PATH_ENV}.`;

export class BicepNotFoundError extends Error {
  override readonly name = "BicepNotFoundError";

  constructor(
    readonly searched: readonly string[],
    problem = "Bicep CLI not found.",
  ) {
    super(`${problem} Looked in:\n${searched.map((s) => `  - ${s}`).join("\n")}\n${INSTALL_HINT}`);
  }
}

export function locateBicep(options: LocateOptions = {}): BicepLocation {
  const env = options.env ?? process.env;
  const searched: string[] = [];

  for (const dir of (env.PATH ?? "").split(delimiter).filter(Boolean)) {
    const candidate = join(dir, "bicep");
    if (isExecutableFile(candidate)) return { path: candidate, source: "path" };
  }
  searched.push("bicep on PATH");

  const configured = options.bicepPath ?? (env[BICEP_PATH_ENV] || undefined);
  if (configured !== undefined) {
    const path = resolve(configured);
    if (isExecutableFile(path)) return { path, source: "configured" };
    // A configured path that is wrong is a mistake to report, not a reason to quietly use another CLI.
    throw new BicepNotFoundError(
      [...searched, `${path} (configured)`],
      `The configured Bicep CLI ${path} is not an executable file.`,
    );
  }
  searched.push(`${BICEP_PATH_ENV} (unset)`);

  const restored = restoredCandidates(options.repoRoot);
  const found = restored.paths.find(isExecutableFile);
  if (found !== undefined) return { path: found, source: "restored" };
  searched.push(`${restored.description} (restored by scripts/install-bicep.sh)`);

  const azureCli = join(env.HOME || homedir(), ".azure", "bin", "bicep");
  if (isExecutableFile(azureCli)) return { path: azureCli, source: "azure-cli" };
  searched.push(`${azureCli} (az bicep install)`);

  throw new BicepNotFoundError(searched);
}

/**
 * <repoRoot>/.bicep/bin/bicep; without a root, the same in every directory above this module
 * (wherever a bundler put it) and above the working directory, nearest first.
 */
function restoredCandidates(repoRoot: string | undefined): { paths: string[]; description: string } {
  if (repoRoot !== undefined) {
    const path = join(resolve(repoRoot), RESTORED);
    return { paths: [path], description: path };
  }
  // A CommonJS bundle leaves import.meta empty; the working directory covers that case.
  const url: string | undefined = import.meta.url;
  const starts = [...new Set([...(url === undefined ? [] : [dirname(fileURLToPath(url))]), process.cwd()])];
  return {
    paths: starts.flatMap(ancestors).map((dir) => join(dir, RESTORED)),
    description: `${RESTORED} in ${starts.join(" or ")} or a parent directory`,
  };
}

function ancestors(start: string): string[] {
  const dirs = [resolve(start)];
  for (let dir = dirs[0]!; dirname(dir) !== dir; dir = dirname(dir)) dirs.push(dirname(dir));
  return dirs;
}
