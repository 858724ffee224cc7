// Strong random values for the Key Vault secrets the deploy seeds. Which secrets exist comes from
// the catalogue (src/catalogue/secrets.ts, `seed: "random"`); this file only says how each is
// made, and the Record type makes a new random secret without a recipe a compile error.
import { randomBytes, randomInt } from "node:crypto";
import { VAULT_SECRETS } from "../catalogue/secrets.js";
import type { Environment } from "../model/environment.js";
import { vaultSecrets } from "../render/gitops/contract.js";

export type SeededSecretName = Extract<(typeof VAULT_SECRETS)[number], { seed: "random" }>["name"];

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const DIGITS = "0123456789";
const ALNUM = UPPER + LOWER + DIGITS;

/** randomInt is uniform, so every character carries log2(62) ≈ 5.95 bits. */
function alnum(length: number): string {
  let out = "";
  for (let i = 0; i < length; i += 1) out += ALNUM[randomInt(ALNUM.length)];
  return out;
}

/** 32 letters and digits with each class present: Azure PostgreSQL wants three character classes. */
export function password(length = 32): string {
  for (;;) {
    const value = alnum(length);
    if (/[A-Z]/.test(value) && /[a-z]/.test(value) && /[0-9]/.test(value)) return value;
  }
}

/** 128 random bits as 32 hex characters (Kibana's encryption keys need at least 32 characters). */
const hexKey = (): string => randomBytes(16).toString("hex");
/** oauth2-proxy takes a cookie secret of exactly 16, 24 or 32 bytes. */
const cookieSecret = (): string => alnum(32);
const liteLlmKey = (): string => `sk-${alnum(32)}`;

const RECIPES: Record<SeededSecretName, () => string> = {
  "postgres-admin-password": password,
  "elasticsearch-password": password,
  "kibana-saved-objects-key": hexKey,
  "kibana-reporting-key": hexKey,
  "kibana-security-key": hexKey,
  "keycloak-admin-password": password,
  "codemie-admin-password": password,
  "keycloak-db-password": password,
  "codemie-db-password": password,
  "litellm-db-password": password,
  "oauth2-proxy-client-secret": password,
  "oauth2-proxy-cookie-secret": cookieSecret,
  "litellm-master-key": liteLlmKey,
  "litellm-app-key": liteLlmKey,
};

export function newSecretValue(name: SeededSecretName): string {
  return RECIPES[name]();
}

/** The random secrets this environment's tree reads, in catalogue order. */
export function secretsToSeed(env: Environment): SeededSecretName[] {
  return vaultSecrets(env)
    .filter((s) => s.seed === "random")
    .map((s) => {
      if (!(s.name in RECIPES)) throw new Error(`no recipe for the random secret ${s.name}`);
      return s.name as SeededSecretName;
    });
}
