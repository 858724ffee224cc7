// What the GitOps tree expects from the rest of the deployment: the Flux source it is pulled
// through, the deploy outputs Flux substitutes into it (and which Bicep output each one is),
// and the Key Vault secrets it reads. The deploy step and the README read these instead of
// repeating the names (README "The GitOps tree").
import { component, type ComponentKey } from "../../catalogue/components.js";
import {
  WORKLOAD_IDENTITIES,
  type ClientIdVariable,
  type WorkloadIdentity,
  type WorkloadIdentityKey,
} from "../../catalogue/identities.js";
import { VAULT_SECRETS, type VaultSecret } from "../../catalogue/secrets.js";
import type { Environment } from "../../model/environment.js";

/** Where Flux runs and what it pulls the tree through. */
export const FLUX = {
  /** Namespace of the microsoft.flux extension, the layer Kustomizations and the outputs ConfigMap. */
  namespace: "flux-system",
  /**
   * Name of the `fluxConfigurations` resource (bicep/modules/flux.bicep); the extension creates
   * the GitRepository of the environment's GitOps branch under this name, and the layer
   * Kustomizations use it as their source.
   */
  sourceName: "codemie",
  /** ConfigMap in `namespace` holding the deploy outputs (see `substitutionVariables`). */
  outputsConfigMap: "codemie-infra-outputs",
  /**
   * File of the tree's root directory the deploy step writes that ConfigMap to; the root
   * kustomization.yaml lists it, so the tree builds only once the outputs are there.
   */
  outputsFile: "infra-outputs.yaml",
  /**
   * Label on the outputs ConfigMap that makes kustomize-controller reconcile the Kustomizations
   * substituting from it when it changes, instead of at their next interval.
   */
  watchLabel: { key: "reconcile.fluxcd.io/watch", value: "Enabled" },
  /** The account the extension's controllers impersonate by default, created in `namespace` only. */
  applierServiceAccount: "flux-applier",
  /** Prefix of the layer Kustomizations' names (`codemie-infrastructure`, ...). */
  layerPrefix: "codemie-",
} as const;

export interface SubstitutionVariable {
  /** Key in ConfigMap codemie-infra-outputs, referenced as `${NAME}` in the tree. */
  name: SubstitutionVariableName;
  /** Which deployment output it carries. */
  description: string;
}

/** Where a variable's value comes from: an output of main.bicep, or a key of an object output. */
export interface VariableOutput {
  output: string;
  key?: string;
  description: string;
}

const VARIABLES = {
  KEY_VAULT_URI: { output: "keyVaultUri", description: "Key Vault URI (main.bicep output keyVaultUri)" },
  POSTGRES_HOST: { output: "postgresHost", description: "FQDN of the PostgreSQL Flexible Server (postgresHost)" },
  POSTGRES_ADMIN_LOGIN: {
    output: "postgresAdminLogin",
    description: "administrator login of the PostgreSQL Flexible Server (postgresAdminLogin)",
  },
  STORAGE_ACCOUNT_NAME: {
    output: "storageAccountName",
    description: "storage account for CodeMie's files (storageAccountName)",
  },
  OPENAI_ENDPOINT: { output: "openaiEndpoint", description: "endpoint of the Azure OpenAI account (openaiEndpoint)" },
} as const satisfies Record<string, VariableOutput>;

export type SubstitutionVariableName = keyof typeof VARIABLES | ClientIdVariable;

/** Client-ID variable of each workload identity of the catalogue (named in its release descriptor). */
export const CLIENT_ID_VARIABLES = Object.fromEntries(
  WORKLOAD_IDENTITIES.map((w) => [w.key, w.clientIdVariable]),
) as Readonly<Record<WorkloadIdentityKey, ClientIdVariable>>;

const CLIENT_ID_OUTPUTS = Object.fromEntries(
  WORKLOAD_IDENTITIES.map((w) => [
    w.clientIdVariable,
    {
      output: "identityClientIds",
      key: w.key,
      description: `client ID of the identity of ${w.namespace}/${w.serviceAccount} (identityClientIds.${w.key})`,
    },
  ]),
) as Record<ClientIdVariable, VariableOutput>;

/** Each substitution variable with the deployment output it carries. */
export const VARIABLE_OUTPUTS: Readonly<Record<SubstitutionVariableName, VariableOutput>> = {
  ...VARIABLES,
  ...CLIENT_ID_OUTPUTS,
};

export function isEnabled(env: Environment, key: ComponentKey): boolean {
  if (component(key).kind === "managed") return true;
  return env.components.some((c) => c.key === key && c.enabled);
}

/** The workload identity of the catalogue (src/catalogue/identities.ts) with this key. */
export function workloadIdentity(key: WorkloadIdentityKey): WorkloadIdentity {
  const id = WORKLOAD_IDENTITIES.find((w) => w.key === key);
  if (!id) throw new Error(`no workload identity ${key} in the catalogue`);
  return id;
}

/**
 * The keys the deploy step must write into ConfigMap `codemie-infra-outputs` in `flux-system`
 * before Flux applies the tree (Flux fails a layer whose ConfigMap is missing), sorted by name.
 */
export function substitutionVariables(env: Environment): SubstitutionVariable[] {
  const names: SubstitutionVariableName[] = [
    "KEY_VAULT_URI",
    "POSTGRES_ADMIN_LOGIN",
    "POSTGRES_HOST",
    "STORAGE_ACCOUNT_NAME",
  ];
  for (const id of WORKLOAD_IDENTITIES) {
    if (!id.component || isEnabled(env, id.component)) names.push(CLIENT_ID_VARIABLES[id.key]);
  }
  if (isEnabled(env, "llmProxy") && env.openai.enabled) names.push("OPENAI_ENDPOINT");
  return names.sort().map((name) => ({ name, description: VARIABLE_OUTPUTS[name].description }));
}

/**
 * Key Vault secrets this environment needs (names only), with the TLS certificate's real name. The tree reads all
 * but the `deployOnly` ones (the PostgreSQL administrator password, a Bicep parameter).
 */
export function vaultSecrets(env: Environment): VaultSecret[] {
  const out: VaultSecret[] = [];
  for (const s of VAULT_SECRETS as readonly VaultSecret[]) {
    if (s.component && !isEnabled(env, s.component)) continue;
    if (s.tls) {
      if (env.network.ingress.tls) out.push({ ...s, name: env.network.ingress.tlsSecretName });
      continue;
    }
    out.push(s);
  }
  return out;
}
