// The managed egress firewall as bicep/modules/egress-firewall.bicep receives it: its names, tier
// and posture, and its policy's rules. The application rules are the allow-list of
// bicep/egress-fqdns.txt (egressHosts, one source for both), HTTPS from the node subnets only,
// plus Azure's AzureKubernetesService FQDN tag, which Microsoft keeps in step with AKS's own
// required hosts. Network rules carry what is not HTTPS to a host name: NTP, the SSH GitOps
// host, and, for a public API server, the node-to-control-plane tunnel (AKS egress docs, "Azure
// Global required network rules"; a private cluster reaches its API server inside the VNet).
import type { Environment } from "../../model/environment.js";
import { egressNextHop } from "../../config/egress-firewall.js";
import { egressHosts, repositoryHost } from "./egress-fqdns.js";

export interface FirewallApplicationRule {
  name: string;
  description: string;
  fqdns: string[];
  fqdnTags: string[];
}

export interface FirewallNetworkRule {
  name: string;
  description: string;
  protocols: ("TCP" | "UDP")[];
  /** IPs or service tags; empty when the rule names FQDNs (which the policy's DNS proxy resolves). */
  addresses: string[];
  fqdns: string[];
  ports: string[];
}

/** Azure's FQDN tag for AKS's required egress (Azure Firewall application rules). */
export const AKS_FQDN_TAG = "AzureKubernetesService";

/** Azure Firewall descriptions stop at 140 characters. */
const describe = (text: string): string => (text.length <= 140 ? text : `${text.slice(0, 137)}...`);

/** `*.hcp.westeurope.azmk8s.io` → `hcp-westeurope-azmk8s-io`: rule names are unique within the collection. */
const ruleName = (host: string): string =>
  host
    .replace(/^\*\./, "")
    .replace(/[^A-Za-z0-9-]+/g, "-")
    .slice(0, 80);

export function firewallApplicationRules(env: Environment): FirewallApplicationRule[] {
  const names = new Set<string>(); // the rule names of the hosts before
  return [
    {
      name: "aks-fqdn-tag",
      description: "AKS required egress as Azure keeps it (FQDN tag AzureKubernetesService)",
      fqdns: [],
      fqdnTags: [AKS_FQDN_TAG],
    },
    ...egressHosts(env).map((h, i) => {
      const name = ruleName(h.host);
      // Two hosts that differ only in punctuation would share a name: the later one is numbered.
      const taken = names.has(name);
      names.add(name);
      return { name: taken ? `${name}-${i}` : name, description: describe(h.why), fqdns: [h.host], fqdnTags: [] };
    }),
  ];
}

export function firewallNetworkRules(env: Environment): FirewallNetworkRule[] {
  const region = `AzureCloud.${env.azure.location}`;
  const rules: FirewallNetworkRule[] = [
    {
      name: "ntp",
      // By port, as AKS's table allows (*:123): the nodes' resolver and the firewall's need not
      // agree on the NTP pool's addresses.
      description: "AKS: NTP time synchronisation of the nodes",
      protocols: ["UDP"],
      addresses: ["*"],
      fqdns: [],
      ports: ["123"],
    },
  ];
  if (!env.network.privateCluster)
    rules.push(
      {
        name: "api-server-tunnel-udp",
        description: "AKS: node-to-control-plane tunnel of a public API server",
        protocols: ["UDP"],
        addresses: [region],
        fqdns: [],
        ports: ["1194"],
      },
      {
        name: "api-server-tunnel-tcp",
        description: "AKS: node-to-control-plane tunnel and pods reaching a public API server by address",
        protocols: ["TCP"],
        addresses: [region],
        fqdns: [],
        ports: ["9000", "443"],
      },
    );
  if (env.gitops.auth === "ssh")
    rules.push({
      name: "gitops-ssh",
      description: "Flux reads the GitOps repository over SSH",
      protocols: ["TCP"],
      addresses: [],
      fqdns: [repositoryHost(env.gitops.repository)],
      ports: ["22"],
    });
  return rules;
}

export function bicepEgressFirewall(env: Environment) {
  const fw = env.network.egressFirewall;
  if (fw.mode !== "managed") return undefined;
  const base = `${env.azure.namePrefix}-${env.name}`;
  return {
    name: `afw-${base}`,
    policyName: `afwp-${base}`,
    publicIpName: `pip-${base}-afw`,
    sku: fw.sku,
    // Production drops traffic to known-malicious addresses; elsewhere it is logged.
    threatIntelMode: env.production ? "Deny" : "Alert",
    privateIp: egressNextHop(env),
    sources: [env.network.subnets.system, env.network.subnets.workloads],
    applicationRules: firewallApplicationRules(env),
    networkRules: firewallNetworkRules(env),
  };
}
