// Use case `doctor --env NAME`: Flux's SSH deploy key of an environment, for the person who
// registers it. The public key is the secret's content type in Key Vault, read on the management
// plane, which never returns a secret's value: the private key is not read to show it. With a
// GitHub token that may read the repository's deploy keys, whether it is registered, and how.
import { loadNamed, type EnvironmentRef } from "./prepare.js";
import type { Connections } from "./connections.js";
import type { EnvironmentFiles } from "./environment-files.js";
import { GITOPS_CREDENTIALS } from "../catalogue/gitops-credentials.js";
import type { Diagnostic } from "../config/diagnostics.js";
import { deployKeyTitle, registrationSteps, type DeployKeyRegistration } from "../engine/deploy-key.js";
import { KEY_VAULT_API_VERSION, keyVaultId } from "../engine/names.js";

export type KeyLookup = (
  repository: string,
  publicKey: string,
) => Promise<DeployKeyRegistration | { state: "absent"; slug: string }>;

export interface DeployKeyDoctorPorts {
  files: EnvironmentFiles;
  connections: Connections;
  /** Whether GitHub has the key, with the token at hand; absent without one. */
  lookup?: KeyLookup;
}

export interface DeployKeyReport {
  environment: string;
  repository: string;
  auth: string;
  vault: string;
  secret: string;
  /** "ssh-ed25519 AAAA… comment"; absent before the first deploy generated it. */
  publicKey?: string;
  title: string;
  registration?: DeployKeyRegistration | { state: "absent"; slug: string };
  /** What to do next: the manual registration, or why there is nothing to do. */
  steps: string[];
}

export type DeployKeyDoctor =
  | { report?: undefined; diagnostics: Diagnostic[] }
  | { report: DeployKeyReport; diagnostics: Diagnostic[] };

export async function deployKeyDoctor(request: EnvironmentRef, ports: DeployKeyDoctorPorts): Promise<DeployKeyDoctor> {
  const { env, diagnostics } = await loadNamed(request, ports.files);
  if (!env) return { diagnostics };
  const secret = GITOPS_CREDENTIALS.ssh.secret;
  const base = {
    environment: env.name,
    repository: env.gitops.repository,
    auth: env.gitops.auth,
    vault: env.names.keyVault,
    secret,
    title: deployKeyTitle(env.name),
  };
  if (env.gitops.auth !== "ssh") {
    return {
      diagnostics,
      report: {
        ...base,
        steps: [
          `gitops.auth is ${env.gitops.auth}: Flux reads ${env.gitops.repository} ` +
            `without a deploy key` +
            (env.gitops.auth === "https" ? ` (the token in Key Vault secret ${GITOPS_CREDENTIALS.https.secret})` : ""),
        ],
      },
    };
  }
  const read = (await ports.connections
    .arm(env)
    .getJson(`${keyVaultId(env)}/secrets/${secret}`, KEY_VAULT_API_VERSION)) as
    | { properties?: { contentType?: string } }
    | undefined;
  const publicKey = read?.properties?.contentType;
  if (!read)
    return {
      diagnostics,
      report: {
        ...base,
        steps: [
          `no deploy key yet: the first deploy generates it into Key Vault ` +
            `${env.names.keyVault} (secret ${secret}) and prints its public key`,
        ],
      },
    };
  if (!publicKey?.startsWith("ssh-"))
    return {
      diagnostics,
      report: {
        ...base,
        steps: [
          `Key Vault secret ${secret} has no public key in its content type; ` +
            `delete and purge it and deploy again to generate a new key`,
        ],
      },
    };
  let registration: DeployKeyReport["registration"];
  try {
    registration = ports.lookup ? await ports.lookup(env.gitops.repository, publicKey) : undefined;
  } catch (error) {
    registration = { state: "manual", reason: error instanceof Error ? error.message : String(error) };
  }
  const done = registration?.state === "present" && registration.readOnly;
  return {
    diagnostics,
    report: {
      ...base,
      publicKey,
      ...(registration ? { registration } : {}),
      steps: done ? [] : registrationSteps(env.gitops.repository, publicKey, base.title),
    },
  };
}
