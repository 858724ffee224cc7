// The PostgreSQL roles Job of an environment (src/catalogue/database-roles.ts): which roles it
// converges, the secret their passwords come from, and the context of its template
// (helm-values/flux/postgres-roles.yaml.hbs), which holds the script.
import { sized } from "../../capacity/limits.js";
import { DATABASE_ROLES, ROLES_JOB, type DatabaseRole } from "../../catalogue/database-roles.js";
import { CODEMIE_REGISTRY } from "../../catalogue/platform.js";
import { releaseDescriptor } from "../../catalogue/releases.js";
import type { Environment } from "../../model/environment.js";
import { postgresDatabases } from "../../model/postgres-databases.js";
import { CLIENT_ID_VARIABLES } from "./contract.js";
import { fluxVar } from "./flux.js";
import { workloadsNodeSelector } from "./scheduling.js";

/** Kubernetes secret in the Job's namespace: one key per role, its password. */
export const ROLE_PASSWORDS_SECRET = "postgres-role-passwords";

/**
 * Its two containers: the Entra token exchange (Python, whose start-up peaks at twice its steady
 * memory) and psql with perl; limits from src/capacity/limits.ts.
 */
export const ROLES_JOB_RESOURCES = {
  token: sized({ cpu: "50m", memory: "128Mi" }, "256Mi"),
  roles: sized({ cpu: "50m", memory: "64Mi" }, "128Mi"),
} as const;

/** The Job's activeDeadlineSeconds, in minutes: its layer waits this long, and five more. */
export const ROLES_JOB_MINUTES = 20;

/** The roles of the databases this environment has on the managed server, in catalogue order. */
export function rolesOf(env: Environment): DatabaseRole[] {
  const databases = new Set(postgresDatabases(env));
  return DATABASE_ROLES.filter((r) => databases.has(r.database));
}

/** The template's context. */
export function postgresRolesContext(env: Environment): object {
  const tokenImage = releaseDescriptor(ROLES_JOB.tokenImageOf).image;
  if (!tokenImage || !("codemie" in tokenImage))
    throw new Error(`release ${ROLES_JOB.tokenImageOf} has no CodeMie image`);
  return {
    name: ROLES_JOB.name,
    deadlineSeconds: ROLES_JOB_MINUTES * 60,
    namespace: ROLES_JOB.namespace,
    serviceAccount: ROLES_JOB.identity.serviceAccount,
    clientId: fluxVar(CLIENT_ID_VARIABLES[ROLES_JOB.key]),
    pullSecret: CODEMIE_REGISTRY.pullSecret,
    nodeSelector: workloadsNodeSelector(),
    passwordsSecret: ROLE_PASSWORDS_SECRET,
    tokenImage: `${CODEMIE_REGISTRY.images}/${tokenImage.codemie}:${env.codemieVersion}`,
    tokenScope: ROLES_JOB.tokenScope,
    image: ROLES_JOB.image,
    host: fluxVar("POSTGRES_HOST"),
    // The identity is the server's Entra administrator under its own name (bicep/modules/postgres.bicep).
    login: env.names.identities[ROLES_JOB.key],
    roles: rolesOf(env)
      .map((r) => `${r.role}:${r.database}`)
      .join(" "),
    legacyOwner: fluxVar("POSTGRES_ADMIN_LOGIN"),
    resources: ROLES_JOB_RESOURCES,
  };
}
