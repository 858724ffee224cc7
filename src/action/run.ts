// Runs an action's body the way main() runs a CLI command: its number is the exit code (0 done,
// 1 the input or the run failed, 2 usage error) and no stack trace reaches the log.
import { error as annotateError, setFailed } from "@actions/core";
import { EnvironmentFileError, UsageError } from "../adapters/environment-files.js";

export async function runAction(body: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await body();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof EnvironmentFileError) {
      annotateError(e.reason, { file: e.file, startLine: 1, startColumn: 1 });
      process.exitCode = 1;
      return;
    }
    if (e instanceof UsageError) {
      annotateError(`codemie-gitops: ${message}`);
      process.exitCode = 2;
      return;
    }
    setFailed(`codemie-gitops: internal error: ${message}`);
  }
}
