// The databases on the environment's managed PostgreSQL server: one list, which the Bicep creates,
// the capacity plan sizes the server for, and LiteLLM's values connect to.

/** LiteLLM's database, as its Helm values name it (db.database) and the Bicep creates it. */
export const LITELLM_DATABASE = "litellm";

export interface PostgresDatabaseInput {
  keycloakDatabase: "inCluster" | "managed";
  components: readonly { key: string; enabled: boolean }[];
}

/** CodeMie's own database, plus Keycloak's and LiteLLM's when they live on the managed server. */
export function postgresDatabases(env: PostgresDatabaseInput): string[] {
  const databases = ["codemie"];
  if (env.keycloakDatabase === "managed") databases.push("keycloak");
  if (env.components.some((c) => c.key === "llmProxy" && c.enabled)) databases.push(LITELLM_DATABASE);
  return databases;
}
