// Host names the platform's nodes and pods reach on the internet, for the allow-list of a hub
// firewall that egress goes through (network.egressFirewall). AKS's own list follows
// learn.microsoft.com/azure/aks/outbound-rules-control-egress (required, Azure Policy, Defender,
// the Flux extension); the chart hosts come from the catalogue's chart references, and the image
// registries are the ones those charts pull from. Azure Public Cloud names.

export interface EgressHost {
  host: string;
  why: string;
}

/** AKS's required egress, plus the add-ons the toolkit turns on. `{location}` is the cluster's region. */
export const AKS_EGRESS: readonly EgressHost[] = [
  { host: "*.hcp.{location}.azmk8s.io", why: "AKS: nodes to the API server" },
  { host: "mcr.microsoft.com", why: "AKS: system images" },
  { host: "*.data.mcr.microsoft.com", why: "AKS: system image layers" },
  { host: "mcr-0001.mcr-msedge.net", why: "AKS: system image layers" },
  { host: "management.azure.com", why: "AKS: Kubernetes operations against Azure" },
  { host: "login.microsoftonline.com", why: "AKS and workload identity: Entra ID tokens" },
  { host: "packages.microsoft.com", why: "AKS: node packages" },
  { host: "acs-mirror.azureedge.net", why: "AKS: node binaries" },
  { host: "packages.aks.azure.com", why: "AKS: node binaries" },
  { host: "data.policy.core.windows.net", why: "Azure Policy add-on" },
  { host: "store.policy.core.windows.net", why: "Azure Policy add-on" },
  { host: "dc.services.visualstudio.com", why: "Azure Policy add-on telemetry" },
  { host: "*.ods.opinsights.azure.com", why: "Defender for Containers" },
  { host: "*.oms.opinsights.azure.com", why: "Defender for Containers" },
  { host: "{location}.dp.kubernetesconfiguration.azure.com", why: "Flux extension: configuration data plane" },
];

/** Registries the upstream charts' images come from. */
export const IMAGE_REGISTRIES: readonly EgressHost[] = [
  { host: "docker.elastic.co", why: "Elasticsearch and Kibana images" },
  { host: "quay.io", why: "Keycloak and oauth2-proxy images" },
  { host: "registry.k8s.io", why: "ingress-nginx images" },
  { host: "ghcr.io", why: "External Secrets and LiteLLM images, the LiteLLM chart" },
  { host: "pkg-containers.githubusercontent.com", why: "ghcr.io image layers" },
  { host: "cr.fluentbit.io", why: "Fluent Bit images" },
  {
    host: "registry-1.docker.io",
    why: "NATS, Keycloak operator, PostgreSQL and the post-install Jobs' curl images (Docker Hub)",
  },
  { host: "auth.docker.io", why: "Docker Hub tokens" },
  { host: "production.cloudflare.docker.com", why: "Docker Hub image layers" },
];
