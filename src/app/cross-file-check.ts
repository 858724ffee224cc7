// validate's cross-file rules over the files it checked, with the other environments of the
// repository as peers (a pull request touching staging must still not take prod's directory).
// Diagnostics are returned for the checked files only; a peer is named in the message.
import { checkAcrossFiles, type CheckedFile, type SourceRepository } from "../config/cross-file.js";
import type { Diagnostic } from "../config/diagnostics.js";
import { loadEnvironment } from "./load.js";
import type { EnvironmentFiles } from "./environment-files.js";

async function peers(files: EnvironmentFiles, checked: readonly string[]): Promise<CheckedFile[]> {
  const paths = await files.list().catch(() => []);
  const found: CheckedFile[] = [];
  for (const path of paths) {
    const read = await files.read(path).catch(() => undefined);
    if (!read || checked.includes(read.file)) continue;
    const { env, source } = loadEnvironment(read.file, read.text);
    if (env && source) found.push({ file: read.file, env, source });
  }
  return found;
}

export async function crossFileDiagnostics(
  checked: readonly CheckedFile[],
  files: EnvironmentFiles,
  repo: SourceRepository,
): Promise<Diagnostic[]> {
  const names = checked.map((c) => c.file);
  return checkAcrossFiles([...checked, ...(await peers(files, names))], repo).filter((d) => names.includes(d.file));
}
