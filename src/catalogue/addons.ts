// The releases the platform needs that are not rows of the resource table: the ingress
// controller, the secrets operator and the Keycloak operator. Each is the one descriptor of its
// release, like an in-cluster row of components.ts.
import type { ChartRef, ReleaseTraits } from "./release.js";

/** A release the platform needs that is not a row of the resource table. */
export interface Addon extends ReleaseTraits {
  key: string;
  displayName: string;
  namespace: string;
  release: string;
  chart: ChartRef & { source: "upstream"; repository: string; version: string };
  /** Position in the install order, on the same scale as the catalogue's `order`. */
  order: number;
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
    chart: {
      source: "upstream",
      name: "external-secrets",
      repository: "https://charts.external-secrets.io",
      repositoryName: "external-secrets",
      version: "0.19.2",
    },
    order: 5,
    layer: "infrastructure",
    identity: {
      serviceAccount: "external-secrets",
      clientIdVariable: "ESO_CLIENT_ID",
      roles: [{ target: "keyVault", role: "Key Vault Secrets User" }],
    },
    capacityNames: ["external-secrets", "external-secrets-webhook", "external-secrets-cert-controller"],
    summary: "Syncs Key Vault secrets into Kubernetes secrets (workload identity, no secret in git).",
  },
  {
    key: "ingressNginx",
    displayName: "ingress-nginx",
    namespace: "ingress-nginx",
    release: "ingress-nginx",
    chart: {
      source: "upstream",
      name: "ingress-nginx",
      repository: "https://kubernetes.github.io/ingress-nginx",
      repositoryName: "ingress-nginx",
      version: "4.12.1",
    },
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
    chart: {
      source: "upstream",
      name: "keycloak-operator",
      repository: "https://epam.github.io/edp-helm-charts/stable",
      repositoryName: "epam-edp",
      version: "1.34.0",
    },
    order: 30,
    layer: "security",
    capacityNames: ["keycloak-operator"],
    summary: "Installs the v1.edp.epam.com CRDs the oauth2-proxy release uses for realm, client and roles.",
  },
] as const satisfies readonly Addon[];

export type AddonKey = (typeof ADDONS)[number]["key"];
