// validate's cross-file rules over the files it checked, with the other environments of the
// repository as peers (a pull request touching staging must still not take prod's directory).
// Diagnostics are returned for the checked files only; a peer is named in the message.
import { listEnvironmentFiles, readEnvironmentFile } from "../adapters/environment-files.js";
import { sourceRepository } from "../adapters/git/source-repository.js";
import { checkAcrossFiles, type CheckedFile } from "../config/cross-file.js";
import type { Diagnostic } from "../config/diagnostics.js";
import { loadEnvironment } from "../config/load.js";

async function peers(root: string, checked: readonly string[]): Promise<CheckedFile[]> {
  const paths = await listEnvironmentFiles(root).catch(() => []);
  const found: CheckedFile[] = [];
  for (const path of paths) {
    const read = await readEnvironmentFile(path, root).catch(() => undefined);
    if (!read || checked.includes(read.file)) continue;
    const { env, source } = loadEnvironment(read.file, read.text);
    if (env && source) found.push({ file: read.file, env, source });
  }
  return found;
}

export async function crossFileDiagnostics(checked: readonly CheckedFile[], root: string, env: NodeJS.ProcessEnv = process.env): Promise<Diagnostic[]> {
  const files = checked.map((c) => c.file);
  const all = [...checked, ...(await peers(root, files))];
  return checkAcrossFiles(all, await sourceRepository(root, env)).filter((d) => files.includes(d.file));
}
