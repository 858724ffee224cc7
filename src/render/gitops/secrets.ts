// Every Kubernetes secret CodeMie needs, as an ExternalSecret that copies named Key Vault
// secrets (never values) into the namespaces that read them. Each row's secrets are laid out in
// its descriptor (src/catalogue/components.ts, shape in secret-layout.ts); this file places them in
// the namespaces of the enabled rows and adds the platform's own.
import {
  clusterComponents,
  component,
  COMPONENTS,
  type Component,
  type ComponentKey,
} from "../../catalogue/components.js";
import { DATABASE_ROLES, ROLES_JOB, type DatabaseRole } from "../../catalogue/database-roles.js";
import { CODEMIE_REGISTRY } from "../../catalogue/platform.js";
import { RELEASES } from "../../catalogue/releases.js";
import type { SecretLayout, SecretValue } from "../../catalogue/secret-layout.js";
import type { VaultSecretName } from "../../catalogue/secrets.js";
import type { Environment } from "../../model/environment.js";
import { FLUX, isEnabled, workloadIdentity } from "./contract.js";
import { FIRST_ADMIN_SECRET, firstAdminNamespace } from "./first-admin.js";
import { fluxVar, type FluxText } from "./flux.js";
import { ROLE_PASSWORDS_SECRET, rolesOf } from "./postgres-roles.js";

export const SECRET_STORE = "azure-key-vault";

export interface ExternalSecretSpec {
  name: string;
  namespace: string;
  /** Kubernetes secret type when not Opaque. */
  type?: string;
  /** secret key in the ESO template → Key Vault secret it reads. */
  data: Array<{ secretKey: string; remoteKey: string }>;
  /** Keys of the resulting Kubernetes secret, as ESO (v2) templates. */
  template?: Array<{ key: string; value: string | FluxText }>;
}

function ns(key: ComponentKey): string {
  const n = component(key).namespace;
  if (!n) throw new Error(`component ${key} has no namespace`);
  return n;
}

const ref = (name: string): string => `{{ .${name} }}`;
/**
 * A Kubernetes secret key read from a Key Vault secret of the catalogue (or the TLS certificate, named by the
 * environment).
 */
const remote = (secretKey: string, remoteKey: VaultSecretName | { tlsCertificate: string }) => ({
  secretKey,
  remoteKey: typeof remoteKey === "string" ? remoteKey : remoteKey.tlsCertificate,
});

/** The ExternalSecrets of an environment, sorted by namespace then name. */
export function externalSecrets(env: Environment): ExternalSecretSpec[] {
  const out = [...platformSecrets(env), ...rowSecrets(env)];
  return out.sort((a, b) => (a.namespace === b.namespace ? cmp(a.name, b.name) : cmp(a.namespace, b.namespace)));
}

/** The Kubernetes secrets the enabled rows declare in their descriptors (components.ts), one per reading namespace. */
function rowSecrets(env: Environment): ExternalSecretSpec[] {
  return (COMPONENTS as readonly Component[])
    .filter((c) => isEnabled(env, c.key as ComponentKey))
    .flatMap((c) =>
      (c.kubernetesSecrets ?? []).flatMap((layout) => {
        const readers = (layout.in ?? [c.key]).filter((reader) => isEnabled(env, reader as ComponentKey));
        // Readers that share a namespace share one copy.
        const namespaces = new Set(readers.map((reader) => ns(reader as ComponentKey)));
        return [...namespaces].map((namespace) => fromLayout(layout, namespace));
      }),
    );
}

function fromLayout(layout: SecretLayout, namespace: string): ExternalSecretSpec {
  const data = Object.entries(layout.data).map(([secretKey, source]) => ({
    secretKey,
    remoteKey: typeof source === "string" ? source : loginOf(source.passwordOf).secret,
  }));
  const keys = layout.keys;
  return {
    name: layout.name,
    namespace,
    data,
    ...(keys ? { template: Object.entries(keys).map(([key, value]) => ({ key, value: valueOf(value) })) } : {}),
  };
}

function valueOf(value: SecretValue): string | FluxText {
  if (typeof value === "string") return value;
  if ("vault" in value) return ref(value.vault);
  if ("output" in value) return fluxVar(value.output);
  if ("roleOf" in value) return loginOf(value.roleOf).role;
  return loginOf(value.databaseOf).database;
}

function loginOf(database: string): DatabaseRole {
  const login = DATABASE_ROLES.find((r) => r.database === database);
  if (!login) throw new Error(`no database role for ${database} in src/catalogue/database-roles.ts`);
  return login;
}

/** Secrets of the platform, not of one row: registry pulls, the roles Job's passwords, the first admin, TLS. */
function platformSecrets(env: Environment): ExternalSecretSpec[] {
  const out: ExternalSecretSpec[] = [];
  // Image pulls and OCI chart pulls from CodeMie's registry, with the key.json as password: Flux's namespace,
  // the roles Job's (its token step runs the API's image) and that of every enabled release with a CodeMie image.
  const registryNamespaces = new Set<string>([FLUX.namespace, ROLES_JOB.namespace]);
  for (const r of RELEASES)
    if (r.image && "codemie" in r.image && (!r.component || isEnabled(env, r.component)))
      registryNamespaces.add(r.namespace);
  const dockerConfig =
    `{"auths":{"${CODEMIE_REGISTRY.host}":{"username":"_json_key","password":{{ .key | toJson }},` +
    `"auth":"{{ printf "_json_key:%s" .key | b64enc }}"}}}`;
  for (const namespace of registryNamespaces) {
    out.push({
      name: CODEMIE_REGISTRY.pullSecret,
      namespace,
      type: "kubernetes.io/dockerconfigjson",
      data: [remote("key", "codemie-registry-key")],
      template: [{ key: ".dockerconfigjson", value: dockerConfig }],
    });
  }

  // The roles Job reads every role's password, one key per role.
  out.push({
    name: ROLE_PASSWORDS_SECRET,
    namespace: ROLES_JOB.namespace,
    data: rolesOf(env).map((r) => remote(r.role, r.secret)),
  });

  out.push({
    name: FIRST_ADMIN_SECRET.name,
    namespace: firstAdminNamespace(),
    data: [remote(FIRST_ADMIN_SECRET.key, "codemie-admin-password")],
  });

  // The ingress certificate, in the namespace of every enabled row that serves an Ingress on the host.
  if (env.network.ingress.tls) {
    const tlsNamespaces = clusterComponents()
      .filter((c) => c.servesIngress && isEnabled(env, c.key as ComponentKey))
      .map((c) => c.namespace);
    for (const namespace of new Set(tlsNamespaces)) {
      out.push({
        name: env.network.ingress.tlsSecretName,
        namespace,
        type: "kubernetes.io/tls",
        data: [remote("certificate", { tlsCertificate: env.network.ingress.tlsSecretName })],
        template: [
          { key: "tls.crt", value: `{{ .certificate | filterPEM "CERTIFICATE" }}` },
          { key: "tls.key", value: `{{ .certificate | filterPEM "PRIVATE KEY" }}` },
        ],
      });
    }
  }
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The ClusterSecretStore: the environment's Key Vault through the ESO identity (workload identity). */
export function secretStore(env: Environment): object {
  const namespaces = [...new Set(externalSecrets(env).map((s) => s.namespace))].sort();
  const id = workloadIdentity("externalSecrets");
  return {
    name: SECRET_STORE,
    vaultUrl: fluxVar("KEY_VAULT_URI"),
    tenantId: env.azure.tenantId,
    serviceAccount: { name: id.serviceAccount, namespace: id.namespace },
    namespaces,
  };
}
