// The secrets an operator uploads to the environment's Key Vault before deploying (registry key,
// TLS certificate, NATS keys when enabled), put straight into the emulator's vault.
import { randomBytes } from "node:crypto";
import { keyVaultId } from "../../../../src/engine/names.js";
import type { Environment } from "../../../../src/model/environment.js";
import { wafOf } from "../../../../src/model/resolve.js";
import { PKCS12_CONTENT_TYPE } from "../../../../src/engine/preflight/certificate.js";
import { vaultSecrets } from "../../../../src/render/gitops/contract.js";
import type { AzureEmulator } from "../../../emulator/emulator.js";

export function operatorSecretNames(env: Environment): string[] {
  return vaultSecrets(env)
    .filter((s) => s.seed === "operator")
    .map((s) => s.name);
}

export function uploadOperatorSecrets(emulator: AzureEmulator, env: Environment, except: string[] = []): void {
  for (const name of operatorSecretNames(env)) {
    if (!except.includes(name))
      emulator.putSecret(keyVaultId(env), name, `operator-${randomBytes(12).toString("hex")}`);
  }
  // The WAF's listener certificate, imported as PFX beside the PEM one.
  const waf = wafOf(env);
  if (waf.enabled && !except.includes(waf.certificateName))
    emulator.putSecret(keyVaultId(env), waf.certificateName, randomBytes(64).toString("base64"), PKCS12_CONTENT_TYPE);
}
