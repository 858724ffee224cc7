// Workloads that reach Azure with a managed identity through AKS workload identity, read from
// the release descriptors that declare one (components.ts, addons.ts). The Bicep renderer
// federates each identity with its service account; the GitOps renderer annotates the same
// service account with the identity's client ID.
import { ADDONS } from "./addons.js";
import { COMPONENTS, type ComponentKey } from "./components.js";
import { ROLES_JOB } from "./database-roles.js";
import type { ReleaseIdentity } from "./release.js";

export { ROLE_IDS } from "./release.js";

type WithIdentity<T> = Extract<T, { identity: unknown }>;
type Declaring = WithIdentity<(typeof COMPONENTS)[number]> | WithIdentity<(typeof ADDONS)[number]> | typeof ROLES_JOB;
export type WorkloadIdentityKey = Declaring["key"];
/** Substitution variable carrying an identity's client ID, as its descriptor names it. */
export type ClientIdVariable = Declaring["identity"]["clientIdVariable"];

export interface WorkloadIdentity extends ReleaseIdentity {
  key: WorkloadIdentityKey;
  /** Component whose enablement decides whether the identity exists; undefined = always. */
  component?: ComponentKey;
  namespace: string;
}

/** Table rows in catalogue order, the add-ons, then the PostgreSQL roles Job (the Bicep identity array order). */
export const WORKLOAD_IDENTITIES: readonly WorkloadIdentity[] = [
  ...COMPONENTS.flatMap((c) =>
    "identity" in c ? [{ key: c.key, component: c.key, namespace: c.namespace, ...c.identity }] : [],
  ),
  ...ADDONS.flatMap((a) => ("identity" in a ? [{ key: a.key, namespace: a.namespace, ...a.identity }] : [])),
  { key: ROLES_JOB.key, namespace: ROLES_JOB.namespace, ...ROLES_JOB.identity },
];
