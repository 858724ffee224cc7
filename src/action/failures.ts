// A run's failures inside an action: the message annotated as the run's error and the run failed
// (exit 1); usage mistakes still reach runAction (exit 2).
import { UsageError } from "../adapters/environment-files.js";
import type { Log } from "../engine/ports.js";

export async function reportFailures<T>(log: Log, work: () => Promise<T>, failed: T): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UsageError) throw error;
    log.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    return failed;
  }
}
