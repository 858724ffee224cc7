// The Key Vault secrets CodeMie's workloads read, by name only. Values never appear in this
// repository or in the rendered tree: the deploy step seeds the `random` ones once with strong
// values, an operator uploads the `operator` ones, and the External Secrets Operator copies
// them into the Kubernetes secrets listed in docs/gitops-tree.md. Secrets of one table row live
// in its descriptor (components.ts); this file adds the platform's own and lists them all.
import { COMPONENTS, type ComponentKey } from "./components.js";
import type { SecretSpec } from "./vault-secret.js";

export interface VaultSecret extends SecretSpec {
  /** Only needed when this component is enabled. */
  component?: ComponentKey;
}

/** Secrets of the platform as a whole, not of one row. */
const PLATFORM_SECRETS = [
  {
    name: "codemie-registry-key",
    purpose:
      "key.json of the Google service account the CodeMie team issues for its " +
      "registry (expires every 90 days: upload a new version)",
    seed: "operator",
    format: "the key.json file content",
  },
  {
    name: "postgres-admin-password",
    purpose:
      "administrator password of the PostgreSQL Flexible Server (the Bicep " +
      "sets it; nothing in the cluster reads it: applications log in with " +
      "their own roles)",
    seed: "random",
    format: "32 characters, letters and digits",
    deployOnly: true,
  },
  {
    name: "codemie-admin-password",
    purpose:
      "first password of CodeMie's first administrator (login.firstAdmin), " +
      "temporary: Keycloak asks for a new one at the first sign-in",
    seed: "random",
    format: "32 characters, letters and digits",
  },
] as const satisfies readonly VaultSecret[];

/** The ingress certificate: its Key Vault name is the environment's network.ingress.tlsSecretName. */
const TLS_SECRET = {
  name: "codemie-tls",
  purpose:
    "TLS certificate of the ingress host, imported into Key Vault as a PEM " +
    "certificate named like network.ingress.tlsSecretName",
  seed: "operator",
  format: "PEM certificate with private key",
  tls: true,
} as const satisfies VaultSecret;

type RowSecret = Extract<(typeof COMPONENTS)[number], { secrets: unknown }>["secrets"][number] & {
  component?: ComponentKey;
};

/** Platform secrets, then each row's in catalogue order (tied to the row when it is optional), then the certificate. */
export const VAULT_SECRETS: readonly ((typeof PLATFORM_SECRETS)[number] | RowSecret | typeof TLS_SECRET)[] = [
  ...PLATFORM_SECRETS,
  ...COMPONENTS.flatMap((c) =>
    "secrets" in c ? c.secrets.map((s) => (c.optional ? { ...s, component: c.key } : s)) : [],
  ),
  TLS_SECRET,
];

export type VaultSecretName = (typeof VAULT_SECRETS)[number]["name"];

// What the rows' Kubernetes secret layouts (kubernetesSecrets in components.ts) name is checked when it compiles: a
// Key Vault secret no descriptor declares or a reader that is not a row is a type error (database-roles.ts checks
// the databases they name).
export type RowSecretLayout = Extract<
  (typeof COMPONENTS)[number],
  { kubernetesSecrets: unknown }
>["kubernetesSecrets"][number];
export type LayoutSources = RowSecretLayout extends infer L
  ? L extends { data: infer D }
    ? D[keyof D]
    : never
  : never;
export type LayoutValues = RowSecretLayout extends infer L ? (L extends { keys: infer K } ? K[keyof K] : never) : never;
type Declared<Name extends VaultSecretName> = Name;
type Row<Key extends ComponentKey> = Key;
export type LayoutVaultSecret = Declared<Extract<LayoutSources, string>>;
export type LayoutReader = Row<
  RowSecretLayout extends infer L ? (L extends { in: readonly (infer R)[] } ? R : never) : never
>;
