// Workloads that reach Azure with a managed identity through AKS workload identity. The
// Bicep renderer federates each identity with this service account; the GitOps renderer
// annotates the same service account with the identity's client ID.
import type { ComponentKey } from "./components.js";

export interface WorkloadIdentity {
  key: "api" | "llmProxy" | "externalSecrets";
  /** Component whose enablement decides whether the identity exists; undefined = always. */
  component?: ComponentKey;
  namespace: string;
  serviceAccount: string;
  /** Azure built-in roles granted, by target resource. */
  roles: { target: "keyVault" | "storage" | "openai"; role: keyof typeof ROLE_IDS }[];
}

/** Built-in role definition IDs (learn.microsoft.com/azure/role-based-access-control/built-in-roles). */
export const ROLE_IDS = {
  "Key Vault Crypto User": "12338af0-0e69-4776-bea7-57ae8d297424",
  "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
  "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
  "Cognitive Services OpenAI User": "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd",
} as const;

export const WORKLOAD_IDENTITIES: readonly WorkloadIdentity[] = [
  {
    key: "api",
    component: "api",
    namespace: "codemie",
    serviceAccount: "codemie-api",
    roles: [
      { target: "keyVault", role: "Key Vault Crypto User" },
      { target: "storage", role: "Storage Blob Data Contributor" },
    ],
  },
  {
    key: "llmProxy",
    component: "llmProxy",
    namespace: "litellm",
    serviceAccount: "litellm",
    roles: [{ target: "openai", role: "Cognitive Services OpenAI User" }],
  },
  {
    key: "externalSecrets",
    namespace: "external-secrets",
    serviceAccount: "external-secrets",
    roles: [{ target: "keyVault", role: "Key Vault Secrets User" }],
  },
];
