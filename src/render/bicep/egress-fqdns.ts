// bicep/egress-fqdns.txt: the hosts a firewall must allow when the environment's egress goes
// through it (network.egressFirewall), one per line with the reason, for the team that owns a hub
// firewall; a managed firewall's application rules are the same list (egress-firewall.ts).
// Derived from the catalogues: AKS's list, the charts' repositories, the image registries,
// CodeMie's registry, and the GitOps repository's host.
import { COMPONENTS, type ChartRef, type Component, type ComponentKey } from "../../catalogue/components.js";
import { AKS_EGRESS, IMAGE_REGISTRIES, type EgressHost } from "../../catalogue/egress-fqdns.js";
import { ADDONS, CODEMIE_REGISTRY } from "../../catalogue/platform.js";
import type { Environment } from "../../model/environment.js";
import { isEnabled } from "../gitops/contract.js";

export const EGRESS_FQDNS_FILE = "egress-fqdns.txt";

// The catalogue's few chart URLs, parsed once per run rather than once per environment.
const hosts = new Map<string, string>();
const hostOf = (url: string): string => {
  let host = hosts.get(url);
  if (host === undefined) hosts.set(url, (host = new URL(url.replace(/^oci:\/\//, "https://")).hostname));
  return host;
};
/** https:// and ssh:// URLs, or scp-like `git@host:path`. */
export const repositoryHost = (repo: string): string =>
  /^[a-z+]+:\/\//.test(repo) ? new URL(repo).hostname : (/^[^@/]+@([^:/]+):/.exec(repo)?.[1] ?? repo);

export function egressHosts(env: Environment): EgressHost[] {
  const components: readonly Component[] = COMPONENTS;
  const charts: ChartRef[] = [
    ...ADDONS.map((a) => a.chart),
    ...components.flatMap((c) => (c.chart && isEnabled(env, c.key as ComponentKey) ? [c.chart] : [])),
  ];
  const chartHosts = charts.flatMap((c) =>
    c.repository ? [{ host: hostOf(c.repository), why: `Helm chart ${c.name}` }] : [],
  );
  const all: EgressHost[] = [
    ...AKS_EGRESS.map((h) => ({ ...h, host: h.host.replace("{location}", env.azure.location) })),
    ...chartHosts,
    ...IMAGE_REGISTRIES,
    { host: CODEMIE_REGISTRY.host, why: "CodeMie's charts and images" },
    { host: repositoryHost(env.gitops.repository), why: "the GitOps repository Flux reads" },
  ];
  // One line per host: the first reason kept, the others joined.
  const byHost = new Map<string, string[]>();
  for (const h of all) byHost.set(h.host, [...(byHost.get(h.host) ?? []), h.why]);
  return [...byHost]
    .map(([host, whys]) => ({ host, why: [...new Set(whys)].join("; ") }))
    .sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
}

export function egressFqdnsText(env: Environment, header: string): string {
  const lines = egressHosts(env).map((h) => `${h.host}  # ${h.why}`);
  return [header, "# Hosts the egress firewall must allow (TCP 443) for this environment's egress.", ...lines, ""].join(
    "\n",
  );
}
