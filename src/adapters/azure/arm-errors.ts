// ARM error bodies, normalised: the SDK's LRO errors keep only the top code and message, so the
// adapter rebuilds the full tree from the deployment resource and its operations.
import { isRestError } from "@azure/core-rest-pipeline";
import type { ArmErrorDetail } from "../../engine/ports.js";

interface ErrorLike {
  code?: string;
  message?: string;
  target?: string;
  details?: ErrorLike[];
}

export function toArmErrorDetail(error: ErrorLike): ArmErrorDetail {
  return {
    code: error.code ?? "Unknown",
    message: error.message ?? "",
    ...(error.target ? { target: error.target } : {}),
    details: (error.details ?? []).map(toArmErrorDetail),
  };
}

/** An ARM request that failed for good; carries no request, so never a request body. */
export class ArmRequestError extends Error {
  constructor(
    readonly statusCode: number | undefined,
    readonly error: ArmErrorDetail,
  ) {
    super(
      `ARM request failed` +
        `${statusCode === undefined ? "" : ` with HTTP ${statusCode}`}: ` +
        `${error.code}: ${error.message}`,
    );
    this.name = "ArmRequestError";
  }
}

function cloudErrorOf(value: unknown): ErrorLike | undefined {
  const error = (value as { error?: unknown } | undefined)?.error;
  return typeof error === "object" && error !== null ? (error as ErrorLike) : undefined;
}

export function armErrorFromBody(statusCode: number, bodyText: string | null | undefined): ArmRequestError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText ?? "");
  } catch {
    parsed = undefined;
  }
  const error = cloudErrorOf(parsed) ?? { code: `Http${statusCode}`, message: (bodyText ?? "").slice(0, 300) };
  return new ArmRequestError(statusCode, toArmErrorDetail(error));
}

/** Rewraps SDK errors: RestError keeps the request (and its body) reachable from the error object. */
export function toArmRequestError(error: unknown): unknown {
  if (!isRestError(error)) return error;
  const detail = cloudErrorOf(error.details) ?? { code: error.code ?? "RequestFailed", message: error.message };
  return new ArmRequestError(error.statusCode, toArmErrorDetail(detail));
}
