// The component catalogue: the single source of truth for the twelve rows of the CodeMie
// resource table ("production sizing for 500+ concurrent users", see README "Reading the
// resource table"). The JSON Schema, the sizing profiles, the capacity planner, the
// renderers and the generated docs all read this list; nothing else restates it. Each
// in-cluster row is also the descriptor of its Helm release (chart, layer, image, timeout,
// install order and repair policy) and of its secrets (Key Vault and the Kubernetes secrets laid
// out from them); its values builder is in src/render/gitops/values.ts,
// whose VALUES_BUILDERS map refuses to compile without one for every release.
import type { ChartRef, ReleaseTraits } from "./release.js";
import type { SecretLayout } from "./secret-layout.js";
import type { SecretSpec } from "./vault-secret.js";

/** How a component runs. `managed` means an Azure service, not a pod. */
export type WorkloadKind = "Deployment" | "StatefulSet" | "DaemonSet" | "managed";

/** Requests of one pod. Quantities are Kubernetes quantity strings. */
export interface PodSize {
  memory: string;
  cpu: string;
}

/** A second workload that the table counts in the same row ("Keycloak + DB"). */
export interface Companion {
  key: string;
  displayName: string;
  kind: Exclude<WorkloadKind, "managed">;
  replicas: number;
  /** Not given by the table; our stated default (README explains the choice). */
  size: PodSize;
  storage?: string;
}

export type { ChartRef } from "./release.js";

/** A companion that installs as a Helm release of its own (the Keycloak DB is plain manifests instead). */
export interface CompanionRelease extends Omit<ReleaseTraits, "layer"> {
  release: string;
  chart: ChartRef;
  /** Installs this much after its parent, in the parent's layer and namespace. */
  orderOffset: number;
}

interface ComponentBase {
  /** Stable key used in environment files, the model and rendered names. */
  key: string;
  /** The row's name as printed in the resource table. */
  displayName: string;
  /** Storage per pod (or per server for managed services), from the table. */
  storage?: string;
  /** Optional components may be disabled per environment; the rest are the platform's core. */
  optional: boolean;
  /** Position in the install order (lower installs first); see docs "Install order". */
  order: number;
  /** One line for schema descriptions and docs. */
  summary: string;
  /** Key Vault secrets only this row's workloads read (needed while it is enabled). */
  secrets?: readonly SecretSpec[];
  /** Kubernetes secrets its workloads read, filled from Key Vault while the row is enabled. */
  kubernetesSecrets?: readonly SecretLayout[];
}

/** An Azure service, not a pod: no release, no chart, no layer. */
export interface ManagedComponent extends ComponentBase {
  kind: "managed";
  replicas: "none";
  size?: undefined;
  companion?: undefined;
  namespace?: undefined;
  release?: undefined;
  chart?: undefined;
  layer?: undefined;
}

/** A row with pods in the cluster: one Helm release with everything the GitOps tree needs to install it. */
export interface ClusterComponent extends ComponentBase, ReleaseTraits {
  kind: Exclude<WorkloadKind, "managed">;
  /** Pods per the table; DaemonSets run one pod per node. */
  replicas: number | "perNode";
  /** Requests of one pod, from the table. */
  size: PodSize;
  companion?: Companion & { helm?: CompanionRelease };
  /** Kubernetes namespace and Helm release. */
  namespace: string;
  release: string;
  chart: ChartRef;
  /** Serves an Ingress on the environment's host: the ingress TLS secret is copied into its namespace. */
  servesIngress?: true;
}

export type Component = ManagedComponent | ClusterComponent;

/** Seconds the API's startup probe allows for Alembic migrations (CodeMie docs: up to 2400 s). */
export const API_MIGRATION_SECONDS = 2400;

const ELASTIC_CHARTS = {
  source: "upstream",
  repository: "https://helm.elastic.co",
  repositoryName: "elastic",
  version: "8.5.1",
} as const;
/** Elastic's 8.5.1 charts ship 8.5.1 images; both run this release. */
const ELASTIC_IMAGE = { upstreamTag: "8.19.12" } as const;

/** NATS's namespace, also part of the URL its clients connect to. */
const NATS_NAMESPACE = "codemie";

export const COMPONENTS = [
  {
    key: "api",
    displayName: "CodeMie API",
    kind: "Deployment",
    replicas: 2,
    size: { memory: "8Gi", cpu: "4" },
    optional: false,
    namespace: "codemie",
    release: "codemie-api",
    chart: { source: "codemie", name: "codemie" },
    layer: "applications",
    image: { codemie: "codemie" },
    identity: {
      serviceAccount: "codemie-api",
      clientIdVariable: "API_CLIENT_ID",
      roles: [
        { target: "keyVault", role: "Key Vault Crypto User" },
        { target: "storage", role: "Storage Blob Data Contributor" },
      ],
    },
    // The startup probe allows API_MIGRATION_SECONDS for Alembic; Helm waits for readiness on top.
    timeoutMinutes: Math.ceil(API_MIGRATION_SECONDS / 60) + 5,
    needs: [
      {
        on: "oauth2Proxy",
        why: "the API signs users in through realm codemie-prod, which the oauth2-proxy release registers",
      },
    ],
    rollbackUnsound: "the API runs Alembic migrations on start; the previous version cannot run on the new schema",
    order: 90,
    summary: "CodeMie backend; replicas scale with concurrent users.",
    secrets: [
      {
        name: "codemie-db-password",
        purpose: "password of PostgreSQL role `codemie`, owner of database codemie (the roles Job sets it)",
        seed: "random",
        format: "32 characters, letters and digits",
      },
    ],
    // The API logs in with its own role (database-roles.ts), never as the server's administrator.
    kubernetesSecrets: [
      {
        name: "codemie-postgresql",
        data: { password: { passwordOf: "codemie" } },
        keys: {
          PG_HOST: { output: "POSTGRES_HOST" },
          PG_NAME: { databaseOf: "codemie" },
          PG_PASS: { vault: "password" },
          PG_USER: { roleOf: "codemie" },
        },
      },
    ],
    servesIngress: true,
  },
  {
    key: "ui",
    displayName: "CodeMie UI",
    kind: "Deployment",
    replicas: 1,
    size: { memory: "128Mi", cpu: "100m" },
    optional: false,
    namespace: "codemie",
    release: "codemie-ui",
    chart: { source: "codemie", name: "codemie-ui" },
    layer: "applications",
    image: { codemie: "codemie-ui" },
    order: 80,
    summary: "CodeMie web front end.",
  },
  {
    key: "elasticsearch",
    displayName: "Elasticsearch",
    kind: "StatefulSet",
    replicas: 2,
    size: { memory: "16Gi", cpu: "4" },
    storage: "200Gi",
    optional: false,
    namespace: "elastic",
    release: "elasticsearch",
    chart: { ...ELASTIC_CHARTS, name: "elasticsearch" },
    layer: "data",
    image: ELASTIC_IMAGE,
    timeoutMinutes: 20,
    rollbackUnsound: "an older Elasticsearch cannot open data a newer one has written",
    order: 20,
    summary: "Vector datasources, user metrics and container logs; storage grows with datasources and log retention.",
    secrets: [
      {
        name: "elasticsearch-password",
        purpose: "password of the Elasticsearch `elastic` user",
        seed: "random",
        format: "32 characters, letters and digits",
      },
    ],
    kubernetesSecrets: [
      {
        name: "elasticsearch-master-credentials",
        in: ["elasticsearch", "api", "fluentBit"],
        data: { password: "elasticsearch-password" },
        keys: { password: { vault: "password" }, username: "elastic" },
      },
    ],
  },
  {
    key: "kibana",
    displayName: "Kibana",
    kind: "Deployment",
    replicas: 1,
    size: { memory: "1Gi", cpu: "1" },
    optional: true,
    namespace: "elastic",
    release: "kibana",
    chart: { ...ELASTIC_CHARTS, name: "kibana" },
    layer: "observability",
    image: ELASTIC_IMAGE,
    timeoutMinutes: 15,
    needs: [{ on: "elasticsearch", why: "Kibana's install hook creates its service token in Elasticsearch" }],
    rollbackUnsound: "Kibana migrates its saved objects on start",
    reinstallOnFailedInstall:
      "its pre-install hook creates Kibana's Elasticsearch token and upgrades " +
      "skip hooks, so a failed install is uninstalled and installed again",
    skipUpgradeHooks: "Kibana's token job fails when re-run",
    order: 100,
    summary: "Dashboards over Elasticsearch (adoption, assistants, datasources, workflows).",
    secrets: [
      {
        name: "kibana-saved-objects-key",
        purpose: "Kibana xpack.encryptedSavedObjects.encryptionKey",
        seed: "random",
        format: "32 hex characters",
      },
      {
        name: "kibana-reporting-key",
        purpose: "Kibana xpack.reporting.encryptionKey",
        seed: "random",
        format: "32 hex characters",
      },
      {
        name: "kibana-security-key",
        purpose: "Kibana xpack.security.encryptionKey",
        seed: "random",
        format: "32 hex characters",
      },
    ],
    kubernetesSecrets: [
      {
        name: "kibana-encryption-keys",
        data: {
          "encryptedSavedObjects.encryptionKey": "kibana-saved-objects-key",
          "reporting.encryptionKey": "kibana-reporting-key",
          "security.encryptionKey": "kibana-security-key",
        },
      },
    ],
    servesIngress: true,
  },
  {
    key: "mermaid",
    displayName: "Mermaid-server",
    kind: "Deployment",
    replicas: 1,
    size: { memory: "512Mi", cpu: "1" },
    optional: true,
    namespace: "codemie",
    release: "mermaid-server",
    chart: { source: "codemie", name: "mermaid-server" },
    layer: "applications",
    image: { codemie: "mermaid-server" },
    order: 70,
    summary: "Renders Mermaid diagrams for the API.",
  },
  {
    key: "postgresql",
    displayName: "PostgreSQL",
    kind: "managed",
    replicas: "none",
    storage: "32Gi",
    optional: false,
    order: 0,
    summary: "Azure Database for PostgreSQL Flexible Server holding CodeMie's data (table: 30-50 GB).",
  },
  {
    key: "keycloak",
    displayName: "Keycloak + DB",
    kind: "StatefulSet",
    replicas: 1,
    size: { memory: "4Gi", cpu: "2" },
    companion: {
      key: "keycloakDb",
      displayName: "Keycloak DB",
      kind: "StatefulSet",
      replicas: 1,
      size: { memory: "512Mi", cpu: "250m" },
      storage: "1Gi",
    },
    optional: false,
    namespace: "security",
    release: "keycloak",
    chart: {
      source: "upstream",
      name: "keycloakx",
      repository: "https://codecentric.github.io/helm-charts",
      repositoryName: "codecentric",
      version: "7.1.9",
    },
    layer: "security",
    timeoutMinutes: 15,
    rollbackUnsound: "Keycloak migrates its database on start; the previous version cannot run on it",
    order: 40,
    summary: "Identity provider (realm codemie-prod); its database runs in-cluster or on the managed server.",
    secrets: [
      {
        name: "keycloak-admin-password",
        purpose: "Keycloak bootstrap admin (user `admin`), also used by the Keycloak operator",
        seed: "random",
        format: "32 characters, letters and digits",
      },
      {
        name: "keycloak-db-password",
        purpose:
          "password of Keycloak's database login `keycloak` (in-cluster database, " +
          "or the role the roles Job sets on the managed server)",
        seed: "random",
        format: "32 characters, letters and digits",
      },
    ],
    kubernetesSecrets: [
      {
        name: "keycloak-admin",
        in: ["keycloak", "oauth2Proxy"],
        data: { password: "keycloak-admin-password" },
        keys: { password: { vault: "password" }, username: "admin" },
      },
      // The same login for the in-cluster database and for the role on the managed server.
      {
        name: "keycloak-postgresql",
        data: { password: { passwordOf: "keycloak" } },
        keys: { password: { vault: "password" }, username: { roleOf: "keycloak" } },
      },
    ],
    servesIngress: true,
  },
  {
    key: "oauth2Proxy",
    displayName: "Oauth2-proxy",
    kind: "Deployment",
    replicas: 1,
    size: { memory: "128Mi", cpu: "100m" },
    optional: false,
    namespace: "oauth2-proxy",
    release: "oauth2-proxy",
    chart: {
      source: "upstream",
      name: "oauth2-proxy",
      repository: "https://oauth2-proxy.github.io/manifests",
      repositoryName: "oauth2-proxy",
      version: "10.4.2",
    },
    layer: "security",
    needs: [
      { on: "keycloakOperator", why: "its realm, client and roles are objects of the Keycloak operator's CRDs" },
      { on: "keycloak", why: "the operator creates the realm in a running Keycloak" },
    ],
    order: 50,
    summary: "Authenticates every request to the UI and API against Keycloak.",
    secrets: [
      {
        name: "oauth2-proxy-client-secret",
        purpose: "secret of the Keycloak client `codemie` that oauth2-proxy uses",
        seed: "random",
        format: "32 characters, letters and digits",
      },
      {
        name: "oauth2-proxy-cookie-secret",
        purpose: "oauth2-proxy cookie encryption secret",
        seed: "random",
        format: "exactly 32 characters, letters and digits",
      },
    ],
    kubernetesSecrets: [
      {
        name: "oauth2-proxy",
        data: { clientSecret: "oauth2-proxy-client-secret", cookieSecret: "oauth2-proxy-cookie-secret" },
        keys: {
          "client-id": "codemie",
          "client-secret": { vault: "clientSecret" },
          "cookie-secret": { vault: "cookieSecret" },
        },
      },
    ],
    servesIngress: true,
  },
  {
    key: "nats",
    displayName: "NATS + Auth Callout",
    kind: "StatefulSet",
    replicas: 1,
    size: { memory: "512Mi", cpu: "1" },
    companion: {
      key: "natsAuthCallout",
      displayName: "NATS Auth Callout",
      kind: "Deployment",
      replicas: 1,
      size: { memory: "128Mi", cpu: "100m" },
      helm: {
        release: "codemie-nats-auth-callout",
        chart: { source: "codemie", name: "codemie-nats-auth-callout" },
        image: { codemie: "codemie-nats-auth-callout" },
        needs: [{ on: "nats", why: "the auth callout service connects to NATS" }],
        orderOffset: 1,
      },
    },
    optional: true,
    namespace: NATS_NAMESPACE,
    release: "codemie-nats",
    chart: {
      source: "upstream",
      name: "nats",
      repository: "https://nats-io.github.io/k8s/helm/charts/",
      repositoryName: "nats",
      version: "1.3.0",
    },
    layer: "applications",
    order: 55,
    summary: "Plugin Engine messaging; retired in newer CodeMie releases, disable it there.",
    secrets: [
      { name: "nats-callout-password", purpose: "NATS auth-callout user password", seed: "operator" },
      {
        name: "nats-callout-bcrypted-password",
        purpose: "bcrypt hash of nats-callout-password (`nats server passwd`)",
        seed: "operator",
      },
      { name: "nats-codemie-password", purpose: "NATS user `codemie` password", seed: "operator" },
      { name: "nats-codemie-bcrypted-password", purpose: "bcrypt hash of nats-codemie-password", seed: "operator" },
      {
        name: "nats-issuer-nkey",
        purpose: "account public nkey of the auth-callout issuer (`nsc generate nkey --account`)",
        seed: "operator",
      },
      { name: "nats-issuer-nseed", purpose: "seed of nats-issuer-nkey", seed: "operator" },
      {
        name: "nats-issuer-xkey",
        purpose: "curve public xkey of the auth callout (`nsc generate nkey --curve`)",
        seed: "operator",
      },
      { name: "nats-issuer-xseed", purpose: "seed of nats-issuer-xkey", seed: "operator" },
    ],
    kubernetesSecrets: [
      {
        name: "codemie-nats-secrets",
        data: {
          calloutPassword: "nats-callout-password",
          calloutBcrypted: "nats-callout-bcrypted-password",
          codemiePassword: "nats-codemie-password",
          codemieBcrypted: "nats-codemie-bcrypted-password",
          issuerNkey: "nats-issuer-nkey",
          issuerNseed: "nats-issuer-nseed",
          issuerXkey: "nats-issuer-xkey",
          issuerXseed: "nats-issuer-xseed",
        },
        keys: {
          CALLOUT_BCRYPTED_PASSWORD: { vault: "calloutBcrypted" },
          CALLOUT_PASSWORD: { vault: "calloutPassword" },
          CALLOUT_USERNAME: "callout",
          CODEMIE_BCRYPTED_PASSWORD: { vault: "codemieBcrypted" },
          CODEMIE_PASSWORD: { vault: "codemiePassword" },
          CODEMIE_USERNAME: "codemie",
          ISSUER_NKEY: { vault: "issuerNkey" },
          ISSUER_NSEED: { vault: "issuerNseed" },
          ISSUER_XKEY: { vault: "issuerXkey" },
          ISSUER_XSEED: { vault: "issuerXseed" },
          NATS_URL: `nats://codemie-nats.${NATS_NAMESPACE}.svc.cluster.local:4222`,
        },
      },
    ],
  },
  {
    key: "mcpConnect",
    displayName: "MCP Connect",
    kind: "StatefulSet",
    replicas: 1,
    size: { memory: "1Gi", cpu: "500m" },
    optional: true,
    namespace: "codemie-mcp-connect-service",
    release: "codemie-mcp-connect-service",
    chart: { source: "codemie", name: "codemie-mcp-connect-service" },
    layer: "applications",
    image: { codemie: "codemie-mcp-connect-service" },
    order: 60,
    summary: "Bridges MCP servers to the API; runs in its own namespace under Pod Security restricted.",
  },
  {
    key: "fluentBit",
    displayName: "Fluent Bit",
    kind: "DaemonSet",
    replicas: "perNode",
    size: { memory: "128Mi", cpu: "100m" },
    optional: true,
    namespace: "fluentbit",
    release: "fluent-bit",
    chart: {
      source: "upstream",
      name: "fluent-bit",
      repository: "https://fluent.github.io/helm-charts",
      repositoryName: "fluent",
      version: "0.48.3",
    },
    layer: "observability",
    order: 110,
    summary: "Ships container logs and user metrics to Elasticsearch; runs on every node.",
  },
  {
    key: "llmProxy",
    displayName: "LLM Proxy",
    kind: "Deployment",
    replicas: 1,
    size: { memory: "1Gi", cpu: "1" },
    optional: true,
    namespace: "litellm",
    release: "litellm",
    chart: { source: "upstream", name: "litellm-helm", repository: "oci://ghcr.io/berriai", version: "1.99.0" },
    layer: "llm-proxy",
    identity: {
      serviceAccount: "litellm",
      clientIdVariable: "LLM_PROXY_CLIENT_ID",
      roles: [{ target: "openai", role: "Cognitive Services OpenAI User" }],
    },
    rollbackUnsound: "LiteLLM migrates its database on start",
    order: 120,
    summary: "LiteLLM proxy in front of the LLM providers; its size depends on the proxy used.",
    secrets: [
      {
        name: "litellm-master-key",
        purpose: "LiteLLM master key",
        seed: "random",
        format: '"sk-" followed by 32 letters and digits',
      },
      {
        name: "litellm-app-key",
        purpose: "LiteLLM virtual key the CodeMie API uses (the litellm-app-key Job registers it in LiteLLM)",
        seed: "random",
        format: '"sk-" followed by 32 letters and digits',
      },
      {
        name: "litellm-db-password",
        purpose: "password of PostgreSQL role `litellm`, owner of database litellm (the roles Job sets it)",
        seed: "random",
        format: "32 characters, letters and digits",
      },
    ],
    kubernetesSecrets: [
      { name: "litellm-masterkey", data: { masterkey: "litellm-master-key" } },
      {
        name: "litellm-postgresql",
        data: { password: { passwordOf: "litellm" } },
        keys: { password: { vault: "password" }, username: { roleOf: "litellm" } },
      },
      // The API's keys to LiteLLM (the litellm-app-key Job registers the app key).
      {
        name: "litellm-integration",
        in: ["api"],
        data: { "litellm-app-key": "litellm-app-key", "litellm-master-key": "litellm-master-key" },
      },
    ],
  },
] as const satisfies readonly Component[];

export type ComponentKey = (typeof COMPONENTS)[number]["key"];

export const COMPONENT_KEYS: readonly ComponentKey[] = COMPONENTS.map((c) => c.key);

export type ClusterComponentKey = Extract<(typeof COMPONENTS)[number], { kind: ClusterComponent["kind"] }>["key"];

/** Companions with a Helm release of their own, keyed by the companion's key. */
export type CompanionReleaseKey = Extract<
  NonNullable<Extract<(typeof COMPONENTS)[number], { companion: unknown }>["companion"]>,
  { helm: unknown }
>["key"];

const byKey = new Map<string, Component>(COMPONENTS.map((c) => [c.key, c]));

export function component(key: ComponentKey): Component {
  return byKey.get(key) as Component;
}

/** Components with pods in the cluster, in install order. */
export function clusterComponents(): ClusterComponent[] {
  return (COMPONENTS as readonly Component[])
    .filter((c): c is ClusterComponent => c.kind !== "managed")
    .sort((a, b) => a.order - b.order);
}
