// Retry policy for ARM. It replaces the SDK default, which gives up at once on a 429 without
// Retry-After (ARM does send those) and retries only three times.
import { isRestError, retryPolicy, type PipelinePolicy, type RetryStrategy } from "@azure/core-rest-pipeline";

export interface RetrySettings {
  maxRetries: number;
  /** First backoff when the server names no delay; doubles per retry. */
  retryDelayInMs: number;
  maxRetryDelayInMs: number;
}

export const defaultRetrySettings: RetrySettings = { maxRetries: 6, retryDelayInMs: 1000, maxRetryDelayInMs: 60_000 };

export interface HeaderReader {
  get(name: string): string | undefined;
}

/**
 * The delay a response asks for: retry-after-ms / x-ms-retry-after-ms, else Retry-After in seconds or as an HTTP date.
 */
export function retryAfterMs(headers: HeaderReader): number | undefined {
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const ms = Number(headers.get(name) ?? Number.NaN);
    if (Number.isFinite(ms)) return Math.max(0, ms);
  }
  const value = headers.get("retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

const NETWORK_ERROR_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "REQUEST_SEND_ERROR",
]);

const isTransientStatus = (status: number): boolean =>
  status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);

/** Throttling, server faults and broken connections: worth another attempt. */
export function isTransientError(error: unknown): boolean {
  if (!isRestError(error)) return false;
  if (error.statusCode !== undefined) return isTransientStatus(error.statusCode);
  return error.code !== undefined && NETWORK_ERROR_CODES.has(error.code);
}

export function armRetryPolicy(settings: RetrySettings): PipelinePolicy {
  const backoff = (retryCount: number): number =>
    Math.min(settings.maxRetryDelayInMs, settings.retryDelayInMs * 2 ** retryCount);
  const strategy: RetryStrategy = {
    name: "armTransientRetry",
    retry({ retryCount, response, responseError }) {
      if (response) {
        return isTransientStatus(response.status)
          ? { retryAfterInMs: retryAfterMs(response.headers) ?? backoff(retryCount) }
          : { skipStrategy: true };
      }
      return isTransientError(responseError) ? { retryAfterInMs: backoff(retryCount) } : { skipStrategy: true };
    },
  };
  return retryPolicy([strategy], { maxRetries: settings.maxRetries });
}
