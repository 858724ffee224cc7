// The inbound rules of each subnet's NSG. A subnet lets in what it serves and nothing else:
// web traffic to the nodes when the ingress is public (Azure's load balancer hands it to the node
// NICs, and a subnet NSG with only the default rules drops internet traffic), HTTPS to the private
// endpoints and 5432 to PostgreSQL from the node subnets only. Azure's default rules still admit
// its load balancer's probes (AllowAzureLoadBalancerInBound) below these priorities.
import type { Environment } from "../../model/environment.js";

export interface NsgRule {
  name: string;
  priority: number;
  access: "Allow" | "Deny";
  protocol: "Tcp" | "*";
  /** A service tag (Internet, VirtualNetwork), printed as sourceAddressPrefix. */
  sourceTag?: string;
  /** CIDRs, printed as sourceAddressPrefixes. */
  sourcePrefixes?: string[];
  destination: string;
  /** Empty: any port. */
  ports: string[];
}

export type SubnetRole = "system" | "workloads" | "postgres" | "privateEndpoints";

/** Who may reach the ingress on 80/443; empty when it is internal (reached from inside the VNet). */
export function ingressSources(env: Environment): string[] {
  return env.network.ingress.internal ? [] : (env.network.ingress.sourceRanges ?? ["Internet"]);
}

const source = (sources: string[]): Pick<NsgRule, "sourceTag" | "sourcePrefixes"> =>
  sources.length === 1 && sources[0] === "Internet" ? { sourceTag: "Internet" } : { sourcePrefixes: sources };

const DENY_REST_OF_VNET = (destination: string): NsgRule => ({
  name: "deny-vnet-inbound",
  priority: 4000,
  access: "Deny",
  protocol: "*",
  sourceTag: "VirtualNetwork",
  destination,
  ports: [],
});

export function nsgRules(env: Environment): Record<SubnetRole, NsgRule[]> {
  const { subnets } = env.network;
  const nodes = [subnets.system, subnets.workloads];
  const web = ingressSources(env);
  const ingress = (destination: string): NsgRule[] =>
    web.length === 0
      ? []
      : [
          {
            name: "allow-ingress-web",
            priority: 200,
            access: "Allow",
            protocol: "Tcp",
            ...source(web),
            destination,
            ports: ["80", "443"],
          },
        ];
  return {
    system: ingress(subnets.system),
    workloads: ingress(subnets.workloads),
    postgres: [
      {
        name: "allow-nodes-5432",
        priority: 200,
        access: "Allow",
        protocol: "Tcp",
        sourcePrefixes: nodes,
        destination: subnets.postgres,
        ports: ["5432"],
      },
      // High availability replicates between the servers inside the subnet.
      {
        name: "allow-within-subnet",
        priority: 300,
        access: "Allow",
        protocol: "*",
        sourcePrefixes: [subnets.postgres],
        destination: subnets.postgres,
        ports: [],
      },
      DENY_REST_OF_VNET(subnets.postgres),
    ],
    privateEndpoints: [
      {
        name: "allow-nodes-443",
        priority: 200,
        access: "Allow",
        protocol: "Tcp",
        sourcePrefixes: nodes,
        destination: subnets.privateEndpoints,
        ports: ["443"],
      },
      DENY_REST_OF_VNET(subnets.privateEndpoints),
    ],
  };
}
