// Ingresses that are deliberately NOT behind oauth2-proxy, each with its reason. Every other
// Ingress a release renders must send its requests through oauth2-proxy first (the chart
// checks refuse one that does not). Keyed by release and the rendered Ingress name.
export interface PublicIngress {
  release: string;
  ingress: string;
  reason: string;
}

export const PUBLIC_INGRESSES: readonly PublicIngress[] = [
  { release: "oauth2-proxy", ingress: "oauth2-proxy", reason: "oauth2-proxy's own sign-in and callback endpoints" },
  {
    release: "keycloak",
    ingress: "keycloakx",
    reason: "Keycloak's realm pages (login, tokens, keys) must be reachable before anyone is signed in",
  },
  {
    release: "keycloak",
    ingress: "keycloakx-console",
    reason: "the Keycloak admin console signs administrators in with Keycloak itself",
  },
  { release: "kibana", ingress: "kibana-kibana", reason: "Kibana signs users in against Elasticsearch's own users" },
  {
    release: "codemie-api",
    ingress: "codemie-webhooks",
    reason:
      "webhooks are called by external systems (Git hosts, Jira) that " +
      "authenticate with the webhook's own secret, not a browser session",
  },
  {
    release: "codemie-api",
    ingress: "codemie-callbacks-index",
    reason: "index callbacks are called by external systems with their own token, not a browser session",
  },
];
