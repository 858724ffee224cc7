// The platform around the resource table: where CodeMie's own charts and images live and the
// fixed names the tree shares. The releases themselves are described once each: table rows in
// components.ts, add-ons in addons.ts, both listed by releases.ts.

export { LAYERS, type Layer } from "./release.js";
export { ADDONS, type Addon, type AddonKey } from "./addons.js";
export { COMPANION_RELEASES } from "./releases.js";

/** CodeMie's registry: charts (OCI) and images, both versioned with the CodeMie release. */
export const CODEMIE_REGISTRY = {
  /** Registry host the image-pull secret authenticates to. */
  host: "europe-west3-docker.pkg.dev",
  charts: "oci://europe-west3-docker.pkg.dev/or2-msq-epmd-edp-anthos-t1iylu/helm-charts",
  /** Image path since CodeMie 2.42 (`prod` before). */
  images: "europe-west3-docker.pkg.dev/or2-msq-epmd-edp-anthos-t1iylu/codemie-clients-releases",
  /** docker-registry secret (user `_json_key`, password = the key.json the CodeMie team issues). */
  pullSecret: "gcp-artifact-registry",
} as const;

/** The StorageClass the tree creates for every persistent volume (Azure Disk CSI, Premium SSD). */
export const STORAGE_CLASS = "codemie-premium";

/** Keycloak realm CodeMie uses (fixed by the product). */
export const KEYCLOAK_REALM = "codemie-prod";

/** Image of the in-cluster Keycloak database (the table's "+ DB"). */
export const KEYCLOAK_DB_IMAGE = "docker.io/library/postgres:16.6";

/** RSA key in the environment's Key Vault for CodeMie's envelope encryption (ENCRYPTION_TYPE=azure). */
export const ENCRYPTION_KEY_NAME = "codemie-key";

/**
 * The PostgreSQL server's password-auth administrator. Nothing in the cluster logs in as it: the applications
 * have roles of their own (database-roles.ts); its name only tells the roles Job whose objects to hand over.
 */
export const POSTGRES_ADMIN_LOGIN = "pgadmin";
