// The signal that stops a run's Azure and Flux work: on the deadline, or on the first Ctrl-C /
// SIGTERM (a second Ctrl-C ends the process as usual).
import { RunStopped } from "../engine/ports.js";

export interface RunSignal {
  signal: AbortSignal;
  dispose(): void;
}

/** What a face prints when the first Ctrl-C arrives. */
export const INTERRUPTED = "codemie-gitops: interrupted; stopping cleanly (Ctrl-C again quits at once)";

/** `onInterrupt` is told once the first Ctrl-C arrives, so the face can say the run is stopping. */
export function runSignal(timeoutMs: number, onInterrupt: () => void): RunSignal {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new RunStopped("timeout")), timeoutMs);
  const onSignal = (): void => {
    onInterrupt();
    controller.abort(new RunStopped("interrupt"));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}

/** Runs `work` under a run signal, disposing of it however the work ends. */
export async function withRunSignal<T>(timeoutMs: number, onInterrupt: () => void, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const run = runSignal(timeoutMs, onInterrupt);
  try {
    return await work(run.signal);
  } finally {
    run.dispose();
  }
}
