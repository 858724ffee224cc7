// Where an action works: the working directory (the `working-directory` input, relative to the
// checkout) and the repository root that annotation paths are relative to.
import { isAbsolute, relative, resolve } from "node:path";
import { git } from "../adapters/git/git.js";
import { UsageError } from "../adapters/environment-files.js";
import { ENV_NAME_PATTERN } from "../config/environment-name.js";

export interface Workspace {
  cwd: string;
  repoRoot: string;
  /** cwd relative to repoRoot, "" when they are the same. */
  prefix: string;
}

/** The directory the `working-directory` input names, known without asking git. */
export function workingDirectoryOf(input: string): string {
  return resolve(process.cwd(), input || ".");
}

export async function openWorkspace(workingDirectory: string): Promise<Workspace> {
  const cwd = workingDirectoryOf(workingDirectory);
  // The runner's workspace is where actions/checkout puts the repository: its own root needs no git.
  const workspace = process.env.GITHUB_WORKSPACE;
  if (workspace && resolve(workspace) === cwd) return { cwd, repoRoot: cwd, prefix: "" };
  const top = await git(["rev-parse", "--show-toplevel"], { cwd, env: { GIT_OPTIONAL_LOCKS: "0" } }).then(
    (out) => out.trim(),
    () => undefined,
  );
  const inside = top !== undefined && !relative(top, cwd).startsWith("..") && !isAbsolute(relative(top, cwd));
  const repoRoot = inside ? top : cwd;
  return { cwd, repoRoot, prefix: relative(repoRoot, cwd).split("\\").join("/") };
}

/** An environment name from an input: checked before it becomes part of a path. */
export function environmentName(value: string): string {
  if (!ENV_NAME_PATTERN.test(value))
    throw new UsageError(
      `"${value}" is not an environment name (environments/NAME.yaml: 1-12 lowercase letters, digits or hyphens)`,
    );
  return value;
}
