// A run's failures are errors of the run (exit 1, one line, no stack); usage mistakes still reach
// main (exit 2).
import { EnvironmentFileError, UsageError } from "../adapters/environment-files.js";
import type { Io } from "./io.js";

export async function reportFailures(io: Io, work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UsageError || error instanceof EnvironmentFileError) throw error;
    io.err(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
