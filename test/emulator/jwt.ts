// Minimal HS256 JWTs: the emulator both issues the GitHub ID tokens and verifies them as Entra ID,
// so a shared secret is enough to prove an assertion really came from its own OIDC endpoint.
import { createHmac, timingSafeEqual } from "node:crypto";

export type Claims = Record<string, unknown>;

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

function signature(secret: Buffer, signingInput: string): string {
  return createHmac("sha256", secret).update(signingInput).digest("base64url");
}

export function signJwt(claims: Claims, secret: Buffer): string {
  const signingInput = `${encode({ alg: "HS256", typ: "JWT" })}.${encode(claims)}`;
  return `${signingInput}.${signature(secret, signingInput)}`;
}

/** The claims of a token this secret signed, or undefined for anything else. */
export function verifyJwt(token: string, secret: Buffer): Claims | undefined {
  const [header, payload, sig] = token.split(".");
  if (header === undefined || payload === undefined || sig === undefined) return undefined;
  const expected = Buffer.from(signature(secret, `${header}.${payload}`));
  const actual = Buffer.from(sig);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Claims;
}
