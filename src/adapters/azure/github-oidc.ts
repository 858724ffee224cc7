// Fetches a GitHub Actions OIDC ID token. Plain node:https rather than @actions/core.getIDToken:
// that one reads process.env at call time, retries up to 10 times with long backoff and cannot
// be told to trust an extra CA, which the local emulator needs.
import { request } from "node:https";
import { withExtraCa } from "../extra-ca.js";
import { setTimeout as sleep } from "node:timers/promises";

export interface GitHubIdTokenSource {
  /** ACTIONS_ID_TOKEN_REQUEST_URL. */
  requestUrl: string;
  /** ACTIONS_ID_TOKEN_REQUEST_TOKEN; only sent, never logged. */
  requestToken: string;
  audience: string;
  /** A PEM certificate to trust on top of the public roots (the emulator's). */
  ca?: string;
  /** First backoff after a transient failure; doubles per attempt. */
  retryDelayMs?: number;
}

const ATTEMPTS = 3;
const TIMEOUT_MS = 30_000;

class TransientError extends Error {}

function getOnce(url: URL, source: GitHubIdTokenSource): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "GET",
        headers: { Authorization: `Bearer ${source.requestToken}`, Accept: "application/json" },
        timeout: TIMEOUT_MS,
        // No shared pool: a pooled connection is matched by options that do not name a secure context.
        ...(source.ca ? { secureContext: withExtraCa(source.ca), agent: false } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", (error) => reject(new TransientError(error.message)));
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString("utf8");
          if (status === 429 || status >= 500) return reject(new TransientError(`HTTP ${status}`));
          if (status !== 200) return reject(new Error(`HTTP ${status}: ${text.slice(0, 200)}`));
          const value = (JSON.parse(text) as { value?: unknown }).value;
          if (typeof value !== "string" || value === "") return reject(new Error("the response has no token value"));
          resolve(value);
        });
      },
    );
    req.on("timeout", () => req.destroy(new TransientError(`no answer within ${TIMEOUT_MS} ms`)));
    req.on("error", (error) => reject(error instanceof TransientError ? error : new TransientError(error.message)));
    req.end();
  });
}

export async function fetchGitHubIdToken(source: GitHubIdTokenSource): Promise<string> {
  const url = new URL(source.requestUrl);
  url.searchParams.set("audience", source.audience);
  const delay = source.retryDelayMs ?? 1000;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await getOnce(url, source);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!(error instanceof TransientError) || attempt === ATTEMPTS) {
        throw new Error(`Could not get a GitHub OIDC token for audience ${source.audience}: ${message}`);
      }
      await sleep(delay * 2 ** (attempt - 1));
    }
  }
}
