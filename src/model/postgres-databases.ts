// The databases on the environment's managed PostgreSQL server, from the one list of
// src/catalogue/database-roles.ts: the Bicep creates them, the capacity plan sizes the server for
// them, the roles Job gives each its role.
import { DATABASE_ROLES } from "../catalogue/database-roles.js";

export interface PostgresDatabaseInput {
  keycloakDatabase: "inCluster" | "managed";
  components: readonly { key: string; enabled: boolean }[];
}

/** Each database whose row is enabled; Keycloak's only when it lives on the managed server. */
export function postgresDatabases(env: PostgresDatabaseInput): string[] {
  const enabled = (key: string) => env.components.find((c) => c.key === key)?.enabled ?? true;
  return DATABASE_ROLES.filter(
    (r) => enabled(r.component) && (!("managedWhenChosen" in r) || env.keycloakDatabase === "managed"),
  ).map((r) => r.database);
}
