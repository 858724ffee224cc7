// The Key Vault secrets CodeMie's workloads read, by name only. Values never appear in this
// repository or in the rendered tree: the deploy step seeds the `random` ones once with strong
// values, an operator uploads the `operator` ones, and the External Secrets Operator copies
// them into the Kubernetes secrets listed in the README ("Secrets").
import type { ComponentKey } from "./components.js";

export interface VaultSecret {
  /** Secret name in the environment's Key Vault. */
  name: string;
  /** What it is for, one line. */
  purpose: string;
  /** `random`: the deploy step seeds it once; `operator`: a person uploads it. */
  seed: "random" | "operator";
  /** Shape a seeded value must have, when the consumer is picky. */
  format?: string;
  /** Only needed when this component is enabled. */
  component?: ComponentKey;
  /** Only needed when Keycloak's database runs in-cluster. */
  keycloakDatabase?: "inCluster";
  /** Only needed when the ingress serves TLS. */
  tls?: true;
}

export const VAULT_SECRETS = [
  { name: "codemie-registry-key", purpose: "key.json of the Google service account the CodeMie team issues for its registry (expires every 90 days: upload a new version)", seed: "operator", format: "the key.json file content" },
  { name: "postgres-admin-password", purpose: "administrator password of the PostgreSQL Flexible Server (the Bicep sets it; CodeMie, LiteLLM and a managed Keycloak DB log in with it)", seed: "random", format: "32 characters, letters and digits" },
  { name: "elasticsearch-password", purpose: "password of the Elasticsearch `elastic` user", seed: "random", format: "32 characters, letters and digits" },
  { name: "kibana-saved-objects-key", purpose: "Kibana xpack.encryptedSavedObjects.encryptionKey", seed: "random", format: "32 hex characters", component: "kibana" },
  { name: "kibana-reporting-key", purpose: "Kibana xpack.reporting.encryptionKey", seed: "random", format: "32 hex characters", component: "kibana" },
  { name: "kibana-security-key", purpose: "Kibana xpack.security.encryptionKey", seed: "random", format: "32 hex characters", component: "kibana" },
  { name: "keycloak-admin-password", purpose: "Keycloak bootstrap admin (user `admin`), also used by the Keycloak operator", seed: "random", format: "32 characters, letters and digits" },
  { name: "codemie-admin-password", purpose: "first password of CodeMie's first administrator (login.firstAdmin), temporary: Keycloak asks for a new one at the first sign-in", seed: "random", format: "32 characters, letters and digits" },
  { name: "keycloak-db-password", purpose: "password of the in-cluster Keycloak database", seed: "random", format: "32 characters, letters and digits", keycloakDatabase: "inCluster" },
  { name: "oauth2-proxy-client-secret", purpose: "secret of the Keycloak client `codemie` that oauth2-proxy uses", seed: "random", format: "32 characters, letters and digits" },
  { name: "oauth2-proxy-cookie-secret", purpose: "oauth2-proxy cookie encryption secret", seed: "random", format: "exactly 32 characters, letters and digits" },
  { name: "litellm-master-key", purpose: "LiteLLM master key", seed: "random", format: "\"sk-\" followed by 32 letters and digits", component: "llmProxy" },
  { name: "litellm-app-key", purpose: "LiteLLM virtual key the CodeMie API uses (register it in LiteLLM with /key/generate, see README)", seed: "random", format: "\"sk-\" followed by 32 letters and digits", component: "llmProxy" },
  { name: "nats-callout-password", purpose: "NATS auth-callout user password", seed: "operator", component: "nats" },
  { name: "nats-callout-bcrypted-password", purpose: "bcrypt hash of nats-callout-password (`nats server passwd`)", seed: "operator", component: "nats" },
  { name: "nats-codemie-password", purpose: "NATS user `codemie` password", seed: "operator", component: "nats" },
  { name: "nats-codemie-bcrypted-password", purpose: "bcrypt hash of nats-codemie-password", seed: "operator", component: "nats" },
  { name: "nats-issuer-nkey", purpose: "account public nkey of the auth-callout issuer (`nsc generate nkey --account`)", seed: "operator", component: "nats" },
  { name: "nats-issuer-nseed", purpose: "seed of nats-issuer-nkey", seed: "operator", component: "nats" },
  { name: "nats-issuer-xkey", purpose: "curve public xkey of the auth callout (`nsc generate nkey --curve`)", seed: "operator", component: "nats" },
  { name: "nats-issuer-xseed", purpose: "seed of nats-issuer-xkey", seed: "operator", component: "nats" },
  { name: "codemie-tls", purpose: "TLS certificate of the ingress host, imported into Key Vault as a PEM certificate named like network.ingress.tlsSecretName", seed: "operator", format: "PEM certificate with private key", tls: true },
] as const satisfies readonly VaultSecret[];

export type VaultSecretName = (typeof VAULT_SECRETS)[number]["name"];
