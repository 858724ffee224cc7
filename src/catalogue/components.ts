// The component catalogue: the single source of truth for the twelve rows of the CodeMie
// resource table ("production sizing for 500+ concurrent users", see README "Reading the
// resource table"). The JSON Schema, the sizing profiles, the capacity planner, the
// renderers and the generated docs all read this list; nothing else restates it.

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

/** Where a component's chart comes from. `codemie` charts live in CodeMie's OCI registry. */
export interface ChartRef {
  source: "codemie" | "upstream";
  /** Chart name inside its repository. */
  name: string;
  /** Repository URL for upstream charts; CodeMie charts use the release's OCI registry. */
  repository?: string;
  /** Pinned chart version; CodeMie charts follow the CodeMie release instead. */
  version?: string;
}

export interface Component {
  /** Stable key used in environment files, the model and rendered names. */
  key: string;
  /** The row's name as printed in the resource table. */
  displayName: string;
  kind: WorkloadKind;
  /** Pods per the table; DaemonSets run one pod per node and managed services none. */
  replicas: number | "perNode" | "none";
  /** Requests of one pod, from the table. Absent for managed services. */
  size?: PodSize;
  /** Persistent storage per pod (or per server for managed services), from the table. */
  storage?: string;
  companion?: Companion;
  /** Optional components may be disabled per environment; the rest are the platform's core. */
  optional: boolean;
  /** Kubernetes namespace and Helm release; absent for managed services. */
  namespace?: string;
  release?: string;
  chart?: ChartRef;
  /** Position in the install order (lower installs first); see README "Install order". */
  order: number;
  /** One line for schema descriptions and docs. */
  summary: string;
}

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
    order: 90,
    summary: "CodeMie backend; replicas scale with concurrent users.",
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
    chart: { source: "upstream", name: "elasticsearch", repository: "https://helm.elastic.co", version: "8.5.1" },
    order: 20,
    summary: "Vector datasources, user metrics and container logs; storage grows with datasources and log retention.",
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
    chart: { source: "upstream", name: "kibana", repository: "https://helm.elastic.co", version: "8.5.1" },
    order: 100,
    summary: "Dashboards over Elasticsearch (adoption, assistants, datasources, workflows).",
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
    chart: { source: "upstream", name: "keycloakx", repository: "https://codecentric.github.io/helm-charts", version: "7.1.9" },
    order: 40,
    summary: "Identity provider (realm codemie-prod); its database runs in-cluster or on the managed server.",
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
    chart: { source: "upstream", name: "oauth2-proxy", repository: "https://oauth2-proxy.github.io/manifests", version: "10.4.2" },
    order: 50,
    summary: "Authenticates every request to the UI and API against Keycloak.",
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
    },
    optional: true,
    namespace: "codemie",
    release: "codemie-nats",
    chart: { source: "upstream", name: "nats", repository: "https://nats-io.github.io/k8s/helm/charts/", version: "1.3.0" },
    order: 55,
    summary: "Plugin Engine messaging; retired in newer CodeMie releases, disable it there.",
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
    chart: { source: "upstream", name: "fluent-bit", repository: "https://fluent.github.io/helm-charts", version: "0.48.3" },
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
    order: 120,
    summary: "LiteLLM proxy in front of the LLM providers; its size depends on the proxy used.",
  },
] as const satisfies readonly Component[];

export type ComponentKey = (typeof COMPONENTS)[number]["key"];

export const COMPONENT_KEYS: readonly ComponentKey[] = COMPONENTS.map((c) => c.key);

const byKey = new Map<string, Component>(COMPONENTS.map((c) => [c.key, c]));

export function component(key: ComponentKey): Component {
  return byKey.get(key) as Component;
}

/** Components with pods in the cluster, in install order. */
export function clusterComponents(): Component[] {
  return [...COMPONENTS].filter((c) => c.kind !== "managed").sort((a, b) => a.order - b.order);
}
