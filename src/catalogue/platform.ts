// The platform around the resource table: the add-ons the GitOps tree installs that are not
// rows of the table (ingress, the secrets operator, the Keycloak operator), where CodeMie's
// own charts and images live, and how releases group into Flux layers. The table rows
// themselves (keys, charts, namespaces, releases, order) stay in components.ts; this file
// only adds what the GitOps renderer needs on top and never restates a row.
import type { ChartRef, ComponentKey } from "./components.js";

/** Flux Kustomization layers, applied in this order (each depends on the one before). */
export const LAYERS = ["infrastructure", "secrets", "data", "security", "applications", "observability", "llm-proxy"] as const;
export type Layer = (typeof LAYERS)[number];

/** A release the platform needs that is not a row of the resource table. */
export interface Addon {
  key: string;
  displayName: string;
  namespace: string;
  release: string;
  chart: ChartRef & { source: "upstream"; repository: string; version: string };
  /** Position in the install order, on the same scale as the catalogue's `order`. */
  order: number;
  layer: Layer;
  /** Names of its pods in the capacity planner's add-on list (src/capacity/cluster-addons.ts), which sizes them. */
  capacityNames: readonly string[];
  summary: string;
}

export const ADDONS = [
  {
    key: "externalSecrets",
    displayName: "External Secrets Operator",
    namespace: "external-secrets",
    release: "external-secrets",
    chart: { source: "upstream", name: "external-secrets", repository: "https://charts.external-secrets.io", version: "0.19.2" },
    order: 5,
    layer: "infrastructure",
    capacityNames: ["external-secrets", "external-secrets-webhook", "external-secrets-cert-controller"],
    summary: "Syncs Key Vault secrets into Kubernetes secrets (workload identity, no secret in git).",
  },
  {
    key: "ingressNginx",
    displayName: "ingress-nginx",
    namespace: "ingress-nginx",
    release: "ingress-nginx",
    chart: { source: "upstream", name: "ingress-nginx", repository: "https://kubernetes.github.io/ingress-nginx", version: "4.12.1" },
    order: 10,
    layer: "infrastructure",
    capacityNames: ["ingress-nginx-controller"],
    summary: "The one ingress controller; every path of the CodeMie host goes through it.",
  },
  {
    key: "keycloakOperator",
    displayName: "Keycloak operator (EPAM EDP)",
    namespace: "security",
    release: "keycloak-operator",
    chart: { source: "upstream", name: "keycloak-operator", repository: "https://epam.github.io/edp-helm-charts/stable", version: "1.34.0" },
    order: 30,
    layer: "security",
    capacityNames: ["keycloak-operator"],
    summary: "Installs the v1.edp.epam.com CRDs the oauth2-proxy release uses for realm, client and roles.",
  },
] as const satisfies readonly Addon[];

export type AddonKey = (typeof ADDONS)[number]["key"];

/** Layer of every in-cluster row of the table. */
export const COMPONENT_LAYERS: Readonly<Record<Exclude<ComponentKey, "postgresql">, Layer>> = {
  elasticsearch: "data",
  keycloak: "security",
  oauth2Proxy: "security",
  nats: "applications",
  mcpConnect: "applications",
  mermaid: "applications",
  ui: "applications",
  api: "applications",
  kibana: "observability",
  fluentBit: "observability",
  llmProxy: "llm-proxy",
};

/** Companions that install as a release of their own (the Keycloak DB is plain manifests). */
export const COMPANION_RELEASES = {
  natsAuthCallout: {
    parent: "nats",
    release: "codemie-nats-auth-callout",
    chart: { source: "codemie", name: "codemie-nats-auth-callout" },
    /** Installs right after its parent. */
    orderOffset: 1,
  },
} as const satisfies Record<string, { parent: ComponentKey; release: string; chart: ChartRef; orderOffset: number }>;

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

/** Image names of CodeMie's own workloads inside CODEMIE_REGISTRY.images. */
export const CODEMIE_IMAGES = {
  api: "codemie",
  ui: "codemie-ui",
  mcpConnect: "codemie-mcp-connect-service",
  mermaid: "mermaid-server",
  natsAuthCallout: "codemie-nats-auth-callout",
} as const;

/** Image tags pinned over an upstream chart's default (Elastic's 8.5.1 charts ship 8.5.1 images). */
export const UPSTREAM_IMAGE_TAGS = {
  elasticsearch: "8.19.12",
  kibana: "8.19.12",
} as const;

/** Flux HelmRepository name for each upstream https chart repository. */
export const HELM_REPOSITORY_NAMES: Readonly<Record<string, string>> = {
  "https://charts.external-secrets.io": "external-secrets",
  "https://kubernetes.github.io/ingress-nginx": "ingress-nginx",
  "https://epam.github.io/edp-helm-charts/stable": "epam-edp",
  "https://helm.elastic.co": "elastic",
  "https://codecentric.github.io/helm-charts": "codecentric",
  "https://oauth2-proxy.github.io/manifests": "oauth2-proxy",
  "https://nats-io.github.io/k8s/helm/charts/": "nats",
  "https://fluent.github.io/helm-charts": "fluent",
};

/** The StorageClass the tree creates for every persistent volume (Azure Disk CSI, Premium SSD). */
export const STORAGE_CLASS = "codemie-premium";

/** Keycloak realm CodeMie uses (fixed by the product). */
export const KEYCLOAK_REALM = "codemie-prod";

/** Image of the in-cluster Keycloak database (the table's "+ DB"). */
export const KEYCLOAK_DB_IMAGE = "docker.io/library/postgres:16.6";

/** RSA key in the environment's Key Vault for CodeMie's envelope encryption (ENCRYPTION_TYPE=azure). */
export const ENCRYPTION_KEY_NAME = "codemie-key";

/** The PostgreSQL server's password-auth administrator; CodeMie, LiteLLM and a managed Keycloak DB log in as it. */
export const POSTGRES_ADMIN_LOGIN = "pgadmin";
