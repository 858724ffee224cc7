// The signal that stops a run's Azure and Flux work: on the deadline, or on the first Ctrl-C /
// SIGTERM (a second Ctrl-C ends the process as usual).
import { RunStopped } from "../engine/ports.js";

export interface RunSignal {
  signal: AbortSignal;
  /** Aborts on Ctrl-C / SIGTERM only, never on the deadline (for a wait with a limit of its own). */
  interrupted: AbortSignal;
  dispose(): void;
}

/** What a face prints when the first Ctrl-C arrives. */
export const INTERRUPTED = "codemie-gitops: interrupted; stopping cleanly (Ctrl-C again quits at once)";

/** `onInterrupt` is told once the first Ctrl-C arrives, so the face can say the run is stopping. */
export function runSignal(timeoutMs: number, onInterrupt: () => void): RunSignal {
  const controller = new AbortController();
  const interrupts = new AbortController();
  const timer = setTimeout(() => controller.abort(new RunStopped("timeout")), timeoutMs);
  const onSignal = (): void => {
    onInterrupt();
    interrupts.abort(new RunStopped("interrupt"));
    controller.abort(new RunStopped("interrupt"));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    interrupted: interrupts.signal,
    dispose: () => {
      clearTimeout(timer);
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}

/** Runs `work` under a run signal, disposing of it however the work ends. */
export async function withRunSignal<T>(
  timeoutMs: number,
  onInterrupt: () => void,
  work: (signal: AbortSignal, run: RunSignal) => Promise<T>,
): Promise<T> {
  const run = runSignal(timeoutMs, onInterrupt);
  try {
    return await work(run.signal, run);
  } finally {
    run.dispose();
  }
}

/**
 * A signal for a wait with its own limit (the Flux wait): aborts after `ms` with `why`, or when
 * `interrupted` aborts; never because the run's own deadline passed.
 */
export function deadline(ms: number, interrupted: AbortSignal, why: "flux-timeout"): AbortSignal {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new RunStopped(why)), ms);
  const stop = (): void => {
    clearTimeout(timer);
    controller.abort(interrupted.reason);
  };
  if (interrupted.aborted) stop();
  else interrupted.addEventListener("abort", stop, { once: true });
  controller.signal.addEventListener("abort", () => clearTimeout(timer), { once: true });
  return controller.signal;
}
