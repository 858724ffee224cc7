// The public face of an environment after Flux reports Compliant: its URL, the DNS record that
// should point at the ingress, whether the host resolves from here, and a smoke check of the
// login chain over the network (UI, the API's health endpoint, Keycloak's OIDC discovery and
// oauth2-proxy's sign-in), each link reported on its own so a failure names what broke.
import { KEYCLOAK_REALM } from "../catalogue/platform.js";
import { behindGateway, publicLoadBalancer } from "../config/app-gateway.js";
import { hostAddress, ingressDns } from "../config/ingress.js";
import type { Environment } from "../model/environment.js";
import type { Log, ProbeAnswer, SitePorts } from "./ports.js";

export type { ProbeAnswer, Resolver, SitePorts, SiteProbe } from "./ports.js";

export interface LinkResult {
  name: string;
  url: string;
  ok: boolean;
  detail: string;
}

export interface SiteReport {
  url: string;
  /** The addresses the host resolved to here; empty when it did not resolve. */
  resolved: string[];
  /** `skipped`: the host does not resolve from here, so nothing could be probed. */
  smoke: "passed" | "failed" | "skipped";
  /** Why the host may not resolve from here, when it did not. */
  unresolved?: string;
  links: LinkResult[];
}

/**
 * Why the host may not resolve from the runner: what answers for it, and from where. Behind the WAF the
 * gateway's listeners decide (network.ingress.internal puts them on its private address, else its public
 * one), whatever ingress-nginx's internal load balancer does; without it, the load balancer.
 */
export function unresolvedReason(env: Environment): string {
  const propagation = "a new record or zone delegation may take a while to reach every resolver";
  if (behindGateway(env))
    return env.network.ingress.internal
      ? "the WAF's listeners are on its private address: it answers inside the VNet and peered networks only"
      : `the host points at the WAF's public address; ${propagation}`;
  return publicLoadBalancer(env)
    ? `the host points at the ingress's public load balancer; ${propagation}`
    : "an internal ingress answers inside the VNet and peered networks only";
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function siteUrl(env: Environment): string {
  return `${env.network.ingress.tls ? "https" : "http"}://${env.network.ingress.host}`;
}

/** Where the sign-in gate sends a browser that has no session (nginx auth-signin). */
const toSignIn = (a: ProbeAnswer) =>
  (a.status === 302 || a.status === 303) && (a.location ?? "").includes("/oauth2/start");

interface Link {
  name: string;
  path: string;
  judge(answer: ProbeAnswer, base: string): string | undefined;
}

/** Each link's verdict: undefined when it answered as a healthy chain does, else what is wrong. */
const LINKS: readonly Link[] = [
  {
    name: "UI",
    path: "/",
    judge: (a) =>
      (a.status >= 200 && a.status < 300) || toSignIn(a)
        ? undefined
        : `answered ${a.status}${a.location ? ` → ${a.location}` : ""}, not the UI or the sign-in redirect`,
  },
  {
    // Behind oauth2-proxy like the UI: without a session the gate answers; with one, the API does.
    name: "API health",
    path: "/code-assistant-api/v1/healthcheck",
    judge: (a) =>
      (a.status >= 200 && a.status < 300) || a.status === 401 || toSignIn(a)
        ? undefined
        : `answered ${a.status}${a.location ? ` → ${a.location}` : ""}`,
  },
  {
    name: "Keycloak OIDC discovery",
    path: `/keycloak/realms/${KEYCLOAK_REALM}/.well-known/openid-configuration`,
    judge: (a, base) => {
      if (a.status !== 200) return `answered ${a.status}; realm ${KEYCLOAK_REALM} is not served at /keycloak`;
      let issuer: unknown;
      try {
        issuer = (JSON.parse(a.body) as { issuer?: unknown }).issuer;
      } catch {
        return "answered 200 but not with JSON";
      }
      const expected = `${base}/keycloak/realms/${KEYCLOAK_REALM}`;
      return issuer === expected
        ? undefined
        : `issuer is ${JSON.stringify(issuer)}, not ${expected} (Keycloak's KC_HOSTNAME): tokens would not validate`;
    },
  },
  {
    name: "sign-in (oauth2-proxy → Keycloak)",
    path: "/oauth2/start",
    judge: (a, base) => {
      const login = `${base}/keycloak/realms/${KEYCLOAK_REALM}/protocol/openid-connect/auth`;
      return a.status === 302 && (a.location ?? "").startsWith(login)
        ? undefined
        : `answered ${a.status}${a.location ? ` → ${a.location}` : ""}, not a redirect to ${login}`;
    },
  },
];

/** The record that should exist, as a line; `address` is the load balancer's, when known. */
export function recordLine(env: Environment, address: string | undefined): string {
  const dns = ingressDns(env);
  const target = address ?? "the ingress load balancer's address";
  const record = `A ${env.network.ingress.host} → ${target}`;
  if (dns.mode === "external") return `DNS (yours to keep): create ${record}`;
  return (
    `DNS: ${record}, in ${dns.zoneKind} zone ${dns.zone}` +
    `${dns.zoneResourceGroup ? ` (resource group ${dns.zoneResourceGroup})` : ""}`
  );
}

/** The ingress address this environment is pinned to when the file decides it (internal); undefined for a public IP. */
export function fixedAddress(env: Environment): string | undefined {
  const a = hostAddress(env);
  return a.kind === "private" ? a.ip : undefined;
}

export async function checkSite(
  env: Environment,
  address: string | undefined,
  ports: SitePorts,
  log: Log,
): Promise<SiteReport> {
  const base = siteUrl(env);
  const url = `${base}/`;
  log.info(`CodeMie: ${url}`);
  log.info(`  ${recordLine(env, address)}`);
  let resolved: string[] = [];
  try {
    resolved = await ports.resolver.lookup(env.network.ingress.host);
  } catch (error) {
    log.info(`  ${env.network.ingress.host} does not resolve from here: ${messageOf(error)}`);
  }
  if (resolved.length === 0) {
    const why = unresolvedReason(env);
    log.info(`  smoke check skipped: ${env.network.ingress.host} does not resolve from here (${why})`);
    return { url, resolved, smoke: "skipped", unresolved: why, links: [] };
  }
  const matches = address === undefined || resolved.includes(address);
  log.info(
    `  ${env.network.ingress.host} resolves to ${resolved.join(", ")}` +
      `${matches ? "" : `, not ${address}: the record points elsewhere`}`,
  );
  const target = resolved[0]!;
  const links: LinkResult[] = [];
  for (const link of LINKS) {
    const linkUrl = `${base}${link.path}`;
    let problem: string | undefined;
    try {
      problem = link.judge(await ports.probe.get(linkUrl, target), base);
    } catch (error) {
      problem = messageOf(error);
    }
    links.push({ name: link.name, url: linkUrl, ok: problem === undefined, detail: problem ?? "answers" });
    if (problem === undefined) log.info(`  ok: ${link.name} (${linkUrl})`);
    else log.error(`  failed: ${link.name} (${linkUrl}): ${problem}`);
  }
  const failed = links.filter((l) => !l.ok).length;
  if (failed === 0)
    log.info(`Smoke check passed: ${url} answers, and signing in leads to Keycloak realm ${KEYCLOAK_REALM}`);
  else
    log.error(`error: smoke check failed: ${failed} of ${links.length} link(s) of ${url} do not answer as they should`);
  return { url, resolved, smoke: failed === 0 ? "passed" : "failed", links };
}

/** The load balancer's address as the main deployment reports it (output ingressAddress). */
export function outputAddress(outputs: Record<string, unknown> | undefined): string | undefined {
  const value = outputs?.["ingressAddress"];
  return typeof value === "string" && /^\d{1,3}(\.\d{1,3}){3}$/.test(value) ? value : undefined;
}

/** A public zone the deploy created answers only once its parent delegates to these servers. */
export function delegationLines(env: Environment, outputs: Record<string, unknown> | undefined): string[] {
  const servers = outputs?.["ingressNameServers"];
  if (!Array.isArray(servers) || servers.length === 0) return [];
  const names = servers.filter((s): s is string => typeof s === "string" && /^[A-Za-z0-9.-]+$/.test(s));
  return [
    `  DNS: zone ${ingressDns(env).zone} answers once its parent zone delegates it (NS records) to ${names.join(", ")}`,
  ];
}
