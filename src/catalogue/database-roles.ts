// Least-privilege PostgreSQL: each application logs in to the managed server with a role of its
// own, limited to its own database, whose password is a Key Vault secret of its own. A Flux Job
// (the "databases" layer, before any application) creates the roles idempotently; it signs in to
// the server with Microsoft Entra ID through workload identity, as an Entra administrator of the
// server, so the server's password administrator is used by nothing in the cluster.
import { KEYCLOAK_DB_IMAGE } from "./platform.js";
import type { ReleaseIdentity } from "./release.js";
import type { LayoutSources, LayoutValues, VaultSecretName } from "./secrets.js";

/** One application's login on the managed server. */
export interface DatabaseRole {
  /** Database on the server (src/model/postgres-databases.ts creates it). */
  database: string;
  /** Login role: owner of `database`, CONNECT on nothing else. */
  role: string;
  /** Key Vault secret holding the role's password (seeded randomly by the deploy). */
  secret: VaultSecretName;
}

/** Every application database's role; an environment uses those of the databases it has. */
export const DATABASE_ROLES = [
  { database: "codemie", role: "codemie", secret: "codemie-db-password" },
  { database: "keycloak", role: "keycloak", secret: "keycloak-db-password" },
  { database: "litellm", role: "litellm", secret: "litellm-db-password" },
] as const satisfies readonly DatabaseRole[];

type DatabaseName = (typeof DATABASE_ROLES)[number]["database"];
type Known<Name extends DatabaseName> = Name;
/** The databases the rows' Kubernetes secret layouts name: one without a role here is a type error. */
export type LayoutDatabase = Known<
  | Extract<LayoutSources, { passwordOf: unknown }>["passwordOf"]
  | Extract<LayoutValues, { roleOf: unknown }>["roleOf"]
  | Extract<LayoutValues, { databaseOf: unknown }>["databaseOf"]
>;

/** The role of one application database. */
export function databaseRole(database: DatabaseName): DatabaseRole {
  return DATABASE_ROLES.find((r) => r.database === database) as DatabaseRole;
}

/** The Job that creates the roles: its namespace, account, identity and images. */
export const ROLES_JOB = {
  key: "postgresRoles",
  /** A namespace of its own, so its NetworkPolicy allows exactly PostgreSQL and Entra ID. */
  namespace: "codemie-db-roles",
  name: "postgres-roles",
  /**
   * No Azure RBAC role: the identity is made an Entra administrator of the PostgreSQL server
   * (Microsoft.DBforPostgreSQL/flexibleServers/administrators, bicep/modules/postgres.bicep).
   */
  identity: {
    serviceAccount: "postgres-roles",
    clientIdVariable: "POSTGRES_ROLES_CLIENT_ID",
    roles: [],
  },
  /**
   * psql and perl (the SCRAM verifiers): the image the in-cluster Keycloak database already runs.
   * It has no CA store and no HTTP client, so the Entra token comes from an init container.
   */
  image: KEYCLOAK_DB_IMAGE,
  /**
   * The init container that exchanges the service-account token for an Entra token runs the
   * CodeMie API's image: Python with azure-identity (the API signs in to Key Vault with it) and
   * certifi's CA bundle, which it also hands to psql for verify-full TLS. No third image.
   */
  tokenImageOf: "api",
  /** Entra ID scope of Azure Database for PostgreSQL tokens. */
  tokenScope: "https://ossrdbms-aad.database.windows.net/.default",
} as const satisfies { identity: ReleaseIdentity; [k: string]: unknown };
