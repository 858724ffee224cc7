// Every Kubernetes secret CodeMie needs, as an ExternalSecret that copies named Key Vault
// secrets (never values) into the namespaces that read them. Non-secret parts of a secret
// (user names, database names, hosts from the deployment outputs) are filled in by ESO's
// template, so each Kubernetes secret has exactly the keys its consumers expect.
import { component, type ComponentKey } from "../../catalogue/components.js";
import { databaseRole, ROLES_JOB } from "../../catalogue/database-roles.js";
import { CODEMIE_REGISTRY } from "../../catalogue/platform.js";
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
  const out: ExternalSecretSpec[] = [];
  const enabled = (k: ComponentKey) => isEnabled(env, k);

  // Image pulls and OCI chart pulls from CodeMie's registry, with the key.json as password
  // (the roles Job's token step runs the API's image).
  const registryNamespaces = [FLUX.namespace, ns("api"), ROLES_JOB.namespace];
  if (enabled("mcpConnect")) registryNamespaces.push(ns("mcpConnect"));
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

  // Each application logs in with its own role (database-roles.ts), never as the server's administrator.
  const codemie = databaseRole("codemie");
  out.push({
    name: "codemie-postgresql",
    namespace: ns("api"),
    data: [remote("password", codemie.secret)],
    template: [
      { key: "PG_HOST", value: fluxVar("POSTGRES_HOST") },
      { key: "PG_NAME", value: codemie.database },
      { key: "PG_PASS", value: ref("password") },
      { key: "PG_USER", value: codemie.role },
    ],
  });
  // The roles Job reads every role's password, one key per role.
  out.push({
    name: ROLE_PASSWORDS_SECRET,
    namespace: ROLES_JOB.namespace,
    data: rolesOf(env).map((r) => remote(r.role, r.secret)),
  });

  const elasticNamespaces = [ns("elasticsearch"), ns("api")];
  if (enabled("fluentBit")) elasticNamespaces.push(ns("fluentBit"));
  for (const namespace of elasticNamespaces) {
    out.push({
      name: "elasticsearch-master-credentials",
      namespace,
      data: [remote("password", "elasticsearch-password")],
      template: [
        { key: "password", value: ref("password") },
        { key: "username", value: "elastic" },
      ],
    });
  }

  if (enabled("kibana")) {
    out.push({
      name: "kibana-encryption-keys",
      namespace: ns("kibana"),
      data: [
        remote("encryptedSavedObjects.encryptionKey", "kibana-saved-objects-key"),
        remote("reporting.encryptionKey", "kibana-reporting-key"),
        remote("security.encryptionKey", "kibana-security-key"),
      ],
    });
  }

  for (const namespace of [ns("keycloak"), ns("oauth2Proxy")]) {
    out.push({
      name: "keycloak-admin",
      namespace,
      data: [remote("password", "keycloak-admin-password")],
      template: [
        { key: "password", value: ref("password") },
        { key: "username", value: "admin" },
      ],
    });
  }

  // The same login for the in-cluster database and for the role on the managed server.
  const keycloak = databaseRole("keycloak");
  out.push({
    name: "keycloak-postgresql",
    namespace: ns("keycloak"),
    data: [remote("password", keycloak.secret)],
    template: [
      { key: "password", value: ref("password") },
      { key: "username", value: keycloak.role },
    ],
  });

  out.push({
    name: "oauth2-proxy",
    namespace: ns("oauth2Proxy"),
    data: [remote("clientSecret", "oauth2-proxy-client-secret"), remote("cookieSecret", "oauth2-proxy-cookie-secret")],
    template: [
      { key: "client-id", value: "codemie" },
      { key: "client-secret", value: ref("clientSecret") },
      { key: "cookie-secret", value: ref("cookieSecret") },
    ],
  });

  out.push({
    name: FIRST_ADMIN_SECRET.name,
    namespace: firstAdminNamespace(),
    data: [remote(FIRST_ADMIN_SECRET.key, "codemie-admin-password")],
  });

  if (enabled("nats")) {
    out.push({
      name: "codemie-nats-secrets",
      namespace: ns("nats"),
      data: [
        remote("calloutPassword", "nats-callout-password"),
        remote("calloutBcrypted", "nats-callout-bcrypted-password"),
        remote("codemiePassword", "nats-codemie-password"),
        remote("codemieBcrypted", "nats-codemie-bcrypted-password"),
        remote("issuerNkey", "nats-issuer-nkey"),
        remote("issuerNseed", "nats-issuer-nseed"),
        remote("issuerXkey", "nats-issuer-xkey"),
        remote("issuerXseed", "nats-issuer-xseed"),
      ],
      template: [
        { key: "CALLOUT_BCRYPTED_PASSWORD", value: ref("calloutBcrypted") },
        { key: "CALLOUT_PASSWORD", value: ref("calloutPassword") },
        { key: "CALLOUT_USERNAME", value: "callout" },
        { key: "CODEMIE_BCRYPTED_PASSWORD", value: ref("codemieBcrypted") },
        { key: "CODEMIE_PASSWORD", value: ref("codemiePassword") },
        { key: "CODEMIE_USERNAME", value: "codemie" },
        { key: "ISSUER_NKEY", value: ref("issuerNkey") },
        { key: "ISSUER_NSEED", value: ref("issuerNseed") },
        { key: "ISSUER_XKEY", value: ref("issuerXkey") },
        { key: "ISSUER_XSEED", value: ref("issuerXseed") },
        { key: "NATS_URL", value: `nats://codemie-nats.${ns("nats")}.svc.cluster.local:4222` },
      ],
    });
  }

  if (enabled("llmProxy")) {
    out.push(
      {
        name: "litellm-masterkey",
        namespace: ns("llmProxy"),
        data: [remote("masterkey", "litellm-master-key")],
      },
      {
        name: "litellm-postgresql",
        namespace: ns("llmProxy"),
        data: [remote("password", databaseRole("litellm").secret)],
        template: [
          { key: "password", value: ref("password") },
          { key: "username", value: databaseRole("litellm").role },
        ],
      },
      {
        name: "litellm-integration",
        namespace: ns("api"),
        data: [remote("litellm-app-key", "litellm-app-key"), remote("litellm-master-key", "litellm-master-key")],
      },
    );
  }

  if (env.network.ingress.tls) {
    const tlsNamespaces = [ns("api"), ns("keycloak"), ns("oauth2Proxy")];
    if (enabled("kibana")) tlsNamespaces.push(ns("kibana"));
    for (const namespace of tlsNamespaces) {
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

  return out.sort((a, b) => (a.namespace === b.namespace ? cmp(a.name, b.name) : cmp(a.namespace, b.namespace)));
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
