// Finds and reads environment files on disk. Paths are reported relative to the working
// directory so diagnostics read like compiler output (environments/prod.yaml:12:5: ...).
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";

export const ENVIRONMENTS_DIR = "environments";

export interface EnvironmentFile {
  /** Path as shown to the user. */
  file: string;
  text: string;
}

export class UsageError extends Error {}

export async function listEnvironmentFiles(root: string): Promise<string[]> {
  const dir = join(root, ENVIRONMENTS_DIR);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    throw new UsageError(`no ${ENVIRONMENTS_DIR}/ directory in ${root}; run from the repository root or pass files`);
  }
  return names.filter((n) => /\.ya?ml$/.test(n)).sort().map((n) => join(dir, n));
}

export function environmentPath(root: string, name: string): string {
  return join(root, ENVIRONMENTS_DIR, `${name}.yaml`);
}

export async function readEnvironmentFile(path: string, root: string): Promise<EnvironmentFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === "ENOENT" ? `${relative(root, path) || path}: no such file` : `${path}: cannot read (${code ?? "unknown error"})`);
  }
  return { file: relative(root, path) || path, text };
}
