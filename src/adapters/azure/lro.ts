// Drives an SDK long-running operation one poll at a time instead of pollUntilDone(), because
// core-lro 2.x (a) polls twice back to back when pollUntilDone() follows begin*(), ignoring the
// Retry-After of the first poll, and (b) marks the whole operation failed when a single poll
// throws a RestError, even a 429 or a dropped connection. Here every poll waits at least the
// interval and at least what ARM asked for, and a transient poll failure resumes from the last good
// poller state.
import { isRestError } from "@azure/core-rest-pipeline";
import { setTimeout as sleep } from "node:timers/promises";
import { isTransientError, retryAfterMs, type HeaderReader } from "./retry.js";

/** The part of core-lro's SimplePollerLike used here. */
export interface StepPoller<T> {
  poll(): Promise<void>;
  isDone(): boolean;
  getResult(): T | undefined;
  toString(): string;
}

export type ResponseCallback = (raw: { headers: HeaderReader }) => void;

/** Calls the SDK's begin*() with `{ resumeFrom, onResponse }`; undefined resumeFrom sends the initial request. */
export type StartPoller<T> = (resumeFrom: string | undefined, onResponse: ResponseCallback) => Promise<StepPoller<T>>;

export interface PollOptions {
  intervalMs: number;
  /** Transient poll failures tolerated in a row, on top of the pipeline's own retries. */
  maxPollFailures: number;
  signal?: AbortSignal;
  /** Runs after each poll that left the operation running. */
  afterPoll?: () => Promise<void>;
}

/**
 * "ended" covers Failed and Canceled operations: core-lro reports both as plain Errors; the caller reads the resource
 * to tell.
 */
export type LroEnd<T> = { done: "succeeded"; result: T } | { done: "ended"; error: Error };

export async function pollToEnd<T>(start: StartPoller<T>, options: PollOptions): Promise<LroEnd<T>> {
  let askedMs: number | undefined;
  let answered = false;
  const onResponse: ResponseCallback = (raw) => {
    answered = true;
    askedMs = retryAfterMs(raw.headers);
  };
  let poller: StepPoller<T> | undefined;
  let checkpoint: string | undefined;
  let failures = 0;
  for (;;) {
    if (poller?.isDone()) return { done: "succeeded", result: poller.getResult() as T };
    if (checkpoint !== undefined)
      await sleep(Math.max(options.intervalMs, askedMs ?? 0), undefined, { signal: options.signal });
    try {
      if (poller) await poller.poll();
      else poller = await start(checkpoint, onResponse);
      checkpoint = poller.toString();
      failures = 0;
    } catch (error) {
      // Without any HTTP answer a plain Error is a local one (e.g. the credential's), not the operation's end.
      if (!isRestError(error)) {
        if (answered && error instanceof Error) return { done: "ended", error };
        throw error;
      }
      // Before the first checkpoint the initial request itself may have failed: nothing to resume.
      if (checkpoint === undefined || !isTransientError(error) || ++failures > options.maxPollFailures) throw error;
      poller = undefined;
      continue;
    }
    if (!poller.isDone()) await options.afterPoll?.();
  }
}
