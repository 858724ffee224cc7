// The shape of a Kubernetes secret a row's workloads read: the External Secrets Operator fills it
// from Key Vault secrets (by name, never values), and its ESO template adds the keys that are not
// secret (user names, hosts from the deployment outputs), so each Kubernetes secret has exactly the
// keys its consumers expect. Rows declare theirs in their descriptor (components.ts); the GitOps
// renderer (src/render/gitops/secrets.ts) turns them into ExternalSecrets.

/** One key of the Kubernetes secret. */
export type SecretValue =
  /** A literal that is not secret (a user name, an in-cluster URL). */
  | string
  /** The Key Vault secret read into this `data` entry. */
  | { vault: string }
  /** A deployment output (a substitution variable of ConfigMap codemie-infra-outputs), e.g. POSTGRES_HOST. */
  | { output: string }
  /** The login role, or its database, of one application database (database-roles.ts). */
  | { roleOf: string }
  | { databaseOf: string };

/** Where a `data` entry comes from: a Key Vault secret by name, or the password of an application database's role. */
export type SecretSource = string | { passwordOf: string };

export interface SecretLayout {
  /** Name of the Kubernetes secret. */
  name: string;
  /**
   * Rows (component keys) whose namespaces receive a copy, each only while it is enabled; the row's own namespace
   * when absent.
   */
  in?: readonly string[];
  /** ESO data key → where its value comes from. */
  data: Readonly<Record<string, SecretSource>>;
  /** Keys of the Kubernetes secret; the `data` keys as they are when absent. */
  keys?: Readonly<Record<string, SecretValue>>;
}
