// East-west traffic the platform needs: every connection one workload opens to another, to the
// environment's Azure services or to the outside, with the container ports it reaches. The
// default-deny NetworkPolicies of the GitOps tree (src/render/gitops/network-policies.ts) allow
// exactly these and nothing else. Namespaces come from the component catalogue and the add-ons;
// ports are the pods' container ports (policies match after the Service's DNAT).
import type { ComponentKey } from "./components.js";
import type { ROLES_JOB } from "./database-roles.js";
import type { JobKey } from "./jobs.js";
import type { AddonKey } from "./platform.js";

/** A workload of the tree: a row of the resource table with pods, an add-on, a post-install Job, or the roles Job. */
export type Workload = Exclude<ComponentKey, "postgresql"> | AddonKey | JobKey | (typeof ROLES_JOB)["key"];

/** Where a connection goes besides another workload. */
export type External =
  /** The PostgreSQL server's delegated subnet. */
  | "postgres"
  /** The private-endpoint subnet (Key Vault, Storage, Azure OpenAI). */
  | "privateEndpoints"
  /**
   * Anything outside the cluster's pods on 443: Entra ID (workload identity tokens), LLM
   * endpoints, MCP servers, the AKS API server (outside the cluster, with no address a
   * NetworkPolicy can name), and the ingress's own address for in-cluster calls to the public
   * host. Narrowed to named hosts by the egress firewall, not here.
   */
  | "outside443";

export interface Flow {
  from: Workload | "anywhere";
  to: Workload | External;
  ports: readonly number[];
  why: string;
  /** Only when Keycloak's database is on the managed server (in-cluster, it shares Keycloak's namespace). */
  managedKeycloakDatabase?: true;
}

/** Container ports of the workloads others call. */
const PORT = {
  api: 8080,
  ui: 8080,
  keycloak: 8080,
  oauth2Proxy: 4180,
  elasticsearch: 9200,
  kibana: 5601,
  llmProxy: 4000,
  mcpConnect: 3000,
  ingressHttp: 80,
  ingressHttps: 443,
  ingressWebhook: 8443,
  externalSecretsWebhook: 10250,
  postgres: 5432,
  https: 443,
} as const;

export const FLOWS: readonly Flow[] = [
  // Into the platform.
  {
    from: "anywhere",
    to: "ingressNginx",
    ports: [PORT.ingressHttp, PORT.ingressHttps],
    why: "users reach the CodeMie host through the load balancer",
  },
  {
    from: "anywhere",
    to: "ingressNginx",
    ports: [PORT.ingressWebhook],
    why: "the API server calls the ingress admission webhook",
  },
  {
    from: "anywhere",
    to: "externalSecrets",
    ports: [PORT.externalSecretsWebhook],
    why: "the API server calls the External Secrets webhook",
  },
  // The ingress to what it serves.
  { from: "ingressNginx", to: "ui", ports: [PORT.ui], why: "ingress → CodeMie UI" },
  { from: "ingressNginx", to: "api", ports: [PORT.api], why: "ingress → CodeMie API" },
  { from: "ingressNginx", to: "keycloak", ports: [PORT.keycloak], why: "ingress → Keycloak (/keycloak)" },
  {
    from: "ingressNginx",
    to: "oauth2Proxy",
    ports: [PORT.oauth2Proxy],
    why: "ingress → oauth2-proxy (auth-url and /oauth2)",
  },
  { from: "ingressNginx", to: "kibana", ports: [PORT.kibana], why: "ingress → Kibana" },
  {
    from: "ingressNginx",
    to: "outside443",
    ports: [PORT.https],
    why: "the controller watches Ingresses on the API server",
  },
  // Sign-in.
  {
    from: "oauth2Proxy",
    to: "keycloak",
    ports: [PORT.keycloak],
    why: "oauth2-proxy redeems codes and reads keys from Keycloak",
  },
  {
    from: "oauth2Proxy",
    to: "ingressNginx",
    ports: [PORT.ingressHttps],
    why: "OIDC discovery at the public issuer URL (the ingress)",
  },
  {
    from: "oauth2Proxy",
    to: "outside443",
    ports: [PORT.https],
    why: "OIDC discovery at the public issuer URL (the load balancer's address)",
  },
  {
    from: "keycloak",
    to: "postgres",
    ports: [PORT.postgres],
    why: "Keycloak's database on the managed server",
    managedKeycloakDatabase: true,
  },
  { from: "keycloak", to: "outside443", ports: [PORT.https], why: "Entra ID as Keycloak's identity provider" },
  {
    from: "keycloakOperator",
    to: "keycloak",
    ports: [PORT.keycloak],
    why: "the operator configures realms through Keycloak's admin API",
  },
  {
    from: "keycloakOperator",
    to: "outside443",
    ports: [PORT.https],
    why: "the operator watches its resources on the API server",
  },
  // The API.
  { from: "api", to: "postgres", ports: [PORT.postgres], why: "CodeMie's database" },
  { from: "api", to: "elasticsearch", ports: [PORT.elasticsearch], why: "datasources, metrics and logs" },
  { from: "api", to: "llmProxy", ports: [PORT.llmProxy], why: "LLM calls through LiteLLM" },
  { from: "api", to: "keycloak", ports: [PORT.keycloak], why: "token validation and user management" },
  { from: "api", to: "mcpConnect", ports: [PORT.mcpConnect], why: "MCP servers through MCP Connect" },
  { from: "api", to: "ingressNginx", ports: [PORT.ingressHttps], why: "callbacks to the platform's own host" },
  { from: "api", to: "privateEndpoints", ports: [PORT.https], why: "Key Vault key, Blob storage, Azure OpenAI" },
  { from: "api", to: "outside443", ports: [PORT.https], why: "Entra ID tokens, LLM and tool endpoints" },
  { from: "mcpConnect", to: "outside443", ports: [PORT.https], why: "remote MCP servers" },
  // Data and logs.
  { from: "kibana", to: "elasticsearch", ports: [PORT.elasticsearch], why: "Kibana reads Elasticsearch" },
  { from: "fluentBit", to: "elasticsearch", ports: [PORT.elasticsearch], why: "container logs and metrics" },
  {
    from: "fluentBit",
    to: "outside443",
    ports: [PORT.https],
    why: "the kubernetes filter reads pod metadata from the API server",
  },
  // The LLM proxy.
  { from: "llmProxy", to: "postgres", ports: [PORT.postgres], why: "LiteLLM's database" },
  { from: "llmProxy", to: "privateEndpoints", ports: [PORT.https], why: "Azure OpenAI through its private endpoint" },
  { from: "llmProxy", to: "outside443", ports: [PORT.https], why: "Entra ID tokens and other LLM providers" },
  // The PostgreSQL roles Job: the server and Entra ID, nothing else.
  {
    from: "postgresRoles",
    to: "postgres",
    ports: [PORT.postgres],
    why: "the roles Job sets up the applications' logins",
  },
  {
    from: "postgresRoles",
    to: "outside443",
    ports: [PORT.https],
    why: "Entra ID: the roles Job's token for PostgreSQL (workload identity)",
  },
  // Secrets.
  {
    from: "externalSecrets",
    to: "privateEndpoints",
    ports: [PORT.https],
    why: "Key Vault through its private endpoint",
  },
  { from: "externalSecrets", to: "outside443", ports: [PORT.https], why: "Entra ID tokens and the API server" },
  // Post-install Jobs (jobs.ts). The Elasticsearch alias and Kibana import Jobs run in the namespace of
  // what they call, so they need no flow of their own.
  {
    from: "litellmAppKey",
    to: "llmProxy",
    ports: [PORT.llmProxy],
    why: "the litellm-app-key Job registers CodeMie's key with LiteLLM's key API",
  },
];
