// The Ingress-hosts rule's semantics as its rego in bicep/modules/ingress-hosts-policy.bicep states them,
// so tests can hold the rendered Ingresses to it (no OPA here to run the rego itself): every host of the
// tls entries and the rules equals an approved domain or ends with "." and one (case-insensitive), and no
// rule or default backend goes without a host. Returns the violations, empty when the Ingress passes.
export interface IngressSpec {
  tls?: Array<{ hosts?: string[] }>;
  rules?: Array<{ host?: string }>;
  defaultBackend?: unknown;
}

export function ingressHostViolations(spec: IngressSpec, allowedDomains: readonly string[]): string[] {
  const domains = allowedDomains.map((d) => d.toLowerCase());
  const approved = (host: string) =>
    domains.some((d) => host.toLowerCase() === d || host.toLowerCase().endsWith(`.${d}`));
  const hosts = [
    ...(spec.tls ?? []).flatMap((t) => t.hosts ?? []),
    ...(spec.rules ?? []).flatMap((r) => (r.host === undefined ? [] : [r.host])),
  ];
  return [
    ...[...new Set(hosts)].filter((h) => !approved(h)).map((h) => `host ${h} is not approved`),
    ...(spec.rules ?? []).filter((r) => r.host === undefined).map(() => "a rule without a host"),
    ...(spec.defaultBackend ? ["a default backend"] : []),
  ];
}
