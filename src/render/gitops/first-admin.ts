// CodeMie's first administrator, declared as a KeycloakRealmUser beside the realm (oauth2-proxy's
// extraObjects): role admin, email verified (oauth2-proxy identifies users by their email), the
// first password from Key Vault (ESO secret below), temporary so Keycloak asks for a new one at
// the first sign-in. addOnly: the operator creates the user once and never resets what the
// administrator changed since (password, roles given in the console), so re-applying is harmless.
import { component } from "../../catalogue/components.js";
import { DEFAULTS } from "../../model/defaults.js";
import type { Environment } from "../../model/environment.js";

/** The Kubernetes secret (namespace of oauth2-proxy) holding the first password. */
export const FIRST_ADMIN_SECRET = { name: "codemie-first-admin", key: "password" } as const;

export interface FirstAdmin {
  username: string;
  email: string;
  roles: string[];
  /** CodeMie's project membership attribute, when the file names projects. */
  applications?: string[];
  passwordSecret: { name: string; key: string };
}

export function firstAdmin(env: Environment): FirstAdmin {
  const file = env.login?.firstAdmin ?? {};
  const username = file.username ?? DEFAULTS.firstAdmin.username;
  const projects = file.projects ?? [];
  return {
    username,
    email: file.email ?? `${username}@${env.network.ingress.host}`,
    roles: ["admin"],
    ...(projects.length > 0 ? { applications: projects } : {}),
    passwordSecret: { ...FIRST_ADMIN_SECRET },
  };
}

export function firstAdminNamespace(): string {
  const ns = component("oauth2Proxy").namespace;
  if (!ns) throw new Error("oauth2-proxy has no namespace");
  return ns;
}
